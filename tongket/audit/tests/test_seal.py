"""Sealing the audit log: writers sign and take no lock, the sealer chains in arrival order.

What an attacker with write access to the database might do, and what catches it: change an
event before it is sealed (its signature), or after (the chain); delete, insert or reorder
events (the chain and the head); rewrite the whole chain and its head (a head recorded
elsewhere, e.g. in a backup). And what the machinery must survive: a sealer that dies in the
middle, two sealers at once, writers in different organizations at once, an import held open
while another office writes (PostgreSQL, real concurrent transactions)."""

from __future__ import annotations

import threading
import time
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tongket.audit import services, versions
from tongket.audit.chain import event_hash
from tongket.audit.models import AuditEvent, AuditHead
from tongket.audit.services import EventInput, record_event, record_events, seal, verify
from tongket.people.tests.inputs import member_input

pytestmark = pytest.mark.django_db

CELL_PATH = "0000000001/"


def _write(count: int, summary: str = "sự kiện") -> list[int]:
    with transaction.atomic():
        return [
            record_event(
                actor=None, action="test.write", org_path=CELL_PATH, summary=f"{summary} {i}"
            ).pk
            for i in range(count)
        ]


def test_a_write_neither_reads_nor_locks_the_head() -> None:
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        record_event(actor=None, action="test.write", org_path=CELL_PATH, summary="một")
        record_events(actor=None, events=[EventInput("test.bulk", org_path=CELL_PATH)])
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert AuditHead._meta.db_table not in sql
    assert "FOR UPDATE" not in sql.upper()


def test_events_are_sealed_in_arrival_order_and_the_head_moves() -> None:
    head = AuditHead.objects.get(id=1)
    ids = _write(3)
    assert AuditEvent.objects.filter(pk__in=ids, seq__isnull=True).count() == 3
    result = seal()
    assert result.sealed == 3
    assert result.refused is None
    events = list(AuditEvent.objects.filter(pk__in=ids).order_by("id"))
    assert [e.seq for e in events] == [head.last_seq + 1, head.last_seq + 2, head.last_seq + 3]
    assert events[0].prev_hash == head.last_hash
    assert all(e.hash == event_hash(e.prev_hash, services.event_fields(e)) for e in events)
    assert (result.head.seq, result.head.hash) == (events[-1].seq, events[-1].hash)
    assert services.sealed_head() == result.head
    assert verify() == []
    assert seal().sealed == 0  # nothing left: a second run changes nothing


def test_an_event_changed_before_it_is_sealed_is_refused_and_reported() -> None:
    first, changed, after = _write(3)
    AuditEvent.objects.filter(pk=changed).update(summary="sửa trước khi niêm phong")
    problems = verify()
    assert [p.message for p in problems] == [
        f"Sự kiện chưa niêm phong (id {changed}) không khớp chữ ký của nó: "
        "đã bị sửa trước khi được niêm phong."
    ]
    result = seal()
    # Sealed up to it, not it nor anything after it.
    assert result.refused == changed
    assert AuditEvent.objects.get(pk=first).seq is not None
    assert AuditEvent.objects.get(pk=changed).seq is None
    assert AuditEvent.objects.get(pk=after).seq is None
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("audit", "seal", stdout=StringIO(), stderr=err)
    assert f"id {changed}" in str(caught.value)
    assert verify() != []


def test_a_forged_event_without_the_writers_signature_is_reported() -> None:
    (real,) = _write(1)
    forged = AuditEvent.objects.get(pk=real)
    forged.pk = None
    forged.summary = "sự kiện bịa"
    forged.save()
    assert any(f"id {forged.pk}" in p.message for p in verify())
    assert seal().refused == forged.pk


def test_an_event_inserted_into_the_sealed_chain_is_reported() -> None:
    _write(2)
    seal()
    last = AuditHead.objects.get(id=1).last_seq
    AuditEvent.objects.filter(seq__gt=last - 1).update(seq=10**9)  # free the last place
    intruder = AuditEvent.objects.get(seq=10**9)
    intruder.pk, intruder.seq, intruder.summary = None, last, "chen vao"
    intruder.save()
    AuditEvent.objects.filter(seq=10**9).update(seq=last + 1)
    assert verify() != []


def test_a_whole_rewritten_chain_fails_against_a_head_recorded_elsewhere() -> None:
    _write(3)
    recorded = seal().head
    assert verify(head=recorded) == []
    # Rewrite the last event and re-link it and the head, as someone with the database would.
    event = AuditEvent.objects.get(seq=recorded.seq)
    event.summary = "viết lại"
    event.hash = event_hash(event.prev_hash, services.event_fields(event))
    event.save()
    AuditHead.objects.filter(id=1).update(last_hash=event.hash)
    assert verify() == []  # consistent with itself
    problems = verify(head=recorded)
    assert [p.seq for p in problems] == [recorded.seq]
    err = StringIO()
    head = f"--head={recorded.seq}:{recorded.hash}"
    with pytest.raises(CommandError):
        call_command("audit", "verify", head, stdout=StringIO(), stderr=err)
    assert f"#{recorded.seq}" in err.getvalue()


def test_a_sealer_that_dies_mid_way_loses_nothing_and_the_next_run_finishes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = _write(7)
    real = services._store_places
    calls = {"n": 0}

    def dying(events: list[AuditEvent]) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("sealer killed")
        real(events)

    monkeypatch.setattr(services, "_store_places", dying)
    with pytest.raises(RuntimeError):
        seal(batch_size=3)
    monkeypatch.setattr(services, "_store_places", real)
    # The first batch was committed, the second rolled back whole; the head matches.
    assert AuditEvent.objects.filter(pk__in=ids, seq__isnull=False).count() == 3
    assert verify() == []
    assert seal(batch_size=3).sealed == 4
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    assert verify() == []


def test_the_seal_command_reports_the_head_and_verify_counts_what_waits() -> None:
    _write(2)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "2 chưa niêm phong" in out.getvalue()
    out = StringIO()
    call_command("audit", "seal", stdout=out)
    head = AuditHead.objects.get(id=1)
    said = f"Đã niêm phong 2 sự kiện; đầu chuỗi #{head.last_seq} {head.last_hash}."
    assert said in out.getvalue()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "chưa niêm phong" not in out.getvalue()


# --- real concurrency (PostgreSQL) -------------------------------------------------------------


def _in_thread(target: Any, errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_importers_and_sealers_never_wait_on_each_other(
    demo_loaded: None,
) -> None:
    from tongket.exchange.importer import run_import
    from tongket.people import services as people
    from tongket.people.models import Member, OrganizationKind
    from tongket.people.tests.factories import members_workbook

    office = get_user_model().objects.get(username="quantri")
    # Another office's organization and member, outside the department the import writes.
    template = Member.objects.order_by("pk").first()
    assert template is not None
    for code, kind, parent in (
        ("QT.KCQDN.KHAC", OrganizationKind.GRASSROOTS, "QT.KCQDN"),
        ("QT.KCQDN.KHAC.CB1", OrganizationKind.CELL, "QT.KCQDN.KHAC"),
    ):
        people.create_organization(
            actor=office,
            data=people.OrganizationInput(code=code, name=f"Tổ chức {code}", kind=kind,
                                          parent_code=parent),
        )  # fmt: skip

    def outside_member(card: str, name: str) -> people.MemberInput:
        return member_input(
            template, card_number=card, full_name=name, organization_code="QT.KCQDN.KHAC.CB1"
        )

    people.create_member(actor=office, data=outside_member("97.000001", "Người Văn Khác"))
    data = members_workbook(300)
    errors: list[BaseException] = []
    imported = threading.Event()
    release = threading.Event()

    def import_and_hold() -> None:
        # An import into the department, its transaction held open until released.
        with transaction.atomic():
            report = run_import(data, actor=office, dry_run=False)
            assert not report.errors
            imported.set()
            assert release.wait(30)

    holder = _in_thread(import_and_hold, errors)
    assert imported.wait(120), errors
    # Another office writes while the import is open: it must not wait (a wait would hit
    # the lock timeout and fail instead of hanging).
    started = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
        people.update_member(
            actor=office,
            card_number="97.000001",
            data=outside_member("97.000001", "Người Văn Khác Sửa"),
        )
    other_write = time.monotonic() - started
    # The import drew its ids first and commits last: the country's key must still move.
    country = versions.key_for([versions.GLOBAL])
    # Two sealers at once while the import is still open: they take turns on the head and
    # neither waits for the import (its events are not committed yet, so not theirs to seal).
    results: list[services.SealResult] = []
    sealers = [_in_thread(lambda: results.append(seal(batch_size=50)), errors) for _ in range(2)]
    for thread in sealers:
        thread.join(30)
    assert not any(thread.is_alive() for thread in sealers)
    release.set()
    holder.join(60)
    assert errors == []
    assert other_write < 2.0
    assert versions.key_for([versions.GLOBAL]) != country
    # Then two sealers race over the import's 300 events: each sealed exactly once.
    results.clear()
    sealers = [_in_thread(lambda: results.append(seal(batch_size=50)), errors) for _ in range(2)]
    for thread in sealers:
        thread.join(60)
    assert errors == []
    assert sum(r.sealed for r in results) >= 300
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    head = AuditHead.objects.get(id=1)
    assert AuditEvent.objects.count() == head.last_seq
    assert verify() == []
