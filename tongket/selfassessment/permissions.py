"""Who may write, return and read a self-assessment: pure functions over a Scope."""

from __future__ import annotations

from tongket.accounts.scope import Scope
from tongket.evaluation import permissions as evaluation_permissions
from tongket.evaluation.models import Evaluation, SubjectKind


def is_author(scope: Scope, ev: Evaluation) -> bool:
    """The member themselves."""
    return ev.subject_kind == SubjectKind.MEMBER and ev.member_id == scope.own_member_id


def can_write_form(scope: Scope, ev: Evaluation) -> bool:
    """The member, or whoever writes for the subject (a secretary entering on behalf)."""
    return evaluation_permissions.can_self_assess(scope, ev)


def can_return_form(scope: Scope, ev: Evaluation) -> bool:
    """The cell (its secretary, or the office above) returns a submitted form with a comment."""
    return evaluation_permissions.can_propose(scope, ev)
