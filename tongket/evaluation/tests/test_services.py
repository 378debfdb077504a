"""Services of evaluation: each refusal names its rule; decisions are sealed; the quota holds."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongket.audit.models import AuditEvent
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.core.rules import Severity
from tongket.evaluation import checks, selectors, services
from tongket.evaluation.domain import Level, NotClassifiedReason
from tongket.evaluation.models import (
    Cycle,
    Decision,
    DecisionKind,
    DecisionStatus,
    Evaluation,
    SubjectKind,
    Tier,
)
from tongket.evaluation.tests.decisions import decide_batch
from tongket.evaluation.tests.members import cycle_members
from tongket.evaluation.tests.office import ORG, open_cycle
from tongket.evaluation.tests.points import points_worth

pytestmark = pytest.mark.django_db

DAY = dt.date(2022, 1, 10)


def members(cycle: Cycle, cell: str | None = None) -> list[Evaluation]:
    queryset = cycle_members(cycle)
    if cell is not None:
        queryset = queryset.filter(unit__code=f"{ORG}.{cell}")
    return list(queryset.select_related("member").order_by("member__card_number"))


def cell_of(cycle: Cycle, cell: str) -> Evaluation:
    return Evaluation.objects.get(cycle=cycle, organization__code=f"{ORG}.{cell}")


def decide(ev: Evaluation, outcome: Level | NotClassifiedReason, **extra: Any) -> Decision:
    return services.decide(
        actor=None, evaluation_id=ev.pk, outcome=outcome, number="1-QĐ/ĐU", date=DAY, **extra
    )


def rule_of(call: Callable[[], object]) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.rule


@pytest.fixture
def cycle() -> Cycle:
    return open_cycle(2021)


def test_open_cycle_lists_every_member_and_cell_under_the_profile_of_its_year(cycle: Cycle):
    assert cycle.profile_id == "qd132"
    assert len(members(cycle)) == 50
    assert (
        Evaluation.objects.filter(cycle=cycle, subject_kind=SubjectKind.ORGANIZATION).count() == 7
    )


def test_open_cycle_refuses_a_quarter_under_qd132():
    call = lambda: services.open_cycle(  # noqa: E731
        actor=None, organization_code=ORG, year=2021, quarter=2
    )
    assert rule_of(call) == "qd132.period.not_allowed"


def test_open_cycle_refuses_an_invalid_parameter_naming_it():
    with pytest.raises(DomainError) as caught:
        open_cycle(2021, quota_percent=150)
    assert caught.value.field == "quota_percent"
    assert caught.value.rule == "profile.params.invalid"


def test_open_cycle_refuses_a_second_cycle_for_the_same_period(cycle: Cycle):
    assert rule_of(lambda: open_cycle(2021)) == "evaluation.cycle.exists"


def test_a_cell_secretary_cannot_open_a_cycle(user_named: Callable[[str], Any]):
    with pytest.raises((NotFound, PermissionDenied)):
        services.open_cycle(actor=user_named("bithu"), organization_code=ORG, year=2021)


def test_disciplined_member_cannot_be_good(cycle: Cycle):
    ev = members(cycle)[0]
    services.record_facts(
        actor=None, evaluation_id=ev.pk, facts=services.FactsInput(disciplined=True)
    )
    assert rule_of(lambda: decide(ev, Level.GOOD)) == "qd132.member.not_completed.discipline"
    assert decide(ev, Level.NOT_COMPLETED).level == "not_completed"


def test_member_cannot_exceed_their_civil_service_level(cycle: Cycle):
    ev = members(cycle)[0]
    services.record_facts(
        actor=None, evaluation_id=ev.pk, facts=services.FactsInput(civil_service_level=Level.GOOD)
    )
    assert (
        rule_of(lambda: decide(ev, Level.EXCELLENT)) == "qd132.member.excellent.civil_service_cap"
    )


def test_refusal_carries_the_citation_and_the_findings(cycle: Cycle):
    ev = members(cycle)[0]
    services.record_facts(
        actor=None, evaluation_id=ev.pk, facts=services.FactsInput(civil_service_level=Level.GOOD)
    )
    with pytest.raises(DomainError) as caught:
        decide(ev, Level.EXCELLENT)
    assert "Hướng dẫn 16-HD/BTCTW" in caught.value.citation
    assert all(f.severity is Severity.ERROR for f in caught.value.findings)


def test_cell_with_a_member_not_completed_cannot_be_good(cycle: Cycle):
    ev = members(cycle, "TTR")[0]
    services.record_facts(
        actor=None, evaluation_id=ev.pk, facts=services.FactsInput(disciplined=True)
    )
    decide(ev, Level.NOT_COMPLETED)
    call = lambda: decide(cell_of(cycle, "TTR"), Level.GOOD)  # noqa: E731
    assert rule_of(call) == "qd132.organization.good.constituent_not_completed"


def test_suspended_member_is_not_classified_and_any_level_is_refused(cycle: Cycle):
    ev = members(cycle)[0]
    services.record_facts(
        actor=None, evaluation_id=ev.pk, facts=services.FactsInput(suspended=True)
    )
    assert rule_of(lambda: decide(ev, Level.GOOD)) == "qd132.member.not_classified.suspended"
    decision = decide(ev, NotClassifiedReason.SUSPENDED)
    assert decision.level == ""
    assert decision.not_classified_reason == "suspended"


def test_not_classified_without_a_fact_is_refused(cycle: Cycle):
    ev = members(cycle)[0]
    call = lambda: decide(ev, NotClassifiedReason.EXEMPTED)  # noqa: E731
    assert rule_of(call) == "evaluation.not_classified.no_fact"


def test_quota_under_block_refuses_the_excellent_over_the_cap(cycle: Cycle):
    evs = members(cycle)
    for ev in evs[:5]:
        decide(ev, Level.GOOD)
    decide(evs[5], Level.EXCELLENT)  # 20 % of 5 good = 1
    assert rule_of(lambda: decide(evs[6], Level.EXCELLENT)) == "qd132.quota.member.excellent"


def test_quota_under_warn_needs_a_justification_which_is_stored_and_shown():
    cycle = open_cycle(2021, quota_enforcement="warn")
    evs = members(cycle)
    for ev in evs[:5]:
        decide(ev, Level.GOOD)
    decide(evs[5], Level.EXCELLENT)
    with pytest.raises(DomainError) as caught:
        decide(evs[6], Level.EXCELLENT)
    assert caught.value.field == "justification"
    assert caught.value.rule == "qd132.quota.member.excellent"
    decision = decide(evs[6], Level.EXCELLENT, justification="Thành tích đột xuất.")
    assert decision.findings[0]["justification"] == "Thành tích đột xuất."
    shown = checks.cycle_findings(cycle)
    assert [(f.rule, f.severity, f.justification) for f in shown] == [
        ("qd132.quota.member.excellent", Severity.WARNING, "Thành tích đột xuất.")
    ]


def test_bulk_decision_of_a_cell_is_all_or_nothing_and_names_each_refused_member(cycle: Cycle):
    evs = members(cycle, "TTR")
    services.record_facts(
        actor=None, evaluation_id=evs[0].pk, facts=services.FactsInput(disciplined=True)
    )
    good = [(ev, Level.GOOD) for ev in evs]
    with pytest.raises(DomainError) as caught:
        decide_batch(cycle, good, number="2-QĐ/ĐU", date=DAY, unit_code=f"{ORG}.TTR")
    assert caught.value.findings[0].subject == evs[0].member.card_number  # type: ignore[union-attr]
    assert caught.value.rule == "qd132.member.not_completed.discipline"
    assert not Decision.objects.filter(evaluation__cycle=cycle).exists()
    done = decide_batch(cycle, good[1:], number="2-QĐ/ĐU", date=DAY, unit_code=f"{ORG}.TTR")
    assert len(done) == len(evs) - 1


def test_bulk_decision_refuses_a_member_of_another_cell(cycle: Cycle):
    other = members(cycle, "VP")[0]
    call = lambda: services.decide_many(  # noqa: E731
        actor=None,
        cycle_id=cycle.pk,
        unit_code=f"{ORG}.TTR",
        items=[services.DecisionItem(other.pk, Level.GOOD)],
        number="2",
        date=DAY,
    )
    assert rule_of(call) == "evaluation.decision.outside_unit"


def test_a_decision_is_refused_twice_and_needs_a_number(cycle: Cycle):
    ev = members(cycle)[0]
    call = lambda: services.decide(  # noqa: E731
        actor=None, evaluation_id=ev.pk, outcome=Level.GOOD, number=" ", date=DAY
    )
    assert rule_of(call) == "evaluation.decision.number_required"
    decide(ev, Level.GOOD)
    assert rule_of(lambda: decide(ev, Level.GOOD)) == "evaluation.already_decided"


def test_database_allows_one_current_decision_per_evaluation(cycle: Cycle):
    ev = members(cycle)[0]
    first = decide(ev, Level.GOOD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            evaluation=ev,
            kind=DecisionKind.DECISION,
            number="x",
            date=DAY,
            deciding_body=first.deciding_body,
            level="completed",
        )


def test_supersede_keeps_the_old_decision_sealed_and_chains_the_new_one(cycle: Cycle):
    ev = members(cycle)[0]
    old = decide(ev, Level.GOOD)
    call = lambda: services.supersede_decision(  # noqa: E731
        actor=None, decision_id=old.pk, outcome=Level.COMPLETED, number="3", date=DAY, reason=""
    )
    assert rule_of(call) == "evaluation.decision.reason_required"
    new = services.supersede_decision(
        actor=None,
        decision_id=old.pk,
        outcome=Level.COMPLETED,
        number="3-QĐ/ĐU",
        date=DAY,
        reason="Sai sót khi tổng hợp.",
    )
    old.refresh_from_db()
    assert (old.status, old.level, old.number) == (DecisionStatus.SUPERSEDED, "good", "1-QĐ/ĐU")
    assert new.supersedes == old
    assert new.kind == DecisionKind.CORRECTION
    again = lambda: services.supersede_decision(  # noqa: E731
        actor=None, decision_id=old.pk, outcome=Level.GOOD, number="4", date=DAY, reason="x"
    )
    assert rule_of(again) == "evaluation.decision.not_current"


def reclassify(actor: Any, old: Decision, number: str, reason: str) -> Decision:
    """The superior committee cancels `old` and reclassifies it «completed»."""
    return services.cancel_and_reclassify(
        actor=actor,
        decision_id=old.pk,
        outcome=Level.COMPLETED,
        number=number,
        date=DAY,
        reason=reason,
    )


def test_superior_reclassification_is_refused_under_qd132(cycle: Cycle):
    old = decide(members(cycle)[0], Level.GOOD)
    call = lambda: reclassify(None, old, "9", reason="x")  # noqa: E731
    assert rule_of(call) == "qd132.reclassification.not_provided"


def test_superior_cancels_and_reclassifies_under_qd124(user_named: Callable[[str], Any]):
    cycle = open_cycle(2023)
    cell = cell_of(cycle, "TTR")
    decide(cell, Level.GOOD)  # qd124: collectives before their members
    old = decide(members(cycle, "TTR")[0], Level.GOOD)
    with pytest.raises(PermissionDenied):
        reclassify(user_named("vanphong"), old, "9", reason="x")
    reason = "Kiểm tra phát hiện chưa đủ điều kiện."
    new = reclassify(user_named("quantri"), old, "15-QĐ/ĐUK", reason)
    old.refresh_from_db()
    assert old.status == DecisionStatus.CANCELLED
    assert new.deciding_body.code == "QT.KCQDN"
    assert new.kind == DecisionKind.RECLASSIFICATION


def test_qd124_decides_the_cell_before_its_members():
    cycle = open_cycle(2023)
    call = lambda: decide(members(cycle, "TTR")[0], Level.GOOD)  # noqa: E731
    assert rule_of(call) == "qd124.order.collective_first"


def test_member_submits_their_own_self_assessment_and_not_anothers(
    user_named: Callable[[str], Any],
):
    cycle = Cycle.objects.get(organization__code=ORG, year=2026)
    member = user_named("dangvien").member
    own = Evaluation.objects.get(cycle=cycle, member=member)
    points = points_worth(own, "0.8")  # on the frame the evaluation is scored on
    row = services.submit_self_assessment(
        actor=user_named("dangvien"), evaluation_id=own.pk, level=Level.GOOD, points=points
    )
    assert row.tier == Tier.SELF
    assert set(row.points) == set(points)  # stored in the dot notation, every criterion
    other = Evaluation.objects.filter(cycle=cycle, subject_kind=SubjectKind.MEMBER).exclude(
        member=member
    )[0]
    with pytest.raises(NotFound):
        services.submit_self_assessment(
            actor=user_named("dangvien"), evaluation_id=other.pk, level=Level.GOOD, points=points
        )


def test_resubmitted_self_assessment_keeps_the_earlier_one(user_named: Callable[[str], Any]):
    cycle = Cycle.objects.get(organization__code=ORG, year=2026)
    own = Evaluation.objects.get(cycle=cycle, member=user_named("dangvien").member)
    earlier = set(own.assessments.values_list("pk", flat=True))  # the demo's Mẫu 2B, if any
    for level in (Level.COMPLETED, Level.GOOD):
        services.submit_self_assessment(
            actor=user_named("dangvien"), evaluation_id=own.pk, level=level, points={}
        )
    rows = list(
        own.assessments.filter(tier=Tier.SELF).exclude(pk__in=earlier).order_by("created_at", "id")
    )
    assert [(r.level, r.is_current) for r in rows] == [("completed", False), ("good", True)]


def test_self_assessment_points_out_of_range_are_refused(user_named: Callable[[str], Any]):
    cycle = Cycle.objects.get(organization__code=ORG, year=2026)
    own = Evaluation.objects.get(cycle=cycle, member=user_named("dangvien").member)
    points = {"1.1": "9", "1.2": "8", "1.3": "7", "1.4": "7", "2.1": "35", "2.2": "15", "2.3": "5"}
    call = lambda: services.submit_self_assessment(  # noqa: E731
        actor=user_named("dangvien"), evaluation_id=own.pk, level=None, points=points
    )
    assert rule_of(call) == "qd366.score.out_of_range"


def test_self_assessment_level_above_the_grades_is_refused(cycle: Cycle):
    ev = members(cycle)[0]
    grades = {str(n): "good" for n in range(1, 7)}
    call = lambda: services.submit_self_assessment(  # noqa: E731
        actor=None, evaluation_id=ev.pk, level=Level.EXCELLENT, grades=grades
    )
    assert rule_of(call) == "qd132.member.excellent.criteria"


def test_cell_secretary_proposes_for_own_cell_only(user_named: Callable[[str], Any]):
    cycle = Cycle.objects.get(organization__code=ORG, year=2026)
    own_cell = members(cycle, "TCCB")[1]
    row = services.record_proposal(
        actor=user_named("bithu"), evaluation_id=own_cell.pk, outcome=Level.GOOD, comment="Đồng ý"
    )
    assert row.tier == Tier.CELL
    other = members(cycle, "TTR")[0]
    with pytest.raises(NotFound):
        services.record_proposal(
            actor=user_named("bithu"), evaluation_id=other.pk, outcome=Level.GOOD
        )
    with pytest.raises(PermissionDenied):
        services.decide(
            actor=user_named("bithu"),
            evaluation_id=own_cell.pk,
            outcome=Level.GOOD,
            number="1",
            date=DAY,
        )


def test_tiers_are_kept_side_by_side(cycle: Cycle):
    ev = members(cycle)[0]
    services.submit_self_assessment(actor=None, evaluation_id=ev.pk, level=Level.EXCELLENT)
    services.record_proposal(actor=None, evaluation_id=ev.pk, outcome=Level.GOOD)
    services.record_appraisal(actor=None, evaluation_id=ev.pk, outcome=Level.GOOD)
    decide(ev, Level.GOOD)
    tiers = selectors.current_assessments(ev)
    assert {t: a.level for t, a in tiers.items()} == {
        "self": "excellent",
        "cell": "good",
        "committee": "good",
    }


def test_every_service_is_audited(cycle: Cycle):
    from tongket.audit.models import AuditEvent

    ev = members(cycle)[0]
    before = AuditEvent.objects.count()
    decide(ev, Level.GOOD)
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None
    assert event.action == "evaluation.decision.decision"


# --- properties ----------------------------------------------------------------------------------

LEVELS = st.sampled_from([Level.EXCELLENT, Level.GOOD, Level.COMPLETED])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.integers(0, 11), LEVELS, st.booleans()), max_size=25))
def test_under_block_no_sequence_of_decisions_exceeds_the_cap(
    cycle: Cycle, steps: list[tuple[int, Level, bool]]
):
    evs = members(cycle)[:12]
    profile = selectors.profile_of(cycle)
    with transaction.atomic():
        for index, level, correct in steps:
            ev = evs[index]
            current = ev.decisions.filter(status=DecisionStatus.CURRENT).first()
            try:
                if current is None:
                    decide(ev, level)
                elif correct:
                    services.supersede_decision(
                        actor=None,
                        decision_id=current.pk,
                        outcome=level,
                        number="2",
                        date=DAY,
                        reason="Điều chỉnh",
                    )
            except DomainError:
                pass
            levels = [
                Level(v)
                for v in Decision.objects.filter(
                    evaluation__cycle=cycle, status=DecisionStatus.CURRENT
                ).values_list("level", flat=True)
            ]
            assert levels.count(Level.EXCELLENT) <= profile.quota_cap(levels)
        transaction.set_rollback(True)


def _sealed(d: Decision) -> tuple[object, ...]:
    return (d.number, d.date, d.deciding_body_id, d.level, d.not_classified_reason, d.reason)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(outcomes=st.lists(st.sampled_from([Level.GOOD, Level.COMPLETED]), min_size=1, max_size=6))
def test_a_sealed_decision_never_changes_over_supersede_calls(cycle: Cycle, outcomes: list[Level]):
    ev = members(cycle)[0]
    with transaction.atomic():
        first = decide(ev, Level.GOOD)
        seen = {first.pk: _sealed(first)}
        current = first
        for n, outcome in enumerate(outcomes):
            current = services.supersede_decision(
                actor=None,
                decision_id=current.pk,
                outcome=outcome,
                number=f"{n + 10}-QĐ/ĐU",
                date=DAY,
                reason="Điều chỉnh",
            )
            seen[current.pk] = _sealed(current)
        stored = {d.pk: _sealed(d) for d in Decision.objects.filter(evaluation=ev)}
        assert stored == seen
        statuses = list(Decision.objects.filter(evaluation=ev).values_list("status", flat=True))
        assert statuses.count(DecisionStatus.CURRENT) == 1
        assert len(statuses) == len(outcomes) + 1
        transaction.set_rollback(True)


# --- concurrency (PostgreSQL) --------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_deciders_never_exceed_the_cap(demo_loaded: None):
    import threading

    from django.db import connection

    cycle = open_cycle(2021)
    evs = members(cycle)
    for ev in evs[:10]:
        decide(ev, Level.GOOD)  # 20 % of 10 good: 2 places
    racers = evs[10:18]
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []

    def race(ev: Evaluation) -> None:
        try:
            barrier.wait()
            decide(ev, Level.EXCELLENT)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.rule)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(ev,)) for ev in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    excellent = Decision.objects.filter(
        evaluation__cycle=cycle, status=DecisionStatus.CURRENT, level="excellent"
    ).count()
    assert excellent == 2
    assert outcomes.count("ok") == 2
    assert outcomes.count("qd132.quota.member.excellent") == len(racers) - 2


# --- one batch, counted as its result would stand ------------------------------------------------


def classified(cycle: Cycle) -> list[Evaluation]:
    """Members the 2021 rules classify (joined six months before the period end)."""
    joined = dt.date(2021, 6, 30)
    return [ev for ev in members(cycle) if ev.member and ev.member.joined_on <= joined]


def card(ev: Evaluation) -> str:
    assert ev.member is not None
    return ev.member.card_number


def batch(cycle: Cycle, pairs: list[tuple[Evaluation, Level]], **extra: Any) -> list[Decision]:
    return decide_batch(cycle, pairs, number="3-QĐ/ĐU", date=DAY, **extra)


def test_five_good_and_one_excellent_submitted_at_once_are_accepted_whatever_their_order(
    cycle: Cycle,
):
    evs = classified(cycle)[:6]
    done = batch(cycle, [(evs[0], Level.EXCELLENT)] + [(ev, Level.GOOD) for ev in evs[1:]])
    assert [d.level for d in done] == [Level.EXCELLENT] + [Level.GOOD] * 5
    assert {d.number for d in done} == {"3-QĐ/ĐU"}


def test_a_batch_that_would_exceed_the_quota_is_refused_at_once_and_writes_nothing(cycle: Cycle):
    evs = classified(cycle)[:7]
    pairs = [(evs[0], Level.EXCELLENT), (evs[1], Level.EXCELLENT)]
    pairs += [(ev, Level.GOOD) for ev in evs[2:]]
    with pytest.raises(services.BatchRefused) as caught:
        batch(cycle, pairs)
    # 20 % of 5 good = 1: the second excellent in the order given takes the place beyond the cap.
    assert [(r.evaluation_id, r.finding.rule) for r in caught.value.refusals] == [
        (evs[1].pk, "qd132.quota.member.excellent")
    ]
    assert caught.value.findings[0].subject == card(evs[1])
    assert "tối đa 1" in caught.value.message
    assert not Decision.objects.filter(evaluation__cycle=cycle).exists()


def test_the_page_preview_finds_what_the_batch_refuses_without_writing_or_auditing(cycle: Cycle):
    evs = classified(cycle)[:7]
    items = [services.DecisionItem(ev.pk, Level.EXCELLENT) for ev in evs[:2]]
    items += [services.DecisionItem(ev.pk, Level.GOOD) for ev in evs[2:]]
    events = AuditEvent.objects.count()
    found = services.preview_decisions(actor=None, cycle_id=cycle.pk, items=items)
    assert [(f.rule, f.subject) for f in found] == [("qd132.quota.member.excellent", card(evs[1]))]
    assert AuditEvent.objects.count() == events
    assert not Decision.objects.filter(evaluation__cycle=cycle).exists()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    earlier=st.lists(LEVELS, max_size=6),
    outcomes=st.lists(LEVELS, min_size=1, max_size=8),
)
def test_a_batch_is_accepted_at_once_exactly_when_its_final_state_is_within_the_quota(
    cycle: Cycle, earlier: list[Level], outcomes: list[Level]
):
    evs = classified(cycle)[:14]
    profile = selectors.profile_of(cycle)
    with transaction.atomic():
        for ev, level in zip(evs, earlier, strict=False):
            with contextlib.suppress(DomainError):
                decide(ev, level)
        decided = [
            Level(v)
            for v in Decision.objects.filter(
                evaluation__cycle=cycle, status=DecisionStatus.CURRENT
            ).values_list("level", flat=True)
        ]
        pairs = list(zip(evs[len(earlier) :], outcomes, strict=False))
        final = decided + [level for _ev, level in pairs]
        within = final.count(Level.EXCELLENT) <= profile.quota_cap(final)
        rules: set[str] = set()
        try:
            batch(cycle, pairs)
        except services.BatchRefused as refused:
            rules = {r.finding.rule for r in refused.refusals}
        assert rules == (set() if within else {"qd132.quota.member.excellent"})
        transaction.set_rollback(True)
