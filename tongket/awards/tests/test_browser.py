"""In a real browser: the office opens the 2020 award register from the menu, sees the 10 Giấy
khen, and another cell's secretary gets 404 on it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tongket.core.demo import DEMO_ORG

ARTIFACTS = Path("test-artifacts")


@pytest.mark.browser
def test_the_office_opens_the_2020_register_and_an_outsider_gets_404(
    login: Callable[[str], Any],
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = login("vanphong")
    page.get_by_role("link", name="Khen thưởng", exact=True).first.click()
    page.wait_for_url("**/awards/")
    page.get_by_role("link", name="Đảng bộ Sở Giáo dục và Đào tạo").click()
    page.wait_for_url(f"**/awards/org/{DEMO_ORG}/")
    assert page.get_by_test_id("award-count").inner_text() == "13"
    section = page.get_by_role(
        "region", name="Giấy khen của Đảng ủy cơ sở tặng đảng viên hoàn thành xuất sắc nhiệm vụ"
    )
    assert section.locator("tbody tr").count() == 10
    assert page.get_by_text("Tỉnh ủy Quảng Trị").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "awards-register-vanphong.png"), full_page=True)

    page.context.clear_cookies()
    outsider = login("bithu2")
    response = outsider.goto(f"/awards/org/{DEMO_ORG}/")
    assert response is not None
    assert response.status == 404
