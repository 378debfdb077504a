"""The people API lists what the people selectors list: its member search returns the rows of
`selectors.search_members`, its organization search those of `selectors.organizations_matching`,
for a reader of the whole department, a cell's secretary and a plain member alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tongket.people import selectors

USERS = ("vanphong", "bithu", "dangvien")
# A whole name, a name without diacritics, one or two letters (the start of a word only),
# a syllable found inside names, a card number's start, and nothing at all.
SEARCHES = ("Lê Văn Tính", "le van tinh", "an", "h", "thi", "ng", "45.", "zzz")


def _all_rows(client: Any, params: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    url: str | None = "/api/v1/members/"
    query: dict[str, str] | None = {**params, "limit": "100"}
    while url:
        page = client.get(url, query).json()
        rows.extend(page["results"])
        url, query = page["next"], None
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("username", USERS)
def test_the_api_searches_return_the_rows_of_the_people_selectors(
    api_for: Callable[[str], Any], user_named: Callable[[str], Any], username: str
):
    client = api_for(username)
    user = user_named(username)
    for text in SEARCHES:
        expected = [m.card_number for m in selectors.search_members(user, text, limit=10_000)]
        got = [row["card_number"] for row in _all_rows(client, {"q": text})]
        # The same rows, each once (both list by name; ties may come in either order).
        assert sorted(got) == sorted(expected), text
        assert len(set(got)) == len(got)
    visible = selectors.visible_organizations(user)
    for text in ("chi bo", "QT.KCQDN.SGDDT", "vp", "zzz"):
        orgs = sorted(o.code for o in selectors.organizations_matching(visible, text))
        page = client.get("/api/v1/organizations/", {"q": text, "limit": "1000"}).json()
        assert sorted(row["code"] for row in page["results"]) == orgs, text


@pytest.mark.django_db
def test_a_two_letter_search_finds_word_starts_in_the_api_as_in_the_search_box(
    api_for: Callable[[str], Any],
):
    names = [row["full_name"] for row in _all_rows(api_for("vanphong"), {"q": "an"})]
    assert names, "the demo has names with a word starting «an»"
    assert all(any(w.lower().startswith("an") for w in n.split()) for n in names)
