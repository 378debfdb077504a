"""The award list as CSV and XLSX files, built from `selectors.AwardRow`s (no database here).

Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage return) as a
formula: such cells are written with a leading apostrophe so they stay text (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from tongket.awards.selectors import AwardRow
from tongket.core.cells import neutralize

HEADERS = (
    "STT",
    "Năm",
    "Hình thức",
    "Cơ quan khen thưởng",
    "Số thẻ / mã tổ chức",
    "Người, tập thể được khen",
    "Đơn vị",
    "Thành tích",
    "Số quyết định",
    "Ngày quyết định",
)


def _cells(index: int, row: AwardRow) -> list[str]:
    return [
        str(index),
        str(row.year),
        neutralize(row.form_name),
        neutralize(row.issuer_name),
        neutralize(row.recipient),
        neutralize(row.recipient_name),
        neutralize(row.recipient_unit),
        neutralize(row.achievement),
        neutralize(row.decision_number),
        row.decision_date.strftime("%d/%m/%Y"),
    ]


def awards_csv(rows: Sequence[AwardRow]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the diacritics."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for index, row in enumerate(rows, start=1):
        writer.writerow(_cells(index, row))
    return buffer.getvalue().encode("utf-8-sig")


def awards_xlsx(rows: Sequence[AwardRow], *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Khen thưởng"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for index, row in enumerate(rows, start=1):
        # Every cell is written as text: openpyxl would store a leading "=" as a formula.
        sheet.append(_cells(index, row))
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    for column, width in zip("ABCDEFGHIJ", (5, 7, 45, 35, 20, 30, 35, 50, 16, 14), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
