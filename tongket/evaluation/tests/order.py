"""Test helper: under qd366 a Party organization is decided only after its ordinary members
(Điều 12, `qd366.order.members_first`); tests that need a cell decided first decide those members
through the batch service, as an office would."""

from __future__ import annotations

import datetime as dt

from tongket.evaluation import services
from tongket.evaluation.domain import Level
from tongket.evaluation.models import Cycle, DecisionStatus
from tongket.evaluation.selectors import Outcome
from tongket.evaluation.tests.members import cycle_members
from tongket.people.models import PartyRole


def decide_ordinary_members(
    cycle: Cycle,
    unit_code: str,
    *,
    outcome: Outcome = Level.COMPLETED,
    number: str = "90-QĐ/ĐU",
    date: dt.date = dt.date(2026, 12, 20),
) -> list[int]:
    """Decide every undecided member of `unit_code` in `cycle` who reviews and does not sit on
    its committee (all `outcome`); the ids decided."""
    committee = PartyRole.objects.filter(organization__code=unit_code).values("member_id")
    ids = list(
        cycle_members(cycle, unit__code=unit_code, exempted=False, suspended=False)
        .exclude(member_id__in=committee)
        .exclude(decisions__status=DecisionStatus.CURRENT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        services.decide_many(
            actor=None,
            cycle_id=cycle.pk,
            unit_code=unit_code,
            items=[services.DecisionItem(pk, outcome) for pk in ids],
            number=number,
            date=date,
        )
    return ids
