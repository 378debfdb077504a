"""The registry of profiles and their parameters (the shared vocabulary: test_domain.py)."""

from __future__ import annotations

import dataclasses
import itertools
from decimal import Decimal

import pytest

from tongket.core.errors import DomainError
from tongket.evaluation.domain import (
    DisciplineForm,
    Enforcement,
    Level,
    Period,
    PeriodKind,
    QuotaBase,
)
from tongket.evaluation.regulations import all_profiles, get_profile, profile_for_year

E, G, C, N = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED


# --- registry ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "profile_id"),
    [
        (2018, "qd132"),
        (2020, "qd132"),
        (2022, "qd132"),
        (2023, "qd124"),
        (2024, "qd124"),
        (2025, "qd366"),
        (2040, "qd366"),
    ],
)
def test_profile_for_year_follows_the_regulation_in_force(year, profile_id):
    assert profile_for_year(year).id == profile_id


def test_no_profile_before_2018():
    with pytest.raises(DomainError) as caught:
        profile_for_year(2017)
    assert caught.value.rule == "profile.no_profile_for_year"
    assert "2017" in caught.value.message


def test_get_profile_by_id_and_unknown_id():
    for profile in all_profiles():
        assert get_profile(profile.id) is profile
    with pytest.raises(DomainError) as caught:
        get_profile("qd999")
    assert caught.value.field == "profile_id"


def test_profiles_cover_every_year_from_2018_without_gap_or_overlap():
    profiles = all_profiles()
    assert [p.id for p in profiles] == ["qd132", "qd124", "qd366"]
    for earlier, later in itertools.pairwise(profiles):
        assert earlier.last_year is not None
        assert later.first_year == earlier.last_year + 1
    assert profiles[-1].years == (2025, None)


@pytest.mark.parametrize("profile", all_profiles(), ids=lambda p: p.id)
def test_profile_titles_are_vietnamese_and_name_the_regulations(profile):
    number = profile.id.removeprefix("qd")
    assert f"{number}-QĐ/TW" in profile.title
    assert f"{number}-QĐ/TW" in profile.short_title
    assert "Hướng dẫn" in profile.title


@pytest.mark.parametrize(
    ("profile_id", "quarter_allowed"), [("qd132", False), ("qd124", False), ("qd366", True)]
)
def test_only_366_evaluates_by_quarter(profile_id, quarter_allowed):
    profile = get_profile(profile_id)
    assert (PeriodKind.QUARTER in profile.periods) is quarter_allowed
    findings = profile.check_period(Period(2026, 3))
    assert (findings == []) is quarter_allowed
    for finding in findings:
        assert finding.rule == f"{profile_id}.period.not_allowed"
        assert "Quý III năm 2026" in finding.message


# --- parameters --------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", all_profiles(), ids=lambda p: p.id)
def test_params_table_shows_every_parameter_with_description_and_source(profile):
    rows = profile.params_table()
    names = [item.name for item in dataclasses.fields(profile.params)]
    assert [row.name for row in rows] == names
    for row in rows:
        assert row.description
        assert row.source
        assert row.value == row.default
        assert not row.changed
        assert row.display_value


UNVERIFIED = [
    # values DOMAIN.md marks [?]
    ("qd132", "leadership_discipline_threshold"),
    ("qd132", "organization_not_completed_member_share"),
    ("qd132", "organization_quota_enabled"),
    ("qd132", "quota_rounding"),
    ("qd124", "leadership_discipline_threshold"),
    ("qd366", "quota_rounding"),
    ("qd366", "quota_small_group_size"),
    ("qd366", "not_completed_cases_from_qd124"),
]
VERIFIED = [
    # DOMAIN.md §5 as rewritten from the articles (Điều 5, 11 point 1.5)
    ("qd366", "quota_percent"),
    ("qd366", "quota_base"),
    ("qd366", "quota_scope"),
    ("qd366", "quota_exception_max_percent"),
    ("qd366", "classification_min_months"),
    ("qd366", "sick_leave_min_months"),
]


@pytest.mark.parametrize(("profile_id", "name"), UNVERIFIED)
def test_values_marked_unconfirmed_in_domain_are_unverified_parameters(profile_id, name):
    rows = {row.name: row for row in get_profile(profile_id).params_table()}
    assert rows[name].verified is False


@pytest.mark.parametrize(("profile_id", "name"), VERIFIED)
def test_values_verified_against_the_articles_are_marked_verified_with_their_article(
    profile_id, name
):
    row = {row.name: row for row in get_profile(profile_id).params_table()}[name]
    assert row.verified is True
    assert "Điều" in row.source


@pytest.mark.parametrize(
    ("profile_id", "name", "default"),
    [
        ("qd132", "quota_percent", Decimal(20)),
        ("qd132", "quota_base", QuotaBase.GOOD),
        ("qd132", "organization_excellent_good_share", Decimal(80)),
        ("qd132", "organization_good_good_share", Decimal(50)),
        ("qd132", "leadership_discipline_threshold", DisciplineForm.WARNING),
        ("qd124", "subordinate_disciplined_max_percent", Decimal(20)),
        ("qd366", "excellent_min_score", Decimal(90)),
        ("qd366", "good_min_score", Decimal(70)),
        ("qd366", "completed_min_score", Decimal(50)),
        ("qd366", "excellent_exceeded_min_percent", Decimal(30)),
        ("qd366", "completed_late_max_percent", Decimal(20)),
        ("qd366", "quota_base", QuotaBase.GOOD),
        ("qd366", "quota_exception_max_percent", Decimal(25)),
    ],
)
def test_parameter_defaults_follow_domain(profile_id, name, default):
    assert getattr(get_profile(profile_id).params, name) == default


def test_with_params_returns_a_changed_copy_and_leaves_the_registry_alone():
    original = get_profile("qd132")
    changed = original.with_params(quota_percent="25,5", quota_enforcement="warn")
    assert changed.params.quota_percent == Decimal("25.5")
    assert changed.params.quota_enforcement is Enforcement.WARN
    assert original.params.quota_percent == Decimal(20)
    assert get_profile("qd132").params.quota_enforcement is Enforcement.BLOCK
    rows = {row.name: row for row in changed.params_table()}
    assert rows["quota_percent"].changed
    assert rows["quota_percent"].display_value == "25,5"
    assert rows["quota_enforcement"].display_default == "chặn quyết định vượt tỷ lệ"
    assert type(changed) is type(original)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"no_such_parameter": 1}, "no_such_parameter"),
        ({"quota_percent": 120}, "quota_percent"),
        ({"quota_percent": "hai mươi"}, "quota_percent"),
        ({"quota_percent": 20.0}, "quota_percent"),  # floats are refused: Decimal only
        ({"quota_base": "everyone"}, "quota_base"),
        ({"organization_quota_enabled": "yes"}, "organization_quota_enabled"),
        ({"classification_min_months": True}, "classification_min_months"),
        ({"classification_min_months": -1}, "classification_min_months"),
        ({"organization_good_good_share": 90}, "organization_good_good_share"),
    ],
)
def test_with_params_refuses_bad_overrides_naming_the_parameter(overrides, field):
    with pytest.raises(DomainError) as caught:
        get_profile("qd132").with_params(**overrides)
    assert caught.value.field == field
    assert caught.value.rule.startswith("profile.params.")


def test_with_params_accepts_enum_members_and_their_values():
    profile = get_profile("qd124")
    by_member = profile.with_params(leadership_discipline_threshold=DisciplineForm.DISMISSAL)
    by_value = profile.with_params(leadership_discipline_threshold="dismissal")
    assert by_member.params == by_value.params
