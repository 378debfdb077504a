"""Writing the audit log: called by every service inside its own transaction; sealing it.

Writing takes no lock: an event is inserted with its signature (`mac`: an HMAC of its content
under a key derived from SECRET_KEY) and no place in the chain. The sealer (`seal`, run by
`tongket audit seal`) then takes the committed events in arrival order, checks each
signature, gives each the next place (`seq`) and links it to the one before (`prev_hash`,
`hash`: the same sha256 chain as ever), and moves the head. So writers in different
organizations never wait on each other, and an import holds nothing another office needs;
`verify` checks the sealed chain against the head and every event not yet sealed against its
signature."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from tongket.audit import versions
from tongket.audit.chain import GENESIS, ChainProblem, canonical, event_hash, verify_chain
from tongket.audit.models import AuditEvent, AuditHead
from tongket.core import replicas

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


_MAC_SALT = "tongket.audit.event"


def _content(fields: dict[str, Any]) -> str:
    """The canonical JSON of an event's content: its fields but its place in the chain."""
    return canonical({k: v for k, v in fields.items() if k != "seq"})


def _mac(content: str, secret: str | None = None) -> str:
    return salted_hmac(_MAC_SALT, content, secret=secret, algorithm="sha256").hexdigest()


def mac_ok(event: AuditEvent) -> bool:
    """The event's content still gives the signature its writer made (under SECRET_KEY or one
    of SECRET_KEY_FALLBACKS)."""
    content = _content(_fields(event))
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(_mac(content, secret), event.mac) for secret in secrets)


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the service's transaction")


def _unsealed(at: dt.datetime, actor: tuple[int | None, str], item: EventInput) -> AuditEvent:
    event = AuditEvent(
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
    )
    event.mac = _mac(_content(_fields(event)))
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
    """Record one event, signed, for the sealer to chain. Must run inside the caller's
    transaction; takes no lock.

    `also_paths`: other organizations whose pages show the change (a transfer's source), for
    the page cache's versions; they are not stored in the event."""
    _in_transaction()
    item = EventInput(action, object_type, object_id, org_path, summary, before, after)
    event = _unsealed(timezone.now(), _actor_fields(actor), item)
    event.save()
    if versions.changes_data(action):
        versions.record([org_path, *also_paths], versions.topic_of(action))
        replicas.note_write(event.actor_id)
    return event


def record_events(
    *,
    actor: Actor,
    events: Iterable[EventInput],
    batch_size: int = 5000,
    stream: bool = False,
) -> int:
    """Record many events in the given order with batched inserts (COPY on PostgreSQL),
    signed exactly as as many `record_event` calls would have signed them (one timestamp for
    the batch); the sealer chains them in that order. Must run inside the caller's
    transaction; takes no lock; returns the count.

    With `stream` on PostgreSQL, one COPY takes the events as `events` yields them, so making
    them overlaps with the server storing the ones before; `events` must then not query the
    database while it is iterated."""
    _in_transaction()
    actor_id, actor_label = _actor_fields(actor)
    plain = type(actor_label) is str and type(actor_id) in (int, type(None))
    at = timezone.now()
    prefix = _Prefix(actor_id, actor_label, at, plain, _quote(at.isoformat()))
    count = 0
    changed: dict[str, set[str]] = {}

    def rows() -> Iterator[EventRow]:
        nonlocal count
        for item in events:
            if versions.changes_data(item.action):
                paths = changed.setdefault(versions.topic_of(item.action), set())
                paths.add(item.org_path)
                paths.update(item.also_paths)
            count += 1
            yield _signed(prefix, item)

    connection = transaction.get_connection()
    if stream and connection.vendor == "postgresql":
        _write(rows())
    else:
        iterator = rows()
        while batch := list(islice(iterator, batch_size)):
            _write(batch)
    if count:
        versions.record_topics(changed)
        if changed:
            replicas.note_write(actor_id)
    return count


# The columns (and attribute names) of an event row as `record_events` writes them, every
# column but the id; before and after are canonical JSON.
EVENT_COLUMNS = (
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
    "mac",
)
EventRow = tuple[dt.datetime, int | None, str, str, str, str, str, str, str | None, str | None, str]
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


def _signed(prefix: _Prefix, item: EventInput) -> EventRow:
    """One event's row and signature, the canonical JSON of its content written out directly
    (keys in sorted order), so no model instance is built; `record_event` computes the same
    signature the long way, and the sealer recomputes it from what the database holds."""
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
            f'"org_path":{_quote(item.org_path)},"summary":{_quote(summary)}}}'
        )
        mac = _mac(body)
    else:  # anything unusual: the reference path
        mac = _unsealed(prefix.at, (prefix.actor_id, prefix.actor_label), item).mac
    return (
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
        mac,
    )


def _write(rows: Iterable[EventRow]) -> None:
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        # COPY fills no defaults: the links are written empty, for the sealer.
        names = (*EVENT_COLUMNS, "prev_hash", "hash")
        columns = ", ".join(connection.ops.quote_name(c) for c in names)
        unlinked = ("", "")
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row + unlinked)
        return
    AuditEvent.objects.bulk_create(
        [AuditEvent(**dict(zip(EVENT_COLUMNS, row, strict=True))) for row in _decoded(rows)]
    )


def _decoded(rows: Iterable[EventRow]) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        before, after = row[8], row[9]
        yield (
            *row[:8],
            None if before is None else json.loads(before),
            None if after is None else json.loads(after),
            *row[10:],
        )


def _json_roundtrip(value: Any) -> Any:
    return None if value is None else json.loads(canonical(value))


@dataclass(frozen=True)
class SealedHead:
    """The end of the sealed chain: the last sealed event's place and hash (0 and GENESIS
    for an empty log). Every event up to `seq` is fixed by `hash`: a backup records it, and a
    restored database verifies against it (`verify(head=...)`)."""

    seq: int
    hash: str
    at: dt.datetime | None = None


def sealed_head() -> SealedHead:
    """The sealed head as the database holds it now."""
    head = AuditHead.objects.filter(id=1).first()
    if head is None:
        return SealedHead(0, GENESIS)
    return SealedHead(head.last_seq, head.last_hash, head.sealed_at)


@dataclass(frozen=True)
class SealResult:
    sealed: int  # events given a place by this run
    head: SealedHead
    refused: int | None = None  # id of an event whose signature fails: sealing stops before it


SEAL_BATCH = 5000


def _locked_head() -> AuditHead:
    AuditHead.objects.get_or_create(id=1)
    return AuditHead.objects.select_for_update().get(id=1)


def seal(*, batch_size: int = SEAL_BATCH) -> SealResult:
    """Chain every committed event not yet sealed, in arrival order, and move the head.

    Each batch is one transaction under the head's row lock, so two sealers take turns (the
    second finds the first's events sealed) and a sealer that dies loses at most its current
    batch, which the next run seals again. An event whose signature does not match its
    content (changed before it was sealed) is not sealed, nor is anything after it: the run
    stops and names it, and `verify` reports it until someone looks."""
    total = 0
    refused: int | None = None
    while refused is None:
        with transaction.atomic():
            head = _locked_head()
            batch = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch_size])
            seq, last_hash = head.last_seq, head.last_hash
            sealed: list[AuditEvent] = []
            for event in batch:
                if not mac_ok(event):
                    refused = event.pk
                    break
                seq += 1
                event.seq, event.prev_hash = seq, last_hash
                event.hash = last_hash = event_hash(last_hash, _fields(event))
                sealed.append(event)
            if sealed:
                _store_places(sealed)
                head.last_seq, head.last_hash, head.sealed_at = seq, last_hash, timezone.now()
                head.save(update_fields=["last_seq", "last_hash", "sealed_at"])
        total += len(sealed)
        if len(batch) < batch_size:
            break
    versions.compact()
    return SealResult(total, sealed_head(), refused)


def _store_places(events: list[AuditEvent]) -> None:
    """Write the sealed events' places and links: one statement per batch."""
    connection = transaction.get_connection()
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS e SET seq = v.seq, prev_hash = v.prev, hash = v.hash "  # noqa: S608 - constant names
                "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[]) "
                "AS v(id, seq, prev, hash) WHERE e.id = v.id",
                [
                    [e.pk for e in events],
                    [e.seq for e in events],
                    [e.prev_hash for e in events],
                    [e.hash for e in events],
                ],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608 - constant names
                [(e.seq, e.prev_hash, e.hash, e.pk) for e in events],
            )


def verify(*, head: SealedHead | None = None) -> list[ChainProblem]:
    """Recompute the sealed chain against the head and check every event not yet sealed
    against its signature; an empty list means no event was altered, removed, inserted or
    moved.

    `head`: a head recorded elsewhere (a backup's manifest, an archive): the chain must also
    pass through it, so nothing it sealed was replaced, even with a rewritten head row."""
    own = sealed_head()
    rows = (
        (e.seq or 0, e.prev_hash, e.hash, _fields(e))
        for e in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(2000)
    )
    problems = verify_chain(rows, head_seq=own.seq, head_hash=own.hash)
    if head is not None and head.seq:
        stored = AuditEvent.objects.filter(seq=head.seq).values_list("hash", flat=True).first()
        if stored != head.hash:
            problems.append(
                ChainProblem(
                    head.seq,
                    f"Chuỗi không đi qua đầu chuỗi đã niêm phong #{head.seq} được đối chiếu: "
                    "các sự kiện đến đó đã bị thay.",
                )
            )
    unsealed = AuditEvent.objects.filter(seq__isnull=True).order_by("id")
    for event in unsealed.iterator(chunk_size=2000):
        if event.prev_hash or event.hash or not mac_ok(event):
            problems.append(
                ChainProblem(
                    0,
                    f"Sự kiện chưa niêm phong (id {event.pk}) không khớp chữ ký của nó: "
                    "đã bị sửa trước khi được niêm phong.",
                )
            )
    return problems


def unsealed_count() -> int:
    """Events written but not yet chained: a few seconds' worth while the sealer runs."""
    return AuditEvent.objects.filter(seq__isnull=True).count()


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
