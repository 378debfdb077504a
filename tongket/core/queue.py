"""The job queue every app shares. Long work is queued in the database with django-tasks (its
database backend, the same on SQLite and PostgreSQL) and run by `tongket worker`, a process of
its own (docs/deployment.md, "Tiến trình nền").

A running job writes all it changes in one transaction (an import: all rows or none), so what it
tells the web processes meanwhile cannot go through the database: on SQLite that transaction even
holds the only write lock. It goes through the `jobs` cache, which every process shares (a Redis
server, or files under the data folder):

- each worker's heartbeat: a worker not heard from for TONGKET_WORKER_TIMEOUT seconds is gone,
  and the jobs it was running are ended by the hooks apps register with `on_worker_check` (run
  when a worker starts and before each job it takes), and by a job's page;
- the progress (done, total) of a running job, and a request to cancel it.

Commands run as jobs too (`enqueue_command`): an app registers the management commands that may
be queued (`register_command("digest")` in its AppConfig.ready); the worker runs them with
`call_command`. That is the hook for e-mail digests and other periodic or long commands.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.management import call_command
from django.db import OperationalError
from django.db.models import Model
from django.utils import timezone
from django_tasks import task

from tongket.core import logs
from tongket.core.models import JobStatus

logger = logging.getLogger(__name__)


def _timeout() -> int:
    return int(getattr(settings, "TONGKET_WORKER_TIMEOUT", 30))


# A job's progress and cancel request outlive any job (a day), then the cache forgets them.
NOTE_TTL = 24 * 3600


class Cancelled(Exception):
    """Raised inside a running job whose owner asked to cancel it: its transaction rolls back."""


class WorkerLost(Exception):
    """The worker that was running a job stopped (killed, restarted, the machine went down)."""


def notes() -> BaseCache:
    return caches["jobs"]


# ---- worker heartbeats


def _alive_key(worker_id: str) -> str:
    return f"worker:{worker_id}"


def beat(worker_id: str) -> None:
    now = timezone.now().isoformat()
    notes().set_many({_alive_key(worker_id): now, "worker:any": now}, _timeout())


def any_worker_alive() -> bool:
    """Whether some worker was heard from lately (a waiting job's page says when none is)."""
    return notes().get("worker:any") is not None


def worker_alive(worker_id: str) -> bool:
    return bool(worker_id) and notes().get(_alive_key(worker_id)) is not None


def forget_worker(worker_id: str) -> None:
    notes().delete(_alive_key(worker_id))


class Heartbeat:
    """A thread of the worker process that says every few seconds that the worker is alive. It
    touches only the cache, never the database, so a long transaction does not silence it."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.every = max(0.5, _timeout() / 6)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def start(self) -> None:
        beat(self.worker_id)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every + 1)
        forget_worker(self.worker_id)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                beat(self.worker_id)
            except Exception:  # a cache hiccup must not kill the worker; the next beat retries
                logger.exception("worker heartbeat failed")


# ---- progress and cancellation of one job (keyed by the job's id)


def publish_progress(job_key: str, done: int, total: int) -> None:
    notes().set(f"progress:{job_key}", (done, total), NOTE_TTL)


def progress(job_key: str) -> tuple[int, int] | None:
    found = notes().get(f"progress:{job_key}")
    return (int(found[0]), int(found[1])) if found else None


def request_cancel(job_key: str) -> None:
    notes().set(f"cancel:{job_key}", True, NOTE_TTL)


def cancel_requested(job_key: str) -> bool:
    return bool(notes().get(f"cancel:{job_key}"))


def forget_job(job_key: str) -> None:
    notes().delete_many([f"progress:{job_key}", f"cancel:{job_key}"])


def progress_reporter(job_key: str) -> Callable[[int, int], None]:
    """The progress callback a running job's work is given: it publishes (done, total) and
    raises `Cancelled` once the job's owner asked to stop."""

    def report(done: int, total: int) -> None:
        publish_progress(job_key, done, total)
        if cancel_requested(job_key):
            raise Cancelled

    return report


def job_progress(job: Any) -> tuple[int, int]:
    """A job row's (done, total): what its worker published while it runs, else its row's."""
    if job.status == JobStatus.RUNNING:
        published = progress(str(job.pk))
        if published is not None:
            return published
    return int(job.done), int(job.total)


def job_remaining(job: Any) -> timedelta | None:
    """How much longer a job row's work takes at its pace so far."""
    done, total = job_progress(job)
    return remaining(job.started_at, done, total)


def remaining(started: datetime | None, done: int, total: int) -> timedelta | None:
    """How much longer a job takes at the pace it has kept so far (None before any progress)."""
    if started is None or done <= 0 or total <= done:
        return None
    elapsed = (timezone.now() - started).total_seconds()
    return timedelta(seconds=elapsed * (total - done) / done)


def remaining_text(left: timedelta | None) -> str:
    """«còn khoảng 3 phút», in whole seconds under a minute and whole minutes above."""
    if left is None:
        return ""
    seconds = int(left.total_seconds()) + 1
    if seconds < 60:
        return f"còn khoảng {seconds} giây"
    return f"còn khoảng {round(seconds / 60)} phút"


# ---- the rows that record jobs (an app's job model: ImportJob, FileJob)


def update_job(model: type[Model], pk: Any, only_if: str | None = None, **fields: Any) -> bool:
    """Update a job's row (only while its status is `only_if`, when given); whether it was.
    On SQLite a writer in another thread or process can hold the database for a moment and the
    update fails with "locked": it is tried again, so a job never stays "pending" or "running"
    for ever. Only the bookkeeping of a job is retried, never its work."""
    rows = model.objects.filter(pk=pk)  # type: ignore[attr-defined]
    if only_if is not None:
        rows = rows.filter(status=only_if)
    for attempt in range(8):
        try:
            return bool(rows.update(**fields))
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == 7:
                raise
            time.sleep(0.05 * 2**attempt)
    return False  # pragma: no cover - the loop returns or raises


def take_job(model: type[Model], pk: Any, worker: str) -> bool:
    """Mark a pending job running in `worker` (empty: the request itself); whether it was still
    pending (a job cancelled before it started, or taken already, is left alone)."""
    return update_job(
        model,
        pk,
        only_if=JobStatus.PENDING,
        status=JobStatus.RUNNING,
        worker=worker,
        started_at=timezone.now(),
    )


def log_done(log: logging.Logger, message: str, extra: dict[str, Any], started: float) -> None:
    """Log a job's end with how long it ran since `started` (a `time.perf_counter()`)."""
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    log.info(message, extra={**extra, "duration_ms": duration_ms})


# The error of a job whose process went away while it ran.
WORKER_LOST = "worker_lost"


def fail_if_lost(model: type[Model], job: Any) -> bool:
    """Fail a running job whose process is gone (`process_gone`); whether it was failed now.
    Its transaction never committed; what else it leaves behind is its app's to clean."""
    if job.status != JobStatus.RUNNING or not process_gone(job.worker, job.started_at):
        return False
    return update_job(
        model,
        job.pk,
        only_if=JobStatus.RUNNING,
        status=JobStatus.FAILED,
        error=WORKER_LOST,
        finished_at=timezone.now(),
    )


def status_context(job: Any) -> dict[str, Any]:
    """What a job's page and its polled status fragment show of any job row: whether it still
    runs or waits without a worker, whether its worker was lost, its progress and time left."""
    done, total = job_progress(job)
    return {
        "job": job,
        "running": job.status in (JobStatus.PENDING, JobStatus.RUNNING),
        "waiting_without_worker": job.status == JobStatus.PENDING and not any_worker_alive(),
        "worker_lost": job.status == JobStatus.FAILED and job.error == WORKER_LOST,
        "remaining": remaining_text(job_remaining(job)),
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else 0,
    }


# A job run inside a request that is still "running" after this long lost its process.
INLINE_LOST_AFTER = timedelta(minutes=15)


def process_gone(worker: str, started_at: datetime | None) -> bool:
    """Whether the process running a job is gone: its worker stopped beating, or (no worker:
    the request ran it) it started long ago."""
    if worker:
        return not worker_alive(worker)
    return started_at is not None and timezone.now() - started_at >= INLINE_LOST_AFTER


# ---- what the worker checks: jobs of workers that are gone


_worker_checks: list[Callable[[], None]] = []


def on_worker_check(check: Callable[[], None]) -> None:
    """Register a check the worker runs when it starts and before each job (an app ends there
    the jobs of its own that a lost worker left running)."""
    if check not in _worker_checks:
        _worker_checks.append(check)


def run_worker_checks() -> None:
    reap_lost_tasks()
    for check in _worker_checks:
        check()


def reap_lost_tasks() -> int:
    """The queue's own rows that a lost worker left running are marked failed."""
    from django_tasks_db.models import DBTaskResult

    lost = 0
    for result in DBTaskResult.objects.running():
        workers = result.worker_ids or [""]
        if not worker_alive(str(workers[-1])):
            result.set_failed(WorkerLost(f"worker {workers[-1]} stopped"))
            lost += 1
    return lost


# ---- management commands as jobs


_commands: set[str] = set()


def register_command(name: str) -> None:
    """Allow the management command `name` to be queued (e.g. the e-mail digest's command)."""
    _commands.add(name)


def queued_commands() -> frozenset[str]:
    return frozenset(_commands)


@task()
def run_command(name: str, args: list[str], options: dict[str, Any]) -> None:
    if name not in _commands:
        raise ValueError(f"command {name!r} may not be queued (register_command)")
    logger.info("queued command started", extra={"command": name})
    call_command(name, *args, **options)


def enqueue_command(name: str, *args: str, **options: Any) -> str:
    """Queue `tongket NAME ARGS...` for the worker; the id of its row in the queue."""
    if name not in _commands:
        raise ValueError(f"command {name!r} may not be queued (register_command)")
    result = run_command.enqueue(name, list(args), options)
    return str(result.id)


def run_in_worker(context: Any, request_id: str, run: Callable[[str], None]) -> None:
    """A queued job's body: `run(worker_id)` under the request id of the page that queued it."""
    worker_ids = context.task_result.worker_ids
    token = logs.request_id.set(request_id)
    try:
        run(str(worker_ids[-1]) if worker_ids else "")
    finally:
        logs.request_id.reset(token)
