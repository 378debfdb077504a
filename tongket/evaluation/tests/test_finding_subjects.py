"""Findings boxes name their subject (testers: "46.000001: …" showed a raw card number): the
member's name where the viewer may see it, the organization's name, never a card shown instead."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongket.evaluation.models import Cycle, Evaluation, SubjectKind
from tongket.people.selectors import OUT_OF_SIGHT_MEMBER, subject_names

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
SUBJECT = re.compile(r'data-testid="finding-subject">([^<]*)<')
CARD = re.compile(r"\d+\.\d+")


def _dashboard(client: Client, year: int) -> list[str]:
    cycle = Cycle.objects.get(organization__code=ORG, year=year, quarter__isnull=True)
    page = client.get(reverse("evaluation:cycle", args=[cycle.pk]))
    assert page.status_code == 200
    return SUBJECT.findall(page.content.decode())


def test_the_dashboards_findings_name_members_not_their_card_numbers(
    client_for: Callable[[str], Client],
) -> None:
    subjects = _dashboard(client_for("vanphong"), 2026)
    assert subjects
    assert not [s for s in subjects if CARD.fullmatch(s.strip())]
    names = set(
        Evaluation.objects.filter(
            cycle__organization__code=ORG, cycle__year=2026, subject_kind=SubjectKind.MEMBER
        ).values_list("member__full_name", flat=True)
    )
    assert set(subjects) & names


def test_an_organizations_finding_carries_its_name(client_for: Callable[[str], Client]) -> None:
    assert "Đảng bộ Sở Giáo dục và Đào tạo" in _dashboard(client_for("vanphong"), 2020)


def test_a_member_the_viewer_may_not_see_is_neither_named_nor_shown_by_card(
    user_named: Callable[[str], Any], outsider: Any
) -> None:
    ev = Evaluation.objects.filter(
        cycle__organization__code=ORG, cycle__year=2026, subject_kind=SubjectKind.MEMBER
    ).select_related("member", "unit")[0]
    assert ev.member is not None
    card, name = ev.member.card_number, ev.member.full_name
    office = subject_names(user_named("vanphong"), [card, ORG, "Nhóm 1"])
    assert office == {card: name, ORG: "Đảng bộ Sở Giáo dục và Đào tạo"}
    elsewhere = subject_names(outsider, [card, ORG])
    assert elsewhere == {card: OUT_OF_SIGHT_MEMBER}
