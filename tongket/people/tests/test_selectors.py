"""Reads start from what the user may see: each role's view of the demo organization."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from tongket.core.demo import DEMO_ORG
from tongket.core.errors import NotFound
from tongket.core.text import fold
from tongket.people import selectors
from tongket.people.models import Member, Organization

pytestmark = pytest.mark.django_db

TCCB = f"{DEMO_ORG}.TCCB"
TTR = f"{DEMO_ORG}.TTR"
UserNamed = Callable[[str], Any]


@pytest.mark.parametrize(
    ("username", "members", "organizations"),
    [
        ("quantri", 50, 12),
        ("vanphong", 50, 8),
        ("khoi", 50, 9),
        ("bithu", 7, 1),
        ("bithu2", 6, 1),
        ("dangvien", 1, 1),
    ],
)
def test_each_role_sees_its_own_part_of_the_tree(
    user_named: UserNamed, username: str, members: int, organizations: int
) -> None:
    user = user_named(username)
    assert selectors.visible_members(user).count() == members
    if username == "quantri":
        # The superuser sees every organization, whatever later demo steps add (e.g. agencies).
        organizations = Organization.objects.count()
    assert selectors.visible_organizations(user).count() == organizations


def test_anonymous_user_sees_nothing() -> None:
    anonymous = AnonymousUser()
    assert selectors.visible_members(anonymous).count() == 0
    assert selectors.visible_organizations(anonymous).count() == 0
    assert selectors.root_organizations_for(anonymous) == []


def test_getting_an_object_outside_the_scope_is_not_found(user_named: UserNamed) -> None:
    bithu = user_named("bithu")
    with pytest.raises(NotFound):
        selectors.get_organization(bithu, TTR)
    with pytest.raises(NotFound):
        selectors.get_member(bithu, "45.000038")
    with pytest.raises(NotFound):
        selectors.member_detail(bithu, "45.000038")
    with pytest.raises(NotFound):
        selectors.get_organization(user_named("khoi"), DEMO_ORG, write=True)
    assert selectors.get_organization(user_named("khoi"), DEMO_ORG).code == DEMO_ORG


def test_roots_are_the_topmost_visible_organizations(user_named: UserNamed) -> None:
    roots = selectors.root_organizations_for(user_named("quantri"))
    assert sorted(o.code for o in roots) == ["QT", "UBND.QT"]
    assert [o.code for o in selectors.root_organizations_for(user_named("khoi"))] == ["QT.KCQDN"]


def test_children_counts_cover_the_whole_subtree() -> None:
    bloc = Organization.objects.get(code="QT.KCQDN")
    rows = selectors.children_with_counts(bloc)
    assert [(o.code, n) for o, n in rows] == [(DEMO_ORG, 50)]
    grassroots = Organization.objects.get(code=DEMO_ORG)
    counts = {o.code.rsplit(".", 1)[1]: n for o, n in selectors.children_with_counts(grassroots)}
    assert counts == {"VP": 8, "TCCB": 7, "GDMNTH": 8, "GDTRH": 7, "KHTC": 7, "TTR": 6, "KTQLCL": 7}


def test_member_counts_are_limited_to_what_the_user_sees(user_named: UserNamed) -> None:
    orgs = list(Organization.objects.filter(code__in=["QT", DEMO_ORG, TCCB]).order_by("path"))
    by_code = {o.pk: o.code for o in orgs}
    office = selectors.member_counts(user_named("vanphong"), orgs)
    assert {by_code[k]: v for k, v in office.items()} == {"QT": 50, DEMO_ORG: 50, TCCB: 7}
    secretary = selectors.member_counts(user_named("bithu"), orgs)
    assert {by_code[k]: v for k, v in secretary.items()} == {"QT": 7, DEMO_ORG: 7, TCCB: 7}


def test_committee_is_listed_by_rank_one_seat_per_person() -> None:
    seats = selectors.committee(Organization.objects.get(code=DEMO_ORG))
    names = [seat.member.full_name for seat in seats]
    assert names[:3] == ["Trần Quốc Hưng", "Lê Văn Tính", "Võ Văn Minh"]
    assert len(names) == len(set(names)) == 8
    assert seats[0].role_labels == "Bí thư, Ủy viên Ban Thường vụ"
    assert seats[0].post_labels == "Giám đốc Sở GD&ĐT"
    assert all(seat.role_labels == "Cấp ủy viên" for seat in seats[3:])


def test_breadcrumb_ancestors_are_filtered_by_scope(user_named: UserNamed) -> None:
    cell = Organization.objects.get(code=TCCB)
    assert [o.code for o in selectors.visible_ancestors(user_named("quantri"), cell)] == [
        "QT",
        "QT.KCQDN",
        DEMO_ORG,
    ]
    assert [o.code for o in selectors.visible_ancestors(user_named("khoi"), cell)] == [
        "QT.KCQDN",
        DEMO_ORG,
    ]
    assert selectors.visible_ancestors(user_named("bithu"), cell) == []


@pytest.mark.parametrize("text", ["le van tinh", "LÊ VĂN TÍNH", "  le   van  tinh ", "tinh"])
def test_member_search_ignores_diacritics_case_and_spaces(user_named: UserNamed, text: str) -> None:
    found = selectors.search_members(user_named("vanphong"), text)
    assert "Lê Văn Tính" in [m.full_name for m in found]


def test_one_or_two_letters_match_the_start_of_a_word_three_match_anywhere(
    user_named: UserNamed,
) -> None:
    user = user_named("vanphong")
    names = {m.full_name for m in selectors.search_members(user, "an", limit=500)}
    assert names
    assert all(any(word.startswith("an") for word in fold(name).split()) for name in names)
    inside = (
        selectors.visible_members(user)
        .filter(name_folded__contains="an")
        .exclude(Q(name_folded__startswith="an") | Q(name_folded__contains=" an"))
    )
    assert inside.exists()  # "Lan", "Hoàng": "an" inside a word, left out of a two-letter search
    assert not set(inside) & set(selectors.search_members(user, "an", limit=500))
    shown, _more = selectors.quick_search_members(user, "an", limit=500)
    assert {m.full_name for m in shown} == names
    three = {m.pk for m in selectors.search_members(user, "ang", limit=500)}
    assert three == set(
        selectors.visible_members(user)
        .filter(name_folded__contains="ang")
        .values_list("pk", flat=True)
    )
    assert any(not fold(m.full_name).startswith("ang") for m in Member.objects.filter(pk__in=three))


def test_member_search_stays_inside_the_scope_and_the_organization(
    user_named: UserNamed,
) -> None:
    outsider = Member.objects.get(card_number="45.000038")
    assert outsider not in selectors.search_members(user_named("bithu"), outsider.full_name)
    assert outsider in selectors.search_members(user_named("bithu2"), outsider.full_name)
    tccb = Organization.objects.get(code=TCCB)
    within = selectors.search_members(user_named("vanphong"), outsider.full_name, within=tccb)
    assert outsider not in within
    assert not selectors.search_members(user_named("vanphong"), "   ").exists()


def test_writable_and_administered_organizations(user_named: UserNamed) -> None:
    assert [o.code for o in selectors.writable_party_organizations(user_named("bithu"))] == [TCCB]
    assert not selectors.writable_party_organizations(user_named("khoi")).exists()
    member = Member.objects.get(card_number="45.000038")
    office = selectors.administered_organizations_of(user_named("vanphong"), member)
    assert [o.code for o in office] == [DEMO_ORG, TTR]
    assert selectors.administered_organizations_of(user_named("bithu2"), member) == []
    assert [o.code for o in selectors.agencies_for(user_named("vanphong"))] == ["UBND.QT.SGDDT"]


def test_member_status_counts() -> None:
    org = Organization.objects.get(code=DEMO_ORG)
    assert selectors.member_status_counts(None, org) == {"full": 48, "probationary": 2}
