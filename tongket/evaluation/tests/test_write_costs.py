"""What one decision through the API costs in queries, counted as a client with a token
sends it: who asks and what they may see, the checks, the writes, the response."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

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


@pytest.mark.parametrize(("year", "regulation"), [(2021, "qd132"), (2025, "qd366")])
def test_a_decision_about_a_member_costs_at_most_ten_queries(year: int, regulation: str) -> None:
    office = token_client("vanphong")
    cycle = office.post("/api/v1/cycles/", {"organization": ORG, "year": year}, format="json")
    assert cycle.status_code == 201, cycle.json()
    assert cycle.json()["profile_id"] == regulation
    listed = {
        kind: office.get(
            "/api/v1/evaluations/",
            {"cycle": cycle.json()["id"], "organization": TCCB, "subject_kind": kind},
        ).json()["results"]
        for kind in ("organization", "member")
    }
    # Under qd366 good or better needs a score (Điều 11), which these members have not given.
    outcome = "completed" if regulation == "qd366" else "good"
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
        for other in ordinary[:-1]:
            url = f"/api/v1/evaluations/{other['id']}/decision/"
            assert office.post(url, body, format="json").status_code == 201

    with CaptureQueriesContext(connection) as ctx:
        done = office.post(f"/api/v1/evaluations/{member['id']}/decision/", body, format="json")

    assert done.status_code == 201, done.json()
    statements = [
        q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)
    ]
    # The token with the user's grants and member record; the access check before the body;
    # the cycle and the evaluation locked with the facts the rules read; the current
    # assessments; the quota's decisions; the decision, the results tally, the audit event and
    # the page cache's change record.
    assert len(statements) <= 10, "\n".join(statements)
    assert len(ctx.captured_queries) <= len(statements) + 2  # one transaction, no savepoint
    # The answer built from what was written is what a client reads afterwards.
    assert done.json() == office.get(f"/api/v1/evaluations/{member['id']}/").json()
    assert done.json()["decision"]["level"] == body["outcome"]
