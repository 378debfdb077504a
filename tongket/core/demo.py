"""The demo loader: each app adds a step (`<app>/demo.py` with `load(ctx)`), run in order.

Every step is idempotent: it checks for its own data before creating it, so `tongket demo` can run
again safely and a later issue's step fills in what an older database lacks.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

# Order matters: organizations and people first, then what builds on them.
STEPS = (
    "tongket.people.demo",
    "tongket.accounts.demo",
    "tongket.evaluation.demo",
    "tongket.scoring.demo",
    "tongket.awards.demo",
    "tongket.programs.demo",
    "tongket.meetings.demo",
    "tongket.reports.demo",
    "tongket.criteria.demo",
    "tongket.selfassessment.demo",
)

DEMO_ORG = "QT.KCQDN.SGDDT"


@dataclass
class DemoContext:
    """What steps share: a seeded random generator and lines to print at the end."""

    seed: int = 2020
    rng: random.Random = field(init=False)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)


class Step(Protocol):
    def __call__(self, ctx: DemoContext) -> None: ...


def steps() -> list[tuple[str, Callable[[DemoContext], None]]]:
    found: list[tuple[str, Callable[[DemoContext], None]]] = []
    for name in STEPS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        found.append((name, module.load))
    return found


def load_demo(ctx: DemoContext | None = None) -> DemoContext:
    ctx = ctx or DemoContext()
    for _name, load in steps():
        load(ctx)
    return ctx
