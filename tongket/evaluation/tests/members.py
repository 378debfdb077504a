"""Members the evaluation and awards tests add the way the office does: through the people
service, so that the member is placed, audited and given evaluations like any other."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from tongket.evaluation.models import Cycle, Evaluation, SubjectKind
from tongket.people import services as people_services
from tongket.people.models import Member
from tongket.people.services import MemberInput


def enter_member(
    organization: str,
    card: str,
    name: str,
    gender: str,
    joined_on: dt.date,
    *,
    actor: Any = None,
    **more: Any,
) -> Member:
    """The member `create_member` makes of these; `more` are MemberInput's other fields
    (status, full_member_on)."""
    data = MemberInput(
        card_number=card,
        full_name=name,
        gender=gender,
        joined_on=joined_on,
        organization_code=organization,
        **more,
    )
    return people_services.create_member(actor=actor, data=data)


def cycle_members(cycle: Cycle, **filters: Any) -> QuerySet[Evaluation]:
    """The members' evaluations in `cycle`, narrowed by `filters`."""
    return Evaluation.objects.filter(cycle=cycle, subject_kind=SubjectKind.MEMBER, **filters)
