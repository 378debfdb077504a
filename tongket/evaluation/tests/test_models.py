"""Database constraints of evaluation: one subject per row, sealed decisions' invariants."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tongket.evaluation.models import Cycle, Decision, DecisionKind, Evaluation, SubjectKind

pytestmark = pytest.mark.django_db


def a_member_evaluation() -> Evaluation:
    return (
        Evaluation.objects.filter(cycle__year=2026, subject_kind=SubjectKind.MEMBER)
        .select_related("cycle__organization")
        .earliest("pk")
    )


def test_an_evaluation_names_exactly_one_subject():
    ev = a_member_evaluation()
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(
            cycle=ev.cycle,
            subject_kind=SubjectKind.MEMBER,
            unit=ev.unit,
            subject_path=ev.subject_path,
        )


def test_a_member_is_evaluated_once_per_cycle():
    ev = a_member_evaluation()
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(
            cycle=ev.cycle,
            subject_kind=SubjectKind.MEMBER,
            member=ev.member,
            unit=ev.unit,
            subject_path=ev.subject_path,
        )


def test_one_yearly_cycle_per_organization():
    cycle = Cycle.objects.get(organization__code="QT.KCQDN.SGDDT", year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.create(organization=cycle.organization, year=2026, profile_id="qd366")


@pytest.mark.parametrize(
    ("level", "reason"), [("", ""), ("good", "exempted")], ids=["neither", "both"]
)
def test_a_decision_states_a_level_or_a_reason_not_both(level: str, reason: str):
    ev = a_member_evaluation()
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            evaluation=ev,
            kind=DecisionKind.DECISION,
            number="1",
            date=dt.date(2027, 1, 5),
            deciding_body=ev.cycle.organization,
            level=level,
            not_classified_reason=reason,
        )


def test_a_correction_must_supersede_with_a_reason():
    ev = a_member_evaluation()
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            evaluation=ev,
            kind=DecisionKind.CORRECTION,
            number="1",
            date=dt.date(2027, 1, 5),
            deciding_body=ev.cycle.organization,
            level="good",
        )
