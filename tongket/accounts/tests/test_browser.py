"""In a real browser: an office administrator turns on TOTP, then signs in with password and
code; a wrong code keeps the door shut."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from tongket.accounts import totp
from tongket.accounts.demo import DEMO_ACCOUNTS

PASSWORDS = {a.username: a.password for a in DEMO_ACCOUNTS}


def _code(secret: str, steps: int = 0) -> str:
    return totp.totp(totp.secret_bytes(secret), time.time() + steps * totp.STEP_SECONDS)


@pytest.mark.browser
def test_office_admin_enrols_and_signs_in_with_a_totp_code(
    login: Callable[[str], Any], browser_page: Any
) -> None:
    page = login("vanphong")
    page.goto("/accounts/two-factor/")
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    assert secret
    assert page.locator("#totp-uri").inner_text().startswith("otpauth://totp/")
    page.fill("input[name=code]", _code(secret))
    page.get_by_role("button", name="Xác nhận và bật").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Mã dự phòng").is_visible()
    assert page.locator(".recovery-codes li").count() == totp.RECOVERY_CODE_COUNT

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "vanphong")
    page.fill("input[name=password]", PASSWORDS["vanphong"])
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/login/code/")
    assert page.get_by_role("heading", level=1).inner_text() == "Xác thực hai lớp"

    page.fill("input[name=code]", "000000" if _code(secret, 1) != "000000" else "111111")
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_load_state()
    assert "Mã xác thực không đúng hoặc đã được dùng." in page.content()
    assert page.url.endswith("/accounts/login/code/")

    # The step used at enrolment is spent: the next step's code opens the session.
    page.fill("input[name=code]", _code(secret, 1))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
