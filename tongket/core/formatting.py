"""Numbers and dates written and read the way Vietnamese official documents do (no Django)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

# Dates in documents are dates in Vietnam, whatever zone an aware datetime was stored in.
VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

DECIMAL_SEPARATOR = ","
THOUSANDS_SEPARATOR = "."

Number = Decimal | int


def _to_decimal(value: Number) -> Decimal:
    # bool is an int subclass; a True score is a bug upstream, not the number 1.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"Cần một số Decimal hoặc int, nhận được {type(value).__name__}.")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"Không định dạng được giá trị «{value}».")
    return result


def _group_thousands(digits: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.append(digits[-3:])
        digits = digits[:-3]
    groups.append(digits)
    return THOUSANDS_SEPARATOR.join(reversed(groups))


def format_decimal(value: Number, places: int | None = None) -> str:
    """`326,7`, `5.600.000,5`: decimal comma and dot thousands.

    With `places` the value is rounded half-up to that many decimals (`97,0` with places=1);
    without, the value keeps the decimals it carries (a score stored as 326.70 shows `326,70`).
    """
    number = _to_decimal(value)
    if places is not None:
        if places < 0:
            raise ValueError("Số chữ số thập phân không được âm.")
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{abs(number):f}"
    whole, _, fraction = text.partition(".")
    result = _group_thousands(whole)
    if fraction:
        result += DECIMAL_SEPARATOR + fraction
    # -0,0 reads as a typo in a report: a rounded zero has no sign.
    if number < 0:
        result = "-" + result
    return result


def stripped(value: Decimal) -> Decimal:
    """The value without trailing zeros, in plain notation: 326.70 → 326.7, 350.00 → 350."""
    return Decimal(format(value.normalize(), "f"))


def format_points(value: Number) -> str:
    """Points without trailing zeros: a sheet stored as 326.70 reads `326,7`, 88.57 `88,57`."""
    return format_decimal(stripped(_to_decimal(value)))


def shown_maximum(maximum: Number, points: Number) -> Decimal:
    """The maximum as `format_maximum` writes it, as a Decimal carrying those decimals."""
    places = -stripped(_to_decimal(points)).as_tuple().exponent  # type: ignore[operator]
    maximum = _to_decimal(maximum)
    if places >= 2 and maximum == maximum.to_integral_value():
        return maximum.quantize(Decimal("0.1"))
    return stripped(maximum)


def format_maximum(maximum: Number, points: Number) -> str:
    """A maximum is written with one decimal when the score is written to hundredths, as the
    province publishes the PAR index (`88,57 điểm/97,0 điểm`), else as a whole (`326,7/350`):
    one format on every page and in every file."""
    return format_decimal(shown_maximum(maximum, points))


def format_score(points: Number, maximum: Number) -> str:
    """`326,7/350`, `88,57/97,0`: points over the unit's own maximum, as published."""
    return f"{format_points(points)}/{format_maximum(maximum, points)}"


def format_number(value: Number) -> str:
    """A whole number with dot thousands: `5.600.000`; a Decimal is rounded half-up first.

    Counts in a table's cells are written this way (`7`, not `07`): official tables print plain
    numbers; the leading zero of `format_count` belongs to prose."""
    return format_decimal(_to_decimal(value), places=0)


def format_count(value: int) -> str:
    """A count as officials write it in prose: `02 chi bộ`, `07 Chi bộ`, `10 đồng chí`.

    Counts below ten take a leading zero (zero itself is written `00`); larger counts are written
    as numbers with dot thousands.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Cần một số nguyên, nhận được {type(value).__name__}.")
    if value < 0:
        raise ValueError("Số lượng không được âm.")
    if value < 10:
        return f"{value:02d}"
    return format_number(value)


def percent(part: Number, whole: Number) -> Decimal:
    """`part` as a percentage of `whole` (2 of 7 gives 28.57...), exact to 28 digits."""
    denominator = _to_decimal(whole)
    if denominator == 0:
        raise ValueError("Không tính được tỷ lệ phần trăm khi tổng số bằng 0.")
    return _to_decimal(part) * 100 / denominator


def format_percent(value: Number, places: int = 1) -> str:
    """A percentage (20 means 20 %) as `83,3%`; a whole result drops its zeros: `20%`."""
    text = format_decimal(_to_decimal(value), places=places)
    whole, _, fraction = text.partition(DECIMAL_SEPARATOR)
    if fraction and set(fraction) == {"0"}:
        text = whole
    return text + "%"


def _calendar_date(value: date) -> date:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(VIETNAM_TZ)
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"Cần một ngày, nhận được {type(value).__name__}.")
    return value


def date_long(value: date) -> str:
    """`ngày 24 tháng 02 năm 2021`, `ngày 03 tháng 4 năm 2018`: a leading zero for days below 10
    and for months 1 and 2 only, as HD 36-HD/VPTW's own dateline and NĐ 30/2020 write it.

    >>> date_long(date(2026, 3, 5))
    'ngày 05 tháng 3 năm 2026'
    """
    d = _calendar_date(value)
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def place_date(place: str, value: date) -> str:
    """The place-and-date line under a document's motto: `Quảng Trị, ngày 24 tháng 02 năm 2021`."""
    return f"{place.strip()}, {date_long(value)}"


def date_short(value: date) -> str:
    """`24/02/2021`."""
    d = _calendar_date(value)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_GROUPED_DOTS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d*)?")
_GROUPED_COMMAS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def parse_decimal(text: str) -> Decimal:
    """Read a number typed by a person or exported from a spreadsheet.

    Vietnamese usage comes first: `326,7` and `5.600.000` and `1.234,5`. A lone dot followed by
    anything but groups of three digits is a decimal point (`326.7`, as spreadsheets export);
    `1,234.5` with both separators in English order is read the English way.
    """
    cleaned = _SPACES.sub("", text.strip())
    if _GROUPED_DOTS.fullmatch(cleaned):
        normalized = cleaned.replace(".", "").replace(",", ".")
    elif _GROUPED_COMMAS.fullmatch(cleaned) and ("." in cleaned or cleaned.count(",") > 1):
        normalized = cleaned.replace(",", "")
    elif _PLAIN_NUMBER.fullmatch(cleaned):
        normalized = cleaned.replace(",", ".")
    else:
        raise ValueError(
            f"Không đọc được số «{text.strip()}». Hãy viết số với dấu phẩy thập phân, "
            "ví dụ 326,7 hoặc 5.600.000."
        )
    try:
        return Decimal(normalized)
    except InvalidOperation as error:  # pragma: no cover - the patterns above admit only digits
        raise ValueError(f"Không đọc được số «{text.strip()}».") from error


_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YEAR_FIRST = re.compile(
    r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # the time a spreadsheet cell may carry
)
_WORDS = re.compile(r"(?:ngày\s+)?(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


def parse_date_vi(text: str) -> date:
    """Read a date: `24/02/2021`, `24-02-2021`, `24.02.2021`, `24/2/2021`, the ISO `2021-02-24`
    (with or without a time, as spreadsheets export it) and `ngày 24 tháng 02 năm 2021`.

    Day comes before month whenever the year is last, as in every Vietnamese document.
    """
    cleaned = " ".join(text.split())
    parts: tuple[str, str, str] | None = None
    if match := _DAY_FIRST.fullmatch(cleaned):
        day, month, year = match.groups()
        parts = (year, month, day)
    elif match := _YEAR_FIRST.fullmatch(cleaned):
        year, month, day = match.groups()
        parts = (year, month, day)
    elif match := _WORDS.fullmatch(cleaned):
        day, month, year = match.groups()
        parts = (year, month, day)
    if parts is None:
        raise ValueError(
            f"Không đọc được ngày «{cleaned}». Hãy viết theo dạng ngày/tháng/năm, ví dụ 24/02/2021."
        )
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError as error:
        raise ValueError(f"Ngày «{cleaned}» không có trên lịch.") from error
