from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tongket.core"
    label = "core"

    def ready(self) -> None:
        from tongket.core import filejobs, queue

        # The worker ends file jobs of lost workers and deletes expired files.
        queue.on_worker_check(filejobs.clean_up_check)
