"""Rule programs.inspection.item.read, table-driven over plain facts (no database)."""

from __future__ import annotations

import pytest

from tongket.accounts.scope import Scope
from tongket.programs.permissions import ItemFacts, can_read_program_item

COMMITTEE = "1.2."
CELL_A = "1.2.3."  # the subject cell
CELL_B = "1.2.4."  # another cell


def item(**changes: object) -> ItemFacts:
    facts: dict[str, object] = {
        "program_kind": "inspection",
        "program_path": COMMITTEE,
        "activity": "inspection",
        "subject_org_paths": (CELL_A,),
        "subject_member_paths": (),
        "subject_member_ids": (),
        "in_charge_member_id": None,
        "in_charge_path": None,
    }
    facts.update(changes)
    return ItemFacts(**facts)  # type: ignore[arg-type]


def scope(
    *,
    read: tuple[str, ...] = (),
    write: tuple[str, ...] = (),
    member: int | None = None,
    cell: str | None = None,
) -> Scope:
    return Scope(False, read + write, write, (), member, cell)


@pytest.mark.parametrize(
    ("who", "facts", "inspection_paths", "allowed"),
    [
        # the committee that owns the program, and above it
        (scope(write=(COMMITTEE,)), item(), (), True),
        (scope(read=("1.",)), item(), (), True),
        # its inspection committee
        (scope(member=7, cell=CELL_B), item(), (COMMITTEE,), True),
        # the subject cell: its committee, its members
        (scope(write=(CELL_A,), member=8, cell=CELL_A), item(), (), True),
        (scope(member=9, cell=CELL_A), item(), (), True),
        # a plain member or the secretary of another cell
        (scope(member=10, cell=CELL_B), item(), (), False),
        (scope(write=(CELL_B,), member=11, cell=CELL_B), item(), (), False),
        # an inspected member, their cell's committee; not a fellow member of their cell
        (
            scope(member=12, cell=CELL_B),
            item(subject_member_ids=(12,), subject_member_paths=(CELL_B,)),
            (),
            True,
        ),
        (
            scope(write=(CELL_B,)),
            item(subject_member_ids=(12,), subject_member_paths=(CELL_B,)),
            (),
            True,
        ),
        (
            scope(member=13, cell=CELL_B),
            item(subject_member_ids=(12,), subject_member_paths=(CELL_B,)),
            (),
            False,
        ),
        # who carries it out
        (scope(member=14, cell=CELL_B), item(in_charge_member_id=14), (), True),
        (scope(write=(CELL_B,)), item(in_charge_path=CELL_B), (), True),
        (scope(read=(CELL_B,)), item(in_charge_path=CELL_B), (), False),
        # an ordinary task of a work program: whoever sees the program
        (scope(member=10, cell=CELL_B), item(program_kind="work", activity="task"), (), True),
        # an inspection item inside a work program is still restricted
        (scope(member=10, cell=CELL_B), item(program_kind="work"), (), False),
    ],
)
def test_who_reads_an_inspection_item(
    who: Scope, facts: ItemFacts, inspection_paths: tuple[str, ...], allowed: bool
) -> None:
    assert can_read_program_item(who, facts, inspection_paths=inspection_paths) is allowed
