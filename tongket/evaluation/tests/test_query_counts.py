"""The cycle dashboard and the list of cycles run a fixed number of queries, whatever the data.

Measured on the demo's cycles, then again after the department grew (more cells and members,
a new grassroots organization) and more cycles were opened: the counts must not change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tongket.core.tests.queries import count_queries
from tongket.evaluation import selectors, services
from tongket.evaluation.models import Cycle, Evaluation, SubjectKind
from tongket.people.tests.test_query_counts import BLOC, DEPARTMENT, grow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_built_afresh(settings: Any) -> None:
    """These tests count the queries of building a page; a cached page runs only its
    lookups (tongket/core/tests/test_pagecache.py counts those)."""
    settings.TONGKET_PAGE_CACHE = False


def test_cycle_dashboard_runs_as_many_queries_for_a_larger_cycle(
    client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    client = client_for("vanphong")
    # Both under qd366 (its quota groups are one more fixed set of queries): two quarters.
    small = services.open_cycle(actor=None, organization_code=DEPARTMENT, year=2025, quarter=1)
    before = count_queries(client, f"/evaluation/ky/{small.pk}/")
    grow(cells=4, per_cell=15)
    large = services.open_cycle(actor=None, organization_code=DEPARTMENT, year=2025, quarter=2)
    members = Evaluation.objects.filter(cycle=large, subject_kind=SubjectKind.MEMBER).count()
    assert (
        members
        == Evaluation.objects.filter(cycle=small).filter(subject_kind=SubjectKind.MEMBER).count()
        + 4 * 15
    )
    # 17: the page, the dashboard's counts, the cycle's history, the 366 quota groups (their
    # counts and their recorded exceptions), the members and cells not yet in the open cycle
    # (two, shown to the office only): a fixed number whatever the size.
    with django_assert_max_num_queries(17):
        response = client.get(f"/evaluation/ky/{large.pk}/")
    assert response.context["board"].members["total"] == members
    assert count_queries(client, f"/evaluation/ky/{large.pk}/") == before


def test_list_of_cycles_runs_as_many_queries_with_more_cycles(
    client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    users = ("quantri", "vanphong", "bithu", "khoi", "dangvien")
    clients = {user: client_for(user) for user in users}
    before = {user: count_queries(clients[user], "/evaluation/") for user in users}
    grow()
    for year in (2023, 2024, 2025):
        services.open_cycle(actor=None, organization_code=DEPARTMENT, year=year)
        services.open_cycle(actor=None, organization_code=f"{BLOC}.MOI", year=year)
    assert Cycle.objects.count() >= 8
    after = {user: count_queries(clients[user], "/evaluation/") for user in users}
    assert after == before
    with django_assert_max_num_queries(11):
        clients["bithu"].get("/evaluation/")


def test_cycle_units_of_agrees_with_cycle_units_cycle_by_cycle(user_named: Any) -> None:
    grow()
    for year in (2024, 2025):
        services.open_cycle(actor=None, organization_code=DEPARTMENT, year=year)
    cycles = list(Cycle.objects.order_by("pk"))
    for username in ("bithu", "bithu2", "dangvien", "vanphong"):
        user = user_named(username)
        together = selectors.cycle_units_of(user, cycles)
        for cycle in cycles:
            one = list(selectors.cycle_units(user, cycle))
            assert together.get(cycle.pk, []) == one, (username, cycle.year)


def test_list_of_cycles_is_paginated(
    client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tongket.evaluation import views

    monkeypatch.setattr(views, "CYCLES_PER_PAGE", 1)
    client = client_for("quantri")
    total = Cycle.objects.count()
    assert total >= 2
    first = client.get("/evaluation/")
    assert len(first.context["entries"]) == 1
    assert first.context["page_obj"].paginator.count == total
    second = client.get("/evaluation/?page=2")
    assert second.context["entries"][0]["cycle"] != first.context["entries"][0]["cycle"]
    assert "Trang 2" in second.content.decode()


def test_each_cycle_keeps_its_organizations_path_through_a_move() -> None:
    """The list of cycles pages by the copied path (`Cycle.org_path`): it must follow moves."""
    from tongket.people.services import update_organization

    services.open_cycle(actor=None, organization_code=DEPARTMENT, year=2025)
    grow()
    services.open_cycle(actor=None, organization_code=f"{BLOC}.MOI", year=2025)

    def mismatched() -> list[int]:
        return [
            c.pk
            for c in Cycle.objects.select_related("organization")
            if c.org_path != c.organization.path
        ]

    assert Cycle.objects.exists()
    assert mismatched() == []
    update_organization(actor=None, code=f"{BLOC}.MOI", parent_code="QT")
    assert mismatched() == []
    update_organization(actor=None, code=f"{BLOC}.MOI", parent_code=BLOC)
    assert mismatched() == []
