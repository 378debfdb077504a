"""In a real browser: the cell secretary finds a member by a name typed without diacritics, and
another cell's member page answers 404."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tongket.core.demo import DEMO_ORG
from tongket.core.text import fold
from tongket.people.models import Member

ARTIFACTS = Path("test-artifacts")


@pytest.mark.browser
def test_cell_secretary_finds_a_member_without_diacritics_and_not_another_cells(
    login: Callable[[str], Any], user_named: Callable[[str], Any]
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    own = Member.objects.get(user=user_named("bithu"))
    wanted = (
        Member.objects.filter(organization__code=f"{DEMO_ORG}.TCCB")
        .exclude(pk=own.pk)
        .order_by("card_number")
        .first()
    )
    outsider = (
        Member.objects.filter(organization__code=f"{DEMO_ORG}.TTR").order_by("card_number").first()
    )
    assert wanted is not None
    assert outsider is not None
    typed = fold(wanted.full_name)
    assert typed != wanted.full_name.lower()  # the name really carries diacritics

    page = login("bithu")
    assert page.url.endswith("/")
    page.screenshot(path=str(ARTIFACTS / "people-home-bithu.png"), full_page=True)

    page.get_by_role("link", name="Mở trang tổ chức").click()
    page.wait_for_url(f"**/org/{DEMO_ORG}.TCCB/")
    assert page.get_by_role("heading", level=1).inner_text() == own.organization.name

    page.fill("#org-search-q", typed)
    results = page.locator("#org-search-results")
    found = results.get_by_role("link", name=wanted.full_name)
    found.wait_for()
    assert results.get_by_role("link", name=outsider.full_name).count() == 0
    page.screenshot(path=str(ARTIFACTS / "people-cell-search-bithu.png"), full_page=True)

    found.click()
    page.wait_for_url(f"**/member/{wanted.card_number}/")
    assert page.get_by_role("heading", level=1).inner_text() == wanted.full_name
    page.screenshot(path=str(ARTIFACTS / "people-member-bithu.png"), full_page=True)

    response = page.goto(f"/member/{outsider.card_number}/")
    assert response is not None
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Không tìm thấy"
    assert outsider.full_name not in page.content()
    page.screenshot(path=str(ARTIFACTS / "people-outsider-404-bithu.png"), full_page=True)


@pytest.mark.browser
def test_the_office_picks_a_cell_by_typing_part_of_its_name_when_the_list_is_long(
    login: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the drop-down's limit the organization is a code box: typing part of a cell's name
    fills its suggestions (htmx), the code chosen is posted, and the member is created there."""
    from playwright.sync_api import expect

    from tongket.people import pickers

    monkeypatch.setattr(pickers, "PICKER_LIMIT", 2)
    ARTIFACTS.mkdir(exist_ok=True)
    page = login("vanphong")
    page.goto("/member/new/")
    box = page.locator("#id_organization")
    box.fill("thanh tra")
    options = page.locator("#id_organization-options option")
    # The box's focus asked for the first suggestions; what was typed narrows them.
    expect(options).to_have_count(1)
    assert options.evaluate_all("(os) => os.map((o) => o.value)") == [f"{DEMO_ORG}.TTR"]
    page.screenshot(path=str(ARTIFACTS / "people-organization-picker.png"), full_page=True)
    box.fill(f"{DEMO_ORG}.TTR")
    page.fill("#id_card_number", "45.999997")
    page.fill("#id_full_name", "Lê Văn Gõ")
    page.select_option("#id_gender", "male")
    page.fill("#id_joined_on", "2015-03-02")
    page.select_option("#id_status", "full")
    page.fill("#id_full_member_on", "2016-03-02")
    page.get_by_role("button", name="Thêm đảng viên").click()  # one button: the form's own
    page.wait_for_url("**/member/45.999997/")
    assert Member.objects.get(card_number="45.999997").organization.code == f"{DEMO_ORG}.TTR"
