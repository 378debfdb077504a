"""Builders and charts over hand-made facts: no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from tongket.core.errors import DomainError
from tongket.evaluation.domain import Level
from tongket.reports import builders, charts
from tongket.reports.documents.model import Heading
from tongket.reports.facts import (
    NO_DATA,
    LevelCounts,
    NarrativeText,
    OrgFacts,
    ProgramLine,
    ScoreLine,
    Signer,
    YearEndFacts,
    fill_placeholders,
    placeholder_values,
)

ORG = OrgFacts(
    code="X",
    name="Đảng bộ Sở X",
    kind="grassroots",
    path="0001/",
    issuer_code="ĐU",
    place="Quảng Trị",
    superior_name="Đảng bộ Khối",
    committee_name="Đảng ủy Sở X",
    on_behalf="T/M ĐẢNG ỦY",
)


def bare_facts(**changes: Any) -> YearEndFacts:
    """A year's facts with only the counts and the signer, plus `changes`."""
    facts = YearEndFacts(
        organization=ORG,
        year=2020,
        member_count=12,
        cell_count=3,
        signer=Signer("T/M ĐẢNG ỦY", "Bí thư", "Nguyễn Văn A"),
    )
    return replace(facts, **changes)


def test_a_section_without_data_prints_nothing_and_the_office_is_told_what_is_missing():
    facts = bare_facts()
    values = placeholder_values(facts)
    assert values["so_chi_bo_xuat_sac"] == NO_DATA
    assert values["so_dang_vien"] == "12"
    assert builders.classification_sentence(facts) == builders.scores_sentence(facts) == ""
    doc = builders.build_year_end_report(facts, date=dt.date(2021, 2, 24))
    printed = " ".join(getattr(block, "plain_text", "") for block in doc.body)
    assert NO_DATA not in printed
    assert "Văn phòng chưa viết" not in printed
    # The sections keep consecutive numbers though most are left out.
    headings = [b.text for b in doc.body if isinstance(b, Heading) and b.level == 2]
    assert headings == ["1. Công tác tổ chức, cán bộ và xây dựng tổ chức đảng"]
    missing = builders.missing_sections(facts)
    assert "kết quả xếp loại năm 2020 đã được quyết định" in missing
    assert "hội nghị tổng kết" in missing


def test_a_figure_the_office_already_wrote_is_not_repeated_and_keeps_one_format():
    line = ScoreLine(
        title="Bộ tiêu chí chấm điểm năm 2020 (khung mẫu)",
        points=Decimal("326.70"),
        maximum=Decimal("350.00"),
        rank=1,
        of=20,
    )
    facts = bare_facts(
        scorecards=(line,),
        narratives=(
            NarrativeText(
                "political_tasks", "", "Sở đạt 326,70 điểm/350,00 điểm; có 12 đảng viên, 03 chi bộ."
            ),
        ),
    )
    doc = builders.build_year_end_report(facts, date=dt.date(2021, 2, 24))
    printed = "\n".join(getattr(block, "plain_text", "") for block in doc.body)
    assert printed.count("326,7 điểm/350 điểm") == 1
    assert "326,70" not in printed
    assert "(khung mẫu)" not in printed
    assert "xếp thứ Nhất trong 20 đơn vị" in printed


def test_placeholders_are_replaced_and_unknown_braces_stay():
    values = {"so_chi_bo": "07"}
    assert fill_placeholders("{so_chi_bo} chi bộ, {khac}", values) == "07 chi bộ, {khac}"


def test_documents_needing_results_refuse_when_there_are_none():
    for build in (builders.build_decision, builders.build_notice, builders.build_minutes):
        with pytest.raises(DomainError, match="Chưa có"):
            build(bare_facts(), date=dt.date(2021, 2, 24))


def test_charts_are_svg_with_titles_and_no_style_attribute():
    history = [(2019, LevelCounts(excellent=1, good=6)), (2020, LevelCounts(excellent=2, good=5))]
    svgs = [
        charts.level_distribution_svg(history, what="chi bộ"),
        charts.score_history_svg(
            [(2020, ScoreLine("Khung <A>", Decimal("326.7"), Decimal("350"), 1, 20))]
        ),
        charts.program_progress_svg([ProgramLine("Chương trình", "work", 10, 7, 2, 0, 1)]),
        charts.level_distribution_svg([], what="đảng viên"),
    ]
    for svg in svgs:
        assert svg.startswith("<svg")
        assert svg.endswith("</svg>")
        assert "style=" not in svg
        assert "<title>" in svg
    assert "Chưa có dữ liệu" in svgs[3]
    assert "hạng 1/20" in svgs[1]


def test_the_chart_table_has_one_row_per_year():
    table = charts.level_history_table(
        [
            (2019, LevelCounts(good=7), LevelCounts(good=50)),
            (2020, LevelCounts(excellent=2), LevelCounts()),
        ]
    )
    assert [row[0] for row in table.rows] == ["2019", "2020"]
    assert table.rows[1][1] == "2"  # a table prints plain numbers


def test_the_level_table_compares_with_the_previous_year():
    from tongket.reports.facts import Classification

    now = Classification(Level.GOOD, "Đảng ủy Khối", "", LevelCounts(2, 5), LevelCounts(10, 40), ())
    before = Classification(Level.GOOD, "", "", LevelCounts(1, 6), LevelCounts(8, 42), ())
    facts = bare_facts(
        member_count=50,
        cell_count=7,
        signer=Signer("T/M ĐẢNG ỦY", "Bí thư", "A"),
        classification=now,
        previous=before,
    )
    doc = builders.build_year_end_report(facts, date=dt.date(2021, 2, 24))
    tables = [b for b in doc.body if hasattr(b, "rows")]
    assert tables[0].rows[0] == ("Hoàn thành xuất sắc nhiệm vụ", "2", "28,6%", "1")
    assert tables[1].rows[0][1:] == ("10", "20%", "8")


def test_a_written_paragraph_whose_figure_has_no_data_is_left_out_and_named_for_the_office():
    values = placeholder_values(bare_facts())
    written = (
        "Đảng bộ có {so_dang_vien} đảng viên.\n\n"
        "Có {so_chi_bo_xuat_sac} chi bộ hoàn thành xuất sắc nhiệm vụ."
    )
    facts = YearEndFacts(
        **{
            **bare_facts().__dict__,
            "narratives": (
                NarrativeText(
                    "organization_personnel",
                    "Công tác tổ chức, cán bộ và đảng viên",
                    fill_placeholders(written, values),
                ),
            ),
        }
    )
    doc = builders.build_year_end_report(facts, date=dt.date(2021, 2, 24))
    printed = " ".join(getattr(block, "plain_text", "") for block in doc.body)
    assert "Đảng bộ có 12 đảng viên." in printed
    assert NO_DATA not in printed
    assert "chi bộ hoàn thành xuất sắc" not in printed
    assert any(
        "Công tác tổ chức, cán bộ và đảng viên" in m for m in builders.missing_sections(facts)
    )


def test_a_score_placeholder_reads_as_the_sentences_write_it():
    facts = YearEndFacts(
        **{
            **bare_facts().__dict__,
            "scorecards": (
                ScoreLine(title="Bộ tiêu chí", points=Decimal("326.70"), maximum=Decimal("350.00")),
            ),
        }
    )
    values = placeholder_values(facts)
    assert f"{values['diem_thi_dua']} điểm/{values['diem_toi_da']} điểm" == "326,7 điểm/350 điểm"


def test_an_achievement_every_recipient_shares_is_said_once():
    from tongket.reports.facts import AwardLine

    lines = [
        AwardLine(
            recipient=name,
            recipient_kind="member",
            form="Giấy khen",
            issuer="Đảng ủy Sở X",
            achievement="hoàn thành xuất sắc nhiệm vụ năm 2020",
        )
        for name in ("Nguyễn Văn A", "Trần Văn B", "Lê Thị C")
    ]
    clause = builders._group_clause(lines)
    assert clause.count("hoàn thành xuất sắc nhiệm vụ năm 2020") == 1
    assert clause.endswith("Nguyễn Văn A, Trần Văn B, Lê Thị C")
