"""An office administrator of another department (the `outsider` of tongket/conftest.py, office
of QT.KCQDN.SNV) attacking the demo department QT.KCQDN.SGDDT through the REST API, as a real user
would: every state is prepared through the API. Findings of the independent test of 12/2026 are
marked xfail(strict=True) until fixed: each test states the behaviour that should hold."""

from __future__ import annotations

from typing import Any

import pytest

DEPARTMENT = "QT.KCQDN.SGDDT"
DEPARTMENT_DECISION = {"number": "45-QĐ/ĐU", "date": "2021-02-24"}  # the demo's 2020 decision
OUTSIDE_CELL = "QT.KCQDN.SNV.VP"
OUTSIDE_CARD = "99.000001"
THEMATIC = "party.bloc.giay_khen.individual_thematic"  # no classification needed


@pytest.fixture
def outsider_member(outsider_api: Any) -> str:
    """A cell and a member of the outsider's own department, made through the API."""
    cell = outsider_api.post(
        "/api/v1/organizations/",
        {
            "code": OUTSIDE_CELL,
            "name": "Chi bộ Văn phòng Sở Nội vụ",
            "kind": "cell",
            "parent": "QT.KCQDN.SNV",
        },
        format="json",
    )
    assert cell.status_code == 201, cell.content
    member = outsider_api.post(
        "/api/v1/members/",
        {
            "card_number": OUTSIDE_CARD,
            "full_name": "Nguyễn Văn Ngoài",
            "gender": "male",
            "organization": OUTSIDE_CELL,
            "joined_on": "2010-01-01",
            "full_member_on": "2011-01-01",
        },
        format="json",
    )
    assert member.status_code == 201, member.content
    return OUTSIDE_CARD


def _department_decision(api_for: Any) -> dict[str, Any]:
    answer = api_for("vanphong").get(
        "/api/v1/award-decisions/", {"issuer": DEPARTMENT, "number": DEPARTMENT_DECISION["number"]}
    )
    assert answer.status_code == 200
    (decision,) = answer.json()["results"]
    return dict(decision)


def _record(outsider_api: Any, card: str, decision: dict[str, str], year: int) -> Any:
    return outsider_api.post(
        "/api/v1/awards/",
        {
            "form": THEMATIC,
            "issuer": DEPARTMENT,
            "year": year,
            "achievement": "thành tích giả",
            "member": card,
            "decision": {**decision, "signer_title": "Bí thư"},
        },
        format="json",
    )


@pytest.mark.django_db
def test_outsider_cannot_attach_an_award_to_another_departments_decision(
    outsider_api: Any, outsider_member: str, api_for: Any
) -> None:
    decision = _department_decision(api_for)
    answer = _record(outsider_api, outsider_member, DEPARTMENT_DECISION, 2020)
    # The department's decision must not gain a recipient its office never decided on, and its
    # signer must not be shown to the outsider through their "own" award.
    assert answer.status_code in (400, 403, 404), answer.content
    assert "Trần Quốc Hưng" not in answer.content.decode()
    seen = outsider_api.get(f"/api/v1/award-decisions/{decision['id']}/")
    assert seen.status_code == 404, seen.content


@pytest.mark.django_db
def test_outsider_cannot_record_an_award_in_the_name_of_a_sibling_committee(
    outsider_api: Any, outsider_member: str
) -> None:
    answer = _record(
        outsider_api, outsider_member, {"number": "77-QĐ/ĐU", "date": "2026-12-01"}, 2026
    )
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"]["field"] == "issuer"


@pytest.mark.django_db
def test_outsider_cannot_squat_the_account_name_of_another_departments_member(
    outsider_api: Any, api_for: Any
) -> None:
    card = "45.000003"  # a member of the department's office cell, without an account
    squat = outsider_api.post(
        "/api/v1/users/", {"username": card, "home": "QT.KCQDN.SNV"}, format="json"
    )
    issued = api_for("vanphong").post(
        "/api/v1/users/bulk/", {"organization": f"{DEPARTMENT}.VP"}, format="json"
    )
    assert issued.status_code == 201, issued.content
    # Either the squat is refused or the member still gets an account of their own.
    assert squat.status_code == 400 or card in {row["card_number"] for row in issued.json()}


@pytest.mark.django_db
def test_cell_secretary_cannot_appoint_the_director_of_the_department(api_for: Any) -> None:
    answer = api_for("bithu").post(
        "/api/v1/posts/",
        {
            "member": "45.000010",
            "agency": "UBND.QT.SGDDT",
            "title": "director",
            "start": "2026-01-01",
        },
        format="json",
    )
    assert answer.status_code in (403, 404), answer.content
