"""The database digest that the fuzz tests compare: it sees every change, and only changes."""

from __future__ import annotations

import pytest

from tongket.audit.services import record_event
from tongket.core.tests import dbsnapshot
from tongket.people.models import Member

pytestmark = pytest.mark.django_db


def test_two_snapshots_of_an_unchanged_database_are_equal() -> None:
    first = dbsnapshot.take()
    assert first == dbsnapshot.take()
    assert first.rows > 0
    assert "people_member" in first.tables
    assert "auth_user" in first.tables


def test_one_changed_field_of_one_row_changes_the_snapshot_and_names_the_table() -> None:
    before = dbsnapshot.take()
    Member.objects.filter(card_number="45.000001").update(full_name="Tên Khác")
    after = dbsnapshot.take()
    assert before != after
    assert after.diff(before) == ["people_member: 50 → 50 dòng"]


def test_an_added_row_shows_in_the_row_count() -> None:
    before = dbsnapshot.take()
    record_event(actor=None, action="test.snapshot", object_type="test", object_id="1", summary="x")
    count = before.tables["audit_auditevent"][0]
    # The event is written unsealed (the sealer chains it later): one more row, nothing else.
    assert before.diff(dbsnapshot.take())[0] == f"audit_auditevent: {count} → {count + 1} dòng"
