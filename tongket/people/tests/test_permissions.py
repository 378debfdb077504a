"""Who may see and change organizations and members: the pure can_* functions, table-driven."""

from __future__ import annotations

import pytest

from tongket.accounts.scope import SYSTEM, Scope
from tongket.people import permissions as p

DEPT = "0000000001/0000000002/"
CELL = DEPT + "0000000003/"
OTHER = "0000000001/0000000009/"

OFFICE = Scope(False, (DEPT,), (DEPT,), (DEPT,), None, None)
SECRETARY = Scope(False, (CELL,), (CELL,), (), 7, CELL)
READER = Scope(False, (DEPT,), (), (), None, None)
MEMBER = Scope(False, (), (), (), 8, CELL)
NOBODY = Scope(False, (), (), (), None, None)


@pytest.mark.parametrize(
    ("scope", "org_path", "member_id", "sees"),
    [
        (OFFICE, CELL, 1, True),
        (READER, CELL, 1, True),
        (SECRETARY, CELL, 1, True),
        (SECRETARY, OTHER, 1, False),
        (MEMBER, CELL, 8, True),  # their own record
        (MEMBER, CELL, 1, False),  # a cell mate's card number
        (NOBODY, CELL, None, False),
        (SYSTEM, OTHER, None, True),
    ],
)
def test_a_members_card_number_is_seen_by_readers_of_their_organization_and_themselves(
    scope: Scope, org_path: str, member_id: int | None, sees: bool
):
    assert p.can_see_member(scope, org_path=org_path, member_id=member_id) is sees


def test_a_plain_member_sees_the_organization_they_belong_to_and_nothing_else():
    assert p.can_see_organization(MEMBER, CELL)
    assert not p.can_see_organization(MEMBER, DEPT)
    assert p.can_see_organization(READER, CELL)


@pytest.mark.parametrize(
    ("scope", "writes", "administers"),
    [
        (OFFICE, True, True),
        (SECRETARY, True, False),
        (READER, False, False),
        (MEMBER, False, False),
        (SYSTEM, True, True),
    ],
)
def test_write_and_admin_grants_somewhere(scope: Scope, writes: bool, administers: bool):
    assert p.can_write_somewhere(scope) is writes
    assert p.can_administer_somewhere(scope) is administers


def test_editing_a_member_and_administering_an_organization_follow_the_grants():
    assert p.can_edit_member(SECRETARY, CELL)
    assert not p.can_edit_member(SECRETARY, DEPT)
    assert p.can_administer_organization(OFFICE, CELL)
    assert not p.can_administer_organization(SECRETARY, CELL)
