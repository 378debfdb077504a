"""Who may do what in an evaluation cycle: pure functions over a Scope and the rows involved."""

from __future__ import annotations

from tongket.accounts.scope import Scope
from tongket.evaluation.models import Cycle, Evaluation, SubjectKind
from tongket.people.permissions import can_administer_somewhere


def can_view_cycle(scope: Scope, cycle: Cycle) -> bool:
    """The whole cycle (dashboard, findings): readers of the cycle's organization."""
    return scope.reads(cycle.organization.path)


def can_manage_cycle(scope: Scope, cycle: Cycle) -> bool:
    """Open, appraise, record facts, decide: the office of the deciding organization."""
    return scope.writes(cycle.organization.path)


def can_self_assess(scope: Scope, ev: Evaluation) -> bool:
    """The member themselves, or whoever writes for the subject (the office enters paper forms)."""
    if ev.subject_kind == SubjectKind.MEMBER and ev.member_id == scope.own_member_id:
        return True
    return scope.writes(ev.subject_path)


def proposing_path(ev: Evaluation) -> str:
    """The cell proposes for its members, and for itself."""
    return ev.unit.path if ev.subject_kind == SubjectKind.MEMBER else ev.subject_path


def can_propose(scope: Scope, ev: Evaluation) -> bool:
    """The cell's secretary (or the office above it) records the cell's opinion and proposal."""
    return scope.writes(proposing_path(ev))


def can_reclassify(scope: Scope, cycle: Cycle) -> bool:
    """The directly superior committee: whoever writes for the deciding organization's parent."""
    parent = cycle.organization.parent
    return parent is not None and scope.writes(parent.path)


def can_see_rule_ids(scope: Scope) -> bool:
    """The office (an administrator's grant somewhere) sees each finding's rule id in a detail
    line, to look the rule up; members and secretaries read the message and its article."""
    return can_administer_somewhere(scope)


def can_see_unverified_parameters(scope: Scope) -> bool:
    """Which parameter values are not yet checked against the text is said to administrators,
    on the regulations page only."""
    return can_administer_somewhere(scope)
