"""Who may do what in a cycle (permissions.py): pure functions over a Scope, no database."""

from __future__ import annotations

import pytest

from tongket.accounts.scope import Scope
from tongket.evaluation import permissions
from tongket.evaluation.models import Cycle, Evaluation, SubjectKind
from tongket.people.models import Organization

DEPT = "0001.0002."  # the grassroots organization deciding for its cells and members
CELL = f"{DEPT}0003."
OTHER_CELL = f"{DEPT}0004."
BLOC = "0001."  # the directly superior committee


def scope(
    reads: tuple[str, ...] = (), writes: tuple[str, ...] = (), own: int | None = None
) -> Scope:
    return Scope(
        is_superuser=False,
        read_paths=reads + writes,
        write_paths=writes,
        admin_paths=(),
        own_member_id=own,
        own_org_path=None,
    )


def cycle() -> Cycle:
    bloc = Organization(path=BLOC, code="B")
    return Cycle(organization=Organization(path=DEPT, code="D", parent=bloc))


def member_ev(member_id: int = 7) -> Evaluation:
    return Evaluation(
        cycle=cycle(),
        subject_kind=SubjectKind.MEMBER,
        member_id=member_id,
        unit=Organization(path=CELL, code="C"),
        subject_path=CELL,
    )


def cell_ev() -> Evaluation:
    return Evaluation(
        cycle=cycle(), subject_kind=SubjectKind.ORGANIZATION, subject_path=CELL, unit=None
    )


@pytest.mark.parametrize(
    ("who", "view", "manage"),
    [
        (scope(writes=(DEPT,)), True, True),  # the office of the deciding organization
        (scope(reads=(BLOC,)), True, False),  # a reader above
        (scope(writes=(CELL,)), False, False),  # a cell's secretary
        (scope(reads=("0009.",)), False, False),  # an outsider
    ],
)
def test_the_whole_cycle_is_for_its_readers_and_its_decisions_for_its_office(who, view, manage):
    assert permissions.can_view_cycle(who, cycle()) is view
    assert permissions.can_manage_cycle(who, cycle()) is manage


def test_a_member_assesses_themselves_and_the_office_enters_paper_forms():
    assert permissions.can_self_assess(scope(own=7), member_ev(7))
    assert not permissions.can_self_assess(scope(own=8), member_ev(7))
    assert permissions.can_self_assess(scope(writes=(CELL,)), member_ev(7))
    assert not permissions.can_self_assess(scope(reads=(DEPT,)), member_ev(7))


def test_the_cell_proposes_for_its_members_and_for_itself_not_for_another_cell():
    assert permissions.proposing_path(member_ev()) == CELL
    assert permissions.proposing_path(cell_ev()) == CELL
    assert permissions.can_propose(scope(writes=(CELL,)), member_ev())
    assert permissions.can_propose(scope(writes=(CELL,)), cell_ev())
    assert permissions.can_propose(scope(writes=(DEPT,)), member_ev())
    assert not permissions.can_propose(scope(writes=(OTHER_CELL,)), member_ev())
    assert not permissions.can_propose(scope(own=7), member_ev(7))


def test_only_the_directly_superior_committee_reclassifies():
    assert permissions.can_reclassify(scope(writes=(BLOC,)), cycle())
    assert not permissions.can_reclassify(scope(writes=(DEPT,)), cycle())
    assert not permissions.can_reclassify(scope(reads=(BLOC,)), cycle())
    top = Cycle(organization=Organization(path=BLOC, code="B"))
    assert not permissions.can_reclassify(scope(writes=(BLOC,)), top)
