"""Database constraints of evaluation: one subject per row, sealed decisions' invariants."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Model

from tongket.evaluation.models import Cycle, Decision, DecisionKind, Evaluation, SubjectKind

pytestmark = pytest.mark.django_db


def a_member_evaluation() -> Evaluation:
    return (
        Evaluation.objects.filter(cycle__year=2026, subject_kind=SubjectKind.MEMBER)
        .select_related("cycle__organization")
        .earliest("pk")
    )


def refused_by_the_database(model: type[Model], **fields: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        model._default_manager.create(**fields)


def same_subject_row(ev: Evaluation) -> dict[str, Any]:
    """The fields of another evaluation of `ev`'s cycle, unit and subject path."""
    return {
        "cycle": ev.cycle,
        "subject_kind": SubjectKind.MEMBER,
        "unit": ev.unit,
        "subject_path": ev.subject_path,
    }


def decision_row(ev: Evaluation, kind: DecisionKind) -> dict[str, Any]:
    """A decision's number, date and deciding body about `ev`, without its outcome."""
    return {
        "evaluation": ev,
        "kind": kind,
        "number": "1",
        "date": dt.date(2027, 1, 5),
        "deciding_body": ev.cycle.organization,
    }


def test_an_evaluation_names_exactly_one_subject():
    refused_by_the_database(Evaluation, **same_subject_row(a_member_evaluation()))


def test_a_member_is_evaluated_once_per_cycle():
    ev = a_member_evaluation()
    refused_by_the_database(Evaluation, **same_subject_row(ev), member=ev.member)


def test_one_yearly_cycle_per_organization():
    cycle = Cycle.objects.get(organization__code="QT.KCQDN.SGDDT", year=2026)
    refused_by_the_database(Cycle, organization=cycle.organization, year=2026, profile_id="qd366")


@pytest.mark.parametrize(
    ("level", "reason"), [("", ""), ("good", "exempted")], ids=["neither", "both"]
)
def test_a_decision_states_a_level_or_a_reason_not_both(level: str, reason: str):
    row = decision_row(a_member_evaluation(), DecisionKind.DECISION)
    refused_by_the_database(Decision, **row, level=level, not_classified_reason=reason)


def test_a_correction_must_supersede_with_a_reason():
    row = decision_row(a_member_evaluation(), DecisionKind.CORRECTION)
    refused_by_the_database(Decision, **row, level="good")
