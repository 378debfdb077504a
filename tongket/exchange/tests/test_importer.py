"""The importer against the demo database: upserts, transfers, strictness, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import time
import unicodedata

import pytest

from tongket.audit.models import AuditEvent
from tongket.exchange.importer import run_import
from tongket.people.models import Member, Membership, Organization, PartyRole, Post
from tongket.people.tests.factories import CELLS, member_row, members_workbook, workbook

pytestmark = pytest.mark.django_db

NEW_CELL = ["QT.KCQDN.SGDDT.MOI", "Chi bộ Mới", "Chi bộ", "QT.KCQDN.SGDDT", "", "", "", "", ""]


def counts() -> tuple[int, ...]:
    return (
        Organization.objects.count(),
        Member.objects.count(),
        Membership.objects.count(),
        PartyRole.objects.count(),
        Post.objects.count(),
        AuditEvent.objects.count(),
    )


def test_new_organizations_members_roles_and_posts_are_created_through_the_services():
    data = workbook(
        organizations=[NEW_CELL],
        members=[member_row(1, cell="QT.KCQDN.SGDDT.MOI")],
        roles=[["99.000001", "", "QT.KCQDN.SGDDT.MOI", "Bí thư", "2020-2025", "15/07/2020"]],
        posts=[["99.000001", "", "UBND.QT.SGDDT", "Trưởng phòng", "", "01/01/2020"]],
    )
    report = run_import(data, actor=None, dry_run=False, filename="moi.xlsx")
    assert report.ok, report.problems
    assert report.applied
    member = Member.objects.get(card_number="99.000001")
    assert member.organization.code == "QT.KCQDN.SGDDT.MOI"
    assert member.party_roles.get().role == "secretary"
    assert member.posts.get().title == "head_of_division"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"organization.create", "member.create", "party_role.assign", "post.assign"} <= actions
    assert "import.workbook" in actions


def test_reimporting_the_same_file_changes_nothing_and_says_so():
    data = members_workbook(5)
    assert run_import(data, actor=None, dry_run=False).applied
    before = counts()
    again = run_import(data, actor=None, dry_run=False)
    assert again.ok
    assert again.changes == 0
    assert "Không có thay đổi" in again.summary()
    assert counts() == before


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing():
    before = counts()
    report = run_import(members_workbook(3), actor=None, dry_run=True)
    assert report.ok
    assert not report.applied
    assert report.counts()["Đảng viên"] == {"create": 3}
    assert counts() == before


def test_a_row_that_moves_a_member_records_a_transfer_not_an_overwrite():
    member = Member.objects.get(card_number="45.000001")
    target = next(c for c in CELLS if c != member.organization.code)
    row = [
        member.card_number,
        member.full_name,
        member.birth_date,
        member.get_gender_display(),
        member.joined_on,
        member.full_member_on,
        member.get_status_display(),
        target,
    ]
    report = run_import(workbook(members=[row]), actor=None, dry_run=False)
    assert report.ok, report.problems
    assert [o.action for o in report.outcomes] == ["transfer"]
    member.refresh_from_db()
    assert member.organization.code == target
    assert member.memberships.count() == 2
    assert member.memberships.get(end__isnull=True).organization.code == target
    assert AuditEvent.objects.filter(action="member.transfer", object_id="45.000001").exists()


def test_people_are_forgiven_spaces_case_decomposed_letters_and_text_dates():
    row = [
        " 99.000777 ",
        unicodedata.normalize("NFD", "  trần   THỊ   yến "),
        "05/03/1980",
        " nữ ",
        "3-2-2005",
        "2006-02-03",
        "chinh thuc",
        " QT.KCQDN.SGDDT.VP ",
    ]
    report = run_import(workbook(members=[row]), actor=None, dry_run=False)
    assert report.ok, report.problems
    member = Member.objects.get(card_number="99.000777")
    assert member.full_name == "Trần Thị Yến"
    assert (member.gender, member.status) == ("female", "full")
    assert member.joined_on == dt.date(2005, 2, 3)


@pytest.mark.parametrize(
    ("members", "rule", "column"),
    [
        ([member_row(1, cell="QT.KHONGCO")], "people.organization.unknown_code", "Mã chi bộ"),
        ([member_row(1), member_row(1)], "import.member.duplicate_card", "Số thẻ"),
        ([[*member_row(1)[:6], "Tạm ngừng", CELLS[0]]], "import.cell.choice", "Tình trạng"),
        ([[*member_row(1)[:3], "Khác", *member_row(1)[4:]]], "import.cell.choice", "Giới tính"),
        ([[*member_row(1)[:4], "", *member_row(1)[5:]]], "import.cell.required", "Ngày vào Đảng"),
        (
            [[*member_row(1)[:4], dt.date(1960, 1, 1), *member_row(1)[5:]]],
            "people.member.dates",
            "Ngày vào Đảng",
        ),
    ],
)
def test_strict_rules_refuse_the_row_and_name_the_column(members, rule, column):
    before = counts()
    report = run_import(workbook(members=members), actor=None, dry_run=False)
    assert not report.applied
    assert (rule, column) in {(p.rule, p.column) for p in report.errors}
    assert counts() == before


def test_a_parent_that_would_create_a_cycle_is_refused():
    rows = [
        ["QT.KCQDN.SGDDT", "Đảng bộ Sở Giáo dục và Đào tạo", "Đảng bộ cơ sở", "QT.KCQDN.SGDDT.VP"],
    ]
    org = Organization.objects.get(code="QT.KCQDN.SGDDT")
    rows[0][1] = org.name
    rows[0][2] = org.get_kind_display()
    report = run_import(
        workbook(organizations=[r + [""] * 5 for r in rows]), actor=None, dry_run=False
    )
    assert [p.rule for p in report.errors] == ["people.organization.cycle"]
    assert report.errors[0].column == "Mã tổ chức cấp trên"


def test_a_cycle_made_only_of_new_rows_is_refused():
    a = ["X.A", "A", "Chi bộ", "X.B", "", "", "", "", ""]
    b = ["X.B", "B", "Chi bộ", "X.A", "", "", "", "", ""]
    report = run_import(workbook(organizations=[a, b]), actor=None, dry_run=False)
    assert {p.rule for p in report.errors} == {"people.organization.cycle"}


def test_a_kind_that_does_not_exist_is_refused():
    row = ["X.A", "A", "Chi đoàn", "QT.KCQDN.SGDDT", "", "", "", "", ""]
    report = run_import(workbook(organizations=[row]), actor=None, dry_run=False)
    assert [(p.rule, p.column) for p in report.errors] == [("import.cell.choice", "Loại")]


def test_a_card_already_held_outside_the_users_scope_is_a_duplicate(user_named):
    outside = Member.objects.exclude(organization__code=f"{CELLS[0][:-2]}TCCB").first()
    assert outside is not None
    row = [outside.card_number, *member_row(1, cell="QT.KCQDN.SGDDT.TCCB")[1:]]
    report = run_import(workbook(members=[row]), actor=user_named("bithu"), dry_run=False)
    assert [p.rule for p in report.errors] == ["people.member.unique_card"]


def test_a_secretary_cannot_import_into_another_cell(user_named):
    report = run_import(
        workbook(members=[member_row(1, cell="QT.KCQDN.SGDDT.TTR")]),
        actor=user_named("bithu"),
        dry_run=False,
    )
    assert [p.rule for p in report.errors] == ["people.organization.unknown_code"]
    assert not Member.objects.filter(card_number="99.000001").exists()


def test_a_reader_is_refused_by_the_services_with_the_rule(user_named):
    report = run_import(members_workbook(2), actor=user_named("khoi"), dry_run=False)
    assert {p.rule for p in report.errors} == {"access.denied"}
    assert len(report.errors) == 2


def test_one_bad_row_means_nothing_is_written():
    bad = member_row(9999, cell="QT.KHONGCO")
    before = counts()
    report = run_import(members_workbook(50, extra=[bad]), actor=None, dry_run=False)
    assert len(report.errors) == 1
    assert counts() == before


def test_twenty_planted_errors_are_all_reported_with_sheet_row_and_column_and_nothing_is_written():
    rows = [member_row(i) for i in range(1, 201)]
    planted: list[tuple[int, str]] = []  # (excel row, column header)
    for n in range(20):
        index = 5 + n * 9
        kind = n % 5
        if kind == 0:
            rows[index][7] = "QT.KHONGCO"
            planted.append((index + 2, "Mã chi bộ"))
        elif kind == 1:
            rows[index][6] = "Đang chờ"
            planted.append((index + 2, "Tình trạng"))
        elif kind == 2:
            rows[index][4] = "32/13/2005"
            planted.append((index + 2, "Ngày vào Đảng"))
        elif kind == 3:
            rows[index][0] = rows[index - 1][0]
            planted.append((index + 2, "Số thẻ"))
        else:
            rows[index][5] = dt.date(2000, 1, 1)  # before joining: the service's own rule
            planted.append((index + 2, "Ngày chính thức"))
    before = counts()
    report = run_import(workbook(members=rows), actor=None, dry_run=False)
    found = sorted((p.row, p.column) for p in report.errors)
    assert found == sorted(planted)
    assert all(p.sheet == "Đảng viên" and p.letter for p in report.errors)
    assert counts() == before


def test_two_thousand_members_import_in_one_transaction():
    data = members_workbook(2000)
    started = time.monotonic()
    report = run_import(data, actor=None, dry_run=False)
    elapsed = time.monotonic() - started
    assert report.ok, report.problems[:3]
    assert Member.objects.filter(card_number__startswith="99.").count() == 2000
    assert elapsed < 60, f"{elapsed:.1f} s"


def test_a_corrupt_file_is_reported_not_raised():
    report = run_import(b"PK\x03\x04garbage", actor=None, dry_run=False)
    assert [p.rule for p in report.errors] == ["import.file.not_xlsx"]
    assert "Excel" in report.summary() or report.errors[0].message


def test_progress_is_reported_up_to_the_total():
    seen: list[tuple[int, int]] = []
    run_import(
        members_workbook(150), actor=None, dry_run=True, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[0] == (0, 150)
    assert seen[-1] == (150, 150)
