"""The member's file: roles, posts, transfers, evaluations (every tier per year), awards and
discipline on one printable page, for those who may read the member."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tongket.awards.models import Award
from tongket.evaluation.models import Decision, DecisionStatus
from tongket.people import services

pytestmark = pytest.mark.django_db

CELL = "QT.KCQDN.SGDDT.TCCB"


def test_the_file_shows_the_decided_year_the_awards_and_an_ended_role(
    client_for: Callable[[str], Client],
) -> None:
    award = Award.objects.filter(member__organization__code=CELL).select_related("member")[0]
    member = award.member
    assert member is not None
    decision = Decision.objects.get(
        evaluation__member=member, status=DecisionStatus.CURRENT, evaluation__cycle__year=2020
    )
    role = member.party_roles.first()
    if role is not None:
        services.end_party_role(
            actor=None, role_id=role.pk, end=dt.date(2026, 6, 30), reason="Hết nhiệm kỳ"
        )
    page = client_for("vanphong").get(reverse("people:member_file", args=[member.card_number]))
    body = page.content.decode()
    assert page.status_code == 200
    assert member.full_name in body
    assert "Năm 2020" in body or "2020" in body
    assert decision.get_level_display() in body
    assert decision.number in body
    assert award.form.name in body
    if role is not None:
        assert "Hết nhiệm kỳ" in body
    assert (
        client_for("bithu2")
        .get(reverse("people:member_file", args=[member.card_number]))
        .status_code
        == 404
    )
