"""Every page fits a phone: at 390 px nothing widens the page; wide tables scroll in their box."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tongket.evaluation.models import Cycle
from tongket.scoring.models import ScoreSheet

PHONE = {"width": 390, "height": 844}
DEPARTMENT = "QT.KCQDN.SGDDT"


def _overflowing(page: Any) -> list[str]:
    """Elements reaching past the viewport that no scrolling box holds."""
    found: list[str] = page.evaluate(
        """() => {
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
          if (el.getBoundingClientRect().right <= window.innerWidth + 1) continue;
          let box = el.parentElement, held = false;
          while (box) {
            const o = getComputedStyle(box).overflowX;
            if (o === 'auto' || o === 'scroll' || o === 'hidden') { held = true; break; }
            box = box.parentElement;
          }
          if (!held) out.push(el.tagName + '.' + el.className);
        }
        return out.slice(0, 5);
      }"""
    )
    return found


@pytest.mark.browser
def test_the_office_pages_fit_a_phone_with_tables_scrolling_inside_their_box(
    browser_page: Any, login: Callable[..., Any]
):
    page = browser_page
    page.set_viewport_size(PHONE)
    login("vanphong")
    cycle = Cycle.objects.get(organization__code=DEPARTMENT, year=2026)
    sheet = ScoreSheet.objects.get(unit__code="UBND.QT.SGDDT", frame__code="QT-HTNV-SBN-2020")
    urls = [
        "/",
        f"/evaluation/ky/{cycle.pk}/",
        f"/evaluation/ky/{cycle.pk}/chi-bo/{DEPARTMENT}.TCCB/",  # the decision table
        f"/scoring/sheet/{sheet.pk}/",  # a long level badge
        f"/org/{DEPARTMENT}/",
        "/awards/",
        "/audit/",
    ]
    too_wide = {}
    for url in urls:
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, url
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[url] = (width, _overflowing(page))
    assert too_wide == {}
    # The decision table itself is wider than the phone: it scrolls inside its box.
    page.goto(f"/evaluation/ky/{cycle.pk}/chi-bo/{DEPARTMENT}.TCCB/")
    box = page.locator(".table-wrap").first
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
