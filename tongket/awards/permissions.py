"""Who may do what in the award register: pure functions over a Scope and the rows involved."""

from __future__ import annotations

from tongket.accounts.scope import Scope
from tongket.evaluation.models import Decision


def can_mark_exemplary(scope: Scope, decision: Decision) -> bool:
    """Choosing a collective "tiêu biểu" belongs to the body that decided its classification
    (HD 06-HD/TW mục 19): the office of the decision's deciding body."""
    return scope.writes(decision.deciding_body.path)
