"""Who may change a subject's dossier (reading follows the evaluation: the selectors start from
the evaluations the user may see): pure functions over a Scope."""

from __future__ import annotations

from tongket.accounts.scope import Scope
from tongket.evaluation import permissions as evaluation_permissions
from tongket.evaluation.models import Evaluation


def can_change_dossier(scope: Scope, ev: Evaluation) -> bool:
    """The cell that gathers the documents (its secretary) or the office above it adds and
    removes uploads; the member reads their dossier but does not change it."""
    return evaluation_permissions.can_propose(scope, ev)
