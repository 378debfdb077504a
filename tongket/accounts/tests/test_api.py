"""/api/v1/users/ and /api/v1/grants/: the same services and bounds as the commands and pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from tongket.accounts import services
from tongket.people.models import Member

pytestmark = pytest.mark.django_db

CELL = "QT.KCQDN.SGDDT.TCCB"


def test_create_without_password_answers_a_one_time_code_that_signs_in(
    api_for: Callable[[str], APIClient],
) -> None:
    card = Member.objects.filter(organization__code=CELL, user__isnull=True).order_by("pk")[0]
    answer = api_for("vanphong").post(
        "/api/v1/users/", {"username": "mai", "member": card.card_number}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["username"] == "mai"
    assert body["member"] == card.card_number
    assert body["home"] == CELL
    assert body["must_set_password"] is True
    assert body["sign_in_url"].endswith(f"?u=mai&code={body['sign_in_code']}")
    user = services.sign_in_with_code(username="mai", code=body["sign_in_code"], ip=None)
    assert user.get_username() == "mai"


def test_list_detail_patch_and_reset(api_for: Callable[[str], APIClient]) -> None:
    api = api_for("vanphong")
    listed = api.get("/api/v1/users/", {"organization": CELL}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert "bithu" in {r["username"] for r in rows}
    assert "bithu2" not in {r["username"] for r in rows}
    patched = api.patch("/api/v1/users/bithu/", {"active": False}, format="json")
    assert patched.status_code == 200
    assert patched.json()["active"] is False
    reset = api.post("/api/v1/users/bithu/reset/")
    assert reset.status_code == 200
    assert len(reset.json()["sign_in_code"]) == 14


def test_grants_roles_create_list_and_revoke(api_for: Callable[[str], APIClient]) -> None:
    api = api_for("vanphong")
    roles = api.get("/api/v1/grants/roles/").json()
    assert [r["code"] for r in roles] == ["office_admin", "cell_secretary", "superior_reader"]
    created = api.post(
        "/api/v1/grants/",
        {
            "username": "dangvien",
            "organization": CELL,
            "role": "superior_reader",
            "valid_until": "2030-12-31",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    grant: dict[str, Any] = created.json()
    assert (grant["username"], grant["organization"], grant["in_force"]) == (
        "dangvien",
        CELL,
        True,
    )
    listed = api.get("/api/v1/grants/", {"user": "dangvien"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [grant["id"]]
    revoked = api.post(f"/api/v1/grants/{grant['id']}/revoke/")
    assert revoked.status_code == 200
    assert revoked.json()["in_force"] is False
    again = api.post(f"/api/v1/grants/{grant['id']}/revoke/")
    assert again.status_code == 400
    assert again.json()["error"]["rule"] == "accounts.grant.revoked"


def test_bulk_answers_each_new_account_with_its_code(api_for: Callable[[str], APIClient]) -> None:
    answer = api_for("vanphong").post("/api/v1/users/bulk/", {"organization": CELL}, format="json")
    assert answer.status_code == 201
    issued = answer.json()
    assert issued
    assert {i["username"] for i in issued} == {i["card_number"] for i in issued}
    assert not Member.objects.filter(organization__code=CELL, user__isnull=True).exists()
    assert "Tongket-Skipped-Members" not in answer


def test_bulk_names_the_members_left_without_an_account_because_their_login_is_taken(
    api_for: Callable[[str], APIClient],
) -> None:
    office = api_for("vanphong")
    card = (
        Member.objects.filter(organization__code=CELL, user__isnull=True)
        .order_by("pk")
        .values_list("card_number", flat=True)[0]
    )
    made = office.post("/api/v1/users/", {"username": card, "home": CELL}, format="json")
    assert made.status_code == 201, made.content
    answer = office.post("/api/v1/users/bulk/", {"organization": CELL}, format="json")
    assert answer.status_code == 201
    assert answer["Tongket-Skipped-Members"] == card
    assert card not in {row["card_number"] for row in answer.json()}


def test_a_cell_secretary_is_refused_before_anything_is_read(
    api_for: Callable[[str], APIClient],
) -> None:
    answer = api_for("bithu").post("/api/v1/users/", {"username": "x"}, format="json")
    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == "Chỉ quản trị văn phòng mới quản lý tài khoản."
