"""In a real browser: the office opens the 2026 draft list for the Giấy khen for 5 years running
from its awards page and reads the member's five years, each with its decision and regulation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tongket.core.demo import DEMO_ORG


@pytest.mark.browser
def test_the_office_reads_the_five_year_member_on_the_draft_list(
    login: Callable[[str], Any],
) -> None:
    page = login("vanphong")
    page.goto(f"/awards/org/{DEMO_ORG}/?year=2026")
    page.get_by_role("link", name="5 năm liền").first.click()
    page.wait_for_url("**/awards/proposals/*/")
    row = page.locator("tr", has_text="Hà Thanh Thắng")
    text = " ".join(row.inner_text().split())
    assert "awards.party.level_excellent_consecutive" in text
    assert "5 năm liền 2022–2026" in text
    for year, rule in (
        (2022, "132-QĐ/TW"),
        (2023, "124-QĐ/TW"),
        (2024, "124-QĐ/TW"),
        (2025, "366-QĐ/TW"),
        (2026, "366-QĐ/TW"),
    ):
        assert f"{year} (Quyết định số" in text
        assert rule in text.split(f"{year} (Quyết định số", 1)[1].split(")", 1)[0]
