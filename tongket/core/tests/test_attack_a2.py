"""Fresh-context attack (a2): the office administrator of another department (`ngoai`, office of
QT.KCQDN.SNV, department B) against the demo department QT.KCQDN.SGDDT (A), after session 10's
refactors (issue 16) and the decision's compiled statements (issue 22). Every state is prepared
through the API; B's cells and cycles are its own administrator's."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

A = "QT.KCQDN.SGDDT"
B = "QT.KCQDN.SNV"
MISSING_ID = 99_999_999


def _b_cells(outsider_api: Any, *codes: str) -> None:
    for code in codes:
        made = outsider_api.post(
            "/api/v1/organizations/",
            {"code": f"{B}.{code}", "name": f"Chi bộ {code}", "kind": "cell", "parent": B},
            format="json",
        )
        assert made.status_code == 201, made.content


def _b_member(outsider_api: Any, card: str, cell: str) -> None:
    made = outsider_api.post(
        "/api/v1/members/",
        {
            "card_number": card,
            "full_name": "Nguyễn Văn Ngoài",
            "gender": "male",
            "organization": f"{B}.{cell}",
            "joined_on": "2010-01-01",
            "full_member_on": "2011-01-01",
        },
        format="json",
    )
    assert made.status_code == 201, made.content


def _open(api: Any, org: str, kind: str, **when: int) -> tuple[str, list[int]]:
    cycle = api.post("/api/v1/cycles/", {"organization": org, **when}, format="json")
    assert cycle.status_code == 201, cycle.content
    rows = api.get(
        "/api/v1/evaluations/",
        {"cycle": cycle.json()["id"], "subject_kind": kind, "page_size": 500},
    ).json()["results"]
    return cycle.json()["profile_id"], [row["id"] for row in rows]


def _decide(api: Any, ev: int, outcome: str, year: int) -> Any:
    body = {"outcome": outcome, "number": "15-QĐ/ĐU", "date": f"{year}-12-20"}
    return api.post(f"/api/v1/evaluations/{ev}/decision/", body, format="json")


# --- 1. The quota's compiled read, compiled by A's decisions, run for B ---------------------------


@pytest.mark.parametrize(
    ("kind", "when", "profile"),
    [
        # qd132: one scope per cycle (the statement without a peer group)
        ("member", {"year": 2021}, "qd132"),
        # qd366: per peer group, the not-grouped ones "" (the statement with a peer group)
        ("organization", {"year": 2026, "quarter": 3}, "qd366"),
    ],
)
def test_the_quota_read_compiled_for_one_department_counts_only_the_others_own(
    api_for: Any, outsider_api: Any, kind: str, when: dict[str, int], profile: str
) -> None:
    # A's office decides six subjects `good` first: the compiled read of the scope's decisions
    # is compiled then, on A's values. B's `excellent`, with no `good` of its own, must be
    # counted against B's decisions alone (0 good: at most 0 excellent), never A's six (which
    # would allow one), and its answer must say nothing of A.
    office = api_for("vanphong")
    _b_cells(outsider_api, "VP", "TC")
    _b_member(outsider_api, "99.000001", "VP")
    year = when["year"]
    found, ours = _open(office, A, kind, **when)
    assert found == profile
    for ev in ours[:6]:
        done = _decide(office, ev, "good", year)
        assert done.status_code == 201, done.content
    found, theirs = _open(outsider_api, B, kind, **when)
    assert found == profile
    refused = _decide(outsider_api, theirs[0], "excellent", year)
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert error["rule"] == f"{profile}.quota.{kind}.excellent"
    assert "hoàn thành tốt nhiệm vụ (0)" in error["message"], error["message"]
    assert "tối đa 0" in error["message"]
    assert A not in refused.content.decode()
    # and A's own count is still A's after B's read: 20 % of six `good` allows one
    allowed = _decide(office, ours[6], "excellent", year)
    assert allowed.status_code == 201, allowed.content


# --- 2. A's objects by id: answered exactly as a missing one --------------------------------------


@pytest.mark.parametrize(
    "listing",
    [
        "party-roles",
        "posts",
        "meetings",
        "programs",
        "program-items",
        "awards",
        "award-decisions",
        "award-proposals",
        "cycles",
        "evaluations",
        "self-assessments",
        "frames",
        "score-sheets",
        "peer-groups",
        "targets",
    ],
)
def test_another_departments_object_by_id_is_answered_as_a_missing_one(
    api_for: Any, outsider_api: Any, listing: str
) -> None:
    rows = api_for("vanphong").get(f"/api/v1/{listing}/").json()["results"]
    assert rows, listing
    theirs = rows[0]["id"]
    for method, suffix in [("get", ""), ("patch", ""), ("delete", "")]:
        seen = getattr(outsider_api, method)(f"/api/v1/{listing}/{theirs}/{suffix}", {})
        missing = getattr(outsider_api, method)(f"/api/v1/{listing}/{MISSING_ID}/{suffix}", {})
        assert (seen.status_code, seen.content) == (missing.status_code, missing.content), (
            method,
            seen.content.decode(),
            missing.content.decode(),
        )


@pytest.mark.parametrize(("action", "body"), [("submit", {}), ("return", {"comment": "Xem lại"})])
def test_acting_on_another_departments_self_assessment_answers_as_on_a_missing_one(
    api_for: Any, outsider_api: Any, action: str, body: dict[str, str]
) -> None:
    # The form's id is not the evaluation's: «not found» must be the form's own message whether
    # the form exists elsewhere or not at all (else ids of A's forms can be told from gaps).
    theirs = api_for("vanphong").get("/api/v1/self-assessments/").json()["results"][0]["id"]
    seen = outsider_api.post(f"/api/v1/self-assessments/{theirs}/{action}/", body, format="json")
    missing = outsider_api.post(
        f"/api/v1/self-assessments/{MISSING_ID}/{action}/", body, format="json"
    )
    assert seen.status_code == missing.status_code == 404
    assert seen.json() == missing.json()
