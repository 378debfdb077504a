"""The ranking page and a score sheet in a real browser (CSP on, no inline styles or scripts)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tongket.scoring.models import ScoreSheet

pytestmark = pytest.mark.browser


def sign_in(page, live_server, user_named, username: str) -> None:
    """Log in through a session cookie, so the test depends on no other app's login form."""
    client = Client()
    client.force_login(user_named(username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_the_ranking_page_and_the_departments_score_sheet_render(
    browser_page, live_server, user_named
):
    page = browser_page
    sign_in(page, live_server, user_named, "vanphong")
    sheet = ScoreSheet.objects.get(unit__code="UBND.QT.SGDDT", frame__code="QT-HTNV-SBN-2020")
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )

    page.goto(f"/scoring/ranking/{sheet.peer_group_id}/")
    assert page.locator("svg.ranking-chart rect").count() == 20
    first = page.locator("table.ranking-table tbody tr").first
    assert "Sở Giáo dục và Đào tạo Quảng Trị" in first.inner_text()
    assert "326,7" in first.inner_text()
    bar = page.locator("svg.ranking-chart rect").first.bounding_box()
    assert bar is not None
    assert bar["width"] > 100

    page.click("table.ranking-table >> text=Sở Giáo dục và Đào tạo Quảng Trị")
    page.wait_for_url(f"**/scoring/sheet/{sheet.pk}/")
    assert page.locator("#appraised-total").inner_text() == "326,7/350"
    assert page.locator("tr[data-differs=true] mark").count() >= 3
    assert violations == []
