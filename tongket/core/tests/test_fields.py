"""Numbers in forms: typed either way, shown back the Vietnamese way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms

from tongket.core.fields import ViDecimalField


class PointsForm(forms.Form):
    points = ViDecimalField(min_value=0, max_value=10, decimal_places=2)


@pytest.mark.parametrize(
    ("typed", "read"),
    [("7,5", Decimal("7.5")), ("7.5", Decimal("7.5")), (" 10 ", Decimal("10")), ("0", 0)],
)
def test_a_number_is_read_with_a_comma_or_a_dot(typed, read):
    form = PointsForm({"points": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["points"] == read


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-0,5", "Giá trị phải từ 0 trở lên."),
        ("10,01", "Giá trị không được quá 10."),
        ("7,555", "Chỉ ghi tối đa 2 chữ số thập phân."),
        ("bảy", "Không đọc được số «bảy»"),
    ],
)
def test_a_number_out_of_bounds_or_unreadable_is_refused_in_vietnamese(typed, message):
    form = PointsForm({"points": typed})
    assert not form.is_valid()
    assert message in form.errors["points"][0]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [(Decimal("7.5"), "7,5"), ("7.50", "7,5"), (Decimal("0.0"), "0"), (Decimal("350.00"), "350")],
)
def test_a_stored_number_is_shown_back_the_vietnamese_way(stored, shown):
    html = str(PointsForm(initial={"points": stored})["points"])
    assert f'value="{shown}"' in html
    assert 'inputmode="decimal"' in html


def test_what_the_user_typed_wrong_is_shown_as_typed():
    form = PointsForm({"points": "7,5x"})
    assert not form.is_valid()
    assert 'value="7,5x"' in str(form["points"])
