"""What the regulation tests (`test_regulations_*.py`) share: short names for the levels and grades,
facts with a test's defaults, the check of one table-driven case, the property that a decision is
accepted exactly at or below the level the rules allow, and the facts strategies: the parts every
regulation reads alike, the graded regulations' (132 and 124) facts, and task figures."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TypeVar

from hypothesis import given
from hypothesis import strategies as st

from tongket.core.rules import Finding, Severity, Verdict
from tongket.evaluation.domain import (
    DisciplineForm,
    Grade,
    Level,
    MemberFacts,
    OrganizationFacts,
    OrganizationKind,
    TaskTally,
)
from tongket.evaluation.regulations.base import Profile

E, G, C, N = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED
XS, T, TB, K = Grade.EXCELLENT, Grade.GOOD, Grade.AVERAGE, Grade.POOR

Facts = TypeVar("Facts", MemberFacts, OrganizationFacts)


def facts_with(
    kind: type[Facts], defaults: Mapping[str, object], changes: Mapping[str, object]
) -> Facts:
    """`kind` built from a test's defaults with `changes` over them."""
    return kind(**{**defaults, **changes})  # type: ignore[arg-type]


def rules_of(findings: Iterable[Finding]) -> set[str]:
    return {f.rule for f in findings}


def assert_case(verdict: Verdict[Level], expected: Level, rule: str | None) -> None:
    """One row of a case table: the level allowed, and the rule that says why (no finding at all
    when `rule` is None)."""
    assert verdict.value is expected
    if rule is None:
        assert verdict.findings == ()
    else:
        assert rule in rules_of(verdict.findings)


def assert_accepted_up_to(allowed: Level, findings: Iterable[Finding], level: Level) -> None:
    """A decision at `level` draws no error exactly when `level` is at or below `allowed`."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    assert (not errors) is (level.rank <= allowed.rank)


def decision_properties(
    profile: Profile,
    members: st.SearchStrategy[MemberFacts],
    organizations: st.SearchStrategy[OrganizationFacts],
) -> tuple[Callable[[], None], Callable[[], None]]:
    """The profile's two property tests over the facts `members` and `organizations` draw: a
    member's decision, then an organization's, is accepted exactly at or below the level the
    rules allow. A test module binds them under its test names."""

    @given(members, levels)
    def member_decision(facts: MemberFacts, level: Level) -> None:
        allowed = profile.member_level_allowed(facts).value
        assert_accepted_up_to(allowed, profile.check_member_decision(facts, level), level)

    @given(organizations, levels)
    def organization_decision(facts: OrganizationFacts, level: Level) -> None:
        allowed = profile.organization_level_allowed(facts).value
        assert_accepted_up_to(allowed, profile.check_organization_decision(facts, level), level)

    return member_decision, organization_decision


# --- facts strategies: the shared parts, the graded regulations (132, 124), task figures -------

grades = st.lists(st.sampled_from(list(Grade)), max_size=4).map(tuple)
levels = st.sampled_from(list(Level))


@st.composite
def member_record(draw: st.DrawFn, *, max_targets: int) -> dict[str, object]:
    """A member's facts every regulation reads alike: the civil-service level, discipline and
    degradation, the targets met of those assigned, leading a unit."""
    assigned = draw(st.integers(0, max_targets))
    return {
        "civil_service_level": draw(st.none() | levels),
        "disciplined": draw(st.booleans()),
        "discipline_self_remedied": draw(st.booleans()),
        "degradation_concluded": draw(st.booleans()),
        "targets_assigned": assigned,
        "targets_met": draw(st.integers(0, assigned)),
        "is_leader": draw(st.booleans()),
        "led_unit_level": draw(st.none() | levels),
    }


@st.composite
def organization_record(draw: st.DrawFn) -> dict[str, object]:
    """An organization's facts every regulation reads alike: its own and its leadership's
    discipline, its subordinate units disciplined, disunity."""
    units = draw(st.integers(0, 6))
    return {
        "disciplined": draw(st.booleans()),
        "discipline_self_remedied": draw(st.booleans()),
        "leadership_discipline": draw(st.none() | st.sampled_from(list(DisciplineForm))),
        "subordinate_units": units,
        "subordinate_units_disciplined": draw(st.integers(0, units)),
        "disunity": draw(st.booleans()),
    }


@st.composite
def graded_members(draw: st.DrawFn) -> MemberFacts:
    return facts_with(
        MemberFacts,
        draw(member_record(max_targets=6)),
        {
            "task_grades": draw(grades),
            "other_grades": draw(grades),
            "sick_leave_months": Decimal(draw(st.integers(0, 12))),
            "maternity_leave": draw(st.booleans()),
        },
    )


@st.composite
def graded_organizations(draw: st.DrawFn) -> OrganizationFacts:
    return facts_with(
        OrganizationFacts,
        draw(organization_record()),
        {
            "kind": draw(st.sampled_from(list(OrganizationKind))),
            "task_grades": draw(grades),
            "other_grades": draw(grades),
            "member_levels": tuple(draw(st.lists(levels, max_size=8))),
            "subordinate_levels": tuple(draw(st.lists(levels, max_size=8))),
            "same_level_bodies_level": draw(st.none() | levels),
        },
    )


@st.composite
def tallies(draw: st.DrawFn, min_total: int = 0, max_total: int = 12) -> TaskTally:
    """Task figures that add up: completed of the total, on time or late of those completed,
    exceeded of those on time."""
    total = draw(st.integers(min_total, max_total))
    completed = draw(st.integers(0, total))
    on_time = draw(st.integers(0, completed))
    late = draw(st.integers(0, completed - on_time))
    exceeded = draw(st.integers(0, on_time))
    return TaskTally(total, completed, on_time, late, exceeded)
