"""The import template as a person fills it: drop-downs on every coded column, codes and card
numbers as text, dates as dates, an example row the import skips, the organization codes the user
may write, print setup; a card number a spreadsheet turned into a number is refused; and the same
file saved by LibreOffice as .xlsx, .ods or .xls imports exactly as the original."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tongket.core.tests.libreoffice import find_soffice
from tongket.exchange.importer import handlers, run_import
from tongket.exchange.template import template_workbook
from tongket.exchange.workbook import (
    DATE_FORMAT,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    ORGANIZATIONS_SHEET,
    ColumnKind,
)
from tongket.people.models import Member
from tongket.people.selectors import writable_organization_codes

pytestmark = pytest.mark.django_db

CELL = "QT.KCQDN.SGDDT.VP"


def template_for(user: Any) -> Any:
    data = template_workbook(writable_organization_codes(user))
    return load_workbook(io.BytesIO(data))


def validations_of(sheet: Worksheet) -> dict[str, Any]:
    """Column letter → the data validation covering its rows (from row 3 on)."""
    found: dict[str, Any] = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            if cell_range.min_row <= 3 <= cell_range.max_row:
                for column in range(cell_range.min_col, cell_range.max_col + 1):
                    found[get_column_letter(column)] = validation
    return found


def listed(book: Any, formula: str) -> list[str]:
    sheet_name, cells = formula.rsplit("!", 1)
    sheet = book[sheet_name.strip("'")]
    first, last = cells.replace("$", "").split(":")
    return [c.value for row in sheet[f"{first}:{last}"] for c in row if c.value is not None]


def test_the_template_has_the_instructions_first_every_sheet_and_its_lists():
    book = template_for(None)
    assert book.sheetnames == [
        INSTRUCTIONS_SHEET,
        "Tổ chức",
        "Đảng viên",
        "Chức vụ đảng",
        "Chức vụ chính quyền",
        "Dữ kiện đánh giá",
        "Kết quả xếp loại",
        "Bảng điểm",
        "Chỉ tiêu",
        "Khen thưởng",
        LISTS_SHEET,
        ORGANIZATIONS_SHEET,
    ]
    header = [c.value for c in book["Đảng viên"][1]]
    assert header[:3] == ["Số thẻ", "Họ và tên", "Ngày sinh"]


def test_every_coded_column_offers_a_drop_down_of_what_the_import_accepts():
    book = template_for(None)
    for handler in handlers():
        sheet = book[handler.title]
        validations = validations_of(sheet)
        for index, column in enumerate(handler.columns, start=1):
            kind = handler.kind(column.key)
            if kind not in (ColumnKind.CHOICE, ColumnKind.ORGANIZATION):
                continue
            validation = validations.get(get_column_letter(index))
            assert validation is not None, (handler.title, column.header)
            assert validation.type == "list", (handler.title, column.header)
            offered = listed(book, validation.formula1)
            if kind is ColumnKind.CHOICE:
                assert offered == list(handler.choice_labels(column.key)), column.header
                assert validation.errorStyle == "stop"
            else:
                assert "QT.KCQDN.SGDDT.VP" in offered
                assert validation.errorStyle == "warning"  # new organizations of the same file
    levels = validations_of(book["Kết quả xếp loại"])["E"]
    assert listed(book, levels.formula1) == [
        "Hoàn thành xuất sắc nhiệm vụ",
        "Hoàn thành tốt nhiệm vụ",
        "Hoàn thành nhiệm vụ",
        "Không hoàn thành nhiệm vụ",
    ]


def test_codes_and_card_numbers_are_text_and_dates_are_dates():
    book = template_for(None)
    checked = 0
    for handler in handlers():
        sheet = book[handler.title]
        for index, column in enumerate(handler.columns, start=1):
            kind = handler.kind(column.key)
            letter = get_column_letter(index)
            wanted = {
                ColumnKind.CARD: "@",
                ColumnKind.CODE: "@",
                ColumnKind.ORGANIZATION: "@",
                ColumnKind.DATE: DATE_FORMAT,
            }.get(kind)
            if wanted is None:
                continue
            assert sheet.column_dimensions[letter].number_format == wanted, column.header
            example = sheet[f"{letter}2"].value
            if kind is ColumnKind.DATE and example is not None:
                assert isinstance(example, dt.datetime | dt.date), column.header
            elif example is not None:
                assert isinstance(example, str), column.header
            checked += 1
    assert checked >= 25
    assert book["Đảng viên"]["A2"].value == "45.000001"


def test_the_organization_codes_are_those_the_user_may_write(user_named):
    secretary = [r[0].value for r in template_for(user_named("bithu"))[ORGANIZATIONS_SHEET]]
    office = [r[0].value for r in template_for(user_named("vanphong"))[ORGANIZATIONS_SHEET]]
    assert secretary[0] == "Mã tổ chức"
    assert set(secretary[1:]) < set(office[1:])
    assert all(code.startswith(("QT.KCQDN.SGDDT", "UBND")) for code in office[1:])
    assert "QT" not in office  # the province is above the department's office
    assert template_for(user_named("dangvien"))[ORGANIZATIONS_SHEET].max_row == 1


def test_every_sheet_prints_one_page_wide_with_its_header_on_each_page():
    book = template_for(None)
    for title in [h.title for h in handlers()] + [INSTRUCTIONS_SHEET]:
        sheet = book[title]
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, title
        assert sheet.page_setup.fitToWidth == 1, title
        assert sheet.page_setup.fitToHeight == 0, title
        assert sheet.print_title_rows == "$1:$1", title


def test_the_template_as_downloaded_imports_nothing(user_named):
    user = user_named("vanphong")
    report = run_import(
        template_workbook(writable_organization_codes(user)), actor=user, dry_run=True
    )
    assert report.ok, report.problems
    assert report.rows == 0
    assert report.warnings == []  # the helper sheets are not "unknown sheets"


def filled(user: Any, rows: list[list[Any]]) -> bytes:
    """The template with member rows typed from row 3 on, as a person fills it."""
    book = template_for(user)
    sheet = book["Đảng viên"]
    for number, row in enumerate(rows, start=3):
        for index, value in enumerate(row, start=1):
            sheet.cell(number, index, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def member(card: Any, name: str = "Nguyễn Văn Thử") -> list[Any]:
    return [card, name, dt.date(1980, 5, 3), "Nam", dt.date(2005, 1, 2), dt.date(2006, 1, 2),
            "Chính thức", CELL]  # fmt: skip


def test_an_edited_example_row_is_data(user_named):
    user = user_named("vanphong")
    book = template_for(user)
    book["Đảng viên"]["A2"] = "45.990001"  # the person typed over the example
    book["Đảng viên"]["H2"] = CELL
    buffer = io.BytesIO()
    book.save(buffer)
    report = run_import(buffer.getvalue(), actor=user, dry_run=True)
    assert report.ok, report.problems
    assert [(o.row, o.key, str(o.action)) for o in report.outcomes] == [(2, "45.990001", "create")]


@pytest.mark.parametrize("typed", [45.00001, 45000010], ids=["english-locale", "vietnamese"])
def test_a_card_number_turned_into_a_number_is_refused_and_creates_no_member(user_named, typed):
    user = user_named("vanphong")
    before = Member.objects.count()
    report = run_import(filled(user, [member(typed)]), actor=user, dry_run=False)
    assert not report.ok
    (problem,) = report.errors
    assert (problem.sheet, problem.row, problem.letter) == ("Đảng viên", 3, "A")
    assert problem.rule == "import.cell.card_as_number"
    assert "Văn bản" in problem.message
    assert "Số thẻ" in problem.message
    assert Member.objects.count() == before


# --- LibreOffice: the same file saved as .xlsx, .ods and .xls --------------------------------


def saved_by_libreoffice(data: bytes, fmt: str, work: Path) -> bytes:
    work.mkdir(parents=True, exist_ok=True)
    source = work / "dien.xlsx"
    source.write_bytes(data)
    out = work / fmt
    subprocess.run(
        [
            find_soffice("LibreOffice Calc (gói Debian libreoffice-calc-nogui) không có trên máy"),
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (converted,) = out.iterdir()
    return converted.read_bytes()


def summary(report: Any) -> tuple[Any, ...]:
    return (
        report.ok,
        report.rows,
        sorted((o.sheet, o.row, o.key, str(o.action), o.detail) for o in report.outcomes),
        sorted((p.sheet, p.row, p.letter, p.rule) for p in report.problems),
    )


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_a_filled_template_saved_by_libreoffice_imports_the_same(user_named, tmp_path, fmt):
    user = user_named("vanphong")
    good = filled(user, [member("45.990010"), member("45.990011", "Trần Thị Thử")])
    original = run_import(good, actor=user, dry_run=True)
    assert original.ok, original.problems
    assert len(original.outcomes) == 2
    saved = saved_by_libreoffice(good, fmt, tmp_path)
    assert summary(run_import(saved, actor=user, dry_run=True)) == summary(original)

    # A bad row: the same refusal (sheet, row, column, rule), and nothing written.
    bad = filled(user, [member("45.990012"), [*member("45.990013")[:7], "KHONG.CO"]])
    before = Member.objects.count()
    refused = run_import(bad, actor=user, dry_run=False)
    again = run_import(saved_by_libreoffice(bad, fmt, tmp_path / "bad"), actor=user, dry_run=False)
    assert not again.ok
    assert summary(again) == summary(refused)
    assert Member.objects.count() == before
