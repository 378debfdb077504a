from __future__ import annotations

from django.apps import AppConfig


class DossierConfig(AppConfig):
    name = "tongket.dossier"
    label = "dossier"
    verbose_name = "Hồ sơ kiểm điểm, đánh giá, xếp loại (Điều 17, Mẫu 04)"
