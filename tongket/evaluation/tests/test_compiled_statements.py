"""The decision's statements are compiled once per scope shape (`core.statements`): a user whose
scope has the same shape as the one who compiled them still sees only their own subtrees."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tongket.accounts.scope import scope_for
from tongket.core.errors import NotFound
from tongket.evaluation import selectors, services
from tongket.evaluation.models import Decision
from tongket.evaluation.selectors import parse_outcome

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"


def test_the_same_compiled_lock_binds_each_users_own_paths(
    api_for: Any, outsider_api: Any, outsider: Any, user_named: Any
) -> None:
    office_user = user_named("vanphong")
    # The outsider (an office of a sibling department) has a scope of the same shape as the
    # demo's office: one subtree read, no member record; so both run the same statements.
    assert selectors.scope_shape(scope_for(outsider)) == selectors.scope_shape(
        scope_for(office_user)
    )
    office = api_for("vanphong")
    cycle = office.post("/api/v1/cycles/", {"organization": ORG, "year": 2021}, format="json")
    assert cycle.status_code == 201, cycle.json()
    rows = office.get(
        "/api/v1/evaluations/", {"cycle": cycle.json()["id"], "subject_kind": "member"}
    ).json()["results"]
    first, second = rows[0]["id"], rows[1]["id"]
    body = {"outcome": "good", "number": "15-QĐ/ĐU", "date": "2021-12-20"}
    assert office.post(
        f"/api/v1/evaluations/{first}/decision/", body, format="json"
    ).status_code == (201)

    # Run by the outsider after the office: not found, through the API and the service alike.
    assert outsider_api.get(f"/api/v1/evaluations/{second}/").status_code == 404
    refused = outsider_api.post(f"/api/v1/evaluations/{second}/decision/", body, format="json")
    assert refused.status_code == 404
    with pytest.raises(NotFound):
        services.decide(
            actor=outsider,
            evaluation_id=second,
            outcome=parse_outcome("good"),
            number="15-QĐ/ĐU",
            date=dt.date(2021, 12, 20),
        )
    assert not Decision.objects.filter(evaluation_id=second).exists()

    # And the office after the outsider still decides in its own subtree.
    done = office.post(f"/api/v1/evaluations/{second}/decision/", body, format="json")
    assert done.status_code == 201, done.json()
    assert done.json()["decision"]["level"] == "good"
    assert office.get(f"/api/v1/evaluations/{second}/").json() == done.json()


def test_the_same_compiled_quota_read_counts_each_cycles_own_decisions(api_for: Any) -> None:
    # qd132: at most 20 % (rounded down) of those rated good or better may be excellent, per
    # cycle. The quota's read is compiled by the decisions of the first cycle; the second
    # cycle's, with none of its own yet, must count none of the first's.
    office = api_for("vanphong")

    def members_of(year: int) -> list[int]:
        cycle = office.post("/api/v1/cycles/", {"organization": ORG, "year": year}, format="json")
        assert cycle.status_code == 201, cycle.json()
        rows = office.get(
            "/api/v1/evaluations/", {"cycle": cycle.json()["id"], "subject_kind": "member"}
        ).json()["results"]
        return [row["id"] for row in rows]

    def decide(ev: int, outcome: str, year: int) -> Any:
        body = {"outcome": outcome, "number": "15-QĐ/ĐU", "date": f"{year}-12-20"}
        return office.post(f"/api/v1/evaluations/{ev}/decision/", body, format="json")

    first = members_of(2019)
    for ev in first[:5]:
        assert decide(ev, "good", 2019).status_code == 201
    assert decide(first[5], "excellent", 2019).status_code == 201  # 1 of 6: within 20 %

    refused = decide(members_of(2021)[0], "excellent", 2021)
    assert refused.status_code == 400, refused.json()
    assert refused.json()["error"]["rule"] == "qd132.quota.member.excellent"
