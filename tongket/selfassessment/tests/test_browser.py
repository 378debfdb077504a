"""In a real browser at phone width: a member logs in, starts Mẫu 2B, types points and sees the
running total and the level they give, adds a task to the annex, submits, downloads the PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tongket.accounts import services as account_services
from tongket.core.demo import DEMO_ORG
from tongket.people.models import Member
from tongket.selfassessment.models import SelfAssessment

ARTIFACTS = Path("test-artifacts")
PASSWORD = "Dangvien2@2026-thu"
POINTS = {
    "1.1": "4",
    "1.2": "4",
    "2": "8",
    "3": "7",
    "4": "6",
    "5.1": "18",
    "5.2": "14",
    "5.3": "8",
    "6": "13",
    "7": "5",
}  # 29 + 58 = 87: good


@pytest.mark.browser
def test_a_member_fills_2b_on_a_phone_sees_the_total_submits_and_downloads_the_pdf(
    login: Callable[[str, str], Any], browser_page: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    member = (
        Member.objects.filter(
            organization__code=f"{DEMO_ORG}.KHTC", user__isnull=True, party_roles__isnull=True
        )
        .exclude(evaluations__self_form__isnull=False)
        .order_by("card_number")
        .first()
    )
    assert member is not None
    account_services.create_user(
        actor=None, username="dangvien2", password=PASSWORD, member_card=member.card_number
    )
    browser_page.set_viewport_size({"width": 390, "height": 844})
    page = login("dangvien2", PASSWORD)
    page.goto("/tu-kiem-diem/")
    page.get_by_role("link", name="năm 2026").first.click()
    page.get_by_role("button", name="Bắt đầu").click()
    page.wait_for_load_state()
    assert "Mẫu 2B" in page.get_by_role("heading", level=1).inner_text()

    page.fill("#f-strengths_politics", "Chấp hành nghiêm đường lối, chủ trương của Đảng.")
    page.fill("#f-strengths_duties", "Hoàn thành các nhiệm vụ được giao đúng tiến độ.")
    page.fill("#f-direction", "Tiếp tục học tập nâng cao trình độ.")
    for code, value in POINTS.items():
        page.fill(f'[id="p-{code}"]', value)
    assert page.locator("#total-general").inner_text() == "29"
    assert page.locator("#total-tasks").inner_text() == "58"
    assert page.locator("#total-all").inner_text() == "87"
    assert page.locator("#level-by-points").inner_text() == "Hoàn thành tốt nhiệm vụ"
    page.fill("#p-7", "10")  # 92: the level by points moves to excellent while typing
    assert page.locator("#level-by-points").inner_text() == "Hoàn thành xuất sắc nhiệm vụ"
    page.fill("#p-7", "5")
    page.fill("#t-title-0", "Tổng hợp báo cáo tài chính quý I")
    page.fill("#t-due-0", "2026-03-31")
    page.fill("#t-done-0", "2026-03-25")
    page.select_option("#f-level", "good")
    page.screenshot(path=str(ARTIFACTS / "selfassessment-2b-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no side-scrolling

    page.get_by_role("button", name="Gửi chi bộ").click()
    page.wait_for_load_state()
    assert page.locator("#form-status").inner_text() == "Đã gửi chi bộ"
    assert page.locator("#total-all").inner_text() == "87"
    assert page.get_by_role("button", name="Gửi chi bộ").count() == 0
    form = SelfAssessment.objects.get(evaluation__member=member, evaluation__cycle__year=2026)
    assert (form.status, form.proposed_level, form.entered_on_behalf) == (
        "submitted",
        "good",
        False,
    )

    with page.expect_download() as caught:
        page.click("#download-pdf")
    pdf = Path(caught.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
