"""REST API of evaluation: a whole cycle for one cell through the API alone, scoped like the web,
every refusal with its rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from tongket.accounts import services as account_services
from tongket.evaluation.models import Assessment, Decision, Tier
from tongket.people.models import Member

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
TCCB = f"{ORG}.TCCB"
QUOTA_RULE = "qd132.quota.member.excellent"

ApiFor = Callable[[str], APIClient]


@pytest.fixture
def api_for(user_named: Callable[[str], Any]) -> ApiFor:
    def make(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(user_named(username))
        return client

    return make


def open_2021(api_for: ApiFor) -> dict[str, Any]:
    response = api_for("vanphong").post(
        "/api/v1/cycles/", {"organization": ORG, "year": 2021}, format="json"
    )
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def cell_members(api: APIClient, cycle_id: int) -> list[dict[str, Any]]:
    body = api.get(
        "/api/v1/evaluations/",
        {"cycle": str(cycle_id), "organization": TCCB, "subject_kind": "member", "limit": "100"},
    ).json()
    rows: list[dict[str, Any]] = body["results"]
    return sorted(rows, key=lambda row: row["subject_code"])


def post(api: APIClient, ev_id: int, step: str, body: dict[str, Any]) -> Any:
    return api.post(f"/api/v1/evaluations/{ev_id}/{step}/", body, format="json")


def decide(api: APIClient, ev_id: int, outcome: str) -> Any:
    body = {"outcome": outcome, "number": "15-QĐ/ĐU", "date": "2022-01-10"}
    return post(api, ev_id, "decision", body)


def test_an_api_client_runs_a_whole_cycle_for_one_cell_and_the_quota_blocks_the_excess(
    api_for: ApiFor,
) -> None:
    cycle = open_2021(api_for)
    assert (cycle["profile_id"], cycle["status"]) == ("qd132", "open")
    office, secretary = api_for("vanphong"), api_for("bithu")
    rows = cell_members(secretary, cycle["id"])
    assert len(rows) == Member.objects.filter(organization__code=TCCB).count() >= 7

    for row in rows:
        user = account_services.create_user(
            actor=None,
            username=f"dv{row['subject_code']}",
            password="Mk@2021-api-test",
            member_card=row["subject_code"],
        )
        client = APIClient()
        client.force_authenticate(user)
        done = post(client, row["id"], "self-assessment", {"level": "good", "comment": "Tự nhận."})
        assert done.status_code == 201, done.json()
        assert done.json()["assessments"][0]["tier"] == "self"

    for row in rows:
        proposed = post(secretary, row["id"], "proposal", {"outcome": "good"})
        assert proposed.status_code == 201, proposed.json()
    cell = secretary.get(
        "/api/v1/evaluations/",
        {"cycle": cycle["id"], "organization": TCCB, "subject_kind": "organization"},
    ).json()["results"][0]
    assert post(secretary, cell["id"], "proposal", {"outcome": "good"}).status_code == 201

    # The cap is 20 % (floor) of the quota base: five good members leave room for one excellent.
    for row in rows[2:7]:
        assert decide(office, row["id"], "good").status_code == 201
    first = decide(office, rows[0]["id"], "excellent")
    assert first.status_code == 201, first.json()
    assert first.json()["decision"]["level"] == "excellent"

    refused = decide(office, rows[1]["id"], "excellent")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["rule"] == QUOTA_RULE
    assert "xuất sắc" in error["message"].lower()
    assert not Decision.objects.filter(evaluation_id=rows[1]["id"]).exists()
    for row in [rows[1], *rows[7:]]:
        assert decide(office, row["id"], "good").status_code == 201

    decided = office.get(f"/api/v1/evaluations/{cell['id']}/decision/")
    assert decided.status_code == 405
    assert decide(office, cell["id"], "good").status_code == 201
    shown = secretary.get(f"/api/v1/evaluations/{cell['id']}/").json()
    assert shown["decision"]["level"] == "good"
    assert {a["tier"] for a in shown["assessments"]} == {"cell"}
    assert Assessment.objects.filter(
        evaluation__cycle_id=cycle["id"], tier=Tier.SELF, is_current=True
    ).count() == len(rows)


def test_a_second_cycle_for_the_same_year_is_refused_with_the_rule(api_for: ApiFor) -> None:
    open_2021(api_for)
    again = api_for("vanphong").post(
        "/api/v1/cycles/", {"organization": ORG, "year": 2021}, format="json"
    )
    assert again.status_code == 400
    assert again.json()["error"]["rule"] == "evaluation.cycle.exists"


def test_a_decided_evaluation_refuses_a_new_proposal(api_for: ApiFor) -> None:
    cycle = open_2021(api_for)
    row = cell_members(api_for("bithu"), cycle["id"])[0]
    assert decide(api_for("vanphong"), row["id"], "good").status_code == 201
    again = post(api_for("bithu"), row["id"], "proposal", {"outcome": "completed"})
    assert again.status_code == 400
    assert again.json()["error"]["rule"] == "evaluation.already_decided"


def test_another_cells_secretary_gets_404_like_a_missing_evaluation(api_for: ApiFor) -> None:
    cycle = open_2021(api_for)
    row = cell_members(api_for("bithu"), cycle["id"])[0]
    outsider = api_for("bithu2")
    for response in (
        outsider.get(f"/api/v1/evaluations/{row['id']}/"),
        post(outsider, row["id"], "proposal", {"outcome": "good"}),
        outsider.get("/api/v1/evaluations/", {"organization": TCCB}),
        outsider.get("/api/v1/evaluations/999999999/"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["rule"] == "access.not_found"
    listed = outsider.get("/api/v1/evaluations/", {"cycle": cycle["id"]}).json()["results"]
    assert row["id"] not in {r["id"] for r in listed}


def test_a_superior_reader_reads_but_cannot_write(api_for: ApiFor) -> None:
    cycle = open_2021(api_for)
    row = cell_members(api_for("bithu"), cycle["id"])[0]
    reader = api_for("khoi")
    assert reader.get(f"/api/v1/evaluations/{row['id']}/").status_code == 200
    assert reader.get(f"/api/v1/cycles/{cycle['id']}/").status_code == 200
    for step, body in (
        ("self-assessment", {"level": "good"}),
        ("proposal", {"outcome": "good"}),
        ("appraisal", {"outcome": "good"}),
        ("decision", {"outcome": "good", "number": "1-QĐ/ĐU", "date": "2022-01-10"}),
    ):
        response = post(reader, row["id"], step, body)
        assert response.status_code == 403, step
        assert response.json()["error"]["rule"] == "access.denied"
    assert (
        reader.post(
            "/api/v1/cycles/", {"organization": ORG, "year": 2022}, format="json"
        ).status_code
        == 403
    )


def test_cycles_are_paginated_and_filtered_by_organization_and_year(api_for: ApiFor) -> None:
    open_2021(api_for)
    office = api_for("vanphong")
    body = office.get("/api/v1/cycles/", {"organization": ORG, "year": "2021"}).json()
    assert [(c["organization"], c["year"]) for c in body["results"]] == [(ORG, 2021)]
    page = office.get("/api/v1/cycles/", {"limit": 1}).json()
    assert len(page["results"]) == 1
    assert page["count"] >= 2
    assert page["next"]
    bad = office.get("/api/v1/cycles/", {"year": "năm"})
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "year"


def test_an_invalid_outcome_names_the_field(api_for: ApiFor) -> None:
    cycle = open_2021(api_for)
    row = cell_members(api_for("bithu"), cycle["id"])[0]
    response = post(api_for("bithu"), row["id"], "proposal", {"outcome": "tot"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "outcome"


def test_the_schema_documents_the_evaluation_endpoints(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/cycles/",
        "/api/v1/cycles/{id}/",
        "/api/v1/evaluations/",
        "/api/v1/evaluations/{id}/",
        "/api/v1/evaluations/{id}/self-assessment/",
        "/api/v1/evaluations/{id}/proposal/",
        "/api/v1/evaluations/{id}/appraisal/",
        "/api/v1/evaluations/{id}/decision/",
    ):
        assert path in paths
