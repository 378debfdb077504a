"""The import template a person fills in by hand: one sheet per kind of record with its headers,
an example row (skipped on import while it is left as it is), drop-down lists on every coded
column, codes and card numbers formatted as text (so "45.000010" stays a card number), dates as
dates, the organization codes the user may write, print setup, and the instructions."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tongket.core.cells import neutralize
from tongket.exchange.importer import handlers
from tongket.exchange.workbook import (
    DATE_FORMAT,
    EXAMPLE_ROW,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    MAX_ROWS,
    ORGANIZATIONS_SHEET,
    ColumnKind,
    SheetHandler,
    parse_date,
)

TEXT_FORMAT = "@"
LAST_ROW = MAX_ROWS + 1  # drop-downs and formats reach every row an import reads
A4 = 9  # openpyxl's paperSize code
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
EXAMPLE_FONT = Font(italic=True, color="7F7F7F")
BOLD = Font(bold=True)
# What the person is told in the header's note, per kind of column.
KIND_NOTES = {
    ColumnKind.CARD: "Ô kiểu Văn bản: gõ số thẻ đúng như trên thẻ, kể cả dấu chấm và số 0.",
    ColumnKind.CODE: "Ô kiểu Văn bản.",
    ColumnKind.ORGANIZATION: "Chọn trong danh sách (trang «Mã tổ chức») hoặc mã tổ chức mới "
    "có trong tệp.",
    ColumnKind.DATE: "Ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026.",
    ColumnKind.CHOICE: "Chọn trong danh sách.",
}


def instructions() -> list[list[str]]:
    """The instructions sheet: how to fill the file, then every sheet's columns."""
    lines: list[list[str]] = [
        ["Mẫu nhập dữ liệu Tổng kết"],
        [
            "Mỗi trang là một loại dữ liệu; dòng 1 là tiêu đề cột, dữ liệu từ dòng 3. Dòng 2 "
            "(chữ nghiêng, màu xám) là dòng ví dụ: để nguyên thì không được nhập, sửa bất kỳ ô "
            "nào thì được nhập như dữ liệu. Thứ tự cột không quan trọng; tên trang và tên cột "
            "không phân biệt hoa thường, có dấu hay không dấu."
        ],
        [
            "Cột mã và số thẻ đã định dạng Văn bản: đừng đổi sang Số, kẻo «45.000010» thành "
            "45.00001 (số thẻ khác). Cột ngày nhận ngày/tháng/năm. Cột có mũi tên chọn trong "
            f"danh sách (trang «{LISTS_SHEET}»); mã tổ chức bạn được nhập ở trang "
            f"«{ORGANIZATIONS_SHEET}»."
        ],
        [
            "Nhập lại cùng một tệp không thay đổi gì. Chỉ cần một dòng lỗi là không dòng nào "
            "được ghi; hãy «Kiểm tra» trước khi «Nhập». Nhận tệp .xlsx, .xls và .ods."
        ],
        [],
        ["Trang", "Cột", "Cách điền"],
    ]
    for handler in handlers():
        lines.append([handler.title, "", handler.description])
        for column in handler.columns:
            need = "bắt buộc" if column.required else "không bắt buộc"
            example = f" Ví dụ: {column.example}." if column.example else ""
            help_text = f" {column.help}" if column.help else ""
            lines.append(["", column.header, f"({need}){help_text}{example}"])
        lines.append([])
    return lines


def template_workbook(organizations: Iterable[tuple[str, str, str]] = ()) -> bytes:
    """The workbook to fill in. `organizations` are (code, name, kind) of the organizations the
    user may write, listed on their own sheet and offered in every organization column."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    _instructions_sheet(book)
    sheets = [(h, book.create_sheet(h.title)) for h in handlers()]
    lists = _lists_sheet(book, [h for h, _s in sheets])
    organization_range = _organizations_sheet(book, organizations)
    for handler, sheet in sheets:
        _fill_sheet(sheet, handler, lists, organization_range)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _print_setup(sheet: Worksheet, *, landscape: bool) -> None:
    sheet.page_setup.paperSize = A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as needed, one page wide
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4


def _instructions_sheet(book: Workbook) -> None:
    sheet = book.create_sheet(INSTRUCTIONS_SHEET)
    for letter, width in (("A", 18), ("B", 26), ("C", 70)):
        sheet.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in instructions():
        sheet.append([neutralize(v) for v in line])
        row = sheet.max_row
        if len(line) == 1:  # a paragraph: across the three columns
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
            sheet.row_dimensions[row].height = 15 * max(1, len(line[0]) // 95 + 1)
        for cell in sheet[row]:
            cell.alignment = wrap
        if line and line[0] and len(line) > 1:
            sheet.cell(row, 1).font = BOLD
    sheet["A1"].font = Font(bold=True, size=14)
    _print_setup(sheet, landscape=False)
    sheet.print_title_rows = "1:1"


def _lists_sheet(book: Workbook, chosen: Sequence[SheetHandler[Any]]) -> dict[tuple[str, str], str]:
    """One column per drop-down: (sheet key, column key) → the range its validation lists."""
    sheet = book.create_sheet(LISTS_SHEET)
    ranges: dict[tuple[str, str], str] = {}
    index = 0
    for handler in chosen:
        for column in handler.columns:
            if handler.kind(column.key) is not ColumnKind.CHOICE:
                continue
            labels = list(handler.choice_labels(column.key))
            if not labels:
                continue
            index += 1
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = 32
            sheet.cell(1, index, f"{handler.title}: {column.header}").font = BOLD
            for row, label in enumerate(labels, start=2):
                sheet.cell(row, index, neutralize(label))
            last = len(labels) + 1
            ranges[(handler.key, column.key)] = (
                f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
            )
    _print_setup(sheet, landscape=True)
    return ranges


def _organizations_sheet(book: Workbook, organizations: Iterable[tuple[str, str, str]]) -> str:
    sheet = book.create_sheet(ORGANIZATIONS_SHEET)
    for letter, width in (("A", 26), ("B", 48), ("C", 22)):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["A"].number_format = TEXT_FORMAT
    sheet.append(["Mã tổ chức", "Tên", "Loại"])
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    sheet.freeze_panes = "A2"
    count = 0
    for code, name, kind in organizations:
        sheet.append([neutralize(code), neutralize(name), kind])
        sheet.cell(sheet.max_row, 1).number_format = TEXT_FORMAT
        count += 1
    _print_setup(sheet, landscape=False)
    sheet.print_title_rows = "1:1"
    return f"{quote_sheetname(ORGANIZATIONS_SHEET)}!$A$2:$A${max(count, 1) + 1}"


def _example_value(kind: ColumnKind, example: str) -> Any:
    if not example:
        return None
    if kind is ColumnKind.DATE:
        return parse_date(example)
    if kind is ColumnKind.NUMBER and example.isdigit():
        return int(example)
    return neutralize(example)


def _fill_sheet(
    sheet: Worksheet,
    handler: SheetHandler[Any],
    lists: dict[tuple[str, str], str],
    organization_range: str,
) -> None:
    sheet.freeze_panes = "A3"
    for index, column in enumerate(handler.columns, start=1):
        letter = get_column_letter(index)
        kind = handler.kind(column.key)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        header = sheet.cell(1, index, column.header)
        header.font = BOLD
        header.fill = HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="center")
        example = sheet.cell(EXAMPLE_ROW, index, _example_value(kind, column.example))
        example.font = EXAMPLE_FONT
        if kind in (ColumnKind.CARD, ColumnKind.CODE, ColumnKind.ORGANIZATION, ColumnKind.TEXT):
            dimension.number_format = TEXT_FORMAT
            example.number_format = TEXT_FORMAT
        elif kind is ColumnKind.DATE:
            dimension.number_format = DATE_FORMAT
            example.number_format = DATE_FORMAT
        elif kind is ColumnKind.CHOICE:
            dimension.number_format = TEXT_FORMAT
        validation = _validation(handler, column.key, kind, lists, organization_range)
        if validation is not None:
            validation.add(f"{letter}{EXAMPLE_ROW}:{letter}{LAST_ROW}")
            sheet.add_data_validation(validation)
    sheet.row_dimensions[1].height = 30
    _print_setup(sheet, landscape=True)
    sheet.print_title_rows = "1:1"


def _validation(
    handler: SheetHandler[Any],
    key: str,
    kind: ColumnKind,
    lists: dict[tuple[str, str], str],
    organization_range: str,
) -> DataValidation | None:
    column = handler.column(key)
    header = column.header if column else key
    prompt = " ".join(p for p in ((column.help if column else ""), KIND_NOTES.get(kind, "")) if p)
    common: dict[str, Any] = {
        "allow_blank": True,
        "showInputMessage": bool(prompt),
        "promptTitle": header[:32],
        "prompt": prompt[:255] or None,
        "showErrorMessage": True,
        "errorTitle": header[:32],
    }
    if kind is ColumnKind.CHOICE and (handler.key, key) in lists:
        allowed = ", ".join(f"«{c}»" for c in handler.choice_labels(key))
        return DataValidation(
            type="list",
            formula1=lists[(handler.key, key)],
            errorStyle="stop",
            error=f"Chỉ nhận: {allowed}"[:255],
            **common,
        )
    if kind is ColumnKind.ORGANIZATION:
        # A warning, not a stop: an organization created in the same file is not listed yet.
        return DataValidation(
            type="list",
            formula1=organization_range,
            errorStyle="warning",
            error=f"Mã này không có trong trang «{ORGANIZATIONS_SHEET}»: chỉ đúng nếu là tổ "
            "chức mới trong chính tệp này.",
            **common,
        )
    if kind is ColumnKind.DATE:
        return DataValidation(
            type="date",
            operator="between",
            formula1=str((dt.date(1900, 1, 1) - dt.date(1899, 12, 30)).days),
            formula2=str((dt.date(2100, 12, 31) - dt.date(1899, 12, 30)).days),
            errorStyle="stop",
            error="Hãy gõ một ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026.",
            **common,
        )
    if prompt:
        return DataValidation(type=None, **{**common, "showErrorMessage": False})
    return None
