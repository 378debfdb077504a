"""Every export or download of personal data leaves an audit event: who, what, which
organization, how many rows; the office of that organization sees it in the log browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongket.audit.models import AuditEvent
from tongket.awards.models import Award
from tongket.people.models import Member, Organization
from tongket.scoring.models import ScoreSheet

pytestmark = pytest.mark.django_db


def _after(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.after, dict)
    return event.after


CELL = "QT.KCQDN.SGDDT.TCCB"
DEPARTMENT = "QT.KCQDN.SGDDT"
YEAR = 2020


def _last_export(client: Client, url: str) -> tuple[Any, AuditEvent]:
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(url)
    assert response.status_code == 200, url
    events = list(AuditEvent.objects.filter(id__gt=before, action__startswith="export."))
    assert len(events) == 1, [e.action for e in events]
    return response, events[0]


def _path(code: str) -> str:
    return Organization.objects.get(code=code).path


def test_members_csv_export_records_the_user_the_rows_and_the_subtree(
    client_for: Callable[[str], Client], user_named: Callable[[str], Any]
) -> None:
    url = reverse("exchange:export", kwargs={"kind": "members", "fmt": "csv"})
    response, event = _last_export(client_for("bithu"), url)
    lines = response.getvalue().decode("utf-8-sig").strip().splitlines()
    assert event.action == "export.members"
    assert event.actor_id == user_named("bithu").pk
    assert event.org_path == _path(CELL)
    assert _after(event)["rows"] == len(lines) - 1
    assert _after(event)["rows"] == Member.objects.filter(org_path__startswith=_path(CELL)).count()
    assert _after(event)["format"] == "csv"


def test_awards_list_exports_record_the_organization_and_row_count(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("vanphong")
    for fmt in ("csv", "xlsx"):
        url = reverse(
            "awards:organization_export", kwargs={"code": DEPARTMENT, "year": YEAR, "fmt": fmt}
        )
        _response, event = _last_export(client, url)
        assert event.action == "export.awards"
        assert event.org_path == _path(DEPARTMENT)
        assert _after(event)["format"] == fmt
        assert _after(event)["year"] == YEAR
        expected = (
            Award.objects.filter(year=YEAR)
            .filter(member__org_path__startswith=_path(DEPARTMENT))
            .count()
            + Award.objects.filter(
                year=YEAR, organization__path__startswith=_path(DEPARTMENT), member__isnull=True
            ).count()
        )
        assert _after(event)["rows"] == expected


def test_printing_a_certificate_is_audited_under_the_member_organization(
    client_for: Callable[[str], Client],
) -> None:
    award = Award.objects.filter(member__org_path__startswith=_path(CELL)).order_by("pk")[0]
    url = reverse("awards:certificate", kwargs={"pk": award.pk})
    _response, event = _last_export(client_for("bithu"), url)
    assert event.action == "export.award_certificate"
    assert event.object_id == str(award.pk)
    assert award.member is not None
    assert event.org_path == award.member.org_path


def test_a_refused_certificate_is_not_recorded_as_an_export(
    client_for: Callable[[str], Client],
) -> None:
    award = Award.objects.filter(member__org_path__startswith=_path(CELL)).order_by("pk")[0]
    before = AuditEvent.objects.filter(action__startswith="export.").count()
    url = reverse("awards:certificate", kwargs={"pk": award.pk})
    assert client_for("bithu2").get(url).status_code == 404
    assert AuditEvent.objects.filter(action__startswith="export.").count() == before


def test_score_sheet_export_is_audited(client_for: Callable[[str], Client]) -> None:
    sheet = ScoreSheet.objects.filter(unit__code="UBND.QT.SGDDT").order_by("pk")[0]
    url = reverse("scoring:sheet_export", kwargs={"sheet_id": sheet.pk})
    _response, event = _last_export(client_for("vanphong"), url)
    assert event.action == "export.score_sheet"
    assert event.org_path == sheet.unit.path
    assert _after(event)["sheet"] == sheet.pk


def test_report_download_is_audited_with_kind_year_and_organization(
    client_for: Callable[[str], Client],
) -> None:
    url = reverse(
        "reports:download", kwargs={"code": CELL, "year": YEAR, "kind": "year-end", "fmt": "md"}
    )
    response, event = _last_export(client_for("bithu"), url)
    assert event.action == "export.report"
    assert event.org_path == _path(CELL)
    assert _after(event)["kind"] == "year-end"
    assert _after(event)["bytes"] == len(response.content)


def test_the_office_finds_its_members_exports_in_the_log(
    client_for: Callable[[str], Client],
) -> None:
    url = reverse("exchange:export", kwargs={"kind": "members", "fmt": "csv"})
    _response, event = _last_export(client_for("bithu"), url)
    log = client_for("vanphong").get(reverse("audit:index"), {"action": "export"})
    assert event.pk in [e.pk for e in log.context["page_obj"].object_list]
