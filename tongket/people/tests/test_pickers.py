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
from tongket.people.tests.inputs import NEW_CARD, new_member_form

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

    refused = client.post(reverse("people:member_create"), new_member_form(organization=OUTSIDE))
    assert refused.status_code == 200
    assert f"Lựa chọn «{OUTSIDE}» không hợp lệ" in refused.content.decode()
    assert not Member.objects.filter(card_number=NEW_CARD).exists()

    created = client.post(reverse("people:member_create"), new_member_form())
    assert created.status_code == 302
    assert Member.objects.get(card_number=NEW_CARD).organization.code == TCCB


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


def _new_meeting(client: Client) -> int:
    from tongket.meetings.models import Meeting

    response = client.post(
        reverse("meetings:create"),
        {"organization": DEMO_ORG, "kind": "thematic", "title": "Chọn", "held_on": "2021-12-10"},
    )
    assert response.status_code == 302
    return Meeting.objects.get(title="Chọn").pk


def test_a_meeting_with_many_members_names_its_chair_by_card_with_suggestions(
    client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tongket.meetings.models import Chair

    monkeypatch.setattr(pickers, "PICKER_LIMIT", 5)  # the department has 50 members
    client = client_for("vanphong")
    meeting = _new_meeting(client)
    html = client.get(reverse("meetings:prepare", args=[meeting])).content.decode()
    assert f"{reverse('people:member_suggest')}?within={DEMO_ORG}" in html
    assert 'list="id_chair_member-options"' in html
    inside = Member.objects.filter(org_path__startswith=Organization.objects.get(code=TCCB).path)
    chosen = inside.order_by("card_number").first()
    assert chosen is not None
    outsider = Member.objects.exclude(org_path__startswith=chosen.org_path[:33]).first()
    add = reverse("meetings:chair_add", args=[meeting])
    refused = [card for card in ("99.999999", outsider and outsider.card_number) if card]
    for card in refused:  # no such member, or one outside the department
        client.post(add, {"member": card, "title_at_time": "Bí thư"})
        assert not Chair.objects.filter(meeting_id=meeting).exists()
    client.post(add, {"member": chosen.card_number, "title_at_time": "Bí thư"})
    assert Chair.objects.get(meeting_id=meeting).member == chosen


def test_member_suggestions_keep_to_the_users_members_and_the_organization(
    client_for: ClientFor,
) -> None:
    secretary = client_for("bithu")
    own = Member.objects.filter(organization__code=TCCB).order_by("card_number").first()
    other = Member.objects.filter(organization__code=f"{DEMO_ORG}.TTR").first()
    assert own is not None
    assert other is not None
    url = reverse("people:member_suggest")
    found = secretary.get(url, {"within": TCCB, "q": own.full_name}).content.decode()
    assert f'value="{own.card_number}"' in found
    assert other.card_number not in secretary.get(url, {"q": other.full_name}).content.decode()
    assert secretary.get(url, {"within": f"{DEMO_ORG}.TTR", "q": "a"}).status_code == 404
    assert secretary.get(url, {"q": ""}).content.decode().strip() == ""


def test_a_long_list_of_subject_organizations_becomes_a_box_of_codes_each_checked(
    client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tongket.programs.models import Program, ProgramItem, ProgramKind

    monkeypatch.setattr(pickers, "PICKER_LIMIT", 2)
    program = Program.objects.get(organization__code=DEMO_ORG, year=2021, kind=ProgramKind.WORK)
    client = client_for("vanphong")
    url = reverse("programs:item_create", args=[program.pk])
    html = client.get(url).content.decode()
    assert '<textarea name="subject_organizations"' in html
    assert 'type="checkbox"' not in html
    post = {
        "code": "99",
        "activity": ProgramItem._meta.get_field("activity").choices[0][0],  # type: ignore[index]
        "content": "Kiểm tra chọn bằng mã",
        "month": "5",
        "reason": "Bổ sung",
    }
    refused = client.post(url, post | {"subject_organizations": f"{TCCB}, QT.KCQDN.KHONG"})
    assert "Không có trong danh sách được chọn: QT.KCQDN.KHONG." in refused.content.decode()
    assert not ProgramItem.objects.filter(program=program, code="99").exists()
    client.post(url, post | {"subject_organizations": f"{TCCB},\n{DEMO_ORG}.TTR {TCCB}"})
    item = ProgramItem.objects.get(program=program, code="99")
    assert sorted(o.code for o in item.subject_organizations.all()) == [TCCB, f"{DEMO_ORG}.TTR"]
    edit = client.get(reverse("programs:item_edit", args=[item.pk])).content.decode()
    assert f"{DEMO_ORG}.TTR, {TCCB}" in edit or f"{TCCB}, {DEMO_ORG}.TTR" in edit
