"""Exports neutralize cells a spreadsheet would run as formulas (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.core.cells import neutralize


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Võ Văn Minh", "Võ Văn Minh"),
        ("45-QĐ/ĐU", "45-QĐ/ĐU"),
        ("", ""),
    ],
)
def test_a_cell_starting_like_a_formula_gets_an_apostrophe(cell: str, written: str) -> None:
    assert neutralize(cell) == written


# A lone "-", "+", tab or carriage return is no formula ("none", "yes"): kept as written.
LONE_KEPT = ("-", "+", "\t", "\r")


@given(st.text())
def test_a_neutralized_cell_never_starts_a_formula_and_keeps_the_text(cell: str) -> None:
    written = neutralize(cell)
    if cell in LONE_KEPT:
        assert written == cell
    else:
        assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert written.removeprefix("'") == cell or written == cell
