"""The year-end report's statistical annex as an XLSX workbook, one sheet per table; no Django."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from tongket.core.cells import neutralized
from tongket.core.formatting import format_maximum, format_points
from tongket.evaluation.domain import Level
from tongket.reports.builders import level_name
from tongket.reports.facts import NO_DATA, Classification, LevelCounts, YearEndFacts

LEVELS = (*Level.descending(), None)


def _append(sheet: Worksheet, row: list[Any]) -> None:
    """Every row of the annex goes through the one neutralising function (titles, names)."""
    sheet.append(neutralized(row))


def _sheet(book: Workbook, title: str, caption: str, headers: Sequence[str]) -> Worksheet:
    sheet = book.create_sheet(title)
    _append(sheet, [caption])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(headers))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.column_dimensions["A"].width = 40
    for letter in "BCDEFG":
        sheet.column_dimensions[letter].width = 16
    return sheet


def _counts(c: Classification | None, cells: bool) -> LevelCounts | None:
    if c is None:
        return None
    return c.cells if cells else c.members


def _count(counts: LevelCounts | None, level: Level | None) -> int | str:
    if counts is None:
        return "-"
    return counts.count(level) if level is not None else counts.not_classified


def render_annex(facts: YearEndFacts) -> bytes:
    """Phụ lục số liệu: the figures of the report, as numbers a spreadsheet can add up."""
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    y = facts.year
    o = facts.organization

    summary = _sheet(book, "Tổng hợp", f"{o.name} - Phụ lục số liệu năm {y}", ("Chỉ tiêu", "Số"))
    _append(summary, ["Số đảng viên", facts.member_count])
    _append(summary, ["Số chi bộ", facts.cell_count])
    own = facts.classification.own_level if facts.classification else None
    _append(summary, ["Xếp loại tổ chức đảng", own.label if own else NO_DATA])
    if facts.targets is not None:
        _append(summary, ["Chỉ tiêu đạt / giao", f"{facts.targets.met}/{facts.targets.total}"])
    else:
        _append(summary, ["Chỉ tiêu đạt / giao", NO_DATA])

    for title, cells in (("Xếp loại chi bộ", True), ("Xếp loại đảng viên", False)):
        sheet = _sheet(
            book, title, f"{title} năm {y} so với năm {y - 1}", ("Mức", f"Năm {y}", f"Năm {y - 1}")
        )
        now = _counts(facts.classification, cells)
        before = _counts(facts.previous, cells)
        if now is None:
            _append(sheet, [NO_DATA])
            continue
        for level in LEVELS:
            _append(sheet, [level_name(level), _count(now, level), _count(before, level)])
        _append(sheet, ["Tổng số", now.total, before.total if before else "-"])

    scores = _sheet(
        book,
        "Chấm điểm",
        f"Chấm điểm, xếp hạng năm {y}",
        ("Nội dung", "Điểm", "Điểm tối đa", "Thứ hạng", "Trên số đơn vị", "Xếp loại"),
    )
    if facts.scorecards:
        for s in facts.scorecards:
            # Written as the report writes them (`97,0`), and as numbers for the spreadsheet.
            _append(scores, [s.title, s.points, s.maximum, s.rank, s.of, s.level])
            _append(scores, ["", format_points(s.points), format_maximum(s.maximum, s.points)])
    else:
        _append(scores, [NO_DATA])

    awards = _sheet(
        book, "Khen thưởng", f"Khen thưởng năm {y}", ("Tập thể, cá nhân", "Hình thức", "Cấp khen")
    )
    if facts.awards is not None:
        for a in facts.awards:
            _append(awards, [a.recipient, a.form, a.issuer])
    else:
        _append(awards, [NO_DATA])

    programs = _sheet(
        book,
        "Chương trình",
        f"Thực hiện chương trình năm {y}",
        ("Chương trình", "Số nội dung", "Đã thực hiện", "Hoãn", "Chưa xong"),
    )
    if facts.programs is not None:
        for p in facts.programs:
            _append(programs, [p.title, p.total, p.done, p.postponed, p.remaining])
    else:
        _append(programs, [NO_DATA])

    out = BytesIO()
    book.save(out)
    return out.getvalue()
