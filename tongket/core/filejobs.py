"""Queued jobs whose result is a file (a large export, the slips of accounts made in bulk, the
documents of a subtree), run by `tongket worker` (tongket.core.queue) for the user who asked.

An app registers a kind of job (`register` in its AppConfig.ready) with the function that makes
the file. A job:
- reads with the scope its owner had when asking (the organization paths are kept on the job):
  if that scope changed meanwhile (a grant withdrawn), it makes nothing;
- runs in one transaction with its file: the file is written beside its final name and put in
  place just before the commit that marks the job done, so a job cancelled, failed or killed
  leaves neither a half file nor half its writes (accounts made in bulk: all or none);
- reports done/total through the queue's shared cache, and stops at its owner's request;
- keeps its file under TONGKET_JOB_FILES_DIR for TONGKET_JOB_FILES_DAYS days, for its owner
  only; the worker deletes expired files and any file no finished job owns.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.models import User as AuthUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from tongket.accounts.scope import User, scope_for
from tongket.audit.services import record_event
from tongket.core import logs, queue
from tongket.core.errors import DomainError, NotFound
from tongket.core.models import FileJob, JobStatus

logger = logging.getLogger(__name__)

SCOPE_CHANGED = "scope_changed"
ERROR = "error"

# Tells the job's progress (done, total); raises queue.Cancelled when its owner asked to stop.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Made:
    """What a job's function made: the file's name for the download (its bytes are in the file
    it was given) and a line for the job's page."""

    filename: str
    summary: str = ""


@dataclass(frozen=True)
class Kind:
    """A kind of file job: its name, what the page calls it, the file's media type, the
    function that writes the file (the owner, the job's parameters, the file, progress), and
    the permission its file needs besides the read scope, checked again at each download (the
    owner and the job's parameters; None: the read scope is enough)."""

    name: str
    label: str
    content_type: str
    make: Callable[[AbstractBaseUser, Mapping[str, Any], IO[bytes], Progress], Made]
    may_download: Callable[[AbstractBaseUser, Mapping[str, Any]], bool] | None = None


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _kinds[kind.name] = kind


def kind_of(job: FileJob) -> Kind:
    return _kinds[job.kind]


def label_of(job: FileJob) -> str:
    """What the job's page calls it («Xuất toàn bộ dữ liệu»)."""
    return _kinds[job.kind].label if job.kind in _kinds else job.kind


def files_dir() -> Path:
    folder = Path(settings.TONGKET_JOB_FILES_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def result_path(job: FileJob | uuid.UUID) -> Path:
    return files_dir() / str(job.pk if isinstance(job, FileJob) else job)


def _part_path(job_id: uuid.UUID) -> Path:
    return files_dir() / f"{job_id}.part"


def _scope_paths(actor: User | None) -> list[str]:
    scope = scope_for(actor)
    return ["*"] if scope.is_superuser else list(scope.read_paths)


# ---- services: start and cancel (each one transaction, audited)


def start(
    *,
    actor: AuthUser,
    kind: str,
    params: Mapping[str, Any],
    summary: str,
    join_unfinished: bool = False,
) -> FileJob:
    """Queue a job of `kind` for `actor`, with the scope they have now; audited. With
    `join_unfinished` (a link followed again: a reload, a double click), the actor's job of the
    same kind and parameters still waiting or running is answered instead of a new one."""
    if kind not in _kinds:
        raise NotFound(f"Không có loại việc «{kind}».")
    if join_unfinished:
        scope = _scope_paths(actor)
        for waiting in own_jobs(actor, kind).filter(
            status__in=(JobStatus.PENDING, JobStatus.RUNNING)
        ):
            if waiting.params == dict(params) and list(waiting.scope) == scope:
                return waiting
    with transaction.atomic():
        job = FileJob.objects.create(
            user=actor, kind=kind, params=dict(params), scope=_scope_paths(actor)
        )
        record_event(
            actor=actor,
            action="job.start",
            object_type="file_job",
            object_id=str(job.pk),
            summary=summary,
            after={"kind": kind, "params": dict(params)},
        )
        file_task.enqueue(str(job.pk), logs.request_id.get())
    return job


def cancel(*, actor: AbstractBaseUser, job: FileJob) -> None:
    """Cancel the actor's own job: a waiting one at once (audited), a running one is asked to
    stop (its worker rolls back and records it). A finished job cannot be cancelled."""
    if job.user_id != actor.pk:
        raise NotFound("Không có việc này.")
    if job.status == JobStatus.RUNNING:
        # No write here: on SQLite the running job holds the database's write lock.
        queue.request_cancel(str(job.pk))
        return
    with transaction.atomic():
        if not FileJob.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(
            status=JobStatus.CANCELLED, finished_at=timezone.now()
        ):
            raise DomainError(
                "Việc này đã xong, không hủy được nữa.",
                field="job",
                rule="core.job.cancel_finished",
            )
        _record_cancel(job, running=False)


def _record_cancel(job: FileJob, *, running: bool) -> None:
    record_event(
        actor=job.user,
        action="job.cancel",
        object_type="file_job",
        object_id=str(job.pk),
        summary=f"Hủy việc chạy nền: {label_of(job)}",
        after={"kind": job.kind, "running": running},
    )


# ---- reads: the owner's jobs and files


def own_job(actor: AbstractBaseUser, job_id: uuid.UUID | str) -> FileJob:
    """The actor's own job; another user's (whoever they are) is missing, like a missing one."""
    found = FileJob.objects.filter(pk=job_id, user_id=actor.pk).first()
    if found is None:
        raise NotFound("Không có việc này.")
    return found


def own_jobs(actor: AbstractBaseUser, kind: str | None = None) -> QuerySet[FileJob]:
    """The actor's own jobs (of one kind, or all), newest first: «Việc của tôi»."""
    jobs = FileJob.objects.filter(user_id=actor.pk).order_by("-created_at")
    return jobs.filter(kind=kind) if kind is not None else jobs


def labelled(jobs: Iterable[FileJob]) -> list[tuple[FileJob, str]]:
    """Jobs with what their pages call them, for a list of jobs."""
    return [(job, label_of(job)) for job in jobs]


def same_scope(job: FileJob, user: User | None) -> bool:
    """Whether the owner still has the scope they had when asking (else: nothing for them)."""
    return bool(getattr(user, "is_active", False)) and _scope_paths(user) == list(job.scope)


def own_file(actor: AbstractBaseUser, job_id: uuid.UUID | str) -> tuple[FileJob, Path]:
    """The finished job's file, for its owner while they keep the job's scope and the
    permission its kind needs (Kind.may_download), and the file has not expired; anything else
    is missing."""
    job = own_job(actor, job_id)
    path = result_path(job)
    kind = _kinds.get(job.kind)
    if (
        job.status != JobStatus.DONE
        or kind is None
        or not same_scope(job, actor)
        or (kind.may_download is not None and not kind.may_download(actor, job.params))
        or job.expires_at is None
        or job.expires_at <= timezone.now()
        or not path.is_file()
    ):
        raise NotFound("Không có tệp này.")
    return job, path


# ---- the worker's side


@task(takes_context=True)
def file_task(context: Any, job_id: str, request_id: str = "") -> None:
    queue.run_in_worker(context, request_id, lambda worker: run_job(uuid.UUID(job_id), worker))


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _end(job_id: uuid.UUID, status: str, error: str = "", message: str = "") -> None:
    queue.update_job(
        FileJob,
        job_id,
        status=status,
        error=error,
        message=message,
        finished_at=timezone.now(),
    )


def run_job(job_id: uuid.UUID, worker: str = "") -> None:
    """Run a pending job to a final state: done with its file, cancelled, or failed with a
    message (no file either way). A job no longer pending (cancelled, or taken) is left alone."""
    key = str(job_id)
    if not queue.take_job(FileJob, job_id, worker):
        return
    job = FileJob.objects.select_related("user").get(pk=job_id)
    log = {"job_id": key, "user_id": job.user_id, "kind": job.kind}
    started = time.perf_counter()
    logger.info("file job started", extra=log)
    # The owner as they are now: a fresh object, so their scope is read afresh.
    owner = get_user_model().objects.get(pk=job.user_id)
    if not same_scope(job, owner):
        _end(
            job_id,
            JobStatus.FAILED,
            SCOPE_CHANGED,
            "Quyền xem của bạn đã thay đổi từ khi yêu cầu; không tạo tệp nào. Hãy yêu cầu lại.",
        )
        logger.info("file job refused: scope changed", extra=log)
        return
    kind = kind_of(job)
    part, final = _part_path(job_id), result_path(job_id)
    publish = queue.progress_reporter(key)
    try:
        with transaction.atomic():
            with part.open("wb") as file:
                made = kind.make(owner, job.params, file, publish)
                file.flush()
                os.fsync(file.fileno())
            size = part.stat().st_size
            done_total = queue.progress(key) or (1, 1)
            now = timezone.now()
            # In place just before the commit that says so: a job never done has no file.
            os.replace(part, final)
            FileJob.objects.filter(pk=job_id).update(
                status=JobStatus.DONE,
                done=done_total[1],
                total=done_total[1],
                filename=made.filename[:255],
                content_type=kind.content_type,
                message=made.summary,
                size=size,
                finished_at=now,
                expires_at=now + timedelta(days=settings.TONGKET_JOB_FILES_DAYS),
            )
    except queue.Cancelled:
        _remove(part, final)
        with transaction.atomic():
            FileJob.objects.filter(pk=job_id).update(
                status=JobStatus.CANCELLED, finished_at=timezone.now()
            )
            _record_cancel(job, running=True)
        logger.info("file job cancelled", extra=log)
        return
    except DomainError as exc:  # refused by the product's rules: the message says why
        _remove(part, final)
        _end(job_id, JobStatus.FAILED, exc.rule[:60], exc.message)
        return
    except Exception:
        _remove(part, final)
        logger.exception("file job %s failed", job_id, extra=log)
        _end(
            job_id,
            JobStatus.FAILED,
            ERROR,
            f"Không làm được việc này do sự cố hệ thống; không có gì được ghi (mã việc {job_id}).",
        )
        return
    finally:
        queue.forget_job(key)
    queue.log_done(logger, "file job done", log, started)


def end_if_lost(job: FileJob) -> bool:
    """End a running job whose worker is gone (failed, its transaction never committed and its
    file removed); whether it was ended."""
    ended = queue.fail_if_lost(FileJob, job)
    if ended:
        _remove(_part_path(job.pk), result_path(job.pk))
        queue.forget_job(str(job.pk))
        logger.warning("file job lost its worker", extra={"job_id": str(job.pk)})
        job.refresh_from_db()
    return ended


def clean_up_check() -> None:
    """`clean_up` as the worker's check (tongket.core.queue.on_worker_check)."""
    clean_up()


def clean_up() -> int:
    """The worker's check: running jobs of lost workers end failed; expired files, and files no
    finished job owns (left by a killed worker), are deleted. The count of files deleted."""
    for job in FileJob.objects.filter(status=JobStatus.RUNNING):
        end_if_lost(job)
    now = timezone.now()
    removed = 0
    folder = files_dir()
    kept = {
        str(pk)
        for pk in FileJob.objects.filter(status=JobStatus.DONE, expires_at__gt=now).values_list(
            "pk", flat=True
        )
    }
    writing = {
        f"{pk}.part"
        for pk in FileJob.objects.filter(status=JobStatus.RUNNING).values_list("pk", flat=True)
    }
    for path in folder.iterdir():
        if path.name not in kept and path.name not in writing:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
