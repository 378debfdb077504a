"""Office and superior screens: opening and closing a cycle, recording facts, the superior's
cancellation and reclassification; each goes through its service, refusals shown with the rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tongket.evaluation import services
from tongket.evaluation.domain import Level
from tongket.evaluation.models import (
    Cycle,
    CycleStatus,
    Decision,
    DecisionKind,
    DecisionStatus,
    Evaluation,
    SubjectKind,
)
from tongket.evaluation.tests.members import cycle_members
from tongket.evaluation.tests.office import ORG, facts_data, open_cycle, reclassify

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 1, 10)
ClientFor = Callable[[str], Client]


def first_member(cycle: Cycle, cell: str) -> Evaluation:
    return cycle_members(cycle, unit__code=f"{ORG}.{cell}").order_by("member__card_number")[0]


def decide(ev: Evaluation, level: Level = Level.GOOD) -> Decision:
    return services.decide(
        actor=None, evaluation_id=ev.pk, outcome=level, number="1-QĐ/ĐU", date=DAY
    )


def test_office_opens_a_cycle_through_the_page(client_for: ClientFor):
    client = client_for("vanphong")
    page = client.get(reverse("evaluation:cycle_open"))
    assert page.status_code == 200
    assert "Mở kỳ đánh giá" in page.content.decode()
    answer = client.post(reverse("evaluation:cycle_open"), {"organization": ORG, "year": "2021"})
    cycle = Cycle.objects.get(organization__code=ORG, year=2021, quarter__isnull=True)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("evaluation:cycle", args=[cycle.pk])
    assert cycle.profile_id == "qd132"
    assert cycle.evaluations.count() == 57


def test_opening_a_quarter_under_qd132_is_refused_with_its_rule_and_writes_nothing(
    client_for: ClientFor,
):
    page = client_for("vanphong").post(
        reverse("evaluation:cycle_open"), {"organization": ORG, "year": "2021", "quarter": "2"}
    )
    text = page.content.decode()
    assert page.status_code == 422
    assert "qd132.period.not_allowed" in text
    assert 'class="field field-invalid"' in text
    assert not Cycle.objects.filter(organization__code=ORG, year=2021).exists()


def test_a_cell_secretary_may_not_open_a_cycle(client_for: ClientFor):
    assert client_for("bithu").get(reverse("evaluation:cycle_open")).status_code == 403
    answer = client_for("bithu").post(
        reverse("evaluation:cycle_open"), {"organization": ORG, "year": "2021"}
    )
    assert answer.status_code == 403
    assert not Cycle.objects.filter(organization__code=ORG, year=2021).exists()


def test_the_index_links_the_office_to_the_open_cycle_page(client_for: ClientFor):
    url = reverse("evaluation:cycle_open")
    assert url in client_for("vanphong").get(reverse("evaluation:index")).content.decode()
    assert url not in client_for("bithu").get(reverse("evaluation:index")).content.decode()


def test_office_closes_a_cycle_from_its_page_and_a_reader_may_not(client_for: ClientFor):
    cycle = open_cycle(2021)
    close = reverse("evaluation:cycle_close", args=[cycle.pk])
    assert (
        close
        in client_for("vanphong").get(reverse("evaluation:cycle", args=[cycle.pk])).content.decode()
    )
    assert client_for("khoi").post(close).status_code == 403
    assert client_for("bithu2").post(close).status_code == 404
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN
    # Every subject is still undecided: the page lists them and asks for confirmation.
    asked = client_for("vanphong").post(close)
    assert asked.status_code == 200
    assert "Xác nhận đóng kỳ" in asked.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN
    assert client_for("vanphong").post(close, {"confirm": "1"}).status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.CLOSED


def test_office_records_facts_through_the_page(client_for: ClientFor):
    ev = first_member(open_cycle(2021), "TCCB")
    client = client_for("vanphong")
    url = reverse("evaluation:facts", args=[ev.pk])
    assert url in client.get(reverse("evaluation:evaluation", args=[ev.pk])).content.decode()
    assert client.get(url).status_code == 200
    answer = client.post(
        url,
        facts_data(disciplined="on", civil_service_level="good", sick_leave_months="2.5"),
    )
    assert answer.status_code == 302
    ev.refresh_from_db()
    assert ev.disciplined is True
    assert ev.civil_service_level == "good"
    assert str(ev.sick_leave_months) == "2.5"
    assert ev.version == 2


def test_recording_facts_of_a_decided_evaluation_is_refused_and_writes_nothing(
    client_for: ClientFor,
):
    ev = first_member(open_cycle(2021), "TCCB")
    decide(ev)
    page = client_for("vanphong").post(
        reverse("evaluation:facts", args=[ev.pk]), facts_data(disciplined="on")
    )
    assert page.status_code == 422
    assert "evaluation.already_decided" in page.content.decode()
    ev.refresh_from_db()
    assert ev.disciplined is False
    assert ev.version == 1


def test_facts_page_is_the_office_s_only(client_for: ClientFor):
    ev = first_member(open_cycle(2021), "TCCB")
    url = reverse("evaluation:facts", args=[ev.pk])
    assert client_for("bithu").get(url).status_code == 403
    assert client_for("khoi").post(url, facts_data(disciplined="on")).status_code == 403
    assert client_for("bithu2").get(url).status_code == 404
    ev.refresh_from_db()
    assert ev.disciplined is False


def test_reclassification_under_qd132_is_refused_with_its_rule(client_for: ClientFor):
    ev = first_member(open_cycle(2021), "TCCB")
    old = decide(ev)
    client = client_for("quantri")
    url = reverse("evaluation:reclassify", args=[ev.pk])
    assert url in client.get(reverse("evaluation:evaluation", args=[ev.pk])).content.decode()
    page = reclassify(client, ev.pk, "9-QĐ/ĐUK", "10/01/2022", "Sai")
    assert page.status_code == 422
    assert "qd132.reclassification.not_provided" in page.content.decode()
    old.refresh_from_db()
    assert old.status == DecisionStatus.CURRENT
    assert ev.decisions.count() == 1


def test_superior_cancels_and_reclassifies_under_qd124_through_the_page(client_for: ClientFor):
    cycle = open_cycle(2023)
    decide(Evaluation.objects.get(cycle=cycle, organization__code=f"{ORG}.TTR"))
    ev = first_member(cycle, "TTR")
    old = decide(ev)
    reason = "Kiểm tra phát hiện chưa đủ điều kiện."
    answer = reclassify(client_for("quantri"), ev.pk, "15-QĐ/ĐUK", "10/01/2024", reason)
    assert answer.status_code == 302
    old.refresh_from_db()
    assert old.status == DecisionStatus.CANCELLED
    new = Decision.objects.get(evaluation=ev, status=DecisionStatus.CURRENT)
    assert new.kind == DecisionKind.RECLASSIFICATION
    assert new.deciding_body.code == "QT.KCQDN"


def test_the_deciding_office_may_not_reclassify_its_own_decision(client_for: ClientFor):
    ev = first_member(open_cycle(2021), "TCCB")
    decide(ev)
    url = reverse("evaluation:reclassify", args=[ev.pk])
    assert (
        url
        not in client_for("vanphong")
        .get(reverse("evaluation:evaluation", args=[ev.pk]))
        .content.decode()
    )
    assert client_for("vanphong").get(url).status_code == 403
    assert client_for("bithu2").get(url).status_code == 404


def test_office_corrects_a_decision_with_a_reason_on_the_evaluation_page(client_for: ClientFor):
    ev = first_member(open_cycle(2021), "TCCB")
    old = decide(ev)
    client = client_for("vanphong")
    url = reverse("evaluation:evaluation", args=[ev.pk])
    assert "Điều chỉnh quyết định" in client.get(url).content.decode()
    data = {
        "action": "decision",
        "decision-outcome": "completed",
        "decision-number": "2-QĐ/ĐU",
        "decision-date": "11/01/2024",
    }
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert "evaluation.decision.reason_required" in refused.content.decode()
    assert client.post(url, data | {"decision-reason": "Nhầm mức."}).status_code == 302
    old.refresh_from_db()
    assert old.status == DecisionStatus.SUPERSEDED


def _tccb_2021(client: Client) -> tuple[Cycle, list[Evaluation]]:
    client.post(reverse("evaluation:cycle_open"), {"organization": ORG, "year": "2021"})
    cycle = Cycle.objects.get(organization__code=ORG, year=2021, quarter__isnull=True)
    evs = list(
        Evaluation.objects.filter(
            cycle=cycle, subject_kind=SubjectKind.MEMBER, unit__code=f"{ORG}.TCCB"
        ).order_by("pk")
    )
    return cycle, evs


def test_the_cell_page_accepts_five_good_and_one_excellent_at_once(client_for: ClientFor):
    client = client_for("vanphong")
    cycle, evs = _tccb_2021(client)
    # The excellent one first: counted alone it would meet a cap of 0 («tối đa 0»).
    data = {"number": "7-QĐ/ĐU", "date": "2022-01-10", f"outcome_{evs[0].pk}": "excellent"}
    data |= {f"outcome_{ev.pk}": "good" for ev in evs[1:6]}
    url = reverse("evaluation:unit", args=[cycle.pk, f"{ORG}.TCCB"])
    check = client.post(
        reverse("evaluation:unit_check", args=[cycle.pk, f"{ORG}.TCCB"]),
        data,
        HTTP_HX_REQUEST="true",
    )
    assert "quota" not in check.content.decode()
    page = client.post(url, data)
    assert page.status_code == 302
    levels = dict(
        Decision.objects.filter(evaluation__cycle=cycle).values_list("evaluation_id", "level")
    )
    assert levels == {evs[0].pk: "excellent"} | {ev.pk: "good" for ev in evs[1:6]}


def test_the_cell_page_refuses_at_once_a_batch_over_the_quota_and_writes_nothing(
    client_for: ClientFor,
):
    client = client_for("vanphong")
    cycle, evs = _tccb_2021(client)
    data = {"number": "7-QĐ/ĐU", "date": "2022-01-10"}
    data |= {f"outcome_{ev.pk}": "excellent" for ev in evs[:2]}
    data |= {f"outcome_{ev.pk}": "good" for ev in evs[2:7]}
    url = reverse("evaluation:unit", args=[cycle.pk, f"{ORG}.TCCB"])
    page = client.post(url, data)
    text = page.content.decode()
    assert page.status_code == 422
    assert "qd132.quota.member.excellent" in text
    assert "tối đa 1" in text
    assert not Decision.objects.filter(evaluation__cycle=cycle).exists()
