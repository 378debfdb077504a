"""The ranking page runs a fixed number of queries, whatever the size of the peer group.

Measured on the demo's largest peer group, then again after more agencies joined it, each with
an appraised score sheet (a copy of an existing one, lines included) or none yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tongket.people.models import Organization, OrganizationKind
from tongket.people.services import OrganizationInput, create_organization
from tongket.scoring import selectors, services
from tongket.scoring.models import Frame, PeerGroup, ScoreLine, ScoreSheet, SheetStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_built_afresh(settings: Any) -> None:
    """These tests count the queries of building a page; a cached page runs only its
    lookups (tongket/core/tests/test_pagecache.py counts those)."""
    settings.TONGKET_PAGE_CACHE = False


def count_queries(client: Client, url: str) -> tuple[int, int]:
    cache.clear()  # the uncached path: a published group's ranking is cached (see below)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), len(response.context["ranking"].rows)


def largest_group() -> PeerGroup:
    group = PeerGroup.objects.annotate(n=Count("units")).order_by("-n", "pk").first()
    assert group is not None
    return group


def copy_lines(lines: Iterable[ScoreLine], *, to: ScoreSheet) -> None:
    """Copy score lines onto another sheet, as they are (the test data for a larger group)."""
    ScoreLine.objects.bulk_create(
        [
            ScoreLine(
                sheet=to,
                **{
                    f.attname: getattr(line, f.attname)
                    for f in ScoreLine._meta.concrete_fields
                    if f.attname not in ("id", "sheet_id")
                },
            )
            for line in lines
        ]
    )


def join_group(group: PeerGroup, extra: int) -> None:
    """`extra` new agencies in the group: every other one with an appraised sheet."""
    model = (
        ScoreSheet.objects.filter(
            peer_group=group, status__in=(SheetStatus.APPRAISED, SheetStatus.SEALED)
        )
        .order_by("pk")
        .first()
    )
    assert model is not None
    lines = list(ScoreLine.objects.filter(sheet=model))
    parent = model.unit.parent
    for index in range(extra):
        unit = create_organization(
            actor=None,
            data=OrganizationInput(
                code=f"{model.unit.code}.THU{index}",
                name=f"Sở Thử nghiệm {index}",
                kind=OrganizationKind.AGENCY,
                parent_code=parent.code if parent else None,
            ),
        )
        group.units.add(unit)
        if index % 2:
            continue
        sheet = ScoreSheet.objects.get(pk=model.pk)
        sheet.pk = None
        sheet.unit = unit
        sheet.save()
        copy_lines(lines, to=sheet)
        assert sheet.lines.count() == len(lines) > 0


def test_ranking_runs_as_many_queries_for_a_larger_peer_group(
    client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    group = largest_group()
    url = f"/scoring/ranking/{group.pk}/"
    client = client_for("quantri")
    before, rows_before = count_queries(client, url)
    join_group(group, 12)
    after, rows_after = count_queries(client, url)
    assert rows_after == rows_before + 12
    assert after == before
    with django_assert_max_num_queries(10):
        client.get(url)
    assert Organization.objects.filter(code__contains=".THU").count() == 12


def ranking_rows(client: Client, url: str) -> list[tuple[str, str, int | None, str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    rows = response.context["ranking"].rows
    return [(r.unit_code, r.unit_name, r.rank, str(r.points)) for r in rows]


def test_a_published_ranking_is_served_from_the_cache_without_reading_the_lines(
    client_for: Callable[[str], Client],
) -> None:
    group = largest_group()
    assert group.published_at is not None
    url = f"/scoring/ranking/{group.pk}/"
    client = client_for("quantri")
    cache.clear()
    first = ranking_rows(client, url)
    with CaptureQueriesContext(connection) as ctx:
        second = ranking_rows(client, url)
    assert second == first
    assert not [q for q in ctx.captured_queries if "scoring_scoreline" in q["sql"]]
    # What is not frozen is still read: a unit renamed after publication shows its new name.
    unit = Organization.objects.get(code=first[0][0])
    unit.name = "Sở Đổi Tên Sau Công Bố"
    unit.save(update_fields=["name"])
    third = ranking_rows(client, url)
    assert third[0] == (first[0][0], "Sở Đổi Tên Sau Công Bố", first[0][2], first[0][3])
    assert third[1:] == first[1:]


def test_publishing_a_group_shows_the_new_ranks_and_later_ones_do_not_reuse_them() -> None:
    """Before publication nothing is cached: an appraisal that changes the order shows at once;
    after publication the cached order is the published one (the sheets are sealed)."""
    group = largest_group()
    frame = Frame.objects.get(pk=group.frame_id)
    cache.clear()
    published = selectors.peer_group_ranking(None, group.pk)
    # An unpublished twin of the group on a new frame version: its ranks follow its lines.
    twin_frame = services.new_frame_version(actor=None, frame_id=frame.pk, reason="Kiểm thử")
    twin = services.create_peer_group(
        actor=None,
        frame_id=twin_frame.pk,
        name="Nhóm kiểm thử bộ nhớ đệm",
        unit_codes=[r.unit_code for r in published.rows[:2]],
    )
    assert selectors._ranking_cache_key(twin) is None
    sealed = {
        s.unit_id: s for s in ScoreSheet.objects.filter(peer_group=group, unit__in=twin.units.all())
    }
    for old in sealed.values():
        copy = ScoreSheet.objects.get(pk=old.pk)
        copy.pk = None
        copy.frame = twin_frame
        copy.peer_group = None
        copy.status = SheetStatus.APPRAISED
        copy.rank = copy.rank_of = copy.sealed_at = None
        copy.save()
        copy_lines(ScoreLine.objects.filter(sheet=old), to=copy)
    before = [r.unit_code for r in selectors.peer_group_ranking(None, twin.pk).rows]
    assert before == [r.unit_code for r in published.rows[:2]]
    # The leader loses every point: the order of the unpublished group flips at once.
    leader = ScoreSheet.objects.get(frame=twin_frame, unit__code=before[0])
    ScoreLine.objects.filter(sheet=leader).update(appraised_score=0)
    after = [r.unit_code for r in selectors.peer_group_ranking(None, twin.pk).rows]
    assert after == before[::-1]
    # Published: the ranks are those sealed on the sheets, and the cache now holds that order.
    services.publish_results(actor=None, group_id=twin.pk)
    twin.refresh_from_db()
    key = selectors._ranking_cache_key(twin)
    assert key is not None
    assert cache.get(key) is None
    shown = selectors.peer_group_ranking(None, twin.pk).rows
    stored = dict(ScoreSheet.objects.filter(frame=twin_frame).values_list("unit__code", "rank"))
    assert [(r.unit_code, r.rank) for r in shown] == sorted(stored.items(), key=lambda i: i[1] or 0)
    assert [entry[2] for entry in cache.get(key)] == [r.rank for r in shown]
