"""What the people services take, made from a member already in the database."""

from __future__ import annotations

from typing import Any

from tongket.core.demo import DEMO_ORG
from tongket.people.models import Member
from tongket.people.services import MemberInput

# A member's own data as MemberInput names it; `is_sample` is left to its default.
_OWN = ("card_number", "full_name", "gender", "joined_on", "status", "birth_date", "full_member_on")


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
