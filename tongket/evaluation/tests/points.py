"""Points for tests, on the frame an evaluation is actually scored on: the sample frame, or the
criteria set its committee published (the demo's 2026 PL4 set binds the member who filled 2B)."""

from __future__ import annotations

from decimal import Decimal

from tongket.core.formatting import format_decimal
from tongket.evaluation.models import Evaluation
from tongket.evaluation.selectors import point_frame


def points_worth(ev: Evaluation, share: str) -> dict[str, str]:
    """Each criterion scored at `share` of its maximum (e.g. "0.8" gives 80 points of 100)."""
    return {c.code: format_decimal(c.max_points * Decimal(share)) for c in point_frame(ev).criteria}
