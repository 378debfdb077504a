"""Rule people.organization.code_alphabet and the nearest valid code (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.people.domain import is_valid_org_code, safe_org_code


@pytest.mark.parametrize(
    ("code", "taken", "expected"),
    [
        ("QT.KCQDN.SGDDT", set(), "QT.KCQDN.SGDDT"),  # a valid code is kept
        ("QT.KCQDN.A/B", set(), "QT.KCQDN.A-B"),
        ("QT.A\r\nX-Evil: 1", set(), "QT.A-X-Evil-1"),
        ('QT.A"B', set(), "QT.A-B"),
        ("Đ.Ủy ban", set(), "D.Uy-ban"),
        ("/QT", set(), "QT"),
        ("///", set(), "TC"),
        ("QT.A/B", {"QT.A-B"}, "QT.A-B-2"),
        ("QT.A/B", {"QT.A-B", "QT.A-B-2"}, "QT.A-B-3"),
        ("A" * 70 + "/", set(), "A" * 64),
    ],
)
def test_a_bad_code_becomes_the_nearest_free_valid_code(
    code: str, taken: set[str], expected: str
) -> None:
    assert safe_org_code(code, taken) == expected


@given(st.text(max_size=90), st.sets(st.text(max_size=10), max_size=5))
def test_the_fixed_code_is_always_valid_and_free(code: str, taken: set[str]) -> None:
    fixed = safe_org_code(code, taken)
    assert is_valid_org_code(fixed)
    assert fixed not in taken or fixed == code
