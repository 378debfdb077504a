"""Issue 23, "Done means": in a real browser, one test per item a user can see that the other
browser tests do not cover (markers: test_browser_markers.py; phone width: test_phone_width.py).

- item 3: one Vietnamese decimal format (a 366 score typed "7,5" or "7.5" shows back as "7,5";
  sick leave; a unit's PAR maximum with its own precision, "97,0");
- item 4: equal totals on the ranking page are ranked equal or show the tie-break that decided;
- item 5: the audit log shows Vietnamese phrases, not action codes nor raw values;
- item 10: a form field with a term of art shows a one-line help citing its article.

State is prepared through the pages only; the ORM is read to find the pages and to assert.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tongket.evaluation.models import Cycle, Evaluation
from tongket.evaluation.selectors import point_frame
from tongket.evaluation.tests.points import points_worth
from tongket.scoring.models import PeerGroup, ScoreSheet

ORG = "QT.KCQDN.SGDDT"
SGDDT = "UBND.QT.SGDDT"
# An action code (`awards.award.record`) or a dotted field path as a page's words.
ACTION_CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\.[a-z_]+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# The page's text without its <code> detail lines (the office's codes are kept there).
TEXT_WITHOUT_CODES = """() => {
  const hidden = [...document.querySelectorAll('code')];
  hidden.forEach(e => { e.dataset.display = e.style.display; e.style.display = 'none'; });
  const text = document.body.innerText;
  hidden.forEach(e => { e.style.display = e.dataset.display; });
  return text;
}"""


@pytest.fixture
def ev(user_named: Callable[[str], Any]) -> Evaluation:
    """The demo member's (dangvien's) evaluation in the department's 2026 cycle."""
    cycle = Cycle.objects.get(organization__code=ORG, year=2026)
    return Evaluation.objects.get(cycle=cycle, member=user_named("dangvien").member)


@pytest.fixture
def office_page(browser_page: Any, login: Callable[..., Any]) -> Any:
    """The browser signed in as the department's office (vanphong)."""
    login("vanphong")
    return browser_page


def _submit(page: Any, button: str) -> None:
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_item_3_decimals_are_vietnamese_on_forms_and_on_the_scoring_page(
    browser_page: Any, login: Callable[..., Any], ev: Evaluation
) -> None:
    page = browser_page
    url = f"/evaluation/danh-gia/{ev.pk}/"

    # A member's 366 self-assessment: one score typed with a comma, one with a point.
    login("dangvien")
    page.goto(url)
    points = points_worth(ev, "0.9")
    roomy = [c.code for c in point_frame(ev).criteria if c.max_points >= 10]
    first, second = roomy[:2]
    points[first], points[second] = "7,5", "7.5"
    for code, value in points.items():
        page.fill(f'input[name="points_{code}"]', value)
    page.select_option("select[name=level]", "good")
    _submit(page, "Gửi bản tự đánh giá")
    assert page.get_by_text("Đã gửi bản tự đánh giá.").is_visible()
    page.goto(url)
    shown = {c: page.input_value(f'input[name="points_{c}"]') for c in (first, second)}
    assert shown == {first: "7,5", second: "7,5"}

    # The office's facts: sick leave reads in Vietnamese, and "1,5" comes back as "1,5".
    page.context.clear_cookies()
    login("vanphong")
    page.goto(f"{url}du-kien/")
    assert "." not in page.input_value("input[name=sick_leave_months]")
    page.fill("input[name=sick_leave_months]", "1,5")
    _submit(page, "Ghi nhận dữ kiện")
    assert page.get_by_text("Đã ghi nhận dữ kiện.").is_visible()
    page.goto(f"{url}du-kien/")
    assert page.input_value("input[name=sick_leave_months]") == "1,5"

    # The PAR index of Sở GD&ĐT: 88,57 of its own maximum 97,0 (the seed's precision).
    sheet = ScoreSheet.objects.get(unit__code=SGDDT, frame__code="QT-CCHC-SO-2020")
    page.goto(f"/scoring/sheet/{sheet.pk}/")
    total = page.locator("#appraised-total").inner_text()
    assert "88,57" in total
    assert "97,0" in total
    # Every score cell writes its decimals with a comma (scores here are below a thousand).
    cells = page.locator("td.num").all_inner_texts()
    assert any("," in c for c in cells)
    assert [c for c in cells if re.search(r"\d\.\d", c)] == []


@pytest.mark.browser
def test_item_4_equal_totals_are_ranked_equal_or_show_the_tie_break_that_decided(
    office_page: Any,
) -> None:
    page = office_page
    group = PeerGroup.objects.get(frame__code="QT-HTNV-SBN-2020")
    page.goto(f"/scoring/ranking/{group.pk}/")
    rows = page.locator("table.ranking-table tbody tr")
    by_points: dict[str, list[tuple[str, str]]] = {}
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        texts = [cells.nth(j).inner_text().strip() for j in range(cells.count())]
        points = next(t for t in texts[2:] if re.fullmatch(r"\d+(,\d+)?", t))
        by_points.setdefault(points, []).append((texts[0], rows.nth(i).inner_html()))
    ties = {p: units for p, units in by_points.items() if len(units) > 1}
    assert "318,2" in ties  # the demo's two departments at 318,2
    note = page.locator("#tie-break")
    for units in ties.values():
        ranks = {re.sub(r"\D", "", rank) for rank, _html in units}
        if len(ranks) == 1:
            continue  # ranked equal
        # Ranked apart: each one points to the rule that decided it, and the rule is stated.
        assert all('href="#tie-break"' in html for _rank, html in units)
        assert note.is_visible()
        assert "Khi bằng điểm" in note.inner_text()

    # The PAR chart orders its bars by the measure the ranking ranks on.
    par = PeerGroup.objects.get(frame__code__startswith="QT-CCHC", year=2020)
    page.goto(f"/scoring/ranking/{par.pk}/")
    widths = [
        int(w)
        for w in page.locator("svg.ranking-chart rect").evaluate_all(
            "rs => rs.map(r => r.getAttribute('width'))"
        )
    ]
    assert len(widths) == 20
    assert widths == sorted(widths, reverse=True)


@pytest.mark.browser
def test_item_5_the_audit_log_speaks_vietnamese_not_codes_nor_raw_values(
    office_page: Any, login: Callable[..., Any]
) -> None:
    page = office_page
    # A new member through the office's form: the event records a gender, dates, a status.
    page.goto("/member/new/")
    page.fill("input[name=card_number]", "45.999996")
    page.fill("input[name=full_name]", "Hồ Thị Ghi")
    page.select_option("select[name=gender]", "female")
    page.fill("input[name=birth_date]", "1990-05-01")  # a date picker
    page.fill("input[name=joined_on]", "2026-01-05")
    page.select_option("select[name=status]", "probationary")
    organization = page.locator("[name=organization]")
    if organization.evaluate("e => e.tagName") == "SELECT":
        organization.select_option(f"{ORG}.TCCB")
    else:
        organization.fill(f"{ORG}.TCCB")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/member/45.999996/" in page.url, page.locator(".errorlist").all_inner_texts()

    page.context.clear_cookies()
    login("quantri")
    for query in ("", "?action=awards"):
        page.goto(f"/audit/{query}")
        text = page.evaluate(TEXT_WITHOUT_CODES)
        assert not ACTION_CODE.findall(text), query
        assert "format/rows" not in text
    assert "Ghi nhận khen thưởng" in text
    page.goto("/audit/?action=member")
    page.get_by_role("row").filter(has_text="45.999996").first.get_by_role("link").first.click()
    page.wait_for_load_state()
    text = page.evaluate(TEXT_WITHOUT_CODES)
    for shown in ("Nữ", "Dự bị", "05/01/2026", "01/05/1990", "Hồ Thị Ghi"):
        assert shown in text, shown
    assert not ISO_DATE.findall(text)
    assert not re.search(r"\b(female|male|probationary|full)\b", text)
    assert not ACTION_CODE.findall(text)


@pytest.mark.browser
def test_item_10_a_term_of_art_shows_its_one_line_help_with_the_article(
    office_page: Any, ev: Evaluation
) -> None:
    page = office_page
    page.goto(f"/evaluation/danh-gia/{ev.pk}/du-kien/")
    for name in ("peer_group", "discipline_self_remedied"):
        field = page.locator(f"[name={name}]")
        helps = field.get_attribute("aria-describedby") or ""
        help_id = next((h for h in helps.split() if h.endswith("_helptext")), None)
        assert help_id, f"{name}: no help"
        help_line = page.locator(f"#{help_id}")
        assert help_line.is_visible()
        words = help_line.inner_text()
        assert "\n" not in words.strip(), words
        assert re.search(r"Điều \d+|Hướng dẫn \d+|Quy định \d+", words), words
    # The quota's base (what the share of "excellent" is counted on), where groups are made.
    page.goto(f"/evaluation/ky/{ev.cycle_id}/nhom-ty-le/")
    intro = page.locator("main").inner_text()
    assert re.search(r"Điều 11, điểm 1\.5: .*số được xếp loại hoàn thành tốt nhiệm vụ", intro)
