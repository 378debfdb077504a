"""Exports: only what the user may see, formula injection neutralized, audited, round trip."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tongket.audit.models import AuditEvent
from tongket.exchange.exporter import export_csv, export_workbook
from tongket.exchange.importer import run_import
from tongket.people.models import Member
from tongket.people.services import update_member
from tongket.people.tests.inputs import member_input

pytestmark = pytest.mark.django_db


def sheet_rows(data: bytes, title: str) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(r) for r in book[title].iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("username", ["quantri", "vanphong", "bithu", "khoi", "dangvien"])
def test_export_then_import_changes_nothing(username, user_named):
    user = user_named(username)
    report = run_import(export_workbook(user), actor=user, dry_run=False)
    assert report.ok, report.problems
    assert report.changes == 0


def test_a_secretary_exports_only_the_members_of_her_cell(user_named):
    rows = sheet_rows(export_workbook(user_named("bithu")), "Đảng viên")
    assert rows
    assert {r[7] for r in rows} == {"QT.KCQDN.SGDDT.TCCB"}
    assert len(rows) == Member.objects.filter(organization__code="QT.KCQDN.SGDDT.TCCB").count()


def test_a_plain_member_exports_only_their_own_record(user_named):
    user = user_named("dangvien")
    rows = sheet_rows(export_workbook(user), "Đảng viên")
    assert [r[0] for r in rows] == [user.member.card_number]


def _inject(card: str, name: str) -> None:
    member = Member.objects.get(card_number=card)
    update_member(actor=None, card_number=card, data=member_input(member, full_name=name))


def test_cells_that_look_like_formulas_are_neutralized_in_xlsx_and_csv(user_named):
    _inject("45.000001", '=HYPERLINK("http://x","bấm")')
    user = user_named("quantri")
    data = export_workbook(user, ["members"])
    book = load_workbook(io.BytesIO(data))  # not read-only: see cell types
    cells = [c for row in book["Đảng viên"].iter_rows(min_row=2) for c in row if c.value]
    assert all(c.data_type != "f" for c in cells)
    injected = [c.value for c in cells if "hyperlink" in str(c.value)]
    assert injected == ['\'=hyperlink("http://x","bấm")']
    text = export_csv(user, "members").decode("utf-8-sig")
    names = [row[1] for row in csv.reader(io.StringIO(text))]
    assert all(not n.startswith(("=", "+", "-", "@")) for n in names)
    assert '\'=hyperlink("http://x","bấm")' in names
    # and the neutralized workbook still imports back unchanged
    assert run_import(data, actor=user, dry_run=False).changes == 0


def test_exports_of_personal_data_are_audited(user_named):
    user = user_named("vanphong")
    export_csv(user, "members")
    export_workbook(user)
    events = AuditEvent.objects.filter(action="export.members", actor_id=user.pk)
    assert events.count() == 2


def test_csv_starts_with_a_bom_and_the_vietnamese_headers(user_named):
    text = export_csv(user_named("vanphong"), "organizations").decode("utf-8")
    assert text.startswith("\ufeffMã,Tên,Loại")
