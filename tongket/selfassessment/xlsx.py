"""The task annex as a sheet: «Nhiệm vụ», «Hạn», «Ngày hoàn thành», «Chất lượng» (đạt / không
đạt), «Vượt yêu cầu» (có / không); header in row 1, one task a row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tongket.core.errors import DomainError
from tongket.exchange.importer import open_small_workbook
from tongket.selfassessment.domain import TaskLine, read_date

HEADER = ("Nhiệm vụ", "Hạn", "Ngày hoàn thành", "Chất lượng", "Vượt yêu cầu")
YES = {"có", "x", "1", "true", "đạt", "yes"}
NO = {"không", "", "0", "false", "không đạt", "no"}


def _date(value: object, row: int, column: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return read_date(text)
    except ValueError:
        raise DomainError(
            f"Dòng {row}, cột «{column}»: «{text}» không phải là ngày (dd/mm/yyyy).",
            field=column,
            rule="selfassessment.sheet.date",
        ) from None


def _flag(value: object, row: int, column: str) -> bool:
    text = "" if value is None else str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise DomainError(
        f"Dòng {row}, cột «{column}»: ghi «có» hoặc «không» (chất lượng: «đạt»/«không đạt»).",
        field=column,
        rule="selfassessment.sheet.flag",
    )


def read_tasks(path: Path) -> list[TaskLine]:
    """The tasks of the sheet; the file passes the import engine's limits (size, zip bomb)
    before openpyxl opens it."""
    book = open_small_workbook(path, unreadable_rule="selfassessment.sheet")
    ws = book.active
    assert ws is not None
    tasks: list[TaskLine] = []
    for number, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        cells = (list(row) + [None] * 5)[:5]
        if not any(c not in (None, "") for c in cells):
            continue
        title, due, done, quality, exceeded = cells
        due_on = _date(due, number, HEADER[1])
        if due_on is None:
            raise DomainError(
                f"Dòng {number}, cột «{HEADER[1]}»: nhiệm vụ cần có hạn.",
                field=HEADER[1],
                rule="selfassessment.sheet.due",
            )
        tasks.append(
            TaskLine(
                title=str(title or "").strip(),
                due_on=due_on,
                done_on=_date(done, number, HEADER[2]),
                quality_ok=_flag(
                    quality if quality not in (None, "") else "đạt", number, HEADER[3]
                ),
                exceeded=_flag(exceeded, number, HEADER[4]),
            )
        )
    return tasks
