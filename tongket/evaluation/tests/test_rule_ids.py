"""Every rule id a user can see is written out, letter for letter, in exactly one non-test
module: searching the id shown on a page finds the rule (docs/directory-structure.md)."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongket.core.rules import Finding
from tongket.evaluation.domain import (
    DecisionOrderFacts,
    DisciplineForm,
    Grade,
    LedUnit,
    Level,
    MemberFacts,
    OrganizationFacts,
    OrganizationKind,
    Period,
    SubjectKind,
)
from tongket.evaluation.regulations import qd124, qd132, qd366
from tongket.evaluation.regulations.base import Profile
from tongket.evaluation.tests.regulations import tallies

PACKAGE = Path(__file__).resolve().parents[2]


def source_modules() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" not in path.relative_to(PACKAGE).parts and "migrations" not in path.parts:
            yield path


@cache
def modules_writing() -> dict[str, set[str]]:
    """Each string constant of the package's non-test code → the modules that write it."""
    found: dict[str, set[str]] = {}
    for path in source_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.setdefault(node.value, set()).add(str(path.relative_to(PACKAGE)))
    return found


def profiles() -> list[Profile]:
    """Each regulation with its defaults, and once with each yes/no parameter turned over."""
    variants: list[Profile] = []
    for profile in (qd132.PROFILE, qd124.PROFILE, qd366.PROFILE):
        variants.append(profile)
        for field in dataclasses.fields(profile.params):
            value = getattr(profile.params, field.name)
            if isinstance(value, bool):
                variants.append(profile.with_params(**{field.name: not value}))
    return variants


PROFILES = profiles()
LEVEL_BY_LABEL = {level.label: level for level in Level}

grades = st.lists(st.sampled_from(Grade), max_size=4).map(tuple)
maybe_level = st.none() | st.sampled_from(Level)
levels = st.lists(st.sampled_from(Level), max_size=6).map(tuple)
pairs = st.tuples(st.integers(0, 5), st.integers(0, 5)).map(sorted)  # (part, whole)


points = st.none() | st.dictionaries(
    st.sampled_from([c.code for c in qd366.SAMPLE_FRAME.criteria] + ["9.9"]),
    st.decimals(min_value=-5, max_value=50, places=1),
)
led_units = st.lists(
    st.builds(
        LedUnit,
        code=st.just("CB01"),
        role=st.just("Bí thư Chi bộ"),
        level=maybe_level,
        tasks=st.none() | tallies(1, 10),
    ),
    max_size=3,
).map(tuple)
MEMBER_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "subject": st.just("45.000001"),
    "task_grades": grades,
    "other_grades": grades,
    "civil_service_level": maybe_level,
    "disciplined": st.booleans(),
    "discipline_self_remedied": st.booleans(),
    "degradation_concluded": st.booleans(),
    "sick_leave_months": st.sampled_from([Decimal(0), Decimal(2), Decimal(4)]),
    "maternity_leave": st.booleans(),
    "joined_on": st.none() | st.sampled_from([date(2015, 1, 1), date(2025, 10, 1)]),
    "period_end": st.just(date(2025, 12, 31)),
    "exempted": st.booleans(),
    "suspended": st.booleans(),
    "is_leader": st.booleans(),
    "led_unit_level": maybe_level,
    "led_units": led_units,
    "temporary_cell": st.sampled_from(["", "Chi bộ tạm thời"]),
    "points": points,
    "tasks": st.none() | tallies(1, 10),
    "earlier_shortcomings_remedied": st.booleans(),
}
ORGANIZATION_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "kind": st.sampled_from(OrganizationKind),
    "subject": st.just("CB01"),
    "task_grades": grades,
    "other_grades": grades,
    "member_levels": levels,
    "subordinate_levels": levels,
    "same_level_bodies_level": maybe_level,
    "disciplined": st.booleans(),
    "discipline_self_remedied": st.booleans(),
    "leadership_discipline": st.none() | st.sampled_from(DisciplineForm),
    "disunity": st.booleans(),
    "targets_force_majeure": st.booleans(),
    "age_months": st.none() | st.integers(0, 12),
    "points": points,
    "tasks": st.none() | tallies(1, 10),
    "earlier_shortcomings_remedied": st.booleans(),
}
members = st.tuples(pairs, st.just(0)).flatmap(
    lambda t: st.builds(
        MemberFacts,
        targets_met=st.just(t[0][0]),
        targets_assigned=st.just(t[0][1]),
        **MEMBER_FIELDS,
    )
)
organizations = st.tuples(pairs, pairs).flatmap(
    lambda t: st.builds(
        OrganizationFacts,
        targets_met=st.just(t[0][0]),
        targets_assigned=st.just(t[0][1]),
        subordinate_units_disciplined=st.just(t[1][0]),
        subordinate_units=st.just(t[1][1]),
        **ORGANIZATION_FIELDS,
    )
)
names = st.lists(st.just("CB01"), max_size=1).map(tuple)
orders = st.builds(
    DecisionOrderFacts,
    subject_kind=st.sampled_from(SubjectKind),
    undecided_collectives=names,
    undecided_led_units=names,
    undecided_subordinates=names,
    undecided_same_level_bodies=names,
)


def assert_written_once(findings: list[Finding]) -> None:
    for finding in findings:
        writers = modules_writing().get(finding.rule, set())
        assert len(writers) == 1, f"{finding.rule} is written in {sorted(writers) or 'no module'}"


def assert_names_the_level_refused(verdict_findings: tuple[Finding, ...]) -> None:
    """A cap's id reads `<profile>.<subject>.<level refused>.<condition>`."""
    for finding in verdict_findings:
        if "Mức cao nhất: «" not in finding.message:
            continue
        cap = LEVEL_BY_LABEL[finding.message.rsplit("«", 1)[1].rstrip("».")]
        refused = (
            "not_completed"
            if cap is Level.NOT_COMPLETED
            else Level.descending()[Level.descending().index(cap) - 1].value
        )
        assert finding.rule.split(".")[2] == refused, (finding.rule, cap)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=members, level=st.sampled_from(Level))
def test_every_member_rule_id_is_written_out_in_one_module(facts: MemberFacts, level: Level):
    for profile in PROFILES:
        for verdict in profile.member_rules(facts):
            assert_names_the_level_refused(verdict.findings)
        assert_written_once(profile.check_member_decision(facts, level))
        assert_written_once(list(profile.member_level_allowed(facts).findings))
        if isinstance(profile, qd366.Qd366Profile):
            assert_written_once(profile.check_review(facts))
            assert_written_once(list(profile.member_level_by_score(facts).findings))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=organizations, level=st.sampled_from(Level))
def test_every_organization_rule_id_is_written_out_in_one_module(
    facts: OrganizationFacts, level: Level
):
    for profile in PROFILES:
        for verdict in profile.organization_rules(facts):
            assert_names_the_level_refused(verdict.findings)
        assert_written_once(profile.check_organization_decision(facts, level))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=orders)
def test_every_order_rule_id_is_written_out_in_one_module(facts: DecisionOrderFacts):
    for profile in PROFILES:
        assert_written_once(profile.check_decision_order(facts))


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.id)
def test_quota_and_period_rule_ids_are_written_out_in_one_module(profile: Profile):
    too_many = [Level.EXCELLENT] * 3 + [Level.GOOD]
    for subject in SubjectKind:
        assert_written_once(profile.check_quota(too_many, subject=subject))
    assert_written_once(profile.check_period(Period(2025, quarter=1)))
    if isinstance(profile, qd366.Qd366Profile):
        assert_written_once(
            qd366.check_quota_exception(
                Decimal(40), groups=["X"], known_groups=["A"], reason="", params=profile.params
            )
        )
        assert_written_once(
            profile.check_group_quota(too_many, subject_kind=SubjectKind.MEMBER, group="A")
        )


def composed_rule_ids() -> Iterator[str]:
    """`rule=` arguments built at run time (f-strings, `+`, `%`, `.format`)."""
    for path in source_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                value = keyword.value
                composed = isinstance(value, ast.JoinedStr | ast.BinOp) or (
                    isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Attribute)
                    and value.func.attr == "format"
                )
                if keyword.arg == "rule" and composed:
                    yield f"{path.relative_to(PACKAGE)}:{node.lineno}"


def test_no_rule_id_is_composed_at_run_time():
    assert list(composed_rule_ids()) == []
