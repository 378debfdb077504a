"""REST API of evaluation: a whole cycle for one cell through the API alone, scoped like the web,
every refusal with its rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from tongket.accounts import services as account_services
from tongket.core.tests.openapi import documented_paths
from tongket.evaluation.models import Assessment, Decision, Tier
from tongket.evaluation.tests.office import member_2026
from tongket.people.models import Member

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
TCCB = f"{ORG}.TCCB"
QUOTA_RULE = "qd132.quota.member.excellent"

ApiFor = Callable[[str], APIClient]


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
        # The demo's secretary already signs in with her own account.
        member = Member.objects.select_related("user").get(card_number=row["subject_code"])
        user = member.user or account_services.create_user(
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
    documented_paths(
        client,
        (
            "/api/v1/cycles/",
            "/api/v1/cycles/{id}/",
            "/api/v1/evaluations/",
            "/api/v1/evaluations/{id}/",
            "/api/v1/evaluations/{id}/self-assessment/",
            "/api/v1/evaluations/{id}/proposal/",
            "/api/v1/evaluations/{id}/appraisal/",
            "/api/v1/evaluations/{id}/decision/",
        ),
    )


# --- bulk decision, correction, reclassification -------------------------------------------------


def bulk(api: APIClient, cycle_id: int, items: list[tuple[int, str]], **extra: Any) -> Any:
    body = {
        "number": "20-QĐ/ĐU",
        "date": "2022-01-12",
        "items": [{"evaluation": ev_id, "outcome": outcome} for ev_id, outcome in items],
        **extra,
    }
    return api.post(f"/api/v1/cycles/{cycle_id}/decisions/", body, format="json")


def test_a_bulk_decision_decides_many_evaluations_under_one_number(api_for: ApiFor) -> None:
    cycle = open_2021(api_for)
    rows = cell_members(api_for("bithu"), cycle["id"])
    items = [(row["id"], "good") for row in rows[1:6]] + [(rows[0]["id"], "excellent")]
    response = bulk(api_for("vanphong"), cycle["id"], items)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["count"] == 6
    assert [r["id"] for r in body["results"]] == [ev_id for ev_id, _outcome in items]
    assert [r["decision"]["level"] for r in body["results"]] == ["good"] * 5 + ["excellent"]
    assert {r["decision"]["number"] for r in body["results"]} == {"20-QĐ/ĐU"}
    assert Decision.objects.filter(evaluation__cycle_id=cycle["id"]).count() == 6


def test_one_refusal_in_a_bulk_decision_writes_nothing_and_every_refusal_is_listed(
    api_for: ApiFor,
) -> None:
    cycle = open_2021(api_for)
    rows = cell_members(api_for("bithu"), cycle["id"])
    decided_2020 = Decision.objects.filter(
        evaluation__cycle__year=2020, evaluation__unit__code=TCCB
    ).first()
    assert decided_2020 is not None
    other_cycle = decided_2020.evaluation_id
    # The cap leaves room for one excellent beside five good: the second is refused; so are a
    # second decision for the same evaluation and an evaluation of another cycle.
    items = [(row["id"], "good") for row in rows[2:7]] + [
        (rows[0]["id"], "excellent"),
        (rows[1]["id"], "excellent"),
        (rows[2]["id"], "completed"),
        (other_cycle, "good"),
    ]
    before = Decision.objects.count()
    response = bulk(api_for("vanphong"), cycle["id"], items)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["rule"], error["field"]) == (QUOTA_RULE, "items")
    assert "Không ghi quyết định nào: 3 bản đánh giá bị từ chối" in error["message"]
    refused = [(f["evaluation"], f["rule"]) for f in error["findings"]]
    assert refused == [
        (rows[1]["id"], QUOTA_RULE),
        (rows[2]["id"], "evaluation.already_decided"),
        (other_cycle, "evaluation.decision.other_cycle"),
    ]
    assert error["findings"][0]["subject"] == rows[1]["subject_code"]
    assert "xuất sắc" in error["findings"][0]["message"].lower()
    assert Decision.objects.count() == before


def test_a_bulk_decision_is_404_outside_the_scope_and_403_for_readers(api_for: ApiFor) -> None:
    cycle = open_2021(api_for)
    rows = cell_members(api_for("bithu"), cycle["id"])
    items = [(rows[0]["id"], "good")]
    before = Decision.objects.count()
    # Another cell's secretary sees the cycle (her cell's evaluations are in it), not its office:
    # refused before anything about the listed evaluations is looked up.
    for reader in ("bithu", "bithu2", "khoi"):
        response = bulk(api_for(reader), cycle["id"], items)
        assert response.status_code == 403, reader
        assert response.json()["error"]["rule"] == "access.denied"
    missing = bulk(api_for("vanphong"), 999999999, items)
    assert (missing.status_code, missing.json()["error"]["rule"]) == (404, "access.not_found")
    assert Decision.objects.count() == before


def test_an_empty_bulk_decision_names_the_field(api_for: ApiFor) -> None:
    cycle = open_2021(api_for)
    response = bulk(api_for("vanphong"), cycle["id"], [])
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "items"


def correct(api: APIClient, ev_id: int, step: str, outcome: str, **extra: Any) -> Any:
    body = {
        "outcome": outcome,
        "number": "21-QĐ/ĐU",
        "date": "2022-02-01",
        "reason": "Sai sót khi tổng hợp.",
        **extra,
    }
    return post(api, ev_id, step, body)


def written_decision(answer: Any) -> dict[str, Any]:
    """The decision a successful correction or reclassification wrote."""
    assert answer.status_code == 201, answer.json()
    decision: dict[str, Any] = answer.json()["decision"]
    return decision


def test_a_correction_supersedes_the_current_decision_which_stays_sealed(api_for: ApiFor) -> None:
    cycle = open_2021(api_for)
    row = cell_members(api_for("bithu"), cycle["id"])[0]
    office = api_for("vanphong")
    first = decide(office, row["id"], "good").json()["decision"]
    corrected = correct(office, row["id"], "correction", "completed", decision=first["id"])
    decision = written_decision(corrected)
    assert (decision["kind"], decision["level"], decision["supersedes"]) == (
        "correction",
        "completed",
        first["id"],
    )
    assert decision["reason"] == "Sai sót khi tổng hợp."
    old = Decision.objects.get(pk=first["id"])
    assert (old.status, old.level, old.number) == ("superseded", "good", "15-QĐ/ĐU")
    stale = correct(office, row["id"], "correction", "good", decision=first["id"])
    assert stale.status_code == 400
    assert stale.json()["error"]["rule"] == "evaluation.decision.not_current"
    no_reason = correct(office, row["id"], "correction", "good", reason="")
    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["field"] == "reason"
    assert correct(api_for("bithu2"), row["id"], "correction", "good").status_code == 404
    assert correct(api_for("khoi"), row["id"], "correction", "good").status_code == 403
    assert Decision.objects.filter(evaluation_id=row["id"]).count() == 2


def test_a_correction_without_a_current_decision_is_refused(api_for: ApiFor) -> None:
    cycle = open_2021(api_for)
    row = cell_members(api_for("bithu"), cycle["id"])[0]
    response = correct(api_for("vanphong"), row["id"], "correction", "good")
    assert response.status_code == 400
    assert response.json()["error"]["rule"] == "evaluation.decision.not_current"


def test_the_superiors_reclassification_is_refused_under_qd132_with_its_rule(
    api_for: ApiFor,
) -> None:
    cycle = open_2021(api_for)
    row = cell_members(api_for("bithu"), cycle["id"])[0]
    assert decide(api_for("vanphong"), row["id"], "good").status_code == 201
    refused = correct(api_for("quantri"), row["id"], "reclassification", "completed")
    assert refused.status_code == 400
    assert refused.json()["error"]["rule"] == "qd132.reclassification.not_provided"
    # The department's own office is not the superior committee.
    assert correct(api_for("vanphong"), row["id"], "reclassification", "good").status_code == 403
    assert Decision.objects.filter(evaluation_id=row["id"]).count() == 1


def test_the_superior_cancels_and_reclassifies_under_qd124(api_for: ApiFor) -> None:
    office = api_for("vanphong")
    cycle = office.post("/api/v1/cycles/", {"organization": ORG, "year": 2023}, format="json")
    assert cycle.json()["profile_id"] == "qd124"
    ttr = f"{ORG}.TTR"
    found = office.get(
        "/api/v1/evaluations/", {"cycle": cycle.json()["id"], "organization": ttr}
    ).json()["results"]
    cell = next(r for r in found if r["subject_kind"] == "organization")
    member = next(r for r in found if r["subject_kind"] == "member")
    assert decide(office, cell["id"], "good").status_code == 201  # qd124: the cell first
    old = decide(office, member["id"], "good").json()["decision"]
    done = correct(api_for("quantri"), member["id"], "reclassification", "completed")
    decision = written_decision(done)
    assert (decision["kind"], decision["deciding_body"], decision["supersedes"]) == (
        "reclassification",
        "QT.KCQDN",
        old["id"],
    )
    assert Decision.objects.get(pk=old["id"]).status == "cancelled"


def test_the_schema_documents_the_bulk_and_correction_endpoints(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/cycles/{id}/decisions/",
        "/api/v1/evaluations/{id}/correction/",
        "/api/v1/evaluations/{id}/reclassification/",
    ):
        assert path in schema["paths"]
    bulk_errors = schema["paths"]["/api/v1/cycles/{id}/decisions/"]["post"]["responses"]["400"]
    assert bulk_errors["content"]["application/json"]["schema"]["$ref"].endswith("BulkError")


def test_every_write_checks_access_before_the_body_so_a_bad_body_still_gets_403_or_404(
    api_for: ApiFor,
) -> None:
    cycle = open_2021(api_for)
    row = cell_members(api_for("bithu"), cycle["id"])[0]
    steps = ("self-assessment", "proposal", "appraisal", "decision", "correction")
    bad = {"outcome": "không có mức này", "date": "hôm nay"}
    for step in (*steps, "reclassification"):
        assert post(api_for("khoi"), row["id"], step, bad).status_code == 403, step
        assert post(api_for("bithu2"), row["id"], step, bad).status_code == 404, step
    # The cell's secretary proposes (her body is read: 400), but may not decide (403).
    secretary = api_for("bithu")
    assert post(secretary, row["id"], "proposal", bad).json()["error"]["field"] == "outcome"
    for step in ("appraisal", "decision", "correction", "reclassification"):
        response = post(secretary, row["id"], step, bad)
        assert response.status_code == 403, step
        assert response.json()["error"]["rule"] == "access.denied"
    refused = bulk(api_for("khoi"), cycle["id"], [])
    assert (refused.status_code, refused.json()["error"]["rule"]) == (403, "access.denied")
    assert api_for("khoi").post("/api/v1/cycles/", {}, format="json").status_code == 403


def test_a_bulk_decision_counts_the_quota_on_the_whole_list_whatever_its_order(
    api_for: ApiFor,
) -> None:
    cycle = open_2021(api_for)
    rows = cell_members(api_for("bithu"), cycle["id"])
    office = api_for("vanphong")
    # The excellent one first: counted alone it would meet a cap of 0.
    items = [(rows[0]["id"], "excellent")] + [(row["id"], "good") for row in rows[1:6]]
    accepted = bulk(office, cycle["id"], items)
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["count"] == 6
    # The next list would leave two excellent over five good: refused at once, whole.
    more = bulk(office, cycle["id"], [(rows[6]["id"], "excellent")])
    assert more.status_code == 400
    error = more.json()["error"]
    assert [(f["evaluation"], f["rule"]) for f in error["findings"]] == [
        (rows[6]["id"], QUOTA_RULE)
    ]
    assert "tối đa 1" in error["findings"][0]["message"]
    assert Decision.objects.filter(evaluation__cycle_id=cycle["id"]).count() == 6


def test_facts_are_recorded_through_the_api_with_the_same_checks_and_audit(
    api_for: ApiFor,
) -> None:
    from tongket.audit.models import AuditEvent

    api = api_for("vanphong")
    ev = member_2026(api, "TTR", index=0)
    body = {
        "tasks_total": 10,
        "tasks_completed": 10,
        "tasks_on_time": 9,
        "tasks_late": 1,
        "tasks_exceeded": 0,
        "sick_leave_months": "3.5",
        "temporary_cell": "Chi bộ Trường THPT Đông Hà",
        "temporary_cell_comment": "Chấp hành tốt.",
    }
    response = post(api, ev["id"], "facts", body)
    assert response.status_code == 200, response.json()
    facts = response.json()["facts"]
    assert (facts["tasks_on_time"], facts["tasks_late"]) == (9, 1)
    assert facts["sick_leave_months"] == "3.5"
    assert facts["temporary_cell"] == "Chi bộ Trường THPT Đông Hà"
    assert AuditEvent.objects.filter(
        action="evaluation.facts.record", object_id=str(ev["id"])
    ).exists()
    # the same check as the web form: counts that do not add up are refused with the rule
    bad = post(api, ev["id"], "facts", {"tasks_total": 5, "tasks_completed": 6})
    assert bad.status_code == 400
    assert bad.json()["error"]["rule"] == "evaluation.facts.invalid"


def test_facts_of_another_cell_are_404_for_a_cell_secretary(api_for: ApiFor) -> None:
    ev = member_2026(api_for("vanphong"), "TTR", index=0)
    response = post(api_for("bithu"), ev["id"], "facts", {"tasks_total": 1})
    assert response.status_code == 404
