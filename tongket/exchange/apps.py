"""Application config of the workbook import/export and the REST API."""

from __future__ import annotations

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "tongket.exchange"
    label = "exchange"
    verbose_name = "Trao đổi dữ liệu"
    default_auto_field = "django.db.models.BigAutoField"
