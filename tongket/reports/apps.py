from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tongket.reports"
    label = "reports"

    def ready(self) -> None:
        from tongket.core import filejobs
        from tongket.reports import subtree

        filejobs.register(
            filejobs.Kind(
                name=subtree.JOB_KIND,
                label="Lập văn bản cho các tổ chức cấp dưới",
                content_type=subtree.ZIP,
                make=subtree.documents_job,
            )
        )
