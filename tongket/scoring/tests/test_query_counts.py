"""The ranking page runs a fixed number of queries, whatever the size of the peer group.

Measured on the demo's largest peer group, then again after more agencies joined it, each with
an appraised score sheet (a copy of an existing one, lines included) or none yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tongket.people.models import Organization, OrganizationKind
from tongket.people.services import OrganizationInput, create_organization
from tongket.scoring.models import PeerGroup, ScoreLine, ScoreSheet, SheetStatus

pytestmark = pytest.mark.django_db


def count_queries(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), len(response.context["ranking"].rows)


def largest_group() -> PeerGroup:
    group = PeerGroup.objects.annotate(n=Count("units")).order_by("-n", "pk").first()
    assert group is not None
    return group


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
        ScoreLine.objects.bulk_create(
            [
                ScoreLine(
                    sheet=sheet,
                    **{
                        f.attname: getattr(line, f.attname)
                        for f in ScoreLine._meta.concrete_fields
                        if f.attname not in ("id", "sheet_id")
                    },
                )
                for line in lines
            ]
        )
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
