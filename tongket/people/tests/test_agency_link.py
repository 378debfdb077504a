"""Escalation through the agency link (issue 17, finding 1): linking an organization to an agency
widens what its readers see and its administrators write (score sheets, targets, posts), so the
link may point only at an agency the actor already reaches. Attacked as a real user would: an
office administrator of another department, through the API, the web form and the workbook."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse

from tongket.audit.models import AuditEvent
from tongket.conftest import OUTSIDE_ORG
from tongket.exchange.models import ImportJob
from tongket.people.models import Organization
from tongket.people.tests.factories import workbook
from tongket.people.tests.inputs import post_new_cell

pytestmark = pytest.mark.django_db

PROVINCE_COMMITTEE = "UBND.QT"  # the province's People's Committee: every department under it
DEPARTMENT_AGENCY = "UBND.QT.SGDDT"


def _sheets_seen(api: Any) -> int:
    body = api.get("/api/v1/score-sheets/", {"limit": 200}).json()
    return int(body["count"])


def _agency_of(code: str) -> str | None:
    org = Organization.objects.select_related("agency").get(code=code)
    return org.agency.code if org.agency else None


@pytest.mark.parametrize("agency", [PROVINCE_COMMITTEE, DEPARTMENT_AGENCY])
def test_an_outsider_cannot_link_its_organization_to_an_agency_it_does_not_hold_through_the_api(
    outsider_api: Any, agency: str
) -> None:
    before = _sheets_seen(outsider_api)
    events = AuditEvent.objects.count()
    response = outsider_api.patch(
        f"/api/v1/organizations/{OUTSIDE_ORG}/", {"agency": agency}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    # Told exactly what an unknown code is told: nothing about what exists outside its scope.
    assert error["rule"] == "people.organization.unknown_code"
    assert error["field"] == "agency"
    assert _agency_of(OUTSIDE_ORG) is None
    assert AuditEvent.objects.count() == events
    assert _sheets_seen(outsider_api) == before == 0
    unknown = outsider_api.patch(
        f"/api/v1/organizations/{OUTSIDE_ORG}/", {"agency": "KHONG.CO"}, format="json"
    ).json()["error"]
    assert unknown["message"].replace("KHONG.CO", agency) == error["message"]


def test_an_outsider_cannot_create_a_cell_linked_to_the_provinces_committee(
    outsider_api: Any,
) -> None:
    response = outsider_api.post(
        "/api/v1/organizations/",
        {
            "code": f"{OUTSIDE_ORG}.X",
            "name": "Chi bộ X",
            "kind": "cell",
            "parent": OUTSIDE_ORG,
            "agency": PROVINCE_COMMITTEE,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["rule"] == "people.organization.unknown_code"
    assert not Organization.objects.filter(code=f"{OUTSIDE_ORG}.X").exists()
    assert _sheets_seen(outsider_api) == 0


def test_an_outsider_cannot_link_through_the_web_form(outsider_web: Any) -> None:
    org = Organization.objects.get(code=OUTSIDE_ORG)
    response = outsider_web.post(
        reverse("people:organization_edit", args=[OUTSIDE_ORG]),
        {
            "name": org.name,
            "short_name": "",
            "parent": "QT.KCQDN",
            "agency": PROVINCE_COMMITTEE,
            "version": org.version,
        },
    )
    assert response.status_code == 200  # the form again, with the error at the field
    assert "Không có tổ chức mã «UBND.QT»" in response.content.decode()
    assert _agency_of(OUTSIDE_ORG) is None


def test_an_outsider_cannot_link_through_the_import_workbook(outsider_web: Any) -> None:
    # Its own organization (the parent left blank: unchanged), now «in» the People's Committee.
    row = [OUTSIDE_ORG, "Đảng bộ Sở Nội vụ", "Đảng bộ cơ sở", "", PROVINCE_COMMITTEE]
    file = io.BytesIO(workbook(organizations=[row + [""] * 4]))
    file.name = "tochuc.xlsx"
    outsider_web.post(reverse("exchange:upload"), {"file": file})
    job = ImportJob.objects.get()
    page = outsider_web.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert page.count("people.organization.unknown_code") == 1
    assert "Không có tổ chức mã «UBND.QT»" in page
    assert "Nhập vào hệ thống" not in page
    assert outsider_web.post(reverse("exchange:apply", args=[job.pk])).status_code == 404
    assert _agency_of(OUTSIDE_ORG) is None


def test_a_cell_secretary_cannot_record_a_post_at_an_agency_outside_her_reach(
    api_for: Any,
) -> None:
    api = api_for("bithu")
    member = api.get("/api/v1/members/", {"limit": 1}).json()["results"][0]["card_number"]
    body = {"member": member, "agency": PROVINCE_COMMITTEE, "title": "officer"}
    body["start"] = "2021-01-01"
    response = api.post("/api/v1/posts/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["rule"] == "people.organization.unknown_code"
    # Her own department's agency is within reach.
    body["agency"] = DEPARTMENT_AGENCY
    assert api.post("/api/v1/posts/", body, format="json").status_code == 201


def test_the_departments_office_links_its_new_cell_to_its_own_agency(api_for: Any) -> None:
    api = api_for("vanphong")
    created = post_new_cell(api, agency=DEPARTMENT_AGENCY)
    assert created.status_code == 201, created.content
    assert _agency_of("QT.KCQDN.SGDDT.MOI") == DEPARTMENT_AGENCY
    # The province's committee is above the department's reach: not its to link.
    response = api.patch(
        "/api/v1/organizations/QT.KCQDN.SGDDT.MOI/", {"agency": PROVINCE_COMMITTEE}, format="json"
    )
    assert response.status_code == 400
    assert _agency_of("QT.KCQDN.SGDDT.MOI") == DEPARTMENT_AGENCY
