"""Fresh-context attack (session 10, attacker a3) on issue 16's last refactors (the one write
guard of core/actors, core/lookups, the audit EventRecorder): people, meetings and lookups
answered to a user who cannot see a row exactly as for a missing one (404, same message), and to
one who sees it but may not write (the superior reader `khoi`) with 403. Every state comes from
the demo and the API."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

A = "QT.KCQDN.SGDDT"


def _answer(client: Any, method: str, url: str, body: Any = None) -> tuple[int, str]:
    got = getattr(client, method)(url, body or {}, format="json")
    return got.status_code, got.content.decode()


def _a_member(office: Any) -> dict[str, Any]:
    rows = office.get("/api/v1/members/", {"organization": A}).json()["results"]
    assert rows
    return dict(rows[0])


def _member_body(card: str, org: str) -> dict[str, str]:
    return {
        "card_number": card,
        "full_name": "Nguyễn Văn Thử",
        "gender": "male",
        "organization": org,
        "joined_on": "2010-01-01",
        "full_member_on": "2011-01-01",
    }


# --- lookups: a hidden row by id answers as a missing one -------------------------------------


def test_a_hidden_organization_and_member_answer_as_missing_ones(
    api_for: Any, outsider_api: Any
) -> None:
    card = _a_member(api_for("vanphong"))["card_number"]
    for url, absent in [
        (f"/api/v1/organizations/{A}/", "/api/v1/organizations/QT.KHONG.CO/"),
        (f"/api/v1/members/{card}/", "/api/v1/members/00.000000/"),
    ]:
        for method in ("get", "patch"):
            seen = _answer(outsider_api, method, url, {"name": "X", "full_name": "X"})
            missing = _answer(outsider_api, method, absent, {"name": "X", "full_name": "X"})
            assert seen == missing, (url, method, seen, missing)
            assert seen[0] == 404


# --- the write guard: cannot see -> 404, sees but may not write -> 403 ------------------------


def _writes(office: Any) -> list[tuple[str, str, dict[str, Any]]]:
    member = _a_member(office)
    card = member["card_number"]
    cell = member["organization"]
    return [
        ("new member", "/api/v1/members/", _member_body("88.000001", cell)),
        ("member edit", f"/api/v1/members/{card}/", {"full_name": "Tên Khác"}),
        ("transfer", f"/api/v1/members/{card}/", {"organization": A}),
        (
            "party role",
            "/api/v1/party-roles/",
            {
                "member": card,
                "organization": cell,
                "role": "deputy_secretary",
                "start": "2025-01-01",
            },
        ),
        (
            "meeting",
            "/api/v1/meetings/",
            {
                "organization": cell,
                "kind": "cell_regular",
                "title": "Họp thử",
                "held_on": "2025-03-03",
            },
        ),
    ]


@pytest.mark.parametrize(("user", "status"), [("ngoai", 404), ("khoi", 403)])
def test_writes_on_the_department_answer_404_unseen_and_403_seen(
    api_for: Any, outsider: Any, user: str, status: int
) -> None:
    office = api_for("vanphong")
    client = api_for(user)
    for name, url, body in _writes(office):
        method = "patch" if url.count("/") > 4 else "post"
        got = _answer(client, method, url, body)
        if name == "new member" and user == "ngoai":
            # a hidden cell is told as an unknown code, as a missing one is
            absent = dict(body, organization=f"{A}.KHONGCO")
            other = _answer(client, method, url, absent)
            assert got == (other[0], other[1].replace(f"{A}.KHONGCO", body["organization"]))
        elif name != "transfer" or user == "ngoai":
            assert got[0] == status, (name, got)


# --- creating under an organization by its code: a hidden code answers as an unknown one ------


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (
            "/api/v1/meetings/",
            {"kind": "cell_regular", "title": "Họp thử", "held_on": "2025-03-03"},
        ),
        ("/api/v1/programs/", {"year": 2025, "kind": "work", "title": "Chương trình thử"}),
    ],
)
def test_creating_under_a_hidden_organization_answers_as_under_a_missing_one(
    api_for: Any, outsider_api: Any, url: str, body: dict[str, Any]
) -> None:
    # An office of another department must not learn which organization codes exist in the
    # department from the answer: a hidden code is answered as a code that does not exist.
    cell = _a_member(api_for("vanphong"))["organization"]
    seen = _answer(outsider_api, "post", url, dict(body, organization=cell))
    missing = _answer(outsider_api, "post", url, dict(body, organization="QT.KHONG.CO"))
    assert seen[0] == 404, seen
    assert seen == missing, (seen, missing)
