"""The criteria set as a sheet of a workbook: export and read back (`tongket criteria`).

Layout of sheet «Tiêu chí»: rows 1–4 hold the organization's code, the year, the appendix and
the title (label in A, value in B); row 6 is the header; one criterion a row below it. A cell
starting with =, +, - or @ is written as text (core.cells.neutralize).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from tongket.core.cells import cell_text, neutralize
from tongket.core.errors import DomainError
from tongket.criteria.domain import (
    SECTION_WORDS,
    Appendix,
    Node,
    points_from_text,
    section_from_word,
)
from tongket.exchange.importer import open_small_workbook

SHEET = "Tiêu chí"
META = ("Mã tổ chức", "Năm", "Phụ lục", "Tên bộ tiêu chí")
HEADER = ("Mã", "Thuộc mã", "Nhóm", "Nội dung", "Điểm", "Hướng dẫn chấm", "Minh chứng")
HEADER_ROW = 6


@dataclass(frozen=True)
class SheetSet:
    organization_code: str
    year: int
    appendix: Appendix
    title: str
    nodes: tuple[Node, ...]


def export_set(sheet_set: SheetSet) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = SHEET
    values = (
        sheet_set.organization_code,
        sheet_set.year,
        sheet_set.appendix.value,
        sheet_set.title,
    )
    for row, (label, value) in enumerate(zip(META, values, strict=True), start=1):
        ws.cell(row=row, column=1, value=label)
        ws.cell(row=row, column=2, value=neutralize(value))
    for column, label in enumerate(HEADER, start=1):
        ws.cell(row=HEADER_ROW, column=column, value=label)
    for row, node in enumerate(sheet_set.nodes, start=HEADER_ROW + 1):
        cells = (
            node.code,
            node.parent,
            SECTION_WORDS[node.section],
            node.title,
            float(node.points) if node.points is not None else None,
            node.guidance,
            node.evidence,
        )
        for column, value in enumerate(cells, start=1):
            ws.cell(row=row, column=column, value=neutralize(value))
    for letter, width in zip("ABCDEFG", (8, 10, 10, 60, 8, 40, 40), strict=True):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refuse(row: int, column: str, message: str, rule: str) -> DomainError:
    return DomainError(f"Dòng {row}, cột «{column}»: {message}", field=column, rule=rule)


def read_set(path: Path) -> SheetSet:
    """The set a sheet holds; a malformed cell is refused naming its row and column. The file
    passes the import engine's limits (size, zip bomb) before openpyxl opens it."""
    book = open_small_workbook(path, unreadable_rule="criteria.sheet.unreadable")
    if SHEET not in book.sheetnames:
        raise DomainError(
            f"Tệp không có trang «{SHEET}».", field="file", rule="criteria.sheet.missing"
        )
    rows = list(book[SHEET].iter_rows(values_only=True))
    meta = {cell_text(r[0]): (r[1] if len(r) > 1 else None) for r in rows[: len(META)] if r}
    missing = [label for label in META if not cell_text(meta.get(label))]
    if missing:
        raise DomainError(
            f"Trang «{SHEET}» thiếu: {', '.join(missing)} (dòng 1–4, cột B).",
            field=missing[0],
            rule="criteria.sheet.meta",
        )
    try:
        year = int(cell_text(meta[META[1]]))
    except ValueError:
        raise _refuse(2, "B", "năm phải là số.", "criteria.sheet.year") from None
    try:
        appendix = Appendix(cell_text(meta[META[2]]).upper())
    except ValueError:
        raise _refuse(3, "B", "phụ lục phải là PL1–PL5.", "criteria.sheet.appendix") from None
    nodes: list[Node] = []
    for number, row in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        cells = [cell_text(v) for v in (list(row) + [None] * len(HEADER))[: len(HEADER)]]
        if not any(cells):
            continue
        code, parent, section, title, points, guidance, evidence = cells
        if not code:
            raise _refuse(number, HEADER[0], "chưa có mã tiêu chí.", "criteria.node.no_code")
        try:
            section_group = section_from_word(section)
        except ValueError as exc:
            raise _refuse(number, HEADER[2], str(exc), "criteria.sheet.section") from None
        try:
            value = points_from_text(points)
        except ValueError:
            raise _refuse(
                number, HEADER[4], f"«{points}» không phải là số.", "criteria.sheet.points"
            ) from None
        nodes.append(
            Node(
                code=code,
                title=title,
                points=value,
                section=section_group,
                parent=parent,
                guidance=guidance,
                evidence=evidence,
            )
        )
    return SheetSet(
        organization_code=cell_text(meta[META[0]]),
        year=year,
        appendix=appendix,
        title=cell_text(meta[META[3]]),
        nodes=tuple(nodes),
    )
