from __future__ import annotations

from django.apps import AppConfig


class CriteriaConfig(AppConfig):
    name = "tongket.criteria"
    label = "criteria"
    verbose_name = "Bộ tiêu chí chấm điểm"
