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


def another_evaluation_is_refused(ev: Evaluation, **subject: Any) -> None:
    """Another evaluation of `ev`'s cycle, unit and subject path, naming `subject`, is refused."""
    refused_by_the_database(
        Evaluation,
        cycle=ev.cycle,
        subject_kind=SubjectKind.MEMBER,
        unit=ev.unit,
        subject_path=ev.subject_path,
        **subject,
    )


def test_an_evaluation_names_exactly_one_subject():
    another_evaluation_is_refused(a_member_evaluation())


def test_a_member_is_evaluated_once_per_cycle():
    ev = a_member_evaluation()
    another_evaluation_is_refused(ev, member=ev.member)


def test_one_yearly_cycle_per_organization():
    cycle = Cycle.objects.get(organization__code="QT.KCQDN.SGDDT", year=2026)
    refused_by_the_database(Cycle, organization=cycle.organization, year=2026, profile_id="qd366")


@pytest.mark.parametrize(
    ("kind", "outcome"),
    [
        pytest.param(
            DecisionKind.DECISION,
            {"level": "", "not_classified_reason": ""},
            id="neither-a-level-nor-a-reason",
        ),
        pytest.param(
            DecisionKind.DECISION,
            {"level": "good", "not_classified_reason": "exempted"},
            id="both-a-level-and-a-reason",
        ),
        pytest.param(
            DecisionKind.CORRECTION, {"level": "good"}, id="correction-superseding-nothing"
        ),
    ],
)
def test_a_decision_states_a_level_or_a_reason_and_a_correction_supersedes_with_a_reason(
    kind: DecisionKind, outcome: dict[str, str]
):
    ev = a_member_evaluation()
    row = {"number": "1", "date": dt.date(2027, 1, 5), "deciding_body": ev.cycle.organization}
    refused_by_the_database(Decision, evaluation=ev, kind=kind, **row, **outcome)
