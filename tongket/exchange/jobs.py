"""Running import jobs: small files in the request, large ones in a background thread whose
progress the upload page polls (one process only; see docs/import-format.md)."""

from __future__ import annotations

import contextvars
import logging
import threading
import time
import uuid
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection
from django.utils import timezone

from tongket.exchange.importer import run_import
from tongket.exchange.models import ImportJob, JobStatus

logger = logging.getLogger(__name__)

# Files up to this size run inside the request: a few thousand rows take seconds.
INLINE_BYTES = 256 * 1024

# The import runs in one transaction, so its progress cannot be committed to the job row while
# it runs; the thread publishes it here and the status view reads it (same process only).
_progress: dict[uuid.UUID, tuple[int, int]] = {}
_lock = threading.Lock()


def progress_of(job: ImportJob) -> tuple[int, int]:
    with _lock:
        return _progress.get(job.pk, (job.done, job.total))


def start_job(job: ImportJob) -> None:
    """Run the job now if the file is small, else in a thread; the caller redirects to its page."""
    limit = getattr(settings, "TONGKET_IMPORT_INLINE_BYTES", INLINE_BYTES)
    if len(job.content) <= limit:
        run_job(job.pk)
        return
    # The thread carries the request's context: its log lines keep the request id.
    context = contextvars.copy_context()
    thread = threading.Thread(target=context.run, args=(_run_in_thread, job.pk), daemon=True)
    thread.start()


def _run_in_thread(job_id: uuid.UUID) -> None:
    try:
        run_job(job_id)
    finally:
        connection.close()


def _set(job_id: uuid.UUID, **fields: Any) -> None:
    """Update the job's row. On SQLite a writer in another thread (the web request that started
    the job, a status poll) can hold the table for a moment and the update fails at once with
    "locked" instead of waiting: it is tried again, so a job never stays "pending" or "running"
    for ever. Only the bookkeeping of the job is retried, never the import."""
    for attempt in range(8):
        try:
            ImportJob.objects.filter(pk=job_id).update(**fields)
            return
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == 7:
                raise
            time.sleep(0.05 * 2**attempt)


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
        report={"summary": summary, "error_count": 1, "problems": [], "outcomes": []},
        finished_at=timezone.now(),
    )


def run_job(job_id: uuid.UUID) -> None:
    """Run one job to a final state: done with its report, or failed with a message, whatever
    happens on the way (the report is bounded, see `ImportReport.as_dict`)."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    _set(job_id, status=JobStatus.RUNNING)
    started = time.perf_counter()
    logger.info("import job started", extra={"job_id": str(job_id), "user_id": job.user_id})

    def publish(done: int, total: int) -> None:
        with _lock:
            _progress[job_id] = (done, total)

    try:
        report = run_import(
            bytes(job.content),
            actor=job.user,
            dry_run=job.dry_run,
            progress=publish,
            filename=job.filename,
        )
        with _lock:
            _done, total = _progress.get(job_id, (0, 0))
        _set(
            job_id,
            status=JobStatus.DONE,
            report=report.as_dict(),
            done=total,
            total=total,
            finished_at=timezone.now(),
        )
    except Exception:
        logger.exception("import job %s failed", job_id)
        _fail(job_id)
        return
    finally:
        with _lock:
            _progress.pop(job_id, None)
    logger.info(
        "import job done",
        extra={
            "job_id": str(job_id),
            "user_id": job.user_id,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
