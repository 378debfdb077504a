"""Numbers and dates as Vietnamese documents write and read them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.core.formatting import (
    date_long,
    date_short,
    format_count,
    format_decimal,
    format_number,
    format_percent,
    parse_date_vi,
    parse_decimal,
    percent,
    place_date,
)

SEED_DAY = date(2021, 2, 24)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("326.7"), None, "326,7"),
        (Decimal("88.57"), None, "88,57"),
        (Decimal("97.0"), None, "97,0"),
        (Decimal("97"), 1, "97,0"),
        (Decimal("97.0"), 1, "97,0"),
        (Decimal("326.70"), None, "326,70"),
        (Decimal("88.575"), 2, "88,58"),
        (Decimal("5600000.5"), None, "5.600.000,5"),
        (Decimal("-1234.5"), None, "-1.234,5"),
        (Decimal("-0.04"), 1, "0,0"),
        (Decimal("1E+3"), None, "1.000"),
        (350, None, "350"),
        (0, 2, "0,00"),
    ],
)
def test_decimal_is_written_with_a_comma_and_dot_thousands(value, places, expected):
    assert format_decimal(value, places=places) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5600000, "5.600.000"),
        (999, "999"),
        (1000, "1.000"),
        (-50000, "-50.000"),
        (Decimal("1234.5"), "1.235"),
        (0, "0"),
    ],
)
def test_whole_numbers_group_thousands_with_dots(value, expected):
    assert format_number(value) == expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "00"),
        (2, "02"),
        (5, "05"),
        (7, "07"),
        (9, "09"),
        (10, "10"),
        (50, "50"),
        (1200, "1.200"),
    ],
)
def test_counts_below_ten_take_a_leading_zero_as_officials_write_them(count, expected):
    assert format_count(count) == expected


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="không được âm"):
        format_count(-1)


@pytest.mark.parametrize("value", [1.5, "3", True, None])
def test_formatting_refuses_anything_but_decimal_and_int(value):
    with pytest.raises(TypeError):
        format_decimal(value)


def test_formatting_refuses_nan():
    with pytest.raises(ValueError, match="Không định dạng"):
        format_decimal(Decimal("NaN"))


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("20"), 1, "20%"),
        (Decimal("83.333"), 1, "83,3%"),
        (Decimal("28.571"), 2, "28,57%"),
        (Decimal("99.96"), 1, "100%"),
        (80, 1, "80%"),
    ],
)
def test_percentages_use_a_decimal_comma_and_drop_zero_decimals(value, places, expected):
    assert format_percent(value, places=places) == expected


def test_the_seeds_two_excellent_cells_against_seven_read_as_a_percentage():
    assert format_percent(percent(2, 7)) == "28,6%"
    assert percent(10, 50) == Decimal(20)


def test_a_percentage_of_nothing_is_refused():
    with pytest.raises(ValueError, match="tổng số bằng 0"):
        percent(1, 0)


def test_long_date_writes_day_and_month_with_two_digits():
    assert date_long(SEED_DAY) == "ngày 24 tháng 02 năm 2021"
    assert date_long(date(2025, 10, 5)) == "ngày 05 tháng 10 năm 2025"


def test_place_and_date_line_matches_the_document_header():
    assert place_date("Quảng Trị", SEED_DAY) == "Quảng Trị, ngày 24 tháng 02 năm 2021"


def test_short_date_is_day_month_year_with_slashes():
    assert date_short(SEED_DAY) == "24/02/2021"


def test_an_aware_datetime_is_dated_in_vietnam():
    # 20:00 UTC on the 23rd is already 03:00 on the 24th in Hà Nội.
    moment = datetime(2021, 2, 23, 20, 0, tzinfo=UTC)
    assert date_short(moment) == "24/02/2021"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("326,7", Decimal("326.7")),
        ("88,57", Decimal("88.57")),
        ("5.600.000", Decimal("5600000")),
        ("1.234,5", Decimal("1234.5")),
        ("326.7", Decimal("326.7")),
        ("1,234.5", Decimal("1234.5")),
        ("1,234,567", Decimal("1234567")),
        (" 97,0 ", Decimal("97.0")),
        ("5 600 000", Decimal("5600000")),
        ("-3", Decimal("-3")),
        ("0,5", Decimal("0.5")),
        (",5", Decimal("0.5")),
    ],
)
def test_numbers_are_read_in_vietnamese_first_then_spreadsheet_forms(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "12,5,6.1", "3 điểm", "1e5"])
def test_unreadable_numbers_raise_a_vietnamese_message(text):
    with pytest.raises(ValueError, match="Không đọc được số"):
        parse_decimal(text)


@pytest.mark.parametrize(
    "text",
    [
        "24/02/2021",
        "24/2/2021",
        "24-02-2021",
        "24.02.2021",
        "2021-02-24",
        "2021/02/24",
        "2021-02-24 00:00:00",
        "2021-02-24T00:00",
        "ngày 24 tháng 02 năm 2021",
        "Ngày 24 tháng 2 năm 2021",
        " 24/02/2021 ",
    ],
)
def test_dates_are_read_day_first_or_iso(text):
    assert parse_date_vi(text) == SEED_DAY


@pytest.mark.parametrize("text", ["", "hôm qua", "02/24", "24/02/21", "2021-02"])
def test_unreadable_dates_raise_a_vietnamese_message(text):
    with pytest.raises(ValueError, match="Không đọc được ngày"):
        parse_date_vi(text)


def test_an_impossible_date_says_it_is_not_on_the_calendar():
    with pytest.raises(ValueError, match="không có trên lịch"):
        parse_date_vi("31/02/2021")


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9
    )
)
def test_written_decimals_read_back_to_the_same_value(value):
    assert parse_decimal(format_decimal(value)) == value


@given(st.dates(min_value=date(1000, 1, 1)))
def test_written_dates_read_back_to_the_same_day(day):
    assert parse_date_vi(date_short(day)) == day
    assert parse_date_vi(date_long(day)) == day


@pytest.mark.parametrize(
    ("points", "maximum", "shown"),
    [
        ("326.7", "350", "326,7/350"),
        ("326.70", "350.00", "326,7/350"),
        ("88.57", "97", "88,57/97,0"),
        ("88.57", "97.00", "88,57/97,0"),
        ("90", "100", "90/100"),
    ],
)
def test_points_and_maximum_are_written_as_the_province_publishes_them(points, maximum, shown):
    from tongket.core.formatting import format_score

    assert format_score(Decimal(points), Decimal(maximum)) == shown
