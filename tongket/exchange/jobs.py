"""Running import jobs: small files in the request, larger ones queued for `tongket worker` (a
separate process; tongket.core.queue). The job's row is the user's record of it; while the
import's transaction is open, its progress and a request to cancel it go through the queue's
shared cache. A job whose worker is lost ends failed (its transaction was never committed, so
nothing of it was written). See docs/import-format.md and docs/deployment.md."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from tongket.audit.services import record_event
from tongket.core import logs, queue
from tongket.exchange.importer import run_import
from tongket.exchange.models import ImportJob, JobStatus

logger = logging.getLogger(__name__)

# Files up to this size run inside the request: a few thousand rows take seconds.
INLINE_BYTES = 256 * 1024

ERROR = "error"


def runs_inline(job: ImportJob) -> bool:
    limit = getattr(settings, "TONGKET_IMPORT_INLINE_BYTES", INLINE_BYTES)
    return len(job.content) <= limit


def queue_unless_small(job: ImportJob) -> bool:
    """Queue a large job for the worker (in the caller's transaction, so the job and its place in
    the queue are written together); True if it is small and the caller runs it now, after
    committing (`run_job`)."""
    if runs_inline(job):
        return True
    # The request's id goes with the job: the worker's log lines of it carry it too.
    import_task.enqueue(str(job.pk), logs.request_id.get())
    return False


@task(takes_context=True)
def import_task(context: Any, job_id: str, request_id: str = "") -> None:
    queue.run_in_worker(context, request_id, lambda worker: run_job(uuid.UUID(job_id), worker))


def request_cancel(job: ImportJob) -> None:
    """Ask the worker running `job` to stop (it checks between rows)."""
    queue.request_cancel(str(job.pk))


def _set(job_id: uuid.UUID, only_if: str | None = None, **fields: Any) -> bool:
    """Update the job's row, tried again while SQLite is locked (tongket.core.queue)."""
    return queue.update_job(ImportJob, job_id, only_if, **fields)


FAILED_SUMMARY = (
    "Không xử lý được tệp do sự cố hệ thống; không có gì được ghi. Hãy thử lại hoặc báo quản trị "
    "(mã lần nhập {job_id})."
)


def _fail(job_id: uuid.UUID) -> None:
    """The job's final state after any unexpected error: failed, with a message for the page."""
    summary = FAILED_SUMMARY.format(job_id=job_id)
    _set(
        job_id,
        status=JobStatus.FAILED,
        error=ERROR,
        report={"summary": summary, "error_count": 1, "problems": [], "outcomes": []},
        finished_at=timezone.now(),
    )


def run_job(job_id: uuid.UUID, worker: str = "") -> None:
    """Run a pending job to a final state (done with its report, cancelled, or failed with a
    message, whatever happens on the way; the report is bounded, see `ImportReport.as_dict`):
    the worker's task, or the request itself for a small file. A job that is no longer pending
    (cancelled before it started, or taken already) is left alone."""
    key = str(job_id)
    if not queue.take_job(ImportJob, job_id, worker):
        return
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    started = time.perf_counter()
    log = {"job_id": key, "user_id": job.user_id}
    logger.info("import job started", extra=log)
    publish = queue.progress_reporter(key)
    try:
        report = run_import(
            bytes(job.content),
            actor=job.user,
            dry_run=job.dry_run,
            progress=publish,
            filename=job.filename,
        )
        done_total = queue.progress(key)
        total = done_total[1] if done_total else 0
        _set(
            job_id,
            status=JobStatus.DONE,
            report=report.as_dict(),
            done=total,
            total=total,
            finished_at=timezone.now(),
        )
    except queue.Cancelled:
        _cancelled(job)
        logger.info("import job cancelled", extra=log)
        return
    except Exception:
        logger.exception("import job %s failed", job_id, extra=log)
        _fail(job_id)
        return
    finally:
        queue.forget_job(key)
    queue.log_done(logger, "import job done", log, started)


@transaction.atomic
def _cancelled(job: ImportJob) -> None:
    """A running job stopped at its owner's request (its import rolled back); audited."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.CANCELLED, finished_at=timezone.now()
    )
    record_event(
        actor=job.user,
        action="import.cancel",
        object_type="import_job",
        object_id=str(job.pk),
        summary=f"Hủy khi đang chạy: {job.filename}",
        after={"filename": job.filename, "dry_run": job.dry_run, "running": True},
    )


def end_if_lost(job: ImportJob) -> bool:
    """End a running job whose process is gone (its worker stopped beating, or the request that
    ran a small file died); whether it was ended. Its transaction never committed."""
    ended = queue.fail_if_lost(ImportJob, job)
    if ended:
        queue.forget_job(str(job.pk))
        logger.warning("import job lost its worker", extra={"job_id": str(job.pk)})
        job.refresh_from_db()
    return ended


def end_lost_jobs() -> None:
    """The worker's check (tongket.core.queue.on_worker_check): every running job whose
    process is gone ends failed."""
    for job in ImportJob.objects.filter(status=JobStatus.RUNNING).defer("content", "report"):
        end_if_lost(job)
