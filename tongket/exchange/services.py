"""Writes of the exchange app, each audited: import jobs (an uploaded workbook checked, then
applied, or cancelled) and API tokens for integrations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User as AuthUser
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tongket.accounts.scope import User, scope_for
from tongket.audit.services import record_event
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.core.lookups import first_or_not_found
from tongket.exchange import jobs
from tongket.exchange.models import ImportJob, JobStatus
from tongket.people.permissions import can_write_somewhere


def may_import(actor: User | None) -> bool:
    """Importing needs a write grant somewhere (each row is then checked against the scope)."""
    return can_write_somewhere(scope_for(actor))


def start_import(*, actor: AuthUser, filename: str, content: bytes) -> ImportJob:
    """A new import job that checks the file (a dry run), started; audited."""
    if not may_import(actor):
        raise PermissionDenied("Bạn chỉ có quyền xem, không nhập được dữ liệu.")
    return _start(
        actor,
        "import.check",
        "Kiểm tra tệp Excel",
        lambda: ImportJob.objects.create(
            user=actor, filename=(filename or "tep.xlsx")[:255], content=content, dry_run=True
        ),
    )


def apply_checked_import(*, actor: AuthUser, checked: ImportJob) -> ImportJob:
    """A real run of a checked file (the same bytes, all rows or none), started; the check
    points at it so it is applied at most once; audited. The caller has checked that the
    check may be applied (its own job, done, without errors, not applied yet)."""

    def create() -> ImportJob:
        locked = ImportJob.objects.select_for_update().get(pk=checked.pk, user=actor)
        if locked.applied_as_id is not None:
            raise DomainError(
                "Tệp này đã được nhập.", field="job", rule="exchange.import.already_applied"
            )
        real = ImportJob.objects.create(
            user=actor, filename=locked.filename, content=bytes(locked.content), dry_run=False
        )
        locked.applied_as = real
        locked.save(update_fields=["applied_as"])
        return real

    return _start(actor, "import.apply", "Nhập tệp Excel", create)


def _start(
    actor: AuthUser, action: str, summary: str, create: Callable[[], ImportJob]
) -> ImportJob:
    """Create a job, audit it and queue it in one transaction; a small file's job then runs at
    once, in the request (jobs.queue_unless_small)."""
    with transaction.atomic():
        job = create()
        record_event(actor=actor, action=action, **_job_event(job, summary))
        inline = jobs.queue_unless_small(job)
    if inline:
        jobs.run_job(job.pk)
    return job


def cancel_import(*, actor: AuthUser, job: ImportJob) -> None:
    """Cancel the actor's own job. A waiting one is cancelled at once (audited); a running one is
    asked to stop: its worker rolls its transaction back at the next rows, then records it. A
    finished job cannot be cancelled."""
    if job.user_id != actor.pk:
        raise NotFound("Không có việc này.")
    if job.status == JobStatus.RUNNING:
        # No write here: on SQLite the running import holds the database's write lock.
        jobs.request_cancel(job)
        return
    with transaction.atomic():
        cancelled = ImportJob.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(
            status=JobStatus.CANCELLED, finished_at=timezone.now()
        )
        if not cancelled:
            raise DomainError(
                "Việc này đã xong, không hủy được nữa.",
                field="job",
                rule="exchange.import.cancel_finished",
            )
        record_event(
            actor=actor,
            action="import.cancel",
            object_type="import_job",
            object_id=str(job.pk),
            summary=f"Hủy khi đang chờ: {job.filename}",
            after={"filename": job.filename, "dry_run": job.dry_run, "running": False},
        )


def _job_event(job: ImportJob, summary: str) -> dict[str, Any]:
    """The audit fields of an import job."""
    return {
        "object_type": "import_job",
        "object_id": str(job.pk),
        "summary": f"{summary} {job.filename}",
        "after": {"filename": job.filename, "dry_run": job.dry_run, "bytes": len(job.content)},
    }


@transaction.atomic
def issue_token(*, actor: User | None, username: str, rotate: bool = False) -> tuple[str, bool]:
    """The API token of `username` (created if missing, replaced when `rotate`), and whether it
    is new. Only the system (the console) or a superuser may issue tokens."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Chỉ quản trị hệ thống mới cấp được khóa truy cập API.")
    user = first_or_not_found(
        get_user_model().objects.filter(username=username), f"Không có tài khoản «{username}»."
    )
    if not user.is_active:
        raise DomainError(
            "Tài khoản đã bị khóa, không cấp khóa truy cập API.",
            field="username",
            rule="exchange.token.inactive_user",
        )
    if rotate:
        Token.objects.filter(user=user).delete()
    token, created = Token.objects.get_or_create(user=user)
    record_event(
        actor=actor,
        action="token.issue" if created else "token.show",
        object_type="user",
        object_id=user.get_username(),
        summary=f"{'Cấp' if created else 'Xem'} khóa truy cập API của {user.get_username()}",
        after={"created": created, "rotated": rotate},
    )
    return token.key, created
