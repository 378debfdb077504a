"""In a real browser: a member from self-assessment to decision; a refused decision's reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tongket.evaluation.models import Cycle, Evaluation
from tongket.evaluation.tests.order import decide_ordinary_members
from tongket.evaluation.tests.points import points_worth
from tongket.people.models import PartyRole, PartyRoleKind

ORG = "QT.KCQDN.SGDDT"


def decide_good_on_the_page(page: Any, ev: Evaluation, number: str) -> None:
    """The office decides `ev` «good» on its page by decision `number` of 15/01/2027."""
    page.goto(f"/evaluation/danh-gia/{ev.pk}/")
    page.select_option("select[name=decision-outcome]", "good")
    page.fill("input[name=decision-number]", number)
    page.fill("input[name=decision-date]", "2027-01-15")
    page.get_by_role("button", name="Ban hành quyết định").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã ban hành quyết định.").is_visible()


@pytest.mark.browser
def test_member_self_assesses_the_office_decides_member_then_cell_and_member_sees_result(
    browser_page: Any, login: Callable[..., Any], user_named: Callable[[str], Any]
):
    page = browser_page
    cycle = Cycle.objects.get(organization__code=ORG, year=2026)
    ev = Evaluation.objects.select_related("unit").get(
        cycle=cycle, member=user_named("dangvien").member
    )
    cell = Evaluation.objects.get(cycle=cycle, organization=ev.unit)

    # 1. The member fills in their own self-assessment on the 100-point frame.
    login("dangvien")
    page.goto("/evaluation/")
    page.get_by_role("link", name="năm 2026").click()
    for code, value in points_worth(ev, "0.8").items():  # the frame ev is scored on
        page.fill(f'input[name="points_{code}"]', value)
    page.select_option("select[name=level]", "good")
    page.fill("textarea[name=comment]", "Hoàn thành tốt nhiệm vụ được giao.")
    page.get_by_role("button", name="Gửi bản tự đánh giá").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã gửi bản tự đánh giá.").is_visible()

    # 2. The office decides the member before the cell: Điều 12 rates members before their
    #    Party organization (only the cell's committee members wait for the cell).
    page.context.clear_cookies()
    login("vanphong")
    decide_good_on_the_page(page, ev, "7-QĐ/ĐU")

    # 3. Then the cell, once its other ordinary members are decided too.
    assert ev.unit is not None
    decide_ordinary_members(cycle, ev.unit.code)
    decide_good_on_the_page(page, cell, "6-QĐ/ĐU")

    # 4. The member sees the result.
    page.context.clear_cookies()
    login("dangvien")
    page.goto(f"/evaluation/danh-gia/{ev.pk}/")
    result = page.locator("#ket-qua")
    assert "Hoàn thành tốt nhiệm vụ" in result.inner_text()
    assert "Quyết định số 7-QĐ/ĐU ngày 15/01/2027" in result.inner_text()


def _decide_on_page(page: Any, evaluation_id: int, outcome: str, number: str) -> None:
    page.goto(f"/evaluation/danh-gia/{evaluation_id}/")
    page.select_option("select[name=decision-outcome]", outcome)
    page.fill("input[name=decision-number]", number)
    page.fill("input[name=decision-date]", "2026-12-20")
    page.get_by_role("button", name="Ban hành quyết định").click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_the_office_deciding_a_secretary_before_the_cell_sees_the_refusal_with_article_12(
    browser_page: Any, login: Callable[..., Any]
):
    page = browser_page
    cycle = Cycle.objects.get(organization__code=ORG, year=2026)
    cell_code = f"{ORG}.KHTC"
    secretary = PartyRole.objects.get(
        organization__code=cell_code, role=PartyRoleKind.SECRETARY
    ).member
    ev = Evaluation.objects.get(cycle=cycle, member=secretary)
    cell = Evaluation.objects.get(cycle=cycle, organization__code=cell_code)
    login("vanphong")

    # 1. The secretary first: refused, naming the article and the cell still undecided.
    _decide_on_page(page, ev.pk, "good", "21-QĐ/ĐU")
    assert page.get_by_text("qd366.order.head_after_unit").is_visible()
    body = page.locator("main").inner_text()
    assert "Điều 12 quy định xếp loại tập thể trước, người đứng đầu sau" in body
    assert cell_code in body
    assert "Đã ban hành quyết định." not in body

    # 2. The cell is refused while its ordinary members are undecided (Điều 12: members before
    #    the Party organization); once they are, it is rated good; then the secretary cannot be
    #    excellent (Điều 11); completed is fine (good or better would also need the
    #    secretary's own score, Điều 11).
    _decide_on_page(page, cell.pk, "good", "20-QĐ/ĐU")
    assert page.get_by_text("qd366.order.members_first").is_visible()
    assert "Điều 12 quy định xếp loại đảng viên trước, tổ chức đảng sau" in (
        page.locator("main").inner_text()
    )
    decide_ordinary_members(cycle, cell_code)
    _decide_on_page(page, cell.pk, "good", "20-QĐ/ĐU")
    assert page.get_by_text("Đã ban hành quyết định.").is_visible()
    _decide_on_page(page, ev.pk, "excellent", "21-QĐ/ĐU")
    assert page.get_by_text("qd366.member.excellent.leader_unit").is_visible()
    assert "Điều 11" in page.locator("main").inner_text()
    _decide_on_page(page, ev.pk, "completed", "21-QĐ/ĐU")
    assert page.get_by_text("Đã ban hành quyết định.").is_visible()
