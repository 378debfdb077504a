"""Every write of the inbox: notices created by the services that make a change (inside their
transaction), the periodic scan of what fell due, marking read, the e-mail opt-out, and the daily
digest (`tongket notify digest`, run by cron or the job worker, never inside a web request).

Notices are the person's own state: creating and reading them is not audited one by one (the
change that caused a notice already is); the opt-out and each digest run are.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tongket.accounts.models import Account
from tongket.accounts.scope import User
from tongket.audit.services import record_event
from tongket.core.errors import DomainError
from tongket.core.formatting import date_short
from tongket.notifications import domain
from tongket.notifications.domain import Kind
from tongket.notifications.models import Digest, Notification


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A notice is written inside the transaction of the change it tells.")


def notify(
    *,
    user_ids: Iterable[int | None],
    kind: Kind,
    text: str,
    url: str = "",
    due: dt.date | None = None,
    key: str = "",
) -> int:
    """Tell each account (None: a member without an account, skipped) the same thing. With a
    `key`, an account already told under that key is not told again. Returns how many were told."""
    _require_transaction()
    told = list(dict.fromkeys(u for u in user_ids if u is not None))
    if told and key:
        already = set(
            Notification.objects.filter(key=key, user_id__in=told).values_list("user_id", flat=True)
        )
        told = [u for u in told if u not in already]
    return notify_each(kind=kind, notices=[Notice(u, text, url, due, key) for u in told])


@dataclass(frozen=True)
class Notice:
    """One notice for one account (the same call can tell many people different things): the
    fields of its Notification row but the kind and the time, which the call gives."""

    user_id: int
    text: str
    url: str = ""
    due: dt.date | None = None
    key: str = ""


def notify_each(*, kind: Kind, notices: Sequence[Notice]) -> int:
    """Many notices of one kind in one insert (a cycle opened for a whole organization)."""
    _require_transaction()
    now = timezone.now()
    Notification.objects.bulk_create(
        [Notification(kind=kind, created_at=now, **asdict(n)) for n in notices],
        ignore_conflicts=any(n.key for n in notices),
    )
    return len(notices)


def mark_read(*, actor: User, ids: Sequence[int] | None = None) -> int:
    """Mark the actor's own notices read (all of them when `ids` is None); another person's
    notices are never touched, whatever ids are sent."""
    if not actor.is_authenticated:
        return 0
    rows = Notification.objects.filter(user_id=actor.pk, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


@transaction.atomic
def set_email_digest(*, actor: User, enabled: bool) -> bool:
    """Turn the person's own daily e-mail digest on or off (audited)."""
    if not actor.is_authenticated:
        raise DomainError("Cần đăng nhập.", rule="notifications.email_digest.anonymous")
    account, _ = Account.objects.get_or_create(user_id=actor.pk)
    before = account.email_digest
    if before != enabled:
        Account.objects.filter(pk=account.pk).update(email_digest=enabled)
        record_event(
            actor=actor,
            action="notifications.email_digest",
            object_type="accounts.Account",
            object_id=account.pk,
            summary=("Bật" if enabled else "Tắt") + " thư tổng hợp hằng ngày",
            before={"email_digest": before},
            after={"email_digest": enabled},
        )
    return enabled


# --- what falls due: found by the daily run, told once ------------------------------------------


@transaction.atomic
def notify_due(*, today: dt.date) -> int:
    """Tell cell secretaries of their cells' overdue steps and members in charge of program
    items falling due within `PROGRAM_ITEM_NOTICE_DAYS` (or overdue). Each notice has a key, so
    running this again the same day (or week, for steps) tells nobody twice."""
    from tongket.evaluation.selectors import overdue_cell_steps
    from tongket.programs.selectors import items_due_for_notice

    told = 0
    week = today.isocalendar()
    for steps in overdue_cell_steps(today):
        told += notify(
            user_ids=steps.secretary_ids,
            kind=Kind.OVERDUE_STEPS,
            text=(
                f"{steps.cell_name}: còn {steps.missing} đảng viên chưa có nhận xét, đề xuất "
                f"của chi bộ trong {steps.cycle_label}; đã quá hạn {date_short(steps.due)}."
            ),
            url=steps.url,
            due=steps.due,
            key=f"overdue:{steps.cycle_id}:{steps.cell_code}:{week.year}-{week.week}",
        )
    for item in items_due_for_notice(today, domain.PROGRAM_ITEM_NOTICE_DAYS):
        state = "đã quá hạn" if item.due < today else "sắp đến hạn"
        told += notify(
            user_ids=[item.user_id],
            kind=Kind.PROGRAM_ITEM_DUE,
            text=f"{item.program_title}, nội dung {item.code}: {item.content} ({state}).",
            url=item.url,
            due=item.due,
            key=f"program_item:{item.item_id}:{item.due.isoformat()}:{state}",
        )
    return told


# --- the daily digest -------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestRun:
    sent: int
    already_sent: int
    opted_out: int
    without_address: int
    # Why sending stopped (the mail server refused or did not answer); the unsent notices stay
    # unmailed for the next run.
    failure: str = ""


def _site(path: str) -> str:
    """A page's address as the reader reaches it (TONGKET_SITE_URL in front of a local path)."""
    return settings.TONGKET_SITE_URL.rstrip("/") + path if path.startswith("/") else path


def _recipients() -> Iterable[tuple[int, str, str, bool]]:
    """Active accounts with unread notices not yet mailed: id, address, name, opted in."""
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=Notification.objects.filter(
                emailed_at__isnull=True, read_at__isnull=True
            ).values("user_id"),
        )
        .select_related("account")
        .order_by("pk")
    )
    for user in users:
        account = getattr(user, "account", None)
        name = user.get_full_name() or user.get_username()
        yield user.pk, user.email, name, account is None or account.email_digest


def _mail_failure(exc: OSError) -> str:
    """What went wrong with the mail server, in words an office reads (no errno)."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "máy chủ thư không nhận tài khoản đăng nhập (EMAIL_HOST_USER, EMAIL_HOST_PASSWORD)"
    if isinstance(exc, smtplib.SMTPException):
        return f"máy chủ thư từ chối: {exc}"
    if isinstance(exc, ConnectionRefusedError):
        return "máy chủ thư từ chối kết nối"
    if isinstance(exc, TimeoutError):
        return "máy chủ thư không trả lời"
    return f"lỗi kết nối tới máy chủ thư: {exc.strerror or type(exc).__name__}"


def send_digests(*, day: dt.date, connection: object | None = None) -> DigestRun:
    """Mail each person who wants it one digest of their unread notices not yet mailed, at most
    once per `day`: the `Digest` row and the notices' `emailed_at` are written in the same
    transaction as the sending, so a failed send is retried by the next run and a second run
    the same day sends nothing. Opted-out people and accounts without an address get nothing
    (their notices stay in the inbox)."""
    conn = connection or mail.get_connection()
    sent = already = opted_out = no_address = 0
    failure = ""
    inbox_url = _site(reverse("notifications:inbox"))
    for user_id, address, name, wanted in _recipients():
        if not wanted:
            opted_out += 1
            continue
        if not address:
            no_address += 1
            continue
        try:
            with transaction.atomic():
                if Digest.objects.filter(user_id=user_id, day=day).exists():
                    already += 1
                    continue
                rows = list(
                    Notification.objects.select_for_update()
                    .filter(user_id=user_id, emailed_at__isnull=True, read_at__isnull=True)
                    .order_by("created_at", "pk")
                )
                if not rows:
                    continue
                Digest.objects.create(
                    user_id=user_id,
                    day=day,
                    sent_at=timezone.now(),
                    address=address,
                    count=len(rows),
                )
                lines = [
                    domain.Line(Kind(row.kind), row.text, row.due, _site(row.url)) for row in rows
                ]
                message = mail.EmailMessage(
                    subject=domain.digest_subject(day, len(rows)),
                    body=domain.digest_body(name, day, lines, inbox_url),
                    to=[address],
                    connection=conn,
                )
                message.send()
                Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                    emailed_at=timezone.now()
                )
                sent += 1
        except IntegrityError:  # another run sent this person's digest for the day meanwhile
            already += 1
        except OSError as exc:  # smtplib's errors too: the server is down, stop for today
            failure = _mail_failure(exc)
            break
    if sent:
        with transaction.atomic():
            record_event(
                actor=None,
                action="notifications.digest.send",
                object_type="notifications.Digest",
                summary=f"Gửi {sent} thư tổng hợp thông báo ngày {date_short(day)}",
                after={"day": day.isoformat(), "sent": sent},
            )
    return DigestRun(sent, already, opted_out, no_address, failure)
