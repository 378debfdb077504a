"""The set-based import path: the same rows, refusals and audit events as the per-row services,
a valid audit chain afterwards, and a number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any, cast

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tongket.audit.models import AuditEvent
from tongket.audit.services import verify
from tongket.exchange import bulk
from tongket.exchange.importer import ImportReport, run_import
from tongket.exchange.sheets import MemberSheet, OrganizationSheet, PartyRoleSheet, PostSheet
from tongket.exchange.tests.factories import CELLS, member_row, members_workbook, workbook
from tongket.exchange.workbook import ImportContext, SheetHandler
from tongket.people import services
from tongket.people.models import Member, Membership, Organization, PartyRole, Post

pytestmark = pytest.mark.django_db


class _Undo(Exception):
    pass


class PerRowMembers(MemberSheet):
    def apply_all(
        self, records: list[Any], ctx: ImportContext, advance: Callable[[int], None]
    ) -> bool:
        return False


class PerRowRoles(PartyRoleSheet):
    def apply_all(
        self, records: list[Any], ctx: ImportContext, advance: Callable[[int], None]
    ) -> bool:
        return False


class PerRowPosts(PostSheet):
    def apply_all(
        self, records: list[Any], ctx: ImportContext, advance: Callable[[int], None]
    ) -> bool:
        return False


BULK: list[SheetHandler[Any]] = [OrganizationSheet(), MemberSheet(), PartyRoleSheet(), PostSheet()]
PER_ROW: list[SheetHandler[Any]] = [
    OrganizationSheet(),
    PerRowMembers(),
    PerRowRoles(),
    PerRowPosts(),
]


def _row_of(member: Member, **changes: Any) -> list[Any]:
    values = {
        "card": member.card_number,
        "name": member.full_name,
        "birth": member.birth_date,
        "gender": member.get_gender_display(),
        "joined": member.joined_on,
        "full": member.full_member_on,
        "status": member.get_status_display(),
        "cell": member.organization.code,
    }
    values.update(changes)
    return list(values.values())


def _run(data: bytes, layout: list[SheetHandler[Any]], actor: Any = None) -> dict[str, Any]:
    """Import for real inside a savepoint that is then undone: what it reported and wrote."""
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    found: dict[str, Any] = {}
    try:
        with transaction.atomic():
            report = run_import(data, actor=actor, dry_run=False, sheets=layout)
            found["report"] = report
            found["events"] = [
                (e.action, e.object_type, e.object_id, e.org_path, e.summary, e.before, e.after)
                for e in AuditEvent.objects.filter(id__gt=last).order_by("id")
            ]
            # Party role and post ids differ between runs; compare what they hold.
            found["events"] = [
                (*e[:2], "" if e[1] in ("party_role", "post") else e[2], *e[3:])
                for e in found["events"]
            ]
            found["members"] = sorted(
                Member.objects.filter(card_number__in=_cards(report)).values_list(*MEMBER_COLUMNS)
            )
            found["memberships"] = sorted(
                Membership.objects.filter(member__card_number__in=_cards(report)).values_list(
                    "member__card_number", "organization__code", "start", "end", "note"
                )
            )
            found["roles"] = sorted(
                PartyRole.objects.values_list("member__card_number", "role", "start")
            )
            found["posts"] = sorted(
                Post.objects.values_list("member__card_number", "title", "start")
            )
            found["verify"] = verify()
            raise _Undo
    except _Undo:
        pass
    return found


# Every column of a member but its id (the organization by code: ids differ between runs).
MEMBER_COLUMNS = [
    f.attname if f.name != "organization" else "organization__code"
    for f in Member._meta.concrete_fields
    if not f.primary_key
]


def _cards(report: ImportReport) -> set[str]:
    return {o.key for o in report.outcomes if o.sheet == "Đảng viên"}


def _same(data: bytes, actor: Any = None) -> dict[str, Any]:
    bulk = _run(data, BULK, actor)
    per_row = _run(data, PER_ROW, actor)
    assert bulk["report"].as_dict() == per_row["report"].as_dict()
    for key in ("events", "members", "memberships", "roles", "posts"):
        assert bulk[key] == per_row[key], key
    assert bulk["verify"] == []
    return bulk


def _mixed_file() -> bytes:
    moved, edited, both = Member.objects.filter(card_number__in=CARDS).order_by("card_number")
    other = {
        m.card_number: next(c for c in CELLS if c != m.organization.code) for m in (moved, both)
    }
    return workbook(
        members=[
            member_row(1),
            _row_of(moved, cell=other[moved.card_number]),
            member_row(2, cell="QT.KCQDN.SGDDT.TTR"),
            _row_of(edited, name="Tên Mới Sửa"),
            _row_of(both, name="Người Vừa Sửa", cell=other[both.card_number]),
        ],
        roles=[
            ["99.000001", "", CELLS[1], "Cấp ủy viên", "2020-2025", "15/07/2020"],
            ["99.000002", "", "QT.KCQDN.SGDDT.TTR", "Phó Bí thư", "", "01/01/2021"],
        ],
        posts=[["99.000002", "", "UBND.QT.SGDDT", "Chuyên viên", "", "01/01/2020"]],
    )


CARDS = ("45.000003", "45.000004", "45.000005")


def test_creates_edits_and_transfers_match_the_per_row_services_event_for_event():
    found = _same(_mixed_file())
    report = found["report"]
    assert report.ok, report.problems
    actions = [e[0] for e in found["events"]]
    assert actions == [
        "member.create",
        "member.transfer",
        "member.create",
        "member.update",
        "member.update",
        "member.transfer",
        "party_role.assign",
        "party_role.assign",
        "post.assign",
        "import.workbook",
    ]
    moved = [m for m in found["memberships"] if m[0] == CARDS[0]]
    assert [m[3] is None for m in moved].count(True) == 1  # the old one closed, a new one open


def test_refusals_at_write_time_match_the_services_rule_for_rule():
    member = Member.objects.get(card_number="45.000006")
    # An open membership that starts in the future: a transfer dated today is refused.
    Membership.objects.filter(member=member, end__isnull=True).update(
        start=dt.date.today() + dt.timedelta(days=3)
    )
    target = next(c for c in CELLS if c != member.organization.code)
    data = workbook(
        members=[member_row(7), _row_of(member, cell=target)],
        roles=[
            # Every demo cell has a secretary already.
            ["99.000007", "", member_row(7)[7], "Bí thư", "", "01/01/2021"],
            # Not a member of that cell.
            [
                "99.000007",
                "",
                "QT.KCQDN.SGDDT.KHTC"
                if member_row(7)[7] != "QT.KCQDN.SGDDT.KHTC"
                else "QT.KCQDN.SGDDT.VP",
                "Cấp ủy viên",
                "",
                "01/01/2021",
            ],
        ],
        # A cell is not an agency.
        posts=[["99.000007", "", CELLS[0], "Chuyên viên", "", "01/01/2020"]],
    )
    found = _same(data)
    report = found["report"]
    assert not report.applied
    assert {(p.sheet, p.rule) for p in report.errors} == {
        ("Đảng viên", "people.member.transfer_date"),
        ("Chức vụ đảng", "people.party_role.one_secretary"),
        ("Chức vụ đảng", "people.party_role.member_of_org"),
        ("Chức vụ chính quyền", "people.post.agency_kind"),
    }
    assert all(p.row > 1 for p in report.errors)


def test_two_new_secretaries_of_one_organization_in_a_file_refuse_the_second():
    new_cell = ["QT.KCQDN.SGDDT.MOI", "Chi bộ Mới", "Chi bộ", "QT.KCQDN.SGDDT", "", "", "", "", ""]
    data = workbook(
        organizations=[new_cell],
        members=[member_row(1, cell=new_cell[0]), member_row(2, cell=new_cell[0])],
        roles=[
            ["99.000001", "", new_cell[0], "Bí thư", "", "01/01/2021"],
            ["99.000002", "", new_cell[0], "Bí thư", "", "01/01/2021"],
        ],
    )
    report = _same(data)["report"]
    assert [(p.row, p.rule) for p in report.errors] == [(3, "people.party_role.one_secretary")]


def test_a_reader_and_a_secretary_outside_their_cell_are_refused_as_by_the_services(user_named):
    report = _same(members_workbook(3), actor=user_named("khoi"))["report"]
    assert {p.rule for p in report.errors} == {"access.denied"}
    member = Member.objects.get(card_number=CARDS[0])
    row = _row_of(member, name="Đổi Tên")
    report = _same(workbook(members=[row]), actor=user_named("vanphong"))["report"]
    assert report.ok


def test_after_a_bulk_import_the_audit_chain_verifies():
    report = run_import(_mixed_file(), actor=None, dry_run=False)
    assert report.applied
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=StringIO())
    assert f"{AuditEvent.objects.count()} sự kiện" in out.getvalue()


def test_reimporting_after_a_bulk_import_changes_nothing():
    data = _mixed_file()
    assert run_import(data, actor=None, dry_run=False).applied
    events = AuditEvent.objects.count()
    again = run_import(data, actor=None, dry_run=False)
    assert again.ok
    assert again.changes == 0
    assert AuditEvent.objects.count() == events


def test_queries_grow_with_batches_not_with_rows():
    def queries(count: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            report = run_import(members_workbook(count), actor=None, dry_run=True)
        assert report.ok
        return len(captured.captured_queries)

    small, large = queries(20), queries(400)
    # The per-row path ran about 13 queries a row. Here only the INSERT batches grow (SQLite
    # caps a statement at 999 parameters; PostgreSQL takes 1,000 rows a statement).
    assert large - small <= 380 // 20, (small, large)
    if connection.vendor == "postgresql":
        assert large == small


def test_progress_counts_every_planned_row_once_with_refusals():
    seen: list[tuple[int, int]] = []
    data = members_workbook(
        30, extra=[[*member_row(31)[:5], dt.date(1990, 1, 1), *member_row(31)[6:]]]
    )
    report = run_import(data, actor=None, dry_run=True, progress=lambda d, t: seen.append((d, t)))
    assert [p.rule for p in report.errors] == ["people.member.dates"]
    assert seen[0] == (0, 31)
    assert seen[-1] == (31, 31)


def test_a_dry_run_of_members_roles_and_posts_writes_nothing_not_even_audit():
    tables = (Member, Membership, PartyRole, Post, AuditEvent)
    before = [model.objects.count() for model in tables]
    report = run_import(_mixed_file(), actor=None, dry_run=True)
    assert report.ok, report.problems
    assert not report.applied
    assert report.changes == 8
    assert [model.objects.count() for model in tables] == before
    assert verify() == []


@pytest.mark.parametrize(
    "name",
    ["Nguyễn Thị Bình", "  lê   VĂN tính ", "H'Hen Niê", "Trần Thị-Ngọc Ánh", "ßa Đức", "Hoà"],
)
@pytest.mark.parametrize("sample", [False, True])
def test_the_bulk_new_member_is_the_services_new_member_without_the_instance(name, sample):
    org = Organization.objects.get(code=CELLS[2])
    data = services.MemberInput(
        card_number=" 99.123456 ",
        full_name=name,
        gender="female",
        joined_on=dt.date(2005, 3, 1),
        organization_code=org.code,
        status="probationary" if sample else "full",
        birth_date=None if sample else dt.date(1980, 5, 12),
        full_member_on=None if sample else dt.date(2006, 3, 1),
        is_sample=sample,
    )
    made = bulk.new_member(data, org)
    expected = services.new_member(data, org)
    fields = [f for f in Member._meta.concrete_fields if not f.primary_key]
    values = dict(zip(bulk.NEW_MEMBER_FIELDS, made.values(), strict=True))
    for f in fields:  # what the bulk row leaves out is the field's default
        assert values.get(f.attname, f.get_default()) == getattr(expected, f.attname), f.name
    assert services.member_create_event(cast(Member, made)) == services.member_create_event(
        expected
    )


def test_a_refused_new_member_among_streamed_rows_rolls_everything_back():
    tables = (Member, Membership, AuditEvent)
    before = [model.objects.count() for model in tables]
    bad = [*member_row(5)[:5], dt.date(1990, 1, 1), *member_row(5)[6:]]  # full date < joined
    data = members_workbook(4, extra=[member_row(6), bad, member_row(7)])
    report = run_import(data, actor=None, dry_run=False)
    assert not report.applied
    assert [(p.rule, p.row) for p in report.errors] == [("people.member.dates", 7)]
    assert [model.objects.count() for model in tables] == before


def test_an_import_reads_only_the_organizations_it_names():
    """A national database holds hundreds of thousands of organizations: the import asks for
    the codes its rows name (and their ancestors), never for the whole table."""
    with CaptureQueriesContext(connection) as captured:
        report = run_import(_mixed_file(), actor=None, dry_run=True)
    assert report.ok, report.problems
    table = connection.ops.quote_name(Organization._meta.db_table)
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and f"FROM {table}" in q["sql"]
    ]
    assert reads
    assert all(" WHERE " in sql for sql in reads), reads
