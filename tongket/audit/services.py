"""Writing the audit log: called by every service inside its own transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from tongket.audit import versions
from tongket.audit.chain import GENESIS, ChainProblem, canonical, event_hash, verify_chain
from tongket.audit.models import AuditEvent, AuditHead

Actor = AbstractBaseUser | AnonymousUser | None


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "org_path": event.org_path,
        "summary": event.summary,
        "before": event.before,
        "after": event.after,
    }


@dataclass(frozen=True)
class EventInput:
    """One event for `record_events`: the same fields `record_event` takes, minus the actor."""

    action: str
    object_type: str = ""
    object_id: object = ""
    org_path: str = ""
    summary: str = ""
    before: Any = None
    after: Any = None
    # Other organizations the change shows in (a transfer's source): their cached pages are
    # renewed too. Not part of the event or its hash.
    also_paths: tuple[str, ...] = ()


def _actor_fields(actor: Actor) -> tuple[int | None, str]:
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return getattr(user, "pk", None), (user.get_username() if user is not None else "hệ thống")


def _locked_head() -> AuditHead:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the service's transaction")
    AuditHead.objects.get_or_create(id=1)
    return AuditHead.objects.select_for_update().get(id=1)


def _chain(
    seq: int, prev_hash: str, at: dt.datetime, actor: tuple[int | None, str], item: EventInput
) -> AuditEvent:
    event = AuditEvent(
        seq=seq,
        at=at,
        actor_id=actor[0],
        actor_label=actor[1],
        action=item.action,
        object_type=item.object_type,
        object_id=str(item.object_id),
        org_path=item.org_path,
        summary=item.summary[:255],
        # Round-trip the JSON so the hash covers exactly what the database will give back.
        before=_json_roundtrip(item.before),
        after=_json_roundtrip(item.after),
        prev_hash=prev_hash,
    )
    event.hash = event_hash(event.prev_hash, _fields(event))
    return event


def record_event(
    *,
    actor: Actor,
    action: str,
    object_type: str = "",
    object_id: object = "",
    org_path: str = "",
    summary: str = "",
    before: Any = None,
    after: Any = None,
    also_paths: Iterable[str] = (),
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction.

    `also_paths`: other organizations whose pages show the change (a transfer's source), for
    the page cache's versions; they are not stored in the event."""
    head = _locked_head()
    item = EventInput(action, object_type, object_id, org_path, summary, before, after)
    event = _chain(head.last_seq + 1, head.last_hash, timezone.now(), _actor_fields(actor), item)
    event.save()
    head.last_seq = event.seq
    head.last_hash = event.hash
    head.save(update_fields=["last_seq", "last_hash"])
    if versions.changes_data(action):
        versions.bump([org_path, *also_paths], event.seq)
    return event


def record_events(
    *,
    actor: Actor,
    events: Iterable[EventInput],
    batch_size: int = 5000,
    stream: bool = False,
) -> int:
    """Append many events in the given order, under one lock on the head and with batched
    inserts (COPY on PostgreSQL): the chain is exactly what as many `record_event` calls would
    have written (one timestamp for the batch). Must run inside the caller's transaction;
    returns the count.

    With `stream` on PostgreSQL, one COPY takes the events as `events` yields them, so making
    them overlaps with the server storing the ones before; `events` must then not query the
    database while it is iterated."""
    head = _locked_head()
    actor_id, actor_label = _actor_fields(actor)
    plain = type(actor_label) is str and type(actor_id) in (int, type(None))
    at = timezone.now()
    prefix = _Prefix(actor_id, actor_label, at, plain, _quote(at.isoformat()))
    seq, last_hash = head.last_seq, head.last_hash
    changed: set[str] = set()

    def rows() -> Iterator[EventRow]:
        nonlocal seq, last_hash
        for item in events:
            if versions.changes_data(item.action):
                changed.add(item.org_path)
                changed.update(item.also_paths)
            seq += 1
            row = _link(prefix, seq, last_hash, item)
            last_hash = row[-1]
            yield row

    connection = transaction.get_connection()
    if stream and connection.vendor == "postgresql":
        _write(rows())
    else:
        iterator = rows()
        while batch := list(islice(iterator, batch_size)):
            _write(batch)
    count = seq - head.last_seq
    if count:
        head.last_seq = seq
        head.last_hash = last_hash
        head.save(update_fields=["last_seq", "last_hash"])
        versions.bump(changed, seq)
    return count


# The columns (and attribute names) of an event row as `record_events` writes them, every
# column but the id; before and after are canonical JSON.
EVENT_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "org_path",
    "summary",
    "before",
    "after",
    "prev_hash",
    "hash",
)
EventRow = tuple[
    int, dt.datetime, int | None, str, str, str, str, str, str, str | None, str | None, str, str
]
# The very encoder `chain.canonical` builds on each call, built once.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
).encode
_quote = json.encoder.encode_basestring  # a str as canonical() writes it
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> bool:
    """JSON values whose canonical form survives a round trip through the database unchanged
    (string keys only, lists not tuples, no dates): then one encoding is enough."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or (type(item) not in _SCALARS and not _plain(item)):
                return False
        return True
    if kind is list:
        return all(type(item) in _SCALARS or _plain(item) for item in value)
    return False


def _payload(value: Any) -> str | None:
    """The canonical JSON of a before/after value as the database will give it back."""
    if value is None:
        return None
    text = _CANONICAL(value)
    return text if _plain(value) else _CANONICAL(json.loads(text))


@dataclass(frozen=True)
class _Prefix:
    """What every event of one `record_events` call shares."""

    actor_id: int | None
    actor_label: str
    at: dt.datetime
    plain: bool  # the actor fields are an int or None and a str: the fast hash applies
    at_json: str  # `at` as its canonical JSON


def _link(prefix: _Prefix, seq: int, prev_hash: str, item: EventInput) -> EventRow:
    """One event's row and hash, the canonical JSON of `_fields` written out directly (keys in
    sorted order), so no model instance is built; `record_event` computes the same hash the
    long way, and `verify` recomputes it from what the database holds."""
    object_id = str(item.object_id)
    summary = item.summary[:255]
    before, after = _payload(item.before), _payload(item.after)
    before_json = "null" if before is None else before
    after_json = "null" if after is None else after
    if (
        type(item.action) is str
        and type(item.object_type) is str
        and type(item.org_path) is str
        and type(summary) is str
        and prefix.plain
    ):
        actor_id = "null" if prefix.actor_id is None else str(prefix.actor_id)
        body = (
            f'{{"action":{_quote(item.action)},"actor_id":{actor_id},'
            f'"actor_label":{_quote(prefix.actor_label)},"after":{after_json},'
            f'"at":{prefix.at_json},"before":{before_json},'
            f'"object_id":{_quote(object_id)},"object_type":{_quote(item.object_type)},'
            f'"org_path":{_quote(item.org_path)},"seq":{seq},"summary":{_quote(summary)}}}'
        )
        digest = hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()
    else:  # anything unusual: the reference path
        event = _chain(seq, prev_hash, prefix.at, (prefix.actor_id, prefix.actor_label), item)
        digest = event.hash
    return (
        seq,
        prefix.at,
        prefix.actor_id,
        prefix.actor_label,
        item.action,
        item.object_type,
        object_id,
        item.org_path,
        summary,
        before,
        after,
        prev_hash,
        digest,
    )


def _write(rows: Iterable[EventRow]) -> None:
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in EVENT_COLUMNS)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    AuditEvent.objects.bulk_create(
        [AuditEvent(**dict(zip(EVENT_COLUMNS, row, strict=True))) for row in _decoded(rows)]
    )


def _decoded(rows: Iterable[EventRow]) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        before, after = row[9], row[10]
        yield (
            *row[:9],
            None if before is None else json.loads(before),
            None if after is None else json.loads(after),
            *row[11:],
        )


def _json_roundtrip(value: Any) -> Any:
    return None if value is None else json.loads(canonical(value))


def verify() -> list[ChainProblem]:
    """Recompute the whole chain; an empty list means no event was altered, removed or moved."""
    head = AuditHead.objects.filter(id=1).first()
    rows = (
        (e.seq, e.prev_hash, e.hash, _fields(e))
        for e in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    )
    return verify_chain(
        rows,
        head_seq=head.last_seq if head else 0,
        head_hash=head.last_hash if head else GENESIS,
    )


def event_fields(event: AuditEvent) -> dict[str, Any]:
    """The fields an event's hash covers (for checking one event's link, e.g. in the browser)."""
    return _fields(event)


def record_export(
    *,
    actor: Actor,
    what: str,
    fmt: str,
    rows: int,
    org_path: str = "",
    object_id: object = "",
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Audit one export or download of personal data: who, what, which organization, how many
    rows. The one helper every export calls (exchange, awards, scoring, reports); it opens its
    own transaction, or a savepoint when the caller already holds one."""
    with transaction.atomic():
        return record_event(
            actor=actor,
            action=f"export.{what}",
            object_type="export",
            object_id=object_id or fmt,
            org_path=org_path,
            summary=summary,
            after={"what": what, "format": fmt, "rows": rows, **(details or {})},
        )
