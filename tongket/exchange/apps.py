"""Application config of the workbook import/export and the REST API."""

from __future__ import annotations

from django.apps import AppConfig

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExchangeConfig(AppConfig):
    name = "tongket.exchange"
    label = "exchange"
    verbose_name = "Trao đổi dữ liệu"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tongket.core import filejobs, queue
        from tongket.exchange import exporter, jobs

        # A worker that starts, or takes a job, ends the imports a lost worker left running.
        queue.on_worker_check(jobs.end_lost_jobs)
        filejobs.register(
            filejobs.Kind(
                name="export",
                label="Xuất dữ liệu ra tệp Excel",
                content_type=XLSX,
                make=exporter.export_job,
            )
        )
