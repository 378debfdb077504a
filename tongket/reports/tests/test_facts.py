"""The year-end facts read every source app through its selectors: no section of the demo's
year-end report says it has no data ("chưa có dữ liệu") when the demo holds that data."""

from __future__ import annotations

import ast
import datetime as dt
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tongket.reports import facts, selectors

ORG = "QT.KCQDN.SGDDT"
DAY = dt.date(2021, 2, 24)
ALL_SECTIONS = tuple(facts.SECTION_LABELS)
# What the demo loader creates for the department: its 2020 results, scores, targets, awards and
# the year-end conference of 24/02/2021, which adopted the 2021 work and inspection programs.
DEMO_HOLDS = {
    2020: ("classification", "scorecards", "targets", "awards", "conference"),
    2021: ("programs", "conference"),
}
# A section's "no data" sentence in the report starts with these words.
NO_DATA_SENTENCES = {
    "classification": ("kết quả đánh giá, xếp loại", "xếp loại tổ chức đảng", "xếp loại đảng viên"),
    "scorecards": ("chấm điểm, xếp hạng",),
    "targets": ("chỉ tiêu",),
    "awards": ("khen thưởng",),
    "programs": ("thực hiện chương trình",),
    "conference": ("hội nghị tổng kết",),
}


def _no_data_clauses(text: str) -> list[str]:
    """Every clause of the text that says "chưa có dữ liệu", lower case, without markup."""
    flat = unicodedata.normalize("NFC", text).lower().replace("*", "")
    clauses = [c.strip() for line in flat.splitlines() for c in line.replace(";", ".").split(".")]
    return [c for c in clauses if facts.NO_DATA in c]


@pytest.mark.parametrize("year", sorted(DEMO_HOLDS))
@pytest.mark.django_db
def test_every_section_the_demo_holds_is_in_the_year_end_facts(
    user_named: Callable[[str], Any], year: int
):
    found = selectors.year_end_facts(user_named("vanphong"), ORG, year)
    for section in ALL_SECTIONS:
        if section in DEMO_HOLDS[year]:
            assert getattr(found, section), (year, section)
    lacking = {facts.SECTION_LABELS[s] for s in ALL_SECTIONS if s not in DEMO_HOLDS[year]}
    assert set(found.missing) <= lacking


@pytest.mark.parametrize("year", sorted(DEMO_HOLDS))
@pytest.mark.django_db
def test_no_section_of_the_demo_year_end_report_says_no_data_when_the_demo_has_it(
    user_named: Callable[[str], Any], year: int
):
    text = selectors.render_report(
        user_named("vanphong"), ORG, year, kind="year-end", fmt="md", date=DAY
    ).content.decode()
    clauses = _no_data_clauses(text)
    for section in DEMO_HOLDS[year]:
        starts = NO_DATA_SENTENCES[section]
        wrong = [c for c in clauses if any(start in c for start in starts)]
        assert wrong == [], (year, section, wrong)


@pytest.mark.django_db
def test_the_placeholders_of_the_demo_year_all_have_a_figure(user_named: Callable[[str], Any]):
    found = selectors.year_end_facts(user_named("vanphong"), ORG, 2020)
    values = facts.placeholder_values(found)
    assert [name for name, value in values.items() if value == facts.NO_DATA] == []


def test_the_facts_import_the_selectors_they_read_and_run_no_command():
    source = Path(facts.__file__).read_text(encoding="utf-8")
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    for app in ("evaluation", "scoring", "awards", "programs", "meetings"):
        assert f"tongket.{app}.selectors" in imported, app
    for forbidden in ("importlib", "call_command", "json.loads", "_selector(", "_module("):
        assert forbidden not in source, forbidden
