"""The office's page for qd366 quota groups (366-QĐ/TW, Điều 11, point 1.5): groups made by kind
of organization, by post and by hand, the 25 % exception recorded, refusals shown with their rule
and nothing half-written; only the cycle's office may use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongket.audit.models import AuditEvent
from tongket.evaluation import selectors, services
from tongket.evaluation.models import Cycle, Evaluation, QuotaException, SubjectKind

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
ClientFor = Callable[[str], Client]


@pytest.fixture
def cycle() -> Cycle:
    return services.open_cycle(actor=None, organization_code=ORG, year=2026, quarter=2)


def url(cycle: Cycle) -> str:
    return reverse("evaluation:quota_groups", args=[cycle.pk])


def group_sizes(cycle: Cycle) -> dict[tuple[str, str], int]:
    return {(g.subject_kind, g.label): g.total for g in selectors.quota_groups(cycle)}


def cell_codes(cycle: Cycle) -> list[str]:
    return list(
        Evaluation.objects.filter(cycle=cycle, subject_kind=SubjectKind.ORGANIZATION)
        .order_by("subject_path")
        .values_list("organization__code", flat=True)
    )


def test_the_office_groups_cells_by_kind_and_members_by_post_through_the_page(
    cycle: Cycle, client_for: ClientFor
):
    client = client_for("vanphong")
    dashboard = client.get(reverse("evaluation:cycle", args=[cycle.pk])).content.decode()
    assert url(cycle) in dashboard
    for basis in ("org_kind", "post"):
        answer = client.post(url(cycle), {"action": "basis", "basis-basis": basis})
        assert answer.status_code == 302
    sizes = group_sizes(cycle)
    assert sizes[("organization", "Chi bộ")] == 7
    assert (
        sizes[("member", services.GROUP_MANAGERS)] + sizes[("member", services.GROUP_NO_POST)] == 50
    )
    page = client.get(url(cycle)).content.decode()
    assert services.GROUP_MANAGERS in page
    assert (
        AuditEvent.objects.filter(action="evaluation.quota.groups", object_id=str(cycle.pk)).count()
        == 2
    )


def test_the_office_moves_two_cells_into_a_new_group_by_hand_and_each_stays_in_one_group(
    cycle: Cycle, client_for: ClientFor
):
    client = client_for("vanphong")
    client.post(url(cycle), {"action": "basis", "basis-basis": "org_kind"})
    first, second = cell_codes(cycle)[:2]
    answer = client.post(
        url(cycle),
        {
            "action": "move",
            "move-subject_kind": "organization",
            "move-group": "Chi bộ khối chuyên môn",
            "move-codes": f"{first}, {second}",
        },
    )
    assert answer.status_code == 302
    sizes = group_sizes(cycle)
    assert sizes[("organization", "Chi bộ khối chuyên môn")] == 2
    assert sizes[("organization", "Chi bộ")] == 5
    event = AuditEvent.objects.get(action="evaluation.quota.group_move", object_id=str(cycle.pk))
    assert event.before == {"groups": {first: "Chi bộ", second: "Chi bộ"}}


def test_moving_an_unknown_code_is_refused_naming_it_and_moves_nobody(
    cycle: Cycle, client_for: ClientFor
):
    client = client_for("vanphong")
    client.post(url(cycle), {"action": "basis", "basis-basis": "org_kind"})
    first = cell_codes(cycle)[0]
    answer = client.post(
        url(cycle),
        {
            "action": "move",
            "move-subject_kind": "organization",
            "move-group": "Nhóm mới",
            "move-codes": f"{first}\nKHONG.CO",
        },
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "qd366.quota.groups.unknown_subject" in html
    assert "KHONG.CO" in html
    assert ("organization", "Nhóm mới") not in group_sizes(cycle)
    assert not AuditEvent.objects.filter(action="evaluation.quota.group_move").exists()


def record_cells_exception(
    client: Client, cycle: Cycle, percent: str, number: str, reason: str
) -> Any:
    """Groups by organization kind, then posts an exception of `percent` for the cells."""
    client.post(url(cycle), {"action": "basis", "basis-basis": "org_kind"})
    return client.post(
        url(cycle),
        {
            "action": "exception",
            "exception-subject_kind": "organization",
            "exception-groups": ["Chi bộ"],
            "exception-percent": percent,
            "exception-number": number,
            "exception-date": "02/12/2026",
            "exception-reason": reason,
        },
    )


def test_the_office_records_a_25_percent_exception_and_it_shows_on_both_pages(
    cycle: Cycle, client_for: ClientFor
):
    client = client_for("vanphong")
    reason = "Kết quả nổi trội của các chi bộ"
    answer = record_cells_exception(client, cycle, "25", "31-QĐ/ĐU", reason)
    assert answer.status_code == 302
    row = QuotaException.objects.get(cycle=cycle)
    assert (row.groups, row.number, str(row.percent)) == (["Chi bộ"], "31-QĐ/ĐU", "25.00")
    for page in (url(cycle), reverse("evaluation:cycle", args=[cycle.pk])):
        html = client.get(page).content.decode()
        assert "Quyết định số 31-QĐ/ĐU ngày 02/12/2026" in html
        assert "25%" in html


def test_an_exception_of_30_percent_is_refused_on_the_page_with_its_article_and_writes_nothing(
    cycle: Cycle, client_for: ClientFor
):
    client = client_for("vanphong")
    answer = record_cells_exception(client, cycle, "30", "32-QĐ/ĐU", "Nổi trội")
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "qd366.quota.exception.percent" in html
    assert "Điều 11, điểm 1.5" in html
    assert not QuotaException.objects.filter(cycle=cycle).exists()


def test_the_groups_page_is_the_cycle_office_s_only(cycle: Cycle, client_for: ClientFor):
    assert client_for("vanphong").get(url(cycle)).status_code == 200
    assert client_for("khoi").get(url(cycle)).status_code == 403
    assert (
        client_for("bithu")
        .post(url(cycle), {"action": "basis", "basis-basis": "org_kind"})
        .status_code
        == 404
    )
    assert client_for("bithu2").get(url(cycle)).status_code == 404
    assert ("organization", "Chi bộ") not in group_sizes(cycle)
