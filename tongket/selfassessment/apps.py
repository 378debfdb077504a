from __future__ import annotations

from django.apps import AppConfig


class SelfAssessmentConfig(AppConfig):
    name = "tongket.selfassessment"
    label = "selfassessment"
    verbose_name = "Bản tự kiểm điểm (Mẫu 01, 2A, 2B, 2C)"
