"""Choosing an organization at any size: a drop-down while the choices are few, a code box with
suggestions from the user's own organizations past that, and the same check on submit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongket.core.demo import DEMO_ORG
from tongket.people import pickers
from tongket.people.models import Member, Organization

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str], Client]
TCCB = f"{DEMO_ORG}.TCCB"
OUTSIDE = "QT.KCQDN"  # the bloc: vanphong reads none of it outside the department


def _suggested(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("people:organization_suggest"), params)
    assert response.status_code == 200
    return [
        line.split('"')[1] for line in response.content.decode().splitlines() if "<option" in line
    ]


def _new_member(**changes: str) -> dict[str, str]:
    return {
        "card_number": "45.999998",
        "full_name": "Hồ Thị Chọn",
        "gender": "female",
        "birth_date": "1990-05-01",
        "organization": TCCB,
        "joined_on": "2015-03-02",
        "status": "full",
        "full_member_on": "2016-03-02",
    } | changes


def test_few_choices_make_a_drop_down_list(client_for: ClientFor) -> None:
    html = client_for("vanphong").get(reverse("people:member_create")).content.decode()
    assert '<select name="organization"' in html
    assert 'list="id_organization-options"' not in html


def test_many_choices_make_a_code_box_whose_code_is_checked_on_submit(
    client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pickers, "PICKER_LIMIT", 2)  # the department writes for 8 organizations
    client = client_for("vanphong")
    html = client.get(reverse("people:member_create")).content.decode()
    assert '<select name="organization"' not in html
    assert 'list="id_organization-options"' in html
    assert '<datalist id="id_organization-options"></datalist>' in html
    assert f"{reverse('people:organization_suggest')}?for=write" in html
    assert TCCB not in html  # no organization is listed in the page itself

    refused = client.post(reverse("people:member_create"), _new_member(organization=OUTSIDE))
    assert refused.status_code == 200
    assert f"Lựa chọn «{OUTSIDE}» không hợp lệ" in refused.content.decode()
    assert not Member.objects.filter(card_number="45.999998").exists()

    created = client.post(reverse("people:member_create"), _new_member())
    assert created.status_code == 302
    assert Member.objects.get(card_number="45.999998").organization.code == TCCB


def test_suggestions_match_name_or_code_among_the_users_own_organizations(
    client_for: ClientFor,
) -> None:
    office = client_for("vanphong")
    assert _suggested(office, q="to chuc can bo") == [TCCB]
    assert _suggested(office, q=f"{DEMO_ORG}.T") == [TCCB, f"{DEMO_ORG}.TTR"]
    boxed = {"for": "write", "field": "organization", "organization": "to chuc"}
    assert _suggested(office, **boxed) == [TCCB]
    # A cell secretary writes for their cell only: nothing else is suggested, whatever is typed.
    secretary = client_for("bithu")
    assert _suggested(secretary, **{"for": "write", "q": "chi bo"}) == [TCCB]
    assert _suggested(secretary, **{"for": "write", "q": "thanh tra"}) == []
    # A plain member writes for nothing, and reads their own cell only.
    member = client_for("dangvien")
    assert _suggested(member, **{"for": "write", "q": "giao duc"}) == []
    own = _suggested(member, q="chi bo")
    assert len(own) == 1
    assert own[0].startswith(f"{DEMO_ORG}.")


def test_suggestions_keep_to_the_kinds_asked_for_and_refuse_an_unknown_list(
    client_for: ClientFor,
) -> None:
    office = client_for("vanphong")
    assert _suggested(office, **{"for": "write", "kinds": "grassroots"}) == [DEMO_ORG]
    cells = _suggested(office, **{"for": "write", "kinds": "cell"})
    assert cells
    assert DEMO_ORG not in cells
    assert all(Organization.objects.get(code=c).kind == "cell" for c in cells)
    response = office.get(reverse("people:organization_suggest"), {"for": "everything"})
    assert response.status_code == 404


def test_the_organization_form_suggests_parents_and_agencies_instead_of_listing_them(
    client_for: ClientFor,
) -> None:
    html = client_for("quantri").get(reverse("people:organization_create")).content.decode()
    assert "for=admin" in html
    assert "for=agency" in html
    assert html.count("<option") < 20  # the kinds only: no organization listed in the page


def test_the_picker_suggests_at_most_a_page(
    monkeypatch: pytest.MonkeyPatch, user_named: Any
) -> None:
    monkeypatch.setattr(pickers, "SUGGEST_LIMIT", 3)
    organizations = pickers.choices_for("read", user_named("quantri"))
    assert organizations is not None
    found = pickers.suggestions(organizations, "")
    assert len(found) == 3
    assert [o.path for o in found] == sorted(o.path for o in found)
