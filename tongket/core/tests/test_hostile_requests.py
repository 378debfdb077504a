"""Smaller findings of the attack on the product (issue 17, finding 11), each answered as the
attacker sent it: no 500, every API error in the JSON error body."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tongket.audit.models import AuditEvent
from tongket.meetings.tests.test_api import create_meeting

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/members/²/",  # a superscript two: a digit to str.isdigit, not to int
        "/api/v1/meetings/¹²/",
        "/api/v1/programs/³/",
        "/api/v1/members/?year=²",
        "/api/v1/meetings/?year=²",
        f"/api/v1/members/?limit={2**63}",
        f"/api/v1/members/?offset={2**63}",
        f"/api/v1/members/?limit={2**64}&offset={2**64}",
        "/api/v1/no-such-area/",
        "/api/v1/members/45.000001/not-an-action/",
    ],
)
def test_hostile_api_addresses_answer_in_the_json_error_body_never_500(
    api_for: Any, path: str
) -> None:
    api = api_for("vanphong")
    api.raise_request_exception = False
    response = api.get(path)
    assert response.status_code < 500, path
    assert response["Content-Type"].startswith("application/json"), path
    body = response.json()
    if response.status_code >= 400:
        assert set(body["error"]) == {"rule", "field", "message", "findings"}


def test_a_page_is_capped_and_a_large_read_is_audited(api_for: Any, monkeypatch: Any) -> None:
    """The demo has 50 members: the cap (500) and the audit threshold (200) are scaled down to
    20 and 10 so the same code paths run on it."""
    from tongket.exchange import pagination as base

    monkeypatch.setattr(base.ApiPagination, "max_limit", 20)
    monkeypatch.setattr(base, "AUDITED_PAGE", 10)
    api = api_for("quantri")
    audited = AuditEvent.objects.filter(action="export.api_page")
    before = audited.count()
    body = api.get("/api/v1/members/", {"limit": 1_000_000}).json()
    assert body["count"] >= 50
    assert len(body["results"]) == 20
    assert audited.count() == before + 1
    event = audited.latest("seq")
    assert event.after == {
        "what": "api_page",
        "format": "json",
        "rows": 20,
        "offset": 0,
        "limit": 20,
    }
    assert "quantri" in event.actor_label
    # An ordinary page is not a bulk read.
    assert len(api.get("/api/v1/members/", {"limit": 10}).json()["results"]) == 10
    assert audited.count() == before + 1


def test_a_username_longer_than_the_log_column_on_a_locked_login_is_refused_not_500() -> None:
    client = Client(raise_request_exception=False)
    name = "x" * 120
    for _ in range(6):
        response = client.post("/accounts/login/", {"username": name, "password": "sai-mat-khau-1"})
        assert response.status_code == 200
    assert AuditEvent.objects.filter(action="login.locked", object_id=name[:80]).exists()


def test_a_recovery_code_with_non_ascii_letters_is_a_wrong_code_not_500() -> None:
    from tongket.accounts.totp import hash_recovery_code, normalize_recovery_code

    assert normalize_recovery_code("ĐĐĐĐĐ-ééééé") == ""
    assert normalize_recovery_code("ABCDE-12345") == "abcde12345"
    assert len(hash_recovery_code("ǅǆǇǈǉ-ǊǋǌǍǎ")) == 64


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "//evil.example/x",
        "/\\evil.example",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_a_script_link_cannot_be_stored_through_the_meeting_award_web_form(
    client_for: Any, api_for: Any, link: str
) -> None:
    meeting = create_meeting(api_for("bithu"), "QT.KCQDN.SGDDT.TCCB")["meeting"]["id"]
    web = client_for("bithu")
    web.post(f"/meetings/{meeting}/awards/", {"text": "Khen thưởng", "link": link})
    detail = api_for("bithu").get(f"/api/v1/meetings/{meeting}/").json()
    assert detail["handed_out_awards"] == []
    page = web.get(f"/meetings/{meeting}/").content.decode()
    assert 'href="javascript' not in page.lower()


def test_a_path_or_web_address_is_still_a_link(client_for: Any, api_for: Any) -> None:
    meeting = create_meeting(api_for("bithu"), "QT.KCQDN.SGDDT.TCCB")["meeting"]["id"]
    client_for("bithu").post(f"/meetings/{meeting}/awards/", {"text": "Khen", "link": "/awards/"})
    detail = api_for("bithu").get(f"/api/v1/meetings/{meeting}/").json()
    assert detail["handed_out_awards"] == [{"text": "Khen", "link": "/awards/"}]


@pytest.mark.parametrize(
    "code",
    ["QT.KCQDN.SGDDT.A/B", "QT.KCQDN.SGDDT.A\r\nX-Evil: 1", 'QT.KCQDN.SGDDT.A"B', "QT KHOI", "Đ.1"],
)
def test_an_organization_code_outside_the_alphabet_is_refused_everywhere(
    api_for: Any, client_for: Any, code: str
) -> None:
    """Finding 10: the code's alphabet, checked by the service every interface calls."""
    body = {"code": code, "name": "Chi bộ Mã Lạ", "kind": "cell", "parent": "QT.KCQDN.SGDDT"}
    response = api_for("vanphong").post("/api/v1/organizations/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["rule"] == "people.organization.code_alphabet"
    page = client_for("vanphong").get("/org/")
    assert page.status_code == 200


def test_a_download_name_with_a_quote_or_line_break_cannot_break_the_header() -> None:
    from tongket.core.http import content_disposition

    header = content_disposition('bao-cao-"x"\r\nSet-Cookie: a=b.docx')
    assert "\r" not in header
    assert "\n" not in header
    assert header.startswith("attachment;")
    assert content_disposition("nghị-quyết.pdf", inline=True).startswith("inline;")
