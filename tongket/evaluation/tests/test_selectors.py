"""Selectors of evaluation: scoped reads, results for the awards engine, aggregate counts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tongket.accounts.scope import scope_for
from tongket.core.errors import NotFound
from tongket.evaluation import permissions, selectors, stats
from tongket.evaluation.domain import Level
from tongket.evaluation.models import Cycle, Evaluation
from tongket.people.models import Organization

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"


def org(code: str = ORG) -> Organization:
    return Organization.objects.get(code=code)


def test_decided_results_list_every_current_decision_of_the_subtree_for_the_year():
    results = selectors.decided_results(org(), 2020)
    members = [r for r in results if r.subject_kind == "member"]
    organizations = [r for r in results if r.subject_kind == "organization"]
    assert len(members) == 50
    assert len(organizations) == 8
    assert sum(r.level is Level.EXCELLENT for r in members) == 10
    own = next(r for r in organizations if r.org_code == ORG)
    assert (own.level, own.deciding_body_code, own.decision_number) == (
        Level.GOOD,
        "QT.KCQDN",
        "412-QĐ/ĐUK",
    )
    assert own.decision_date == dt.date(2021, 1, 28)
    assert own.card_number is None
    assert members[0].card_number is not None
    assert members[0].org_code is None


def test_decided_results_are_frozen():
    result = selectors.decided_results(org(), 2020)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.name = "x"  # type: ignore[misc]


def test_decided_results_of_a_cell_hold_its_members_and_itself():
    results = selectors.decided_results(org(f"{ORG}.TCCB"), 2020)
    assert len(results) == 8
    assert all(r.level is not None for r in results)


def test_stats_use_a_fixed_number_of_queries(django_assert_max_num_queries: Any):
    with django_assert_max_num_queries(5):
        stats.stats(org("QT"), 2020)


def test_dashboard_counts_per_tier_and_per_cell(django_assert_max_num_queries: Any):
    cycle = Cycle.objects.get(organization__code=ORG, year=2026)
    with django_assert_max_num_queries(12):
        board = stats.dashboard(cycle)
    assert board.members["total"] == 50
    # TCCB's three, the two members the 2026 season decides `good` on a score (issue 18), and
    # the Mẫu 2B the demo's member submitted (issue 20), and the six ordinary members of Chi bộ
    # Văn phòng who self-assess before the office decides them (the five-year award, issue 24).
    assert board.members["self"] == 12
    assert board.members["cell"] == 1
    tccb = next(u for u in board.units if u.code == f"{ORG}.TCCB")
    assert tccb.counts["self"] == 3
    assert len(board.units) == 7


def test_dashboard_quota_meter_for_2020_cells_is_over():
    board = stats.dashboard(Cycle.objects.get(organization__code=ORG, year=2020))
    assert (board.organization_quota.excellent, board.organization_quota.cap) == (2, 1)
    assert board.organization_quota.over
    assert not board.member_quota.over
    assert board.findings[0].justification


def test_a_secretary_sees_the_cycle_through_their_cell_but_not_other_cells(
    user_named: Callable[[str], Any],
):
    cycle = Cycle.objects.get(organization__code=ORG, year=2026)
    bithu = user_named("bithu")
    assert selectors.get_cycle(bithu, cycle.pk) == cycle
    assert not permissions.can_view_cycle(scope_for(bithu), cycle)
    other = Evaluation.objects.filter(cycle=cycle, unit__code=f"{ORG}.TTR").first()
    assert other is not None
    with pytest.raises(NotFound):
        selectors.get_evaluation(bithu, other.pk)


def test_an_outsider_sees_no_cycle(user_named: Callable[[str], Any]):
    cycle = Cycle.objects.get(organization__code=ORG, year=2020)
    bithu2 = user_named("bithu2")
    tccb = Evaluation.objects.filter(cycle=cycle, unit__code=f"{ORG}.TCCB").first()
    assert tccb is not None
    with pytest.raises(NotFound):
        selectors.get_evaluation(bithu2, tccb.pk)


def test_the_profile_of_a_cycle_keeps_its_parameters():
    cycle = Cycle.objects.get(organization__code=ORG, year=2020)
    profile = selectors.profile_of(cycle)
    assert profile.id == "qd132"
    assert profile.params.quota_base.value == "good_or_better"
    assert profile.params.quota_enforcement.value == "warn"


@pytest.mark.parametrize("code", ["QT", "QT.KCQDN", ORG, f"{ORG}.TCCB"])
def test_the_stats_profile_is_the_first_cycle_by_path_holding_an_evaluation_of_the_subtree(
    code: str,
):
    """Bounded to the organization's ancestors and descendants, the lookup still gives the
    first cycle in path order among all cycles of the period that hold one."""
    subtree = org(code)
    holding = [
        cycle
        for cycle in Cycle.objects.filter(year=2020).order_by("organization__path")
        if Evaluation.objects.filter(cycle=cycle, subject_path__startswith=subtree.path).exists()
    ]
    assert holding, "the demo decides every level of the tree in 2020"
    assert stats.stats(subtree, 2020)["profile"] == holding[0].profile_id


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["quantri", "vanphong", "bithu", "bithu2", "khoi", "dangvien"])
def test_visible_cycles_are_those_of_the_users_organizations_or_holding_what_they_see(
    user_named: Any, username: str
) -> None:
    """`visible_cycles` probes only the cycles of the user's ancestors for evaluations in their
    subtrees; the answer is the definition's: every cycle of an organization the user reads,
    and every cycle holding an evaluation the user may see."""
    from tongket.synth.generator import SynthConfig
    from tongket.synth.loader import load

    load(SynthConfig(members=1000, seed=3, years=(2024, 2025)))
    user = user_named(username)
    scope = scope_for(user)
    seen = set(selectors.visible_evaluations(user).values_list("cycle_id", flat=True))
    expected = {
        cycle.pk
        for cycle in Cycle.objects.select_related("organization")
        if scope.reads(cycle.organization.path) or cycle.pk in seen
    }
    assert set(selectors.visible_cycles(user).values_list("pk", flat=True)) == expected
    assert expected  # every demo role sees at least the cycle that evaluates them
