"""Members as the tests of several apps need them: the card numbers of a cell, what the people
services and the member form take."""

from __future__ import annotations

from typing import Any

from tongket.core.demo import DEMO_ORG
from tongket.people.models import Member
from tongket.people.services import MemberInput

# A member's own data as MemberInput names it; `is_sample` is left to its default.
_OWN = ("card_number", "full_name", "gender", "joined_on", "status", "birth_date", "full_member_on")


def cards_in(cell: str) -> list[str]:
    """The card numbers of the cell's members, in order."""
    members = Member.objects.filter(organization__code=cell).order_by("card_number")
    return list(members.values_list("card_number", flat=True))


def member_input(member: Member, **changes: Any) -> MemberInput:
    """The member as `create_member`/`update_member` take it, with `changes`."""
    data = {name: getattr(member, name) for name in _OWN}
    data["organization_code"] = member.organization.code
    return MemberInput(**(data | changes))


NEW_CARD = "45.999999"


def new_member_form(**changes: str) -> dict[str, str]:
    """The member form as the office fills it for a new member of Chi bộ TCCB, with `changes`."""
    return {
        "card_number": NEW_CARD,
        "full_name": "Hồ Thị Mới",
        "gender": "female",
        "birth_date": "1990-05-01",
        "organization": f"{DEMO_ORG}.TCCB",
        "joined_on": "2015-03-02",
        "status": "full",
        "full_member_on": "2016-03-02",
    } | changes


NEW_CELL = "QT.KCQDN.SGDDT.MOI"


def post_new_cell(api: Any, **extra: str) -> Any:
    """The department's office adds Chi bộ Mới under it through the API: the response."""
    body = {"code": NEW_CELL, "name": "Chi bộ Mới", "kind": "cell", "parent": "QT.KCQDN.SGDDT"}
    return api.post("/api/v1/organizations/", body | extra, format="json")
