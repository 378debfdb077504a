"""The decision page: a sealed award decision, its corrections, and the correcting form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tongket.audit.models import AuditEvent
from tongket.awards import domain, services
from tongket.awards.models import AwardDecision
from tongket.core.demo import DEMO_ORG

pytestmark = pytest.mark.django_db

TCCB = f"{DEMO_ORG}.TCCB"
ClientFor = Callable[[str], Client]


def _decision() -> AwardDecision:
    """The department's decision commending the TCCB cell."""
    award = services.record_award(
        actor=None,
        data=services.RecordInput(
            form_code=domain.PARTY_BLOC_COLLECTIVE_THEMATIC,
            issuer_code=DEMO_ORG,
            year=2020,
            achievement="trong công tác đính chính quyết định năm 2020",
            organization_code=TCCB,
            decision=services.DecisionInput(
                number="7-QĐ/ĐU", date=dt.date(2021, 1, 5), signer_title="Bí thư"
            ),
        ),
    )
    return award.decision


def _office_on_decision_page(client_for: ClientFor) -> tuple[AwardDecision, Client, str]:
    """The department's decision, the office's client and the decision's page."""
    decision = _decision()
    return decision, client_for("vanphong"), reverse("awards:decision", args=[decision.pk])


def _correction(**changes: str) -> dict[str, str]:
    data = {
        "reason": "Ghi nhầm số quyết định",
        "number": "8-QĐ/ĐU",
        "date": "06/01/2021",
        "issuer_name": "",
        "signer_on_behalf": "T/M Đảng ủy",
        "signer_title": "Bí thư",
        "signer_name": "",
    }
    data.update(changes)
    return data


def test_the_award_table_links_each_award_to_its_decision_page(client_for: ClientFor) -> None:
    decision = _decision()
    page = client_for("vanphong").get(reverse("awards:organization", args=[TCCB]) + "?year=2020")
    assert reverse("awards:decision", args=[decision.pk]) in page.content.decode()


def test_a_correction_supersedes_the_decision_and_the_old_one_stays_visible(
    client_for: ClientFor,
) -> None:
    old, client, url = _office_on_decision_page(client_for)
    assert "Đính chính quyết định" in client.get(url).content.decode()
    response = client.post(url, _correction())
    new = AwardDecision.objects.get(supersedes=old)
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:decision", args=[new.pk])
    assert (new.number, new.date, new.correction_reason) == (
        "8-QĐ/ĐU",
        dt.date(2021, 1, 6),
        "Ghi nhầm số quyết định",
    )
    assert new.signer_on_behalf == "T/M Đảng ủy"
    assert AuditEvent.objects.filter(action="awards.decision.correct", object_id=new.pk).exists()
    # The old decision's page says it was superseded and offers no more correction.
    old_page = client.get(url)
    body = old_page.content.decode()
    assert 'data-testid="superseded-notice"' in body
    assert "Đã bị thay thế" in body
    assert "8-QĐ/ĐU" in body
    assert not old_page.context["can_correct"]
    # The new one lists both, with the reason, and the award now shows the corrected number.
    new_body = client.get(response["Location"]).content.decode()
    assert "7-QĐ/ĐU" in new_body
    assert "Ghi nhầm số quyết định" in new_body
    assert "Đang có hiệu lực" in new_body


def test_a_refused_correction_shows_the_message_and_rule_and_writes_nothing(
    client_for: ClientFor,
) -> None:
    old, client, url = _office_on_decision_page(client_for)
    events = AuditEvent.objects.count()
    response = client.post(url, _correction(date="31/12/2019"))
    assert response.status_code == 400
    errors = response.context["form"].errors["date"]
    assert "không thể ban hành trước năm đó" in errors[0]
    assert "(mã quy tắc: " in errors[0]  # the office reads the rule id after the message
    blank = client.post(url, _correction(reason="   "))
    assert blank.status_code == 400
    assert "lý do đính chính" in blank.context["form"].errors["reason"][0]
    assert not AwardDecision.objects.filter(supersedes=old).exists()
    assert AuditEvent.objects.count() == events


def test_a_superseded_decision_cannot_be_corrected_again(client_for: ClientFor) -> None:
    old = _decision()
    services.correct_decision(
        actor=None,
        decision_id=old.pk,
        reason="Sai ngày",
        corrected=services.DecisionInput(
            number="9-QĐ/ĐU", date=dt.date(2021, 1, 7), signer_title="Bí thư"
        ),
    )
    response = client_for("vanphong").post(reverse("awards:decision", args=[old.pk]), _correction())
    assert response.status_code == 400
    assert "đã được thay thế" in response.content.decode()
    assert AwardDecision.objects.filter(original_id=old.pk).count() == 1


def test_the_decision_page_is_hidden_from_outsiders_and_forbidden_to_readers(
    client_for: ClientFor,
) -> None:
    old = _decision()
    url = reverse("awards:decision", args=[old.pk])
    assert client_for("bithu2").get(url).status_code == 404
    assert client_for("bithu2").post(url, _correction()).status_code == 404
    reader = client_for("khoi")
    page = reader.get(url)
    assert page.status_code == 200
    assert not page.context["can_correct"]
    assert "Ghi quyết định đính chính" not in page.content.decode()
    assert reader.post(url, _correction()).status_code == 403
    assert not AwardDecision.objects.filter(supersedes=old).exists()
