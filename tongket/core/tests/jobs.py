"""A queued job (an import or a file job) seen while it runs, as a worker reports it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Model
from django.utils import timezone

from tongket.core import queue
from tongket.core.models import JobStatus


def running(model: type[Model], pk: Any, done: int, total: int) -> None:
    """The job started 30 seconds ago on worker "w", which is alive and has done `done` of
    `total`."""
    queue.update_job(
        model,
        pk,
        status=JobStatus.RUNNING,
        worker="w",
        started_at=timezone.now() - timedelta(seconds=30),
    )
    queue.beat("w")
    queue.publish_progress(str(pk), done, total)
