"""The maintained results tally gives exactly the raw statistics, whatever the services write."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongket.core.errors import DomainError
from tongket.evaluation import services, stats, tally
from tongket.evaluation.domain import Level, NotClassifiedReason
from tongket.evaluation.models import Cycle, Decision, DecisionStatus, Evaluation, ResultTally
from tongket.people.models import Organization

pytestmark = pytest.mark.django_db

DEPARTMENT = "QT.KCQDN.SGDDT"
CHECKED = (DEPARTMENT, "QT.KCQDN", "QT", f"{DEPARTMENT}.TCCB", f"{DEPARTMENT}.TTR")
OUTCOMES = [*Level, *NotClassifiedReason]


class _Rollback(Exception):
    """Undoes one example's writes."""


def periods() -> list[tuple[int, int | None]]:
    return sorted(set(Cycle.objects.values_list("year", "quarter")), key=str)


def assert_tally_matches(codes: tuple[str, ...] | None = None) -> None:
    assert tally.counted() == tally.recounted()
    orgs = (
        Organization.objects.all() if codes is None else Organization.objects.filter(code__in=codes)
    )
    for org in orgs:
        for year, quarter in periods():
            assert stats.stats(org, year, quarter) == stats.raw_stats(org, year, quarter)


def test_the_demo_loader_ends_with_the_tally_of_its_raw_rows():
    assert ResultTally.objects.exists()
    assert tally.counted() == tally.recounted()


def test_tally_stats_equal_raw_stats_for_every_organization_and_period_of_the_demo():
    assert len(periods()) >= 2
    assert_tally_matches()


def test_a_national_root_without_a_row_counts_every_evaluation_like_the_raw_query():
    country = Organization(pk=0, code="TW", name="Toàn quốc", path="", kind="provincial")
    for year, quarter in periods():
        data = stats.stats(country, year, quarter)
        assert data == stats.raw_stats(country, year, quarter)
    assert stats.stats(country, 2020)["members"]["total"] == 50


def test_an_evaluation_whose_copied_path_disagrees_with_its_organization_is_still_exact():
    # An organization moved after the cycle opened keeps the path copied at opening: the
    # tally counts by that path, the raw query excludes by organization; they must agree.
    ev = Evaluation.objects.filter(cycle__year=2020, subject_kind="organization").first()
    assert ev is not None
    assert ev.organization is not None
    other = Organization.objects.get(code=f"{DEPARTMENT}.TTR")
    assert ev.organization_id != other.pk
    Evaluation.objects.filter(pk=ev.pk).update(subject_path=other.path)
    tally.rebuild()
    assert_tally_matches((*CHECKED, ev.organization.code))


def test_a_stale_tally_is_caught_by_verify_and_repaired_by_rebuild():
    out = StringIO()
    call_command("stats", "--org", DEPARTMENT, "--year", "2020", "--verify", stdout=out)
    assert "khớp" in out.getvalue()
    row = ResultTally.objects.filter(year=2020, subject_kind="member").first()
    assert row is not None
    ResultTally.objects.filter(pk=row.pk).update(n=row.n + 1)
    with pytest.raises(CommandError, match="rebuild-tally"):
        call_command("stats", "--org", DEPARTMENT, "--year", "2020", "--verify", stdout=out)
    call_command("stats", "--rebuild-tally", stdout=out)
    first = tally.counted()
    call_command("stats", "--rebuild-tally", stdout=out)
    assert tally.counted() == first == tally.recounted()
    call_command("stats", "--org", DEPARTMENT, "--year", "2020", "--verify", stdout=out)


def test_opening_a_cycle_counts_its_evaluations_as_pending():
    cycle = services.open_cycle(actor=None, organization_code=DEPARTMENT, year=2023)
    data = stats.stats(cycle.organization, 2023)
    assert data["members"]["pending"] == data["members"]["total"] == 50
    assert_tally_matches(CHECKED)


def _current(cycle: Cycle) -> list[Decision]:
    return list(
        Decision.objects.filter(evaluation__cycle=cycle, status=DecisionStatus.CURRENT).order_by(
            "pk"
        )
    )


def _paper(serial: int) -> dict[str, Any]:
    return {
        "number": f"{serial}-QĐ/ĐU",
        "date": dt.date(2023, 12, 20),
        "justification": "Cấp ủy đã cân nhắc và chấp nhận.",
    }


def _decide_cells(cycle: Cycle) -> None:
    """The cells first (collective before individuals, qd124): their members become decidable."""
    for serial, ev in enumerate(
        Evaluation.objects.filter(cycle=cycle, subject_kind="organization").order_by("pk")
    ):
        services.decide(
            actor=None, evaluation_id=ev.pk, outcome=Level.COMPLETED, **_paper(1000 + serial)
        )


def _apply(cycle: Cycle, step: tuple[str, int, int], serial: int) -> bool:
    """One service call chosen by `step`; False when there was nothing to call it on."""
    op, pick, outcome_no = step
    outcome = OUTCOMES[outcome_no]
    paper = _paper(serial)
    if op == "decide":
        evaluations = list(
            Evaluation.objects.filter(cycle=cycle, decisions__isnull=True).order_by("pk")
        )
        if not evaluations:
            return False
        ev = evaluations[pick % len(evaluations)]
        services.decide(actor=None, evaluation_id=ev.pk, outcome=outcome, **paper)
    elif op == "cell":
        evaluations = list(
            Evaluation.objects.filter(cycle=cycle, subject_kind="member", decisions__isnull=True)
            .order_by("unit__code", "pk")
            .select_related("unit")
        )
        if not evaluations:
            return False
        unit = evaluations[pick % len(evaluations)].unit
        chosen = {ev.pk: outcome for ev in evaluations if ev.unit_id == unit.pk}
        services.decide_many(
            actor=None,
            cycle_id=cycle.pk,
            unit_code=unit.code,
            items=[services.DecisionItem(pk, chosen[pk]) for pk in sorted(chosen)],
            **paper,
        )
    else:
        decisions = _current(cycle)
        if not decisions:
            return False
        decision = decisions[pick % len(decisions)]
        change = (
            services.supersede_decision if op == "supersede" else services.cancel_and_reclassify
        )
        change(
            actor=None,
            decision_id=decision.pk,
            outcome=outcome,
            reason="Điều chỉnh theo kết luận kiểm tra.",
            **paper,
        )
    return True


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["decide", "cell", "supersede", "reclassify"]),
        st.integers(min_value=0, max_value=200),
        st.integers(min_value=0, max_value=len(OUTCOMES) - 1),
    ),
    min_size=1,
    max_size=8,
)


def _run(steps: list[tuple[str, int, int]]) -> int:
    """Apply the steps through the services in a transaction that is rolled back, checking the
    tally against a recount after each; returns how many steps wrote something."""
    written = 0
    try:
        with transaction.atomic():
            cycle = services.open_cycle(actor=None, organization_code=DEPARTMENT, year=2023)
            _decide_cells(cycle)
            assert_tally_matches(CHECKED)
            for serial, step in enumerate(steps):
                try:
                    with transaction.atomic():
                        written += _apply(cycle, step, serial)
                except DomainError:
                    pass  # refused by the rules: nothing written, the tally must not move
                assert_tally_matches(CHECKED)
            raise _Rollback
    except _Rollback:
        pass
    return written


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_random_decisions_corrections_and_reclassifications_keep_tally_equal_to_raw(steps):
    _run(steps)


def test_a_fixed_sequence_of_every_kind_of_write_keeps_the_tally_exact():
    """Not vacuous: a decision, a whole cell, a correction and a reclassification all write."""
    good = OUTCOMES.index(Level.GOOD)
    completed = OUTCOMES.index(Level.COMPLETED)
    steps = [("decide", 0, good), ("cell", 0, completed), ("supersede", 0, good)]
    steps.append(("reclassify", 1, completed))
    assert _run(steps) == len(steps)
