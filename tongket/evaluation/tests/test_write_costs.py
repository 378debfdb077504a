"""What one decision through the API costs in queries, counted as a client with a token
sends it: who asks and what they may see, the checks, the writes, the response."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tongket.audit.models import AuditEvent
from tongket.evaluation.demo import POINTS_2026
from tongket.exchange.services import issue_token
from tongket.people.models import PartyRole

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
TCCB = f"{ORG}.TCCB"
# The transaction's own statements (BEGIN/COMMIT, or a savepoint inside a test's transaction).
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")


def token_client(username: str) -> APIClient:
    token, _ = issue_token(actor=None, username=username)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def open_cycle(office: APIClient, year: int, regulation: str) -> Any:
    """Opens the department's cycle for the year through the API: it follows `regulation`."""
    cycle = office.post("/api/v1/cycles/", {"organization": ORG, "year": year}, format="json")
    assert cycle.status_code == 201, cycle.json()
    assert cycle.json()["profile_id"] == regulation
    return cycle.json()["id"]


# The member's points on the 100-point frame of HD 43 (the demo's self-assessments): 93.5
# (excellent, 90 and over) and 79.5 (good, 70 to 89).
SCORES = {"excellent": POINTS_2026[0], "good": POINTS_2026[1]}


@pytest.mark.parametrize(
    ("year", "regulation", "outcome"),
    [
        (2021, "qd132", "good"),
        # Under qd366 good or better needs the committee's appraisal with a score (Điều 11);
        # without one a member is decided completed.
        (2025, "qd366", "completed"),
        (2025, "qd366", "good"),
        (2025, "qd366", "excellent"),  # within the cell's quota: the others are good
    ],
)
def test_a_decision_about_a_member_costs_at_most_ten_queries(
    year: int, regulation: str, outcome: str
) -> None:
    office = token_client("vanphong")
    cycle_id = open_cycle(office, year, regulation)
    listed = {
        kind: office.get(
            "/api/v1/evaluations/",
            {"cycle": cycle_id, "organization": TCCB, "subject_kind": kind},
        ).json()["results"]
        for kind in ("organization", "member")
    }
    body = {"outcome": outcome, "number": "15-QĐ/ĐU", "date": f"{year}-12-20"}
    member = listed["member"][-1]
    if regulation == "qd366":
        # The cell's other ordinary members decided first, so the quota and tallies have rows
        # (Điều 12: members before the cell; only its committee waits for it).
        committee = set(
            PartyRole.objects.filter(organization__code=TCCB).values_list(
                "member__card_number", flat=True
            )
        )
        ordinary = [row for row in listed["member"] if row["subject_code"] not in committee]
        member = ordinary[-1]
        scored = outcome != "completed"
        others = {**body, "outcome": "good"} if scored else body
        for other in ordinary[:-1]:
            if scored:
                appraise(office, other["id"], "good")
            url = f"/api/v1/evaluations/{other['id']}/decision/"
            assert office.post(url, others, format="json").status_code == 201
        if scored:
            appraise(office, member["id"], outcome)

    with CaptureQueriesContext(connection) as ctx:
        done = office.post(f"/api/v1/evaluations/{member['id']}/decision/", body, format="json")

    assert done.status_code == 201, done.json()
    statements = [
        q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)
    ]
    # The token with the user's grants and member record; the access check before the body;
    # the cycle and the evaluation locked with the facts the rules read (qd366: whether a
    # criteria set is bound, whose frame would count the score); the current assessments; the
    # quota's decisions; the decision, the results tally, the audit event and
    # the page cache's change record.
    assert len(statements) <= 10, "\n".join(statements)
    assert len(ctx.captured_queries) <= len(statements) + 2  # one transaction, no savepoint
    # The answer built from what was written is what a client reads afterwards.
    assert done.json() == office.get(f"/api/v1/evaluations/{member['id']}/").json()
    assert done.json()["decision"]["level"] == body["outcome"]


def appraise(office: APIClient, evaluation_id: int, outcome: str) -> None:
    """The committee's appraisal of a member with the score that level needs."""
    appraised = office.post(
        f"/api/v1/evaluations/{evaluation_id}/appraisal/",
        {"outcome": outcome, "points": SCORES[outcome]},
        format="json",
    )
    assert appraised.status_code == 201, appraised.json()


def _batch_statements(
    office: APIClient, cycle_id: int, rows: list[dict[str, Any]], body: dict[str, str]
) -> tuple[int, list[dict[str, Any]]]:
    """A batch decision through the API: its statements (besides the transaction's own) and
    the evaluations it answers with."""
    items = [{"evaluation": row["id"], "outcome": body["outcome"]} for row in rows]
    payload = {"number": body["number"], "date": body["date"], "items": items}
    with CaptureQueriesContext(connection) as ctx:
        done = office.post(f"/api/v1/cycles/{cycle_id}/decisions/", payload, format="json")
    assert done.status_code == 201, done.json()
    statements = [
        q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)
    ]
    return len(statements), done.json()["results"]


@pytest.mark.parametrize(("year", "regulation"), [(2021, "qd132"), (2025, "qd366")])
def test_a_batch_decision_costs_per_batch_not_per_member(year: int, regulation: str) -> None:
    office = token_client("vanphong")
    cycle_id = open_cycle(office, year, regulation)
    listed = office.get(
        "/api/v1/evaluations/", {"cycle": cycle_id, "subject_kind": "member", "page_size": 200}
    ).json()["results"]
    # Members who sit on no committee: under qd366 they are decided before their cell
    # (Điều 12), and under qd132 order does not matter.
    committee = set(PartyRole.objects.values_list("member__card_number", flat=True))
    ordinary = [row for row in listed if row["subject_code"] not in committee]
    assert len(ordinary) >= 30
    outcome = "completed" if regulation == "qd366" else "good"
    body = {"outcome": outcome, "number": "16-QĐ/ĐU", "date": f"{year}-12-20"}
    events = AuditEvent.objects.filter(action="evaluation.decision.decision").count()

    five, answered_five = _batch_statements(office, cycle_id, ordinary[:5], body)
    twenty_five, answered = _batch_statements(office, cycle_id, ordinary[5:30], body)

    # The same statements for 25 members as for 5: facts read, decisions, tally, notices and
    # audit events written, each once for the whole batch (the notices' insert only when a
    # decided member has an account; 14 and 15 here).
    assert twenty_five <= five + 2, (five, twenty_five)
    decided = answered_five + answered
    assert [row["id"] for row in decided] == [row["id"] for row in ordinary[:30]]
    assert {row["decision"]["level"] for row in decided} == {outcome}
    assert {row["decision"]["number"] for row in decided} == {body["number"]}
    # One audit event per decision, naming it.
    written = AuditEvent.objects.filter(action="evaluation.decision.decision")
    assert written.count() == events + 30
    assert {int(e.object_id) for e in written.order_by("-id")[:30]} == {
        row["decision"]["id"] for row in decided
    }
    # What each evaluation now shows is what the batch answered.
    for row in decided[::7]:
        assert office.get(f"/api/v1/evaluations/{row['id']}/").json() == row
