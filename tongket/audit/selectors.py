"""Reading the audit log: the office browses the events of the organizations it administers.

Who may browse (docs/security.md, "Nhật ký kiểm toán"): the superuser sees every event; an
office administrator sees the events whose `org_path` lies in a subtree they administer. Cell
secretaries, superior readers and members do not browse the log: it holds the before/after
values of every change, including appraisals and drafts of the levels above them, and the
actions of other people. Events with no organization (logins, accounts) are the superuser's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tongket.accounts.scope import User, prefixes_q, scope_for
from tongket.audit import permissions
from tongket.audit.chain import GENESIS, event_hash
from tongket.audit.labels import field_label, value_text
from tongket.audit.models import AuditEvent
from tongket.audit.services import event_fields, mac_ok, verify
from tongket.core.errors import PermissionDenied
from tongket.core.lookups import one_or_not_found


def may_browse(user: User) -> bool:
    return permissions.can_browse_log(scope_for(user))


def visible_events(user: User) -> QuerySet[AuditEvent]:
    """The events `user` may read, newest first; none for those who may not browse."""
    scope = scope_for(user)
    events = AuditEvent.objects.select_related("actor")
    if permissions.can_see_every_event(scope):
        return events.order_by("-id")
    return (
        events.filter(prefixes_q("org_path", scope.admin_paths))
        .exclude(org_path="")
        .order_by("-id")
    )


@dataclass(frozen=True)
class EventFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor: str = ""
    action: str = ""
    object_type: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def browse(user: User, chosen: EventFilter) -> QuerySet[AuditEvent]:
    """The visible events matching the filters; PermissionDenied for those who may not browse."""
    if not may_browse(user):
        raise PermissionDenied("Chỉ quản trị văn phòng được xem nhật ký kiểm toán.")
    events = visible_events(user)
    if chosen.date_from:
        events = events.filter(at__gte=_day_start(chosen.date_from))
    if chosen.date_to:
        events = events.filter(at__lt=_day_start(chosen.date_to + dt.timedelta(days=1)))
    if chosen.actor:
        events = events.filter(actor_label__iexact=chosen.actor)
    if chosen.action:
        events = events.filter(Q(action=chosen.action) | Q(action__startswith=chosen.action + "."))
    if chosen.object_type:
        events = events.filter(object_type=chosen.object_type)
    return events


def filter_choices(user: User) -> dict[str, list[str]]:
    """Actions, object types and actors that occur in what the user sees, for the filter lists."""
    events = visible_events(user).order_by()
    return {
        "actions": sorted(set(events.values_list("action", flat=True).distinct())),
        "object_types": sorted(
            t for t in set(events.values_list("object_type", flat=True).distinct()) if t
        ),
        "actors": sorted(set(events.values_list("actor_label", flat=True).distinct())),
    }


@dataclass(frozen=True)
class DiffRow:
    key: str
    before: Any
    after: Any
    changed: bool
    object_type: str = ""  # the event's, for a field whose codes depend on what was changed

    @property
    def label(self) -> str:
        return field_label(self.key)

    @property
    def before_text(self) -> str:
        return value_text(self.key, self.before, self.object_type)

    @property
    def after_text(self) -> str:
        return value_text(self.key, self.after, self.object_type)


@dataclass(frozen=True)
class EventDetail:
    event: AuditEvent
    diff: list[DiffRow]
    hash_ok: bool  # the event's content gives its stored hash (its signature, not yet sealed)
    linked_ok: bool  # its prev_hash is the hash of the event before it (True: not yet sealed)


def diff_rows(before: Any, after: Any, object_type: str = "") -> list[DiffRow]:
    """Key by key, before and after; a non-object value is one row named «giá trị»."""
    if before is None and after is None:
        return []
    if isinstance(before, Mapping | type(None)) and isinstance(after, Mapping | type(None)):
        old: Mapping[str, Any] = before or {}
        new: Mapping[str, Any] = after or {}
        keys = list(old) + [k for k in new if k not in old]
        return [
            DiffRow(
                str(k),
                old.get(k),
                new.get(k),
                (k in old) != (k in new) or old.get(k) != new.get(k),
                object_type,
            )
            for k in keys
        ]
    return [DiffRow("giá trị", before, after, before != after, object_type)]


def event_detail(user: User, event_id: int) -> EventDetail:
    """One visible event with its before/after diff and the check of its own chain link (or,
    not yet sealed, of its signature)."""
    if not may_browse(user):
        raise PermissionDenied("Chỉ quản trị văn phòng được xem nhật ký kiểm toán.")
    event = one_or_not_found(
        visible_events(user), event_id, "Không tìm thấy sự kiện trong nhật ký."
    )
    diff = diff_rows(event.before, event.after, event.object_type)
    if event.seq is None:
        return EventDetail(event, diff, hash_ok=mac_ok(event), linked_ok=True)
    seq = event.seq
    previous = AuditEvent.objects.filter(seq=seq - 1).values_list("hash", flat=True).first()
    expected_prev = GENESIS if seq == 1 else previous
    return EventDetail(
        event=event,
        diff=diff,
        hash_ok=event_hash(event.prev_hash, event_fields(event)) == event.hash,
        linked_ok=expected_prev is not None and event.prev_hash == expected_prev,
    )


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    events: int | None  # the country's count: the superuser's only
    problems: int
    first_problem_seq: int | None


def chain_status(user: User) -> ChainStatus:
    """Recompute the whole chain (`tongket audit verify`): the log as a whole verifies or not.

    Everyone who may browse learns whether it verifies; how many events the log holds and which
    event broke it are told to the superuser only (the count grows with every organization's
    work and the event may lie outside an office administrator's organizations).
    """
    if not may_browse(user):
        raise PermissionDenied("Chỉ quản trị văn phòng được xem nhật ký kiểm toán.")
    problems = verify()
    named = permissions.can_see_every_event(scope_for(user))
    first = problems[0].seq or None if problems and named else None
    events = AuditEvent.objects.count() if named else None
    return ChainStatus(not problems, events, len(problems), first)
