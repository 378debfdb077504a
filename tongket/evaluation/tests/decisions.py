"""Test helpers: decisions through the services as the office makes them, one at a time or in a
batch (the one batch service the office's page submits to)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from tongket.evaluation import services
from tongket.evaluation.models import Cycle, Decision, Evaluation
from tongket.evaluation.selectors import Outcome


def decide(
    ev: Evaluation, outcome: Outcome, *, number: str, date: dt.date, **extra: Any
) -> Decision:
    """Decide one evaluation's outcome under a decision number and date."""
    return services.decide(
        actor=None, evaluation_id=ev.pk, outcome=outcome, number=number, date=date, **extra
    )


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
