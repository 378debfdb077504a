"""The Điều 11.4 facts through the web form and the REST API, with the same checks and audit,
and the decision they lead to (366-QĐ/TW, Điều 11, khoản 4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongket.audit.models import AuditEvent
from tongket.evaluation.models import Evaluation
from tongket.evaluation.tests.office import facts_data, member_2026

pytestmark = pytest.mark.django_db

ApiFor = Callable[[str], Any]


def post(api: Any, ev_id: int, step: str, body: dict[str, Any]) -> Any:
    return api.post(f"/api/v1/evaluations/{ev_id}/{step}/", body, format="json")


def decide(api: Any, ev_id: int, outcome: str, **extra: str) -> Any:
    body = {"outcome": outcome, "number": "40-QĐ/ĐU", "date": "2026-12-20", **extra}
    return post(api, ev_id, "decision", body)


def test_a_breach_of_the_prohibitions_recorded_through_the_api_makes_the_member_not_completed(
    api_for: ApiFor,
):
    api = api_for("vanphong")
    ev = member_2026(api)
    answer = post(api, ev["id"], "facts", {"prohibitions_breached": True})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["facts"]["prohibitions_breached"] is True
    refused = decide(api, ev["id"], "completed")
    assert refused.status_code == 400, refused.json()
    rules = [f["rule"] for f in refused.json()["error"]["findings"]]
    assert "qd366.not_completed.member.prohibitions" in rules
    assert decide(api, ev["id"], "not_completed").status_code == 201


def test_discipline_with_its_form_date_and_place_goes_through_the_api_and_is_audited(
    api_for: ApiFor,
):
    api = api_for("vanphong")
    ev = member_2026(api)
    body = {
        "disciplined": True,
        "discipline_form": "reprimand",
        "discipline_date": "2026-03-02",
        "discipline_unit": "QT.KCQDN.SNV",
        "discipline_duty_related": True,
    }
    answer = post(api, ev["id"], "facts", body)
    assert answer.status_code == 200, answer.json()
    facts = answer.json()["facts"]
    assert (facts["discipline_form"], facts["discipline_unit"]) == ("reprimand", "QT.KCQDN.SNV")
    event = AuditEvent.objects.filter(
        action="evaluation.facts.record", object_id=str(ev["id"])
    ).latest("id")
    assert (event.after or {})["discipline_form"] == "reprimand"
    # committed in the old unit: it counts there, so it does not make the member not_completed
    preview = decide(api, ev["id"], "completed")
    rules = [f["rule"] for f in preview.json().get("error", {}).get("findings", [])]
    assert "qd366.not_completed.member.disciplined" not in rules


def test_more_low_confidence_votes_than_votes_is_refused_naming_the_rule_and_writes_nothing(
    api_for: ApiFor,
):
    api = api_for("vanphong")
    ev = member_2026(api)
    bad = post(api, ev["id"], "facts", {"confidence_votes": 10, "low_confidence_votes": 11})
    assert bad.status_code == 400
    assert bad.json()["error"]["rule"] == "evaluation.facts.invalid"
    assert "phiếu tín nhiệm" in bad.json()["error"]["message"]
    assert Evaluation.objects.get(pk=ev["id"]).low_confidence_votes is None


def test_self_remedied_discipline_needs_the_justification_recorded_on_the_facts_page(
    api_for: ApiFor, client_for: Callable[[str], Client]
):
    ev = member_2026(api_for("vanphong"))
    client = client_for("vanphong")
    url = reverse("evaluation:facts", args=[ev["id"]])
    form = facts_data(
        disciplined="on",
        discipline_self_remedied="on",
        discipline_duty_related="on",
        discipline_form="reprimand",
        discipline_date="04/05/2026",
    )
    assert client.post(url, form).status_code == 302
    stored = Evaluation.objects.get(pk=ev["id"])
    assert (stored.discipline_form, str(stored.discipline_date)) == ("reprimand", "2026-05-04")
    api = api_for("vanphong")
    refused = decide(api, ev["id"], "completed")
    rules = [f["rule"] for f in refused.json()["error"]["findings"]]
    assert "qd366.not_completed.excuse.justification_missing" in rules
    form["competent_justification"] = "Tự phát hiện, khắc phục ngay trong quý II"
    assert client.post(url, form).status_code == 302
    answer = decide(api, ev["id"], "completed")
    rules = [f["rule"] for f in answer.json().get("error", {}).get("findings", [])]
    assert "qd366.not_completed.excuse.justification_missing" not in rules
