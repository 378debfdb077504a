"""The «Khen thưởng» workbook sheet: record_award's checks, one achievement one award."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from tongket.awards import domain
from tongket.awards.models import Award, AwardDecision
from tongket.awards.sheets import AwardSheet
from tongket.core.tests.workbooks import assert_imports_back_unchanged
from tongket.exchange.exporter import export_workbook
from tongket.exchange.importer import run_import
from tongket.exchange.workbook import write_workbook
from tongket.people.models import Member

pytestmark = pytest.mark.django_db

SHEET = "Khen thưởng"
TCCB = "QT.KCQDN.SGDDT.TCCB"
THEMATIC = "Giấy khen của Đảng ủy cấp trên cơ sở tặng cá nhân (chuyên đề, đột xuất)"
REPORTER = "trong công tác báo cáo viên năm 2020"


def award(
    *,
    card: str = "",
    org: str = "",
    form: str = THEMATIC,
    issuer: str = "QT.KCQDN",
    number: str = "20-QĐ/ĐUK",
    date: str = "10/03/2021",
    achievement: str = "trong phong trào chuyển đổi số năm 2020",
    year: Any = 2020,
) -> list[Any]:
    return [
        card,
        org,
        "",
        year,
        form,
        issuer,
        number,
        date,
        "T/M Ban Thường vụ",
        "Bí thư",
        "",
        achievement,
    ]


def province_award(card: str, number: str, achievement: str) -> list[Any]:
    """A row of the Tỉnh ủy's Bằng khen (thematic) for a member's 2020 achievement."""
    return award(
        card=card,
        form=domain.PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
        issuer="QT",
        number=number,
        achievement=achievement,
    )


def book(*rows: list[Any]) -> bytes:
    return write_workbook([(AwardSheet(), rows)])


def errors(report: Any) -> list[tuple[str, int, str, str]]:
    return [(p.sheet, p.row, p.column, p.rule) for p in report.errors]


def tccb_card(index: int = 0) -> str:
    return Member.objects.filter(organization__code=TCCB).order_by("card_number")[index].card_number


@pytest.mark.parametrize("username", ["quantri", "vanphong", "bithu", "khoi", "dangvien"])
def test_exported_awards_import_back_without_any_change(username, user_named):
    assert_imports_back_unchanged(user_named(username), ["awards"], Award, AwardDecision)


def test_the_export_holds_only_the_awards_the_user_may_see(user_named):
    rows = list(
        load_workbook(io.BytesIO(export_workbook(user_named("bithu"), ["awards"])))[
            SHEET
        ].iter_rows(min_row=2, values_only=True)
    )
    tccb = set(Member.objects.filter(organization__code=TCCB).values_list("card_number", flat=True))
    assert rows
    assert {r[0] for r in rows if r[0]} <= tccb
    assert {r[1] for r in rows if r[1]} == {TCCB}


def test_an_award_is_recorded_through_the_service(user_named):
    user = user_named("vanphong")
    card = tccb_card()
    data = book(award(card=card))
    report = run_import(data, actor=user, dry_run=False)
    assert report.ok, report.problems
    made = Award.objects.get(member__card_number=card, achievement__contains="chuyển đổi số")
    assert made.form.code == domain.PARTY_BLOC_INDIVIDUAL_THEMATIC
    assert (made.decision.number, made.decision.issuer.code) == ("20-QĐ/ĐUK", "QT.KCQDN")
    assert made.decision.signer_title == "Bí thư"
    assert run_import(data, actor=user, dry_run=False).changes == 0


def test_the_same_achievement_is_never_rewarded_twice(user_named):
    minh = "45.000001"
    # Already rewarded by the bloc; the province's Bằng khen for the same achievement is refused,
    # whatever the spelling of the achievement.
    second = province_award(minh, "31-QĐ/TU", "Trong công tác  BÁO CÁO VIÊN năm 2020.")
    twice_in_file = award(card=tccb_card(), achievement="trong công tác tuyên truyền")
    report = run_import(
        book(second, twice_in_file, twice_in_file), actor=user_named("vanphong"), dry_run=False
    )
    assert errors(report) == [
        (SHEET, 2, "Thành tích", domain.RULE_NOT_REWARDED_TWICE),
        (SHEET, 4, "Thành tích", domain.RULE_NOT_REWARDED_TWICE),
    ]
    assert "Giấy khen của Đảng ủy cấp trên cơ sở" in report.errors[0].message


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            award(org=TCCB),
            (SHEET, 2, "Hình thức", "awards.form.recipient_kind"),
        ),
        (
            award(card="45.000001", form="Huân chương"),
            (SHEET, 2, "Hình thức", "awards.unknown_reference"),
        ),
        (
            award(card="45.000001", issuer="QT.KHONGCO"),
            (SHEET, 2, "Mã cơ quan khen thưởng", "awards.unknown_reference"),
        ),
        (
            award(card="45.000001", date="10/03/2019"),
            (SHEET, 2, "Ngày quyết định", "awards.decision.date_before_year_end"),
        ),
        (
            award(
                card="45.000050",
                form=domain.PARTY_GRASSROOTS_MEMBER_EXCELLENT,
                issuer="QT.KCQDN.SGDDT",
            ),
            (SHEET, 2, "Số thẻ", domain.RULE_PARTY_EXCELLENT),
        ),
        (award(card="45.000001", org=TCCB), (SHEET, 2, "Số thẻ", "import.award.recipient")),
    ],
)
def test_each_refusal_names_sheet_row_column_and_rule(row, expected, user_named):
    report = run_import(book(row), actor=user_named("vanphong"), dry_run=False)
    assert expected in errors(report), report.problems
    assert not report.applied


def test_one_bad_row_means_no_award_is_written(user_named):
    before = (Award.objects.count(), AwardDecision.objects.count())
    data = book(
        award(card=tccb_card(0)),
        award(card=tccb_card(1), achievement="trong công tác dân vận"),
        award(card=tccb_card(2), form="Không có"),
    )
    report = run_import(data, actor=user_named("vanphong"), dry_run=False)
    assert errors(report) == [(SHEET, 4, "Hình thức", "awards.unknown_reference")]
    assert (Award.objects.count(), AwardDecision.objects.count()) == before


def test_a_secretary_of_another_cell_cannot_record_awards_in_tccb(user_named):
    report = run_import(
        book(award(card=tccb_card()), award(org=TCCB, form=domain.PARTY_BLOC_COLLECTIVE_THEMATIC)),
        actor=user_named("bithu2"),
        dry_run=False,
    )
    assert errors(report) == [
        (SHEET, 2, "Số thẻ", "import.member.unknown_card"),
        (SHEET, 3, "Mã tổ chức", "people.organization.unknown_code"),
    ]


def test_a_formula_like_achievement_is_neutralized_on_export(user_named):
    user = user_named("vanphong")
    assert run_import(
        book(award(card=tccb_card(), achievement='=HYPERLINK("http://x")')),
        actor=user,
        dry_run=False,
    ).ok
    data = export_workbook(user, ["awards"])
    cells = [
        c for r in load_workbook(io.BytesIO(data))[SHEET].iter_rows(min_row=2) for c in r if c.value
    ]
    assert all(c.data_type != "f" for c in cells)
    assert '\'=HYPERLINK("http://x")' in [c.value for c in cells]
    assert run_import(data, actor=user, dry_run=False).changes == 0


def test_a_member_added_by_the_members_sheet_is_rewarded_in_the_same_file(user_named):
    from tongket.people.sheets import MemberSheet
    from tongket.people.tests.factories import member_row

    data = write_workbook(
        [
            (MemberSheet(), [member_row(1, cell=TCCB)]),
            (AwardSheet(), [award(card="99.000001")]),
        ]
    )
    report = run_import(data, actor=user_named("vanphong"), dry_run=False)
    assert report.ok, report.problems
    assert Award.objects.get(member__card_number="99.000001").form.code == (
        domain.PARTY_BLOC_INDIVIDUAL_THEMATIC
    )


def test_the_awards_download_as_csv_from_the_exchange_page(client_for):
    response = client_for("bithu").get("/exchange/export/awards.csv")
    assert response.status_code == 200
    text = response.getvalue().decode("utf-8-sig")
    assert text.startswith("Số thẻ,Mã tổ chức,")
    assert TCCB in text


def test_a_reworded_second_bang_khen_is_refused_until_the_row_gives_a_reason(user_named):
    minh = "45.000001"
    achievement = "Có thành tích trong công tác cộng tác viên dư luận xã hội năm 2020."
    reworded = province_award(minh, "41-QĐ/TU", achievement)
    before = Award.objects.count()
    report = run_import(book(reworded), actor=user_named("vanphong"), dry_run=False)
    assert errors(report) == [
        (SHEET, 2, "Lý do (nếu giống khen thưởng đã có)", domain.RULE_SAME_FORM_ISSUER_YEAR)
    ]
    assert Award.objects.count() == before
    report = run_import(
        book([*reworded, "Đợt khen riêng của Tỉnh ủy"]), actor=user_named("vanphong"), dry_run=False
    )
    assert report.ok, report.problems
    assert Award.objects.get(member__card_number=minh, decision__number="41-QĐ/TU").justification
