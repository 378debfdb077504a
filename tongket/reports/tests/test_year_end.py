"""The year-end report of the demo: its facts, its files, who may see what, and the command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tongket.core.errors import DomainError, NotFound
from tongket.evaluation.domain import Level
from tongket.people.models import Member
from tongket.reports import builders, selectors, services
from tongket.reports.documents.docx_renderer import render_docx
from tongket.reports.documents.markdown_renderer import render_markdown
from tongket.reports.documents.pdf_renderer import render_pdf
from tongket.reports.tests.rendering import docx_text, flat, pdf_text

ORG = "QT.KCQDN.SGDDT"
TTR = f"{ORG}.TTR"
DAY = dt.date(2021, 2, 24)


@pytest.fixture
def facts(user_named: Callable[[str], Any]) -> Any:
    return selectors.year_end_facts(user_named("vanphong"), ORG, 2020)


@pytest.mark.django_db
def test_the_demo_year_has_its_members_cells_and_decided_levels(facts: Any):
    assert (facts.member_count, facts.cell_count) == (50, 7)
    c = facts.classification
    assert c.own_level == Level.GOOD
    assert (c.cells.excellent, c.cells.good, c.cells.total) == (2, 5, 7)
    assert c.members.excellent == 10


@pytest.mark.django_db
def test_the_demo_year_has_the_departments_scores_ranks_and_targets(facts: Any):
    cards = {(s.points, s.maximum, s.rank, s.of) for s in facts.scorecards}
    assert (Decimal("326.7"), Decimal("350"), 1, 20) in cards
    assert (Decimal("88.57"), Decimal("97"), 2, 20) in cards
    assert (facts.targets.met, facts.targets.total) == (4, 4)


@pytest.mark.django_db
def test_the_demo_year_has_the_seed_awards(facts: Any):
    recipients = {a.recipient for a in facts.awards}
    assert {"Võ Văn Minh", "Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng"} <= recipients


@pytest.mark.django_db
def test_the_markdown_report_states_the_seed_figures(user_named: Callable[[str], Any]):
    text = selectors.render_report(
        user_named("vanphong"), ORG, 2020, kind="year-end", fmt="md", date=DAY
    ).content.decode()
    for figure in (
        "“Hoàn thành tốt nhiệm vụ”",
        # The office's text states these; the generated sentence does not repeat them.
        "02 chi bộ hoàn thành xuất sắc nhiệm vụ",
        "05 chi bộ hoàn thành tốt nhiệm vụ",
        "10 đồng chí đảng viên hoàn thành xuất sắc nhiệm vụ",
        "40 đồng chí đảng viên xếp loại hoàn thành tốt nhiệm vụ",
        "326,7 điểm/350 điểm",
        "xếp thứ Nhất trong 20",
        "88,57 điểm/97,0 điểm",
        "xếp thứ Nhì",
        "4/4 chỉ tiêu",
        "-BC/ĐU",
        "Quảng Trị, ngày 24 tháng 02 năm 2021",
    ):
        assert text.count(figure) == 1, figure
    assert "Võ Văn Minh" in text


@pytest.mark.django_db
def test_the_office_narrative_is_filled_with_the_figures(facts: Any):
    personnel = next(n for n in facts.narratives if n.section == "organization_personnel")
    assert "02 chi bộ hoàn thành xuất sắc nhiệm vụ, 05 chi bộ" in personnel.text
    assert "{" not in personnel.text


@pytest.mark.django_db
def test_a_narrative_with_an_unknown_placeholder_is_refused():
    with pytest.raises(DomainError) as refused:
        services.save_narrative(
            actor=None,
            organization_code=ORG,
            year=2020,
            section="inspection",
            text="Có {so_chi_bo_xuat_sac} chi bộ và {so_chi_bo_tuyet_voi}.",
        )
    assert refused.value.field == "text"
    assert "{so_chi_bo_tuyet_voi}" in refused.value.message


@pytest.mark.django_db
def test_docx_and_pdf_of_the_report_carry_the_same_text(facts: Any):
    doc = builders.build_year_end_report(facts, date=DAY, number=12)
    in_docx, in_pdf = docx_text(render_docx(doc)), pdf_text(render_pdf(doc))
    expected = [
        "ĐẢNG BỘ KHỐI CƠ QUAN VÀ DOANH NGHIỆP TỈNH",
        "ĐẢNG ỦY SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "Số 12-BC/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Quảng Trị, ngày 24 tháng 02 năm 2021",
        "BÁO CÁO",
        "326,7 điểm/350 điểm",
        "88,57 điểm/97,0 điểm",
        "4/4",
        "02 chi bộ hoàn thành xuất sắc nhiệm vụ",
        "05 chi bộ hoàn thành tốt nhiệm vụ",
        "10 đồng chí đảng viên",
        "T/M ĐẢNG ỦY",
        "BÍ THƯ",
    ]
    for text in expected:
        assert flat(text) in in_docx, text
        assert flat(text) in in_pdf, text
    # Stated once, in one format, with no placeholder or sample mark for the reader.
    for text in (in_docx, in_pdf):
        assert text.count("326,7 điểm/350 điểm") == 1
        for absent in ("326,70", "350,00", "chưa có dữ liệu", "(khung mẫu)", "chưa viết"):
            assert absent not in text, absent
    # Every paragraph of the Markdown shows up in both, so neither form drops a section.
    for block in doc.body:
        plain = getattr(block, "plain_text", "")
        if plain:
            assert flat(plain) in in_docx
            assert flat(plain)[:60] in in_pdf


@pytest.mark.django_db
def test_a_cell_secretary_report_holds_nothing_from_outside_the_cell(
    user_named: Callable[[str], Any],
):
    bithu2 = user_named("bithu2")
    with pytest.raises(NotFound):
        selectors.year_end_facts(bithu2, ORG, 2020)
    facts = selectors.year_end_facts(bithu2, TTR, 2020)
    assert (facts.member_count, facts.cell_count) == (6, 1)
    assert facts.scorecards is None
    assert facts.targets is None
    text = "\n".join(
        render_markdown(builders.build(kind, facts, date=DAY))
        for kind in ("year-end", "decision", "notice")
    )
    outsiders = Member.objects.exclude(organization__code=TTR).values_list("full_name", flat=True)
    leaked = [name for name in outsiders if name in text]
    assert leaked == []
    for foreign in ("326,7", "88,57", "Chi bộ Văn phòng", "Chi bộ Tổ chức cán bộ"):
        assert foreign not in text


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["md", "docx", "pdf", "xlsx"])
def test_the_command_writes_the_year_end_report_in_each_format(tmp_path: Path, fmt: str):
    out = tmp_path / f"report.{fmt}"
    call_command("report", org=ORG, year=2020, kind="year-end", fmt=fmt, output=out)
    data = out.read_bytes()
    if fmt == "md":
        assert "326,7 điểm/350 điểm" in data.decode()
    elif fmt == "docx":
        assert "326,7 điểm/350 điểm" in docx_text(data)
    elif fmt == "pdf":
        assert "326,7 điểm/350 điểm" in pdf_text(data)
    else:
        book = load_workbook(BytesIO(data))
        assert book["Tổng hợp"]["B3"].value == 50
        assert [r[1].value for r in book["Xếp loại chi bộ"].iter_rows(min_row=3, max_row=4)] == [
            2,
            5,
        ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "fragment"),
    [
        ("decision", "QUYẾT ĐỊNH"),
        ("notice", "THÔNG BÁO"),
        ("minutes", "BIÊN BẢN"),
        ("resolution", "NGHỊ QUYẾT"),
        ("awards", "Võ Văn Minh"),
    ],
)
def test_the_command_writes_each_kind_of_document(tmp_path: Path, kind: str, fragment: str):
    out = tmp_path / f"{kind}.md"
    call_command("report", org=ORG, year=2020, kind=kind, fmt="md", output=out)
    assert fragment in out.read_text()


@pytest.mark.django_db
def test_the_news_item_carries_the_seed_facts(tmp_path: Path):
    out = tmp_path / "news.md"
    call_command("report", org=ORG, year=2020, kind="news", fmt="md", output=out)
    text = out.read_text()
    for fact in (
        "Ngày 24 tháng 02 năm 2021",
        "Hoàn thành tốt nhiệm vụ",
        "326,7 điểm/350 điểm",
        "88,57 điểm/97,0 điểm",
        "02 chi bộ",
        "05 chi bộ",
        "10 đồng chí",
        "4/4",
        "Võ Văn Minh",
    ):
        assert fact in text, fact


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_organization():
    with pytest.raises(CommandError):
        call_command("report", org="KHONG.CO", year=2020, kind="year-end", fmt="md")


@pytest.mark.django_db
def test_a_member_transferred_after_the_year_counts_where_they_were_evaluated(
    user_named: Callable[[str], Any],
):
    """The report counts the year's results as `tongket stats` does: a member who leaves the
    department after its 2020 evaluation stays in its 2020 figures, under the cell that
    evaluated them, and does not count in 2020 where they went."""
    from tongket.evaluation import stats as evaluation_stats
    from tongket.people.models import Organization
    from tongket.people.services import OrganizationInput, create_organization, transfer_member

    department = Organization.objects.get(code=ORG)
    cell = Organization.objects.get(code=TTR)
    member = Member.objects.filter(organization=cell).order_by("card_number").first()
    assert member is not None
    before = selectors.year_end_facts(user_named("vanphong"), ORG, 2020).classification
    assert before is not None
    create_organization(
        actor=None,
        data=OrganizationInput(
            code="QT.KCQDN.MOI", name="Đảng bộ Sở Mới", kind="grassroots", parent_code="QT.KCQDN"
        ),
    )
    transfer_member(
        actor=None, card_number=member.card_number, to_code="QT.KCQDN.MOI", on=dt.date(2021, 1, 5)
    )

    after = selectors.year_end_facts(user_named("vanphong"), ORG, 2020).classification
    assert after is not None
    assert (after.members, after.cells) == (before.members, before.cells)
    row = next(r for r in after.rows if r.card_number == member.card_number)
    assert row.org_name == cell.name
    stats = evaluation_stats.stats(department, 2020)["members"]
    assert after.members.total == stats["total"] - stats["pending"] == 50
    summary = selectors.year_end_facts(user_named("quantri"), ORG, 2020, rows=False)
    assert summary.classification is not None
    assert summary.classification.members == after.members
    elsewhere = selectors.year_end_facts(user_named("quantri"), "QT.KCQDN.MOI", 2020)
    assert elsewhere.classification is None


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["decision", "notice"])
def test_a_list_too_long_for_one_document_is_refused_before_any_row_is_read(
    user_named: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch, kind: str
):
    """A province's decision would list 600,000 subjects: it is refused, counted from the
    tally, naming the count and where to issue it instead; within the limit it is built."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(selectors, "DOCUMENT_ROW_LIMIT", 56)  # the department lists 57
    user = user_named("vanphong")
    with CaptureQueriesContext(connection) as queries, pytest.raises(DomainError) as refused:
        selectors.render_report(user, ORG, 2020, kind=kind, fmt="md")
    assert refused.value.rule == "reports.document.too_long"
    assert "57 tập thể, cá nhân" in refused.value.message
    assert "từng tổ chức cấp dưới" in refused.value.message
    assert len(queries.captured_queries) <= 5  # the organization and the tally's counts
    monkeypatch.setattr(selectors, "DOCUMENT_ROW_LIMIT", 57)
    assert selectors.render_report(user, ORG, 2020, kind=kind, fmt="md").content


@pytest.mark.django_db
def test_the_report_names_every_award_even_when_a_form_is_given_several_times(
    user_named: Callable[[str], Any],
):
    from tongket.awards import domain as award_domain
    from tongket.awards.tests.recording import record

    minh = Member.objects.get(full_name="Võ Văn Minh")
    record(
        user_named("vanphong"),
        minh.card_number,
        award_domain.PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
        "trong phong trào chuyển đổi số năm 2020",
        "41-QĐ/TU",
        issuer="QT",
        justification="Đợt khen chuyển đổi số của Tỉnh ủy",
    )
    facts = selectors.year_end_facts(user_named("vanphong"), ORG, 2020)
    text = flat(render_markdown(builders.build_year_end_report(facts, date=DAY)))
    assert "cộng tác viên dư luận xã hội" in text
    assert "chuyển đổi số" in text
    assert facts.awards is not None
    giay_khen = [a for a in facts.awards if a.form.startswith("Giấy khen") and "Sở" in a.issuer]
    for a in giay_khen:
        assert a.recipient in text
