"""Test helper: a batch decision through the one batch service, as the office's page submits it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from tongket.evaluation import services
from tongket.evaluation.models import Cycle, Decision, Evaluation
from tongket.evaluation.selectors import Outcome


def decide_batch(
    cycle: Cycle,
    outcomes: Iterable[tuple[Evaluation, Outcome]],
    *,
    number: str,
    date: dt.date,
    **extra: Any,
) -> list[Decision]:
    """Decide each evaluation's outcome at once under one decision number and date."""
    return services.decide_many(
        actor=None,
        cycle_id=cycle.pk,
        items=[services.DecisionItem(ev.pk, outcome) for ev, outcome in outcomes],
        number=number,
        date=date,
        **extra,
    )
