"""Score sheets to and from Excel (layout: docs/import-scores.md); imports are all-or-nothing.

Layout of a worksheet (one worksheet per unit's sheet; the worksheet's name is free):

    A1 "Khung chấm điểm"  B1 frame code        A2 "Năm"         B2 year
    A3 "Phiên bản"        B3 frame version     A4 "Mã đơn vị"   B4 unit (agency) code
    A5 "Tên đơn vị"       B5 unit name (read by people, ignored on import)
    row 7: the column headings below; from row 8: one row per criterion, in the frame's order.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from tongket.accounts.scope import User
from tongket.core.cells import cell_text, neutralize
from tongket.core.errors import DomainError
from tongket.scoring import domain, selectors, services
from tongket.scoring.models import Frame, ScoreSheet

HEADER_ROW = 7
FIRST_ROW = 8
COLUMNS = (
    ("A", "Mã tiêu chí"),
    ("B", "Tiêu chí"),
    ("C", "Điểm tối đa"),
    ("D", "Không áp dụng (tự chấm)"),
    ("E", "Điểm tự chấm"),
    ("F", "Minh chứng"),
    ("G", "Không áp dụng (thẩm định)"),
    ("H", "Điểm thẩm định"),
    ("I", "Ý kiến thẩm định"),
)
LABELS = ("Khung chấm điểm", "Năm", "Phiên bản", "Mã đơn vị", "Tên đơn vị")
YES = frozenset({"x", "có", "co", "1", "true", "đúng"})
MODES = ("self", "appraisal")


# --- export ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineValues:
    not_applicable: bool = False
    self_score: Decimal | None = None
    evidence: str = ""
    appraised_not_applicable: bool = False
    appraised_score: Decimal | None = None
    comment: str = ""


@dataclass(frozen=True)
class Page:
    """One worksheet: a frame, a unit (blank in a template) and the values already entered."""

    frame: domain.Frame
    unit_code: str = ""
    unit_name: str = ""
    values: dict[str, LineValues] = field(default_factory=dict)


def page_for_sheet(sheet: ScoreSheet) -> Page:
    """The worksheet of a stored sheet (its lines must be loaded)."""
    return Page(
        frame=selectors.domain_frame(sheet.frame),
        unit_code=sheet.unit.code,
        unit_name=sheet.unit.name,
        values={
            ln.code: LineValues(
                ln.not_applicable,
                ln.self_score,
                ln.evidence,
                ln.appraised_not_applicable,
                ln.appraised_score,
                ln.appraiser_comment,
            )
            for ln in sheet.lines.all()
        },
    )


def write_workbook(pages: Sequence[Page]) -> bytes:
    """The workbook of the given pages (a template when the pages carry no values)."""
    book = Workbook()
    default = book.active
    bold = Font(bold=True)
    group_fill = PatternFill("solid", fgColor="EEF1F5")
    for index, page in enumerate(pages):
        ws = book.create_sheet(_title(page, index))
        header = (page.frame.code, page.frame.year, page.frame.version, page.unit_code)
        cells = zip(LABELS, (*header, page.unit_name), strict=True)
        for row, (label, value) in enumerate(cells, start=1):
            ws.cell(row=row, column=1, value=label).font = bold
            ws.cell(row=row, column=2, value=neutralize(value))
        for col, (letter, heading) in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=HEADER_ROW, column=col, value=heading)
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[letter].width = 40 if letter in "BFI" else 14
        for offset, placed in enumerate(page.frame.walk()):
            row = FIRST_ROW + offset
            c = placed.criterion
            v = page.values.get(c.code, LineValues())
            values: tuple[Any, ...] = (
                c.code,
                "    " * placed.depth + c.title,
                c.max_points,
                "x" if v.not_applicable else None,
                v.self_score,
                v.evidence or None,
                "x" if v.appraised_not_applicable else None,
                v.appraised_score,
                v.comment or None,
            )
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=col, value=neutralize(value))
                if not c.is_leaf:
                    cell.fill = group_fill
                    cell.font = bold
        ws.freeze_panes = f"C{FIRST_ROW}"
    if pages:
        book.remove(default)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _title(page: Page, index: int) -> str:
    base = page.unit_code or "Mẫu"
    for bad in "[]:*?/\\":
        base = base.replace(bad, "-")
    return f"{base[:27]}-{index + 1}" if index else base[:31]


def template_for_frame(frame: Frame, units: Iterable[tuple[str, str]] = ()) -> bytes:
    """A blank workbook for the frame: one worksheet per (code, name) unit, or one to fill in."""
    pure = selectors.domain_frame(frame)
    pages = [Page(pure, code, name) for code, name in units] or [Page(pure)]
    return write_workbook(pages)


# --- import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Trang «{self.sheet}»"
        if self.row is not None:
            where += f", dòng {self.row}"
        if self.column:
            where += f", cột {self.column}"
        return f"{where}: {self.message}"


class ImportFailed(DomainError):
    """Nothing was written; `errors` lists every problem found, each with sheet, row, column."""

    def __init__(self, errors: Sequence[CellError]) -> None:
        super().__init__(
            f"Không nhập được tệp: {len(errors)} lỗi, chưa ghi dữ liệu nào.",
            rule="scoring.import.invalid",
        )
        self.errors = tuple(errors)


@dataclass
class ParsedPage:
    title: str
    frame: Frame
    unit_code: str
    rows: dict[str, int]  # criterion code → worksheet row
    lines: dict[str, services.LineInput]
    not_applicable: set[str]


def _number(value: object) -> Decimal | None:
    """A cell's number: Excel numbers, or text with a decimal comma ("19,5"). Raises ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest repr, not the binary expansion
    text = str(value).strip().replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError from exc
    if not number.is_finite():
        raise ValueError
    return number


def _parse_page(
    title: str,
    rows: list[tuple[Any, ...]],
    mode: str,
    errors: list[CellError],
    *,
    allow_missing: bool,
) -> ParsedPage | None:
    def cell(r: int, c: int) -> Any:
        row = rows[r - 1] if r - 1 < len(rows) else ()
        return row[c - 1] if c - 1 < len(row) else None

    start = len(errors)
    for r, label in enumerate(LABELS[:4], start=1):
        if cell_text(cell(r, 1)) != label:
            errors.append(CellError(title, r, "A", f"cần ghi «{label}» theo mẫu."))
    code, year_text, version_text, unit_code = (cell_text(cell(r, 2)) for r in range(1, 5))
    if not code:
        errors.append(CellError(title, 1, "B", "chưa ghi mã khung chấm điểm."))
    if not unit_code:
        errors.append(CellError(title, 4, "B", "chưa ghi mã đơn vị."))
    for i, (letter, heading) in enumerate(COLUMNS, start=1):
        if cell_text(cell(HEADER_ROW, i)) != heading:
            errors.append(CellError(title, HEADER_ROW, letter, f"cần tiêu đề «{heading}»."))
    try:
        year, version = int(year_text), int(version_text or "1")
    except ValueError:
        errors.append(CellError(title, 2, "B", "năm và phiên bản phải là số nguyên."))
        return None
    if len(errors) > start:
        return None
    frames = list(Frame.objects.filter(code=code, year=year, version=version)[:2])
    if len(frames) != 1:
        errors.append(
            CellError(
                title,
                1,
                "B",
                f"không có khung chấm điểm {code} năm {year} phiên bản {version}."
                if not frames
                else f"có nhiều khung mã {code} năm {year}: liên hệ quản trị.",
            )
        )
        return None
    frame = frames[0]
    pure = selectors.domain_frame(frame)
    placed = {p.criterion.code: p for p in pure.walk()}
    if len(errors) > start:
        return None
    na_col, score_col, text_col = (4, 5, 6) if mode == "self" else (7, 8, 9)
    page = ParsedPage(title, frame, unit_code, {}, {}, set())
    for r in range(FIRST_ROW, len(rows) + 1):
        crit = cell_text(cell(r, 1))
        if not crit:
            if any(cell_text(cell(r, c)) for c in (na_col, score_col, text_col)):
                errors.append(CellError(title, r, "A", "dòng có điểm nhưng chưa ghi mã tiêu chí."))
            continue
        if crit not in placed:
            errors.append(CellError(title, r, "A", f"không có tiêu chí mã «{crit}» trong khung."))
            continue
        if crit in page.rows:
            errors.append(
                CellError(title, r, "A", f"tiêu chí {crit} đã có ở dòng {page.rows[crit]}.")
            )
            continue
        page.rows[crit] = r
        na = cell_text(cell(r, na_col)).lower()
        if na and na not in YES:
            errors.append(CellError(title, r, COLUMNS[na_col - 1][0], "ghi «x» nếu không áp dụng."))
        elif na:
            page.not_applicable.add(crit)
        try:
            score = _number(cell(r, score_col))
        except ValueError:
            errors.append(
                CellError(
                    title,
                    r,
                    COLUMNS[score_col - 1][0],
                    f"«{cell_text(cell(r, score_col))}» không phải là một số.",
                )
            )
            continue
        text = cell_text(cell(r, text_col))
        if score is not None or text:
            page.lines[crit] = services.LineInput(score, text)
    # The rules' own checks (missing, above maximum, on a group...), each placed on its row.
    scores = {c: v.score for c, v in page.lines.items() if c not in page.not_applicable}
    verdict = domain.compute_sheet(pure, scores, sorted(page.not_applicable))
    score_letter = COLUMNS[score_col - 1][0]
    for finding in verdict.errors:
        if allow_missing and finding.rule == "scoring.score.missing":
            continue
        row = page.rows.get(finding.subject)
        errors.append(CellError(title, row, score_letter if row else "", finding.message))
    return page if len(errors) == start else None


def read_workbook(
    source: bytes | IO[bytes], mode: str, *, allow_missing: bool = False
) -> tuple[list[ParsedPage], list[CellError]]:
    """Parse every worksheet (openpyxl read-only) and check it by the rules; nothing is written.
    `allow_missing`: a draft of self scores may leave criteria unscored."""
    if mode not in MODES:
        raise DomainError("Chế độ nhập không hợp lệ.", field="mode", rule="scoring.import.mode")
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:
        raise ImportFailed(
            [CellError("(tệp)", None, "", "không đọc được tệp Excel (.xlsx).")]
        ) from exc
    errors: list[CellError] = []
    pages: list[ParsedPage] = []
    try:
        for ws in book.worksheets:
            rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
            if not any(any(v is not None for v in r) for r in rows):
                continue
            page = _parse_page(ws.title, rows, mode, errors, allow_missing=allow_missing)
            if page is not None:
                pages.append(page)
    finally:
        book.close()
    if not pages and not errors:
        errors.append(CellError("(tệp)", None, "", "tệp không có trang nào có dữ liệu."))
    return pages, errors


@dataclass(frozen=True)
class ImportResult:
    sheets: tuple[ScoreSheet, ...]


def import_workbook(
    *, actor: User | None, source: bytes | IO[bytes], mode: str, submit: bool = False
) -> ImportResult:
    """Import self scores (`mode="self"`, optionally submitting) or appraisals
    (`mode="appraisal"`) from every worksheet, all or nothing: any error in any worksheet and
    nothing is written; ImportFailed lists every error with its sheet, row and column."""
    pages, errors = read_workbook(source, mode, allow_missing=mode == "self" and not submit)
    if errors:
        raise ImportFailed(errors)
    done: list[ScoreSheet] = []
    with transaction.atomic():
        for page in pages:
            try:
                done.append(_write_page(actor, page, mode, submit))
            except DomainError as exc:
                errors.extend(_located(page, exc, mode))
        if errors:
            raise ImportFailed(errors)  # leaving the block rolls every page back
    return ImportResult(tuple(done))


def _write_page(actor: User | None, page: ParsedPage, mode: str, submit: bool) -> ScoreSheet:
    if mode == "self":
        sheet = services.open_sheet(actor=actor, unit_code=page.unit_code, frame_id=page.frame.pk)
        return services.enter_self_scores(
            actor=actor,
            sheet_id=sheet.pk,
            lines=page.lines,
            not_applicable=page.not_applicable,
            submit=submit,
        )
    existing = ScoreSheet.objects.filter(unit__code=page.unit_code, frame=page.frame).first()
    if existing is None:
        raise DomainError(
            "đơn vị chưa có phiếu tự chấm trên khung này.", field="unit", rule="scoring.import"
        )
    return services.appraise_sheet(
        actor=actor, sheet_id=existing.pk, lines=page.lines, not_applicable=page.not_applicable
    )


def _located(page: ParsedPage, exc: DomainError, mode: str) -> list[CellError]:
    letter = "E" if mode == "self" else "H"
    if exc.findings:
        out = []
        for finding in exc.findings:
            row = page.rows.get(finding.subject)
            out.append(CellError(page.title, row, letter if row else "", finding.message))
        return out
    if exc.field == "unit" or exc.rule.startswith("access"):
        return [CellError(page.title, 4, "B", exc.message)]
    return [CellError(page.title, None, "", exc.message)]
