"""The busy people pages run a fixed number of queries, whatever the size of the data.

Each page is measured on the demo, then the demo department grows (new cells, members in them,
a new grassroots organization under the bloc) and the page is measured again: the number of
queries must not change, and stays under a stated ceiling.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tongket.core.tests.queries import count_queries
from tongket.people import selectors, views
from tongket.people.models import Member, Organization
from tongket.people.services import (
    MemberInput,
    OrganizationInput,
    create_member,
    create_organization,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_built_afresh(settings: Any) -> None:
    """These tests count the queries of building a page; a cached page runs only its
    lookups (tongket/core/tests/test_pagecache.py counts those)."""
    settings.TONGKET_PAGE_CACHE = False


DEPARTMENT = "QT.KCQDN.SGDDT"
BLOC = "QT.KCQDN"

# (user, url, ceiling): the ceiling includes the session and user lookups of every request.
PAGES: list[tuple[str, str, int]] = [
    ("quantri", f"/org/{DEPARTMENT}/", 14),
    ("quantri", f"/org/{BLOC}/", 14),
    ("vanphong", f"/org/{DEPARTMENT}/", 14),
    ("vanphong", f"/org/{DEPARTMENT}.TCCB/", 14),
    ("bithu", f"/org/{DEPARTMENT}.TCCB/", 14),
    # A member's home lists the program items due for them: the inspection-item rule
    # (programs.inspection.item.read) reads the items of committees above them, 3 queries
    # whatever the data's size; what they must do in the open cycles and by when
    # (selfassessment.selectors.my_steps): their evaluations and their forms, 2 queries.
    ("dangvien", "/", 13),
    ("quantri", "/org/", 8),
    ("vanphong", "/member/", 8),
    ("quantri", f"/member/?org={BLOC}", 9),
    ("quantri", "/member/?q=nguyen", 8),
    ("quantri", "/search/?q=nguyen", 7),
    ("vanphong", f"/search/?q=van&org={DEPARTMENT}", 8),
    # Homes list the evaluation steps past their deadline (evaluation.deadlines.overdue_steps):
    # one counting query, and once a deadline has passed the cycles, and for a cell's
    # secretary the cells: the ceilings hold on any day of the year.
    ("quantri", "/", 7),
    ("vanphong", "/", 9),
    ("bithu", "/", 18),
    ("quantri", "/member/45.000001/", 10),
]


def grow(cells: int = 3, per_cell: int = 12) -> None:
    """More cells and members in the demo department, and a new grassroots organization with
    its own cell and members under the bloc."""
    today = dt.date(2015, 3, 1)
    create_organization(
        actor=None,
        data=OrganizationInput(
            code=f"{BLOC}.MOI", name="Đảng bộ Sở Thử nghiệm", kind="grassroots", parent_code=BLOC
        ),
    )
    parents = [DEPARTMENT] * cells + [f"{BLOC}.MOI"]
    serial = 900000
    for index, parent in enumerate(parents):
        code = f"{parent}.THU{index}"
        create_organization(
            actor=None,
            data=OrganizationInput(
                code=code, name=f"Chi bộ Thử nghiệm {index}", kind="cell", parent_code=parent
            ),
        )
        for n in range(per_cell):
            serial += 1
            create_member(
                actor=None,
                data=MemberInput(
                    card_number=f"45.{serial}",
                    full_name=f"Nguyễn Văn Thử {index}-{n}",
                    gender="male",
                    joined_on=today,
                    organization_code=code,
                    status="probationary" if n % 4 == 0 else "full",
                    full_member_on=None if n % 4 == 0 else dt.date(2016, 3, 1),
                ),
            )


def test_busy_people_pages_run_as_many_queries_on_more_data(
    client_for: Callable[[str], Client],
) -> None:
    clients = {user: client_for(user) for user in {u for u, _url, _max in PAGES}}
    before = {(user, url): count_queries(clients[user], url) for user, url, _max in PAGES}
    members_before = Member.objects.count()
    grow()
    assert Member.objects.count() == members_before + 4 * 12
    after = {(user, url): count_queries(clients[user], url) for user, url, _max in PAGES}
    assert after == before
    over = {
        (user, url): after[(user, url)]
        for user, url, ceiling in PAGES
        if after[(user, url)] > ceiling
    }
    assert not over, over


def test_organization_page_stays_within_its_query_ceiling(
    client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    grow()
    client = client_for("quantri")
    with django_assert_max_num_queries(14):
        response = client.get(f"/org/{DEPARTMENT}/")
    assert response.context["total"] == 50 + 3 * 12


def test_member_breakdown_agrees_with_counting_each_child_on_its_own(user_named: Any) -> None:
    grow()
    bloc = Organization.objects.get(code=BLOC)
    children = list(bloc.children.order_by("pk"))
    breakdown = selectors.member_breakdown(user_named("quantri"), bloc, children)
    for child in children:
        assert (
            breakdown.by_child[child.pk]
            == Member.objects.filter(org_path__startswith=child.path).count()
        )
    subtree = Member.objects.filter(org_path__startswith=bloc.path)
    assert breakdown.total == subtree.count()
    assert breakdown.statuses["probationary"] == subtree.filter(status="probationary").count()
    # Only what the user may see is counted: the department's office sees its own subtree.
    office = selectors.member_breakdown(user_named("vanphong"), bloc, children)
    department = Organization.objects.get(code=DEPARTMENT)
    assert office.by_child == {
        child.pk: breakdown.by_child[child.pk] if child.pk == department.pk else 0
        for child in children
    }


def test_member_counts_add_each_path_to_every_listed_ancestor(user_named: Any) -> None:
    grow()
    orgs = list(Organization.objects.filter(code__startswith=BLOC).order_by("path"))
    counts = selectors.member_counts(user_named("quantri"), orgs)
    for org in orgs:
        assert counts[org.pk] == Member.objects.filter(org_path__startswith=org.path).count()


def test_member_list_offers_a_code_field_instead_of_a_huge_select(
    client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for("quantri")
    page = client.get("/member/").content.decode()
    assert '<select id="member-org"' in page
    monkeypatch.setattr(views, "FILTER_ORG_LIMIT", 3)
    page = client.get("/member/").content.decode()
    assert '<select id="member-org"' not in page
    assert 'type="text" id="member-org" name="org"' in page
    assert "nhập mã tổ chức" in page
    # The typed code filters the list as the drop-down did.
    response = client.get(f"/member/?org={DEPARTMENT}.TCCB")
    shown = {m.card_number for m in response.context["page_obj"]}
    tccb = Organization.objects.get(code=f"{DEPARTMENT}.TCCB")
    assert shown == set(
        Member.objects.filter(org_path__startswith=tccb.path).values_list("card_number", flat=True)
    )
    assert f'value="{DEPARTMENT}.TCCB"' in response.content.decode()


@pytest.mark.postgres
def test_folded_names_have_trigram_indexes_on_postgresql() -> None:
    """The members' is keyed by province first (migration 0010), the organizations' is not."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('people_member_root_name_trgm', 'people_org_name_trgm', 'people_member_name_trgm')"
        )
        found = dict(cursor.fetchall())
    assert set(found) == {"people_member_root_name_trgm", "people_org_name_trgm"}
    assert all("gin_trgm_ops" in definition for definition in found.values())
    assert '"left"((org_path)::text, 11)' in found["people_member_root_name_trgm"]


@pytest.mark.postgres
def test_a_search_inside_a_province_names_the_province_as_its_trigram_index_does(
    user_named: Any,
) -> None:
    """Past the prefix indexes, the search inside an organization looks anywhere in the name
    and says its province in the very expression the trigram index is keyed on (migration
    0010), so that at size GIN reads the province's posting lists, not the country's
    (docs/performance.md shows the plan at 1,000,000 members). The demo is too small for the
    planner to take that index (an `org_path` range reads its one page): what is checked is
    that PostgreSQL parses the query's condition into the index's expression."""
    grow()
    department = Organization.objects.get(code=DEPARTMENT)
    with CaptureQueriesContext(connection) as ctx:
        shown, _more = selectors.quick_search_members(
            user_named("quantri"), "guyen", within=department
        )
    # No name starts with "guyen": every member shown was found anywhere in the name.
    assert shown
    assert all("guyen" in m.name_folded for m in shown)
    fallback = ctx.captured_queries[-1]["sql"]
    assert "guyen" in fallback
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {fallback}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid, 1, false) FROM pg_index "
            "WHERE indexrelid = 'people_member_root_name_trgm'::regclass"
        )
        (key,) = cursor.fetchone()
    assert key == '"left"((org_path)::text, 11)'
    assert f"{key} = '{department.path[:11]}'::text" in plan


def test_search_shows_a_bounded_sorted_list_and_says_when_more_match(
    client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    grow()
    client = client_for("quantri")
    matching = Member.objects.filter(name_folded__contains="nguyen").count()
    assert matching > 3
    monkeypatch.setattr(views, "SEARCH_LIMIT", 3)
    response = client.get("/search/?q=nguyen")
    shown = response.context["members"]
    assert len(shown) == 3
    assert all("nguyen" in m.name_folded for m in shown)
    assert [m.sort_name for m in shown] == sorted(m.sort_name for m in shown)
    assert response.context["more"] is True
    assert "Có nhiều hơn 3 người phù hợp" in response.content.decode()
    monkeypatch.setattr(views, "SEARCH_LIMIT", matching)
    response = client.get("/search/?q=nguyen")
    assert len(response.context["members"]) == matching
    assert response.context["more"] is False
    assert 'data-testid="search-more"' not in response.content.decode()


def test_the_member_list_counts_exactly_on_sqlite_or_below_the_threshold(
    client_for: Callable[[str], Client],
) -> None:
    response = client_for("quantri").get("/member/")
    assert selectors.estimated_total(Member.objects.all()) is None
    assert not getattr(response.context["page_obj"].paginator, "estimated", False)
    assert response.context["page_obj"].paginator.count == Member.objects.count()
    assert "khoảng" not in response.content.decode()


@pytest.mark.postgres
def test_a_huge_unfiltered_member_list_shows_an_estimate_and_pages_past_it(
    client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_member")
    monkeypatch.setattr(selectors, "ESTIMATE_ABOVE", 1)
    monkeypatch.setattr(views, "LIST_PER_PAGE", 20)
    total = Member.objects.count()
    pages = -(-total // 20)
    assert pages >= 2
    client = client_for("quantri")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/member/")
    assert not [
        q for q in ctx.captured_queries if 'COUNT(*) AS "__count" FROM "people_member"' in q["sql"]
    ]
    html = response.content.decode()
    assert response.context["page_obj"].paginator.estimated is True
    assert "/ khoảng" in html
    assert "khoảng" in html
    assert 'rel="next"' in html
    # Every member is reachable page by page; the last real page has no next link, even if the
    # estimate said otherwise.
    seen: list[str] = []
    for number in range(1, pages + 1):
        response = client.get(f"/member/?page={number}")
        page = response.context["page_obj"]
        seen += [m.card_number for m in page]
        assert page.has_next() is (number < pages)
    assert sorted(seen) == sorted(Member.objects.values_list("card_number", flat=True))
    assert len(seen) == total
    # Below the threshold, or filtered (an organization, another user's scope): exact counts.
    monkeypatch.setattr(selectors, "ESTIMATE_ABOVE", total * 10)
    assert client.get("/member/").context["page_obj"].paginator.count == total
    monkeypatch.setattr(selectors, "ESTIMATE_ABOVE", 1)
    response = client.get(f"/member/?org={DEPARTMENT}.TCCB")
    assert not getattr(response.context["page_obj"].paginator, "estimated", False)
    response = client_for("vanphong").get("/member/")
    paginator = response.context["page_obj"].paginator
    assert not getattr(paginator, "estimated", False)
    assert (
        paginator.count
        == Member.objects.filter(
            org_path__startswith=Organization.objects.get(code=DEPARTMENT).path
        ).count()
    )


def test_the_member_tables_link_each_member_to_the_address_reverse_gives(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("quantri")
    for url in ("/member/", f"/org/{DEPARTMENT}.TCCB/", "/search/?q=nguyen"):
        response = client.get(url)
        html = response.content.decode()
        members = list(response.context.get("page_obj") or response.context["members"])
        assert members
        for member in members:
            assert f'<a href="{reverse("people:member", args=[member.card_number])}">' in html


@pytest.mark.parametrize(
    "text",
    ["nguyen", "lan", "thi", "van hung", "nguyen van", "ng", "45.0000", "an", "x_y", "100%", "zz"],
)
@pytest.mark.parametrize("limit", [2, 5, 500])
def test_quick_search_finds_what_a_search_anywhere_in_the_name_finds(
    user_named: Any, text: str, limit: int
) -> None:
    """Whatever path found them (the name, given-name and middle-and-given-name indexes on
    PostgreSQL, then anywhere in the name), the members shown are matches, in name order, and
    "more" is said exactly when more than the limit match."""
    grow()
    user = user_named("vanphong")
    everything = set(selectors.matching_members(user, text).values_list("pk", flat=True))
    shown, more = selectors.quick_search_members(user, text, limit=limit)
    assert {m.pk for m in shown} <= everything
    assert len(shown) == min(limit, len(everything))
    assert more is (len(everything) > limit)
    assert [(m.sort_name, m.pk) for m in shown] == sorted((m.sort_name, m.pk) for m in shown)
    department = Organization.objects.get(code=DEPARTMENT)
    inside, _more = selectors.quick_search_members(user, text, limit=limit, within=department)
    assert all(m.org_path.startswith(department.path) for m in inside)
