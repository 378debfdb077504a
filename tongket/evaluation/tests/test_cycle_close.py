"""Closing a cycle with undecided subjects needs the office's confirmation; the deciding body
reopens a closed cycle with a reason, audited and shown in the cycle's history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tongket.audit.models import AuditEvent
from tongket.core.errors import DomainError, NotFound
from tongket.evaluation import services
from tongket.evaluation.models import Cycle, CycleStatus, Evaluation

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"


def _open() -> Cycle:
    return services.open_cycle(actor=None, organization_code=ORG, year=2021)


def test_closing_with_undecided_subjects_is_refused_until_confirmed() -> None:
    cycle = _open()
    office = get_user_model().objects.get(username="vanphong")
    undecided = Evaluation.objects.filter(cycle=cycle).count()
    with pytest.raises(DomainError) as refused:
        services.close_cycle(actor=office, cycle_id=cycle.pk)
    assert refused.value.rule == "evaluation.cycle.undecided"
    assert f"Còn {undecided} đối tượng" in refused.value.message
    services.close_cycle(actor=office, cycle_id=cycle.pk, confirm_undecided=True)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.CLOSED
    event = AuditEvent.objects.get(action="evaluation.cycle.close", object_id=str(cycle.pk))
    assert event.after == {"status": "closed", "undecided": undecided}


def test_reopening_needs_the_deciding_body_and_a_reason_and_is_audited() -> None:
    cycle = _open()
    services.close_cycle(actor=None, cycle_id=cycle.pk, confirm_undecided=True)
    secretary = get_user_model().objects.get(username="bithu")
    with pytest.raises(NotFound):
        services.reopen_cycle(actor=secretary, cycle_id=cycle.pk, reason="Sai sót")
    with pytest.raises(DomainError) as no_reason:
        services.reopen_cycle(actor=None, cycle_id=cycle.pk, reason="  ")
    assert no_reason.value.rule == "evaluation.cycle.reopen_reason"
    office = get_user_model().objects.get(username="vanphong")
    services.reopen_cycle(actor=office, cycle_id=cycle.pk, reason="Bổ sung quyết định còn thiếu")
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN
    event = AuditEvent.objects.get(action="evaluation.cycle.reopen", object_id=str(cycle.pk))
    assert event.after == {"status": "open", "reason": "Bổ sung quyết định còn thiếu"}
    assert event.actor_label == "vanphong"


def test_the_confirmation_page_counts_undecided_per_tier_and_per_cell(
    client_for: Callable[[str], Client],
) -> None:
    cycle = _open()
    page = client_for("vanphong").post(reverse("evaluation:cycle_close", args=[cycle.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng" in body
    assert 'name="confirm" value="1"' in body
    members = Evaluation.objects.filter(cycle=cycle, subject_kind="member").count()
    assert f"<strong>{members}</strong>" in body


def test_the_history_shows_the_reopening_reason(client_for: Callable[[str], Client]) -> None:
    cycle = _open()
    office: Any = client_for("vanphong")
    office.post(reverse("evaluation:cycle_close", args=[cycle.pk]), {"confirm": "1"})
    office.post(reverse("evaluation:cycle_reopen", args=[cycle.pk]), {"reason": "Chấm lại"})
    page = office.get(reverse("evaluation:cycle", args=[cycle.pk])).content.decode()
    assert "Mở lại kỳ (vanphong): Chấm lại" in page
    assert "Đóng kỳ (vanphong)" in page
