"""The year-end report's facts: a fixed number of queries whatever the size of the subtree, and
the counted-in-SQL summaries agree with the full section they stand in for.

Synthetic provinces of very different sizes (tongket.synth) give the small and the large case
with the same shape: a province, its blocs, grassroots organizations, cells, decided results.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongket.core.formatting import format_count
from tongket.evaluation.domain import Level
from tongket.people.models import Member, Organization
from tongket.reports import facts, selectors
from tongket.synth.generator import SynthConfig
from tongket.synth.loader import load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_built_afresh(settings: Any) -> None:
    """These tests count the queries of building a page; a cached page runs only its
    lookups (tongket/core/tests/test_pagecache.py counts those)."""
    settings.TONGKET_PAGE_CACHE = False


YEARS = (2023, 2024, 2025)


@pytest.fixture
def provinces() -> tuple[Organization, Organization]:
    """The largest and the smallest synthetic province (by members)."""
    load(SynthConfig(members=1500, seed=5, years=YEARS))
    sized = sorted(
        Organization.objects.filter(kind="provincial", code__regex=r"^P\d\d$"),
        key=lambda o: Member.objects.filter(org_path__startswith=o.path).count(),
    )
    return sized[-1], sized[0]


def facts_queries(user: Any, org: Organization, year: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        selectors.year_end_facts(user, org.code, year)
    return len(ctx.captured_queries)


def test_year_end_facts_run_as_many_queries_for_a_large_and_a_small_province(
    provinces: tuple[Organization, Organization], user_named: Any
) -> None:
    large, small = provinces
    members = [Member.objects.filter(org_path__startswith=o.path).count() for o in provinces]
    assert members[0] > 10 * members[1]
    user = user_named("quantri")
    selectors.year_end_facts(user, small.code, 2025)  # the user's scope, looked up once
    assert facts_queries(user, large, 2025) == facts_queries(user, small, 2025) <= 17


def test_year_end_history_counts_every_year_from_the_summaries(
    provinces: tuple[Organization, Organization], user_named: Any
) -> None:
    large, _small = provinces
    result = selectors.year_end_facts(user_named("quantri"), large.code, 2025)
    assert [year for year, _cells, _members in result.level_history] == list(YEARS)
    for year, cells, members in result.level_history:
        section = facts.evaluation_section(large, year)
        assert section is not None
        assert (cells, members) == (section.cells, section.members)
        assert members.total > 0


def test_counts_and_summary_agree_with_the_full_section_at_every_level(
    provinces: tuple[Organization, Organization],
) -> None:
    large, _small = provinces
    bloc = Organization.objects.filter(parent=large, kind="bloc").order_by("path").first()
    grassroots = Organization.objects.filter(
        kind="grassroots", path__startswith=large.path
    ).order_by("path")[:3]
    cell = Organization.objects.filter(kind="cell", path__startswith=large.path).first()
    department = Organization.objects.get(code="QT.KCQDN.SGDDT")
    orgs = [large, bloc, *grassroots, cell, department]
    for org in orgs:
        assert org is not None
        for year in (*YEARS, 2020, 2019):
            section = facts.evaluation_section(org, year)
            counts = facts.evaluation_counts(org, year)
            summary = facts.evaluation_summary(org, year)
            if section is None:
                assert counts is None, (org.code, year)
                assert summary is None, (org.code, year)
                continue
            assert counts == (section.cells, section.members), (org.code, year)
            assert summary is not None
            assert (
                summary.own_level,
                summary.own_decided_by,
                summary.own_decision,
                summary.cells,
                summary.members,
            ) == (
                section.own_level,
                section.own_decided_by,
                section.own_decision,
                section.cells,
                section.members,
            ), (org.code, year)
    # The demo department's 2020 results are there: the comparison above was not all "None".
    demo = facts.evaluation_section(department, 2020)
    assert demo is not None
    assert demo.members.total == 50
    assert demo.own_level is not None


def test_year_end_report_counts_without_listing_and_runs_as_many_queries_at_any_size(
    provinces: tuple[Organization, Organization], user_named: Any
) -> None:
    large, small = provinces
    user = user_named("quantri")
    selectors.render_report(user, small.code, 2025, kind="year-end", fmt="md")
    counted = []
    for org in provinces:
        with CaptureQueriesContext(connection) as ctx:
            report = selectors.render_report(user, org.code, 2025, kind="year-end", fmt="md")
        counted.append(len(ctx.captured_queries))
        section = facts.evaluation_section(org, 2025)
        assert section is not None
        text = report.content.decode()
        stated = 0
        for level in Level:
            count = section.members.count(level)
            if count:
                label = level.label[:1].lower() + level.label[1:]
                assert f"{format_count(count)} đồng chí đảng viên xếp loại {label}" in text
                stated += count
        assert stated == section.members.total - section.members.not_classified > 0
    # 17 for the facts, one for the names the bodies bore on the document's date.
    assert counted[0] == counted[1] <= 18
    # The decision still lists every decided subject (it prints them).
    listed = selectors.year_end_facts(user, large.code, 2025, history=False)
    assert listed.classification is not None
    assert len(listed.classification.rows) == listed.classification.members.total + (
        listed.classification.cells.total
    )
