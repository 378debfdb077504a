"""`record_events`: many events written at once are signed, then sealed, exactly as one by one."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from django.db import transaction

from tongket.audit.chain import event_hash
from tongket.audit.models import AuditEvent, AuditHead
from tongket.audit.services import (
    EVENT_COLUMNS,
    EventInput,
    event_fields,
    record_event,
    record_events,
    seal,
    verify,
)

pytestmark = pytest.mark.django_db


def _items(count: int) -> list[EventInput]:
    return [
        EventInput(
            action="member.create",
            object_type="member",
            object_id=f"99.{i:06d}",
            org_path="0000000001/",
            summary=f"Thêm đảng viên số {i}",
            before=None if i % 2 else {"status": "probationary"},
            after={"card_number": f"99.{i:06d}", "ngày": "2020-01-01", "n": i},
        )
        for i in range(count)
    ]


def test_bulk_events_continue_the_chain_in_order_once_sealed_and_verify(user_named) -> None:
    head_before = AuditHead.objects.get(id=1).last_seq
    with transaction.atomic():
        written = record_events(actor=user_named("vanphong"), events=_items(25), batch_size=7)
    assert written == 25
    assert AuditHead.objects.get(id=1).last_seq == head_before  # written, not yet sealed
    assert verify() == []
    assert seal(batch_size=10).sealed == 25
    head = AuditHead.objects.get(id=1)
    assert head.last_seq == head_before + 25
    events = list(AuditEvent.objects.filter(seq__gt=head_before).order_by("seq"))
    assert [e.object_id for e in events] == [f"99.{i:06d}" for i in range(25)]
    assert events[0].prev_hash != events[1].prev_hash
    assert all(e.prev_hash == p.hash for p, e in pairwise(events))
    assert events[-1].hash == head.last_hash
    assert {e.actor_label for e in events} == {"vanphong"}
    assert verify() == []


def test_single_and_bulk_events_interleave_and_still_verify() -> None:
    with transaction.atomic():
        record_event(actor=None, action="x.one", summary="một")
        record_events(actor=None, events=_items(3))
        record_event(actor=None, action="x.two", summary="hai")
    seal()
    assert verify() == []
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").first()
    assert last is not None
    assert last.action == "x.two"


def test_an_edited_bulk_event_breaks_the_chain() -> None:
    with transaction.atomic():
        record_events(actor=None, events=_items(5))
    seal()
    last = AuditHead.objects.get(id=1).last_seq
    AuditEvent.objects.filter(seq=last - 2).update(summary="Sửa lén")
    assert [p.seq for p in verify()] == [last - 2]


def test_no_events_change_nothing() -> None:
    head = AuditHead.objects.get(id=1)
    with transaction.atomic():
        assert record_events(actor=None, events=[]) == 0
    assert seal().sealed == 0
    assert AuditHead.objects.get(id=1).last_hash == head.last_hash


def test_bulk_events_refuse_to_run_outside_a_transaction() -> None:
    # pytest-django wraps the test in a transaction; leave it to reach autocommit semantics.
    connection = transaction.get_connection()
    atomic = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError):
            record_events(actor=None, events=_items(1))
    finally:
        connection.in_atomic_block = atomic


# Payloads the canonical JSON must survive as the database gives them back: integer and mixed
# keys, dates, tuples, nesting, escapes, non-ASCII text, floats, empty containers.
ODD_PAYLOADS: list[object] = [
    {"a": 1, "b": [1, 2.5, None, True], "c": {"d": 'Đảng "ủy"\n\t\\'}},
    {2: "hai", 10: "mười"},  # integer keys sort as numbers before, as text after a round trip
    {"ngày": dt.date(2021, 2, 24), "lúc": dt.datetime(2021, 2, 24, 8, 30)},
    ("tuple", 1, (2, 3)),
    [{"x": (1, 2)}, {"y": {3: dt.date(2020, 1, 1)}}],
    # Floats PostgreSQL's jsonb gives back as they were (1e16 would come back an int, with any
    # writer: the chain hashes what the database returns).
    {"float": 2.5, "small": 1e-7, "tenth": 0.1, "big": 2**70},
    {},
    [],
    "chỉ một chuỗi",
    0,
    False,
]


def _odd_items() -> list[EventInput]:
    items = []
    for i, payload in enumerate(ODD_PAYLOADS):
        items.append(
            EventInput(
                action="x.odd",
                object_type="thử",
                object_id=i,
                org_path="0000000001/",
                summary="Sự kiện «lạ» số " + str(i) + " " + "x" * 300,
                before=payload if i % 2 else None,
                after=payload,
            )
        )
    return items


@pytest.mark.parametrize("stream", [False, True])
def test_bulk_signatures_and_hashes_equal_the_one_by_one_ones_for_any_payload(
    user_named, stream
) -> None:
    actor = user_named("vanphong")
    items = _odd_items()
    with transaction.atomic():
        start = AuditHead.objects.get(id=1).last_seq
        record_events(actor=actor, events=items, batch_size=4, stream=stream)
        bulk_sealed = seal(batch_size=5)
        bulk = list(AuditEvent.objects.filter(seq__gt=start).order_by("seq"))
        transaction.set_rollback(True)
    with transaction.atomic():
        # Each item as record_event's arguments: EventInput has the same fields.
        single_written = [record_event(actor=actor, **vars(i)) for i in items]
        seal()
        single = list(AuditEvent.objects.filter(seq__gt=start).order_by("seq"))
        transaction.set_rollback(True)
    assert bulk_sealed.refused is None
    assert len(bulk) == len(single) == len(single_written) == len(ODD_PAYLOADS)
    for written, one, made in zip(bulk, single, single_written, strict=True):
        # Same chain position and content; only the timestamp differs between the two runs.
        fields, expected = event_fields(written), event_fields(one)
        assert fields | {"at": ""} == expected | {"at": ""}
        assert written.hash == event_hash(written.prev_hash, fields)
        assert one.mac == made.mac  # the signature the writer made is the one the sealer checked
    assert bulk[0].prev_hash == single[0].prev_hash


def test_streamed_events_verify_and_move_the_head_once_sealed(user_named) -> None:
    with transaction.atomic():
        assert record_events(actor=None, events=_odd_items(), stream=True) == len(ODD_PAYLOADS)
    assert verify() == []
    assert seal().sealed == len(ODD_PAYLOADS)
    assert verify() == []
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("seq").last()
    assert last is not None
    assert AuditHead.objects.get(id=1).last_hash == last.hash


def test_event_columns_are_every_column_but_the_id_and_the_place_in_the_chain() -> None:
    # The place in the chain is the sealer's to write.
    chain = {"id", "seq", "prev_hash", "hash"}
    columns = {f.column for f in AuditEvent._meta.concrete_fields if f.column not in chain}
    attnames = {f.attname for f in AuditEvent._meta.concrete_fields if f.attname not in chain}
    assert set(EVENT_COLUMNS) == columns == attnames
    assert len(EVENT_COLUMNS) == len(columns)
