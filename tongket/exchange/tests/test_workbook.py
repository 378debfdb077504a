"""The workbook engine without a database: tolerant parsing, neutralizing, reading limits."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.core.cells import neutralize
from tongket.exchange import workbook
from tongket.exchange.workbook import (
    CellError,
    WorkbookError,
    clean_text,
    parse_choice,
    parse_date,
    read_workbook,
    write_workbook,
)
from tongket.people.sheets import GENDERS, MemberSheet


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/03/1980", dt.date(1980, 3, 5)),
        (" 5/3/1980 ", dt.date(1980, 3, 5)),
        ("05-03-1980", dt.date(1980, 3, 5)),
        ("05.03.1980", dt.date(1980, 3, 5)),
        ("1980-03-05", dt.date(1980, 3, 5)),
        ("05/03/1980 00:00:00", dt.date(1980, 3, 5)),
        (29285, dt.date(1980, 3, 5)),  # an Excel serial number
        (29285.0, dt.date(1980, 3, 5)),
        ("29285", dt.date(1980, 3, 5)),
        (dt.datetime(1980, 3, 5, 0, 0), dt.date(1980, 3, 5)),
        (dt.date(1980, 3, 5), dt.date(1980, 3, 5)),
        (None, None),
        ("   ", None),
    ],
)
def test_dates_are_read_however_people_type_them(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/1980", "hôm qua", "1980/13/01", 29285.5, -3])
def test_a_date_that_is_not_a_date_is_refused_with_its_rule(value):
    with pytest.raises(CellError) as caught:
        parse_date(value)
    assert caught.value.rule == "import.cell.date"


@pytest.mark.parametrize("value", ["Nam", "nam", " NAM ", "male", "Nữ", "nu", "NỮ"])
def test_gender_ignores_case_spaces_and_diacritics(value):
    assert parse_choice(value, GENDERS, "") in {"male", "female"}


def test_an_unknown_choice_names_the_allowed_values():
    with pytest.raises(CellError, match="«Nam», «Nữ»"):
        parse_choice("khác", GENDERS, "«Nam», «Nữ»")


def test_decomposed_unicode_becomes_composed_and_spaces_collapse():
    decomposed = unicodedata.normalize("NFD", "  Lê   Văn Tính ")
    assert clean_text(decomposed) == "Lê Văn Tính"
    assert clean_text(12.0) == "12"


@pytest.mark.parametrize("text", ["=1+1", "+84", "-2", "@SUM(A1)", "\tx"])
def test_formula_like_text_is_neutralized(text):
    assert neutralize(text) == "'" + text


@given(st.text(max_size=40))
def test_neutralized_text_reads_back_as_the_cleaned_original(text):
    assert clean_text(neutralize(text)) == clean_text(text)


def test_numbers_and_dates_are_not_neutralized():
    assert neutralize(-2) == -2
    assert neutralize(dt.date(2020, 1, 1)) == dt.date(2020, 1, 1)


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"not a workbook at all", "import.file.not_xlsx"),
        (b"PK\x03\x04 broken zip", "import.file.not_xlsx"),
    ],
)
def test_a_file_that_is_not_excel_gets_a_clear_error(data, rule):
    with pytest.raises(WorkbookError) as caught:
        read_workbook(data, [MemberSheet()])
    assert caught.value.rule == rule
    assert "Excel" in caught.value.message


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(WorkbookError) as caught:
        read_workbook(buffer.getvalue(), [MemberSheet()])
    assert caught.value.rule == "import.file.not_xlsx"


def test_a_damaged_workbook_is_refused_without_crashing():
    good = write_workbook([(MemberSheet(), [])])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(
                info, body[: len(body) // 2] if info.filename.endswith(".xml") else body
            )
    with pytest.raises(WorkbookError) as caught:
        read_workbook(buffer.getvalue(), [MemberSheet()])
    assert caught.value.rule == "import.file.corrupt"


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(workbook, "MAX_BYTES", 10)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(write_workbook([(MemberSheet(), [])]), [MemberSheet()])
    assert caught.value.rule == "import.file.too_large"


def test_rows_over_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 2)
    rows = [["45.1"], ["45.2"], ["45.3"]]
    data = write_workbook([(MemberSheet(), [r + [""] * 7 for r in rows])])
    with pytest.raises(WorkbookError) as caught:
        read_workbook(data, [MemberSheet()])
    assert caught.value.rule == "import.file.too_many_rows"
    assert (caught.value.sheet, caught.value.row) == ("Đảng viên", 4)


def test_headers_match_without_diacritics_and_missing_required_columns_are_named():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "dang vien"
    sheet.append(["so the", "HO VA TEN"])
    sheet.append(["45.1", "An"])
    buffer = io.BytesIO()
    book.save(buffer)
    _rows, problems = read_workbook(buffer.getvalue(), [MemberSheet()])
    missing = {p.column for p in problems if p.rule == "import.sheet.missing_column"}
    assert missing == {"Giới tính", "Ngày vào Đảng", "Tình trạng", "Mã chi bộ"}


def test_formulas_are_not_evaluated():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Đảng viên"
    sheet.append([c.header for c in MemberSheet.columns])
    sheet.append(["=1+1", "An"])
    buffer = io.BytesIO()
    book.save(buffer)
    rows, _problems = read_workbook(buffer.getvalue(), [MemberSheet()])
    # No cached value was ever computed, and openpyxl never computes one.
    assert rows["members"][0].values["card_number"] is None
