"""In a real browser: closing a cycle with undecided subjects asks for confirmation; the office
reopens it with a reason, which the cycle's history shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tongket.audit.models import AuditEvent
from tongket.evaluation import services
from tongket.evaluation.models import Cycle, CycleStatus


@pytest.mark.browser
def test_office_closes_with_confirmation_and_reopens_with_a_reason(
    login: Callable[[str], Any],
) -> None:
    cycle = services.open_cycle(actor=None, organization_code="QT.KCQDN.SGDDT", year=2021)
    page = login("vanphong")
    page.goto(f"/evaluation/ky/{cycle.pk}/")
    page.get_by_role("button", name="Đóng kỳ").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Đóng kỳ đánh giá?").is_visible()
    assert "chưa có quyết định xếp loại" in page.locator(".alert-warning").inner_text()
    assert page.locator("[data-testid=undecided-cells] tbody tr").count() >= 7
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.OPEN
    page.get_by_role("button", name="Xác nhận đóng kỳ").click()
    page.wait_for_url(f"**/evaluation/ky/{cycle.pk}/")
    assert "Đã kết thúc kỳ đánh giá." in page.content()
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.CLOSED

    page.fill("textarea[name=reason]", "Bổ sung quyết định của Chi bộ Thanh tra")
    page.get_by_role("button", name="Mở lại kỳ").click()
    page.wait_for_url(f"**/evaluation/ky/{cycle.pk}/")
    assert "Đã mở lại kỳ đánh giá." in page.content()
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.OPEN
    page.locator("[data-testid=cycle-history] summary").click()
    history = page.locator("[data-testid=cycle-history]").inner_text()
    assert "Mở lại kỳ (vanphong): Bổ sung quyết định của Chi bộ Thanh tra" in history
    reopened = AuditEvent.objects.get(action="evaluation.cycle.reopen", object_id=str(cycle.pk))
    assert (reopened.after or {})["reason"] == "Bổ sung quyết định của Chi bộ Thanh tra"
    closed = AuditEvent.objects.get(action="evaluation.cycle.close", object_id=str(cycle.pk))
    assert (closed.after or {})["undecided"] > 0
