"""Who may read what of programs: pure functions over a scope and plain facts (no queries)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tongket.accounts.scope import Scope
from tongket.programs.domain import INSPECTION_CITATION

RULE_INSPECTION_ITEM_READ = "programs.inspection.item.read"
INSPECTION_ITEM_READ_CITATION = INSPECTION_CITATION

# The program kind and the item activities whose items name who is inspected or supervised.
INSPECTION_KIND = "inspection"
INSPECTION_ACTIVITIES = frozenset({"inspection", "supervision"})


@dataclass(frozen=True)
class ItemFacts:
    """What the reading rule needs to know about one program item."""

    program_kind: str
    program_path: str  # the committee that owns the program
    activity: str
    subject_org_paths: tuple[str, ...]  # subject organizations
    subject_member_paths: tuple[str, ...]  # the cells of subject members
    subject_member_ids: tuple[int, ...]
    in_charge_member_id: int | None
    in_charge_path: str | None  # the organization in charge

    @property
    def restricted(self) -> bool:
        return self.program_kind == INSPECTION_KIND or self.activity in INSPECTION_ACTIVITIES


def can_read_program_item(
    scope: Scope, item: ItemFacts, *, inspection_paths: Iterable[str] = ()
) -> bool:
    """Rule programs.inspection.item.read: an item of an inspection and supervision program (or
    an inspection or supervision item of any program) names who is inspected, what was
    concluded and what must be remedied, so only these read it:

    - the committee that owns the program, and those above it (a grant over its organization);
    - its inspection committee (a member holding «Chủ nhiệm Ủy ban Kiểm tra» of that
      organization: `inspection_paths`);
    - the subject: a member named in the item, a member of a cell named in it, and whoever
      holds a grant over a subject organization or a subject member's cell (the subject's
      committee and its superiors); a fellow member of an inspected member's cell is not;
    - who carries it out: the member in charge, and the writers of the organization in charge.

    Anyone else who sees the program (a plain member of another cell reads the programs of the
    committees above them) sees neither the item nor its content. Other items are read by
    whoever sees the program. Citation: INSPECTION_ITEM_READ_CITATION.
    """
    if not item.restricted or scope.is_superuser:
        return True
    if scope.reads(item.program_path) or item.program_path in set(inspection_paths):
        return True
    own = scope.own_member_id
    if own is not None and (own in item.subject_member_ids or own == item.in_charge_member_id):
        return True
    if scope.own_org_path is not None and scope.own_org_path in item.subject_org_paths:
        return True
    if any(scope.reads(p) for p in (*item.subject_org_paths, *item.subject_member_paths)):
        return True
    return item.in_charge_path is not None and scope.writes(item.in_charge_path)
