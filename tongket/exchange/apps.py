"""Application config of the workbook import/export and the REST API."""

from __future__ import annotations

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "tongket.exchange"
    label = "exchange"
    verbose_name = "Trao đổi dữ liệu"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tongket.core import queue
        from tongket.exchange import jobs

        # A worker that starts, or takes a job, ends the imports a lost worker left running.
        queue.on_worker_check(jobs.end_lost_jobs)
