"""The workbook engine without Django: limits, safe reading, tolerant cell parsing, writing, and the
`SheetHandler` base class that each kind of record (one sheet each) implements."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, ClassVar, Generic, Protocol, TypeVar

from tongket.core.cells import FORMULA_PREFIXES, neutralize
from tongket.core.labelled import LabelledStrEnum
from tongket.core.rules import Finding, Severity
from tongket.core.text import fold, is_digits

MAX_BYTES = 20 * 1024 * 1024  # an uploaded workbook
# All parts of the zip once inflated: the reader holds a workbook's rows in memory before they
# are parsed (measured 12/2026: 100,000 members, 47 MB of sheet XML, held in 83 MB).
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# One part inflated may be at most this many times its compressed size (a zip bomb is ~1,000),
# once it is larger than RATIO_FLOOR_BYTES (small parts compress well, legitimately).
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_ROWS = 100_000  # data rows in the whole workbook, all sheets together
MAX_COLUMNS = 60
INSTRUCTIONS_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"  # the template's lists behind its drop-downs
ORGANIZATIONS_SHEET = "Mã tổ chức"  # the template's list of the codes the user may write
# Sheets that only help a person fill the template; an import skips them without a warning.
HELPER_SHEETS = frozenset({INSTRUCTIONS_SHEET, LISTS_SHEET, ORGANIZATIONS_SHEET})
DATE_FORMAT = "DD/MM/YYYY"
# Excel's day 0 in the 1900 date system (Lotus's phantom 29/02/1900 makes it the 30th).
EXCEL_EPOCH = dt.date(1899, 12, 30)


class WorkbookError(Exception):
    """The file as a whole cannot be read: message in Vietnamese, shown to the user as is (with
    the sheet and row where reading stopped, when there is one)."""

    def __init__(self, message: str, *, rule: str, sheet: str = "", row: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.sheet = sheet
        self.row = row


@dataclass(frozen=True)
class Limits:
    """What a workbook may hold, checked before any row is parsed. The defaults are the module's
    constants at the time of the call; the importer passes the site's settings."""

    bytes: int = -1
    inflated_bytes: int = -1
    ratio: int = -1
    rows: int = -1

    def resolved(self) -> Limits:
        return Limits(
            bytes=self.bytes if self.bytes > 0 else MAX_BYTES,
            inflated_bytes=(
                self.inflated_bytes if self.inflated_bytes > 0 else MAX_UNCOMPRESSED_BYTES
            ),
            ratio=self.ratio if self.ratio > 0 else MAX_RATIO,
            rows=self.rows if self.rows > 0 else MAX_ROWS,
        )


def _mb(size: int) -> str:
    return (
        f"{size / (1024 * 1024):.0f} MB"
        if size >= 1024 * 1024
        else f"{size:,} byte".replace(",", ".")
    )


def _count(number: int) -> str:
    return f"{number:,}".replace(",", ".")


@dataclass(frozen=True)
class Problem:
    """One refused cell or row: where it is, what was there, and which rule it breaks."""

    sheet: str
    row: int  # Excel's row number (1 is the header row); 0 for the whole file
    column: str  # the column header, "" when the row as a whole is refused
    letter: str  # the column letter, "" when unknown
    value: str
    rule: str
    message: str
    severity: Severity = Severity.ERROR

    @property
    def where(self) -> str:
        if not self.sheet:
            return "Tệp"
        cell = f"{self.letter}{self.row}" if self.letter else f"dòng {self.row}"
        return f"Trang «{self.sheet}», {cell}" + (f" (cột «{self.column}»)" if self.column else "")

    def as_finding(self) -> Finding:
        return Finding(
            rule=self.rule,
            citation="",
            message=f"{self.where}: {self.message}",
            severity=self.severity,
            subject=f"{self.sheet}!{self.letter}{self.row}" if self.sheet else "",
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "letter": self.letter,
            "value": self.value,
            "rule": self.rule,
            "message": self.message,
            "severity": str(self.severity),
        }


class Action(LabelledStrEnum):
    CREATE = "create", "Thêm mới"
    UPDATE = "update", "Cập nhật"
    TRANSFER = "transfer", "Chuyển sinh hoạt"
    UNCHANGED = "unchanged", "Không đổi"
    REFUSE = "refuse", "Từ chối"


@dataclass(frozen=True)
class Outcome:
    """What the import did (or, in a dry run, would do) with one row."""

    sheet: str
    row: int
    key: str
    action: Action
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "key": self.key,
            "action": str(self.action),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its key in code, its Vietnamese header, and how to fill it."""

    key: str
    header: str
    required: bool = False
    help: str = ""
    example: str = ""
    width: int = 18


class ColumnKind(StrEnum):
    """What a column holds, for the template's cell formats and drop-downs and for the checks
    that a spreadsheet did not turn a code into a number."""

    TEXT = "text"
    CODE = "code"  # a code typed by people ("QT.KCQDN"): text format, never a number
    ORGANIZATION = "organization"  # an organization's code: text, listed on ORGANIZATIONS_SHEET
    CARD = "card"  # a Party card number ("45.000010"): text format, refused when read as a number
    DATE = "date"
    NUMBER = "number"
    CHOICE = "choice"  # one of the handler's `choices` for the column: a drop-down


@dataclass
class RawRow:
    sheet: str
    number: int
    values: dict[str, Any]  # column key → cell value as openpyxl gives it
    letters: dict[str, str]  # column key → column letter


# --- Tolerant cell parsing ---------------------------------------------------------------------


class CellError(ValueError):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


_FORMULA_STARTS = "".join(FORMULA_PREFIXES)


def clean_text(value: Any) -> str:
    """A cell as text: NFC, single spaces, trimmed; whole numbers lose their ".0"; the quote
    that export puts before a formula-like text is removed again."""
    if type(value) is str:  # the usual cell, first
        raw = value
    elif value is None:
        return ""
    elif isinstance(value, bool):
        return "1" if value else "0"
    else:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        raw = str(value)
    if len(raw) > 1 and raw[0] == "'" and raw[1] in _FORMULA_STARTS:
        raw = raw[1:]
    return " ".join((raw if raw.isascii() else unicodedata.normalize("NFC", raw)).split())


_DATE_PATTERNS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y")


def parse_date(value: Any) -> dt.date | None:
    """A date typed by a person or stored by Excel: a date cell, an Excel serial number, or text
    such as 05/03/1980, 5-3-1980, 05.03.1980 or 1980-03-05 (day first, as in Vietnam)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        serial = float(value)
        if not serial.is_integer() or not 1 <= serial <= 2_958_465:
            raise CellError("import.cell.date", "Số ngày kiểu Excel không hợp lệ.")
        return EXCEL_EPOCH + dt.timedelta(days=int(serial))
    text = clean_text(value)
    if is_digits(text) and 4 <= len(text) <= 6:
        return parse_date(int(text))
    text = text.split(" ")[0]  # "05/03/1980 00:00:00" as some exports write it
    for pattern in _DATE_PATTERNS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(
        "import.cell.date",
        "Ngày không hợp lệ; hãy ghi theo dạng ngày/tháng/năm, ví dụ 05/03/1980.",
    )


def choice_lookup(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Folded label and folded code → code, so "Nam", "nam", "NAM" and "male" all match."""
    table: dict[str, str] = {}
    for code, label in choices:
        table[fold(code)] = code
        table[fold(label)] = code
    return table


@lru_cache(maxsize=4096)
def _folded_choice(text: str) -> str:
    # A choice column holds a handful of distinct values over thousands of rows.
    return fold(text)


def parse_choice(value: Any, table: Mapping[str, str], allowed: str) -> str:
    text = clean_text(value)
    if not text:
        return ""
    code = table.get(_folded_choice(text))
    if code is None:
        raise CellError("import.cell.choice", f"Giá trị không hợp lệ; chỉ nhận: {allowed}.")
    return code


# --- Reading rows while recording problems -----------------------------------------------------


class RowReader:
    """Reads one row's cells through the tolerant parsers; every failure becomes a Problem."""

    def __init__(
        self, row: RawRow, columns: Sequence[Column], problems: list[Problem], sheet: str
    ) -> None:
        self.row = row
        self.columns = columns
        self.problems = problems
        self.sheet = sheet
        self.ok = True

    def problem(self, key: str, rule: str, message: str, *, value: Any = None) -> None:
        self.ok = False
        column = next((c for c in self.columns if c.key == key), None)
        raw = self.row.values.get(key) if value is None else value
        self.problems.append(
            Problem(
                sheet=self.sheet,
                row=self.row.number,
                column=column.header if column else "",
                letter=self.row.letters.get(key, ""),
                value=clean_text(raw),
                rule=rule,
                message=message,
            )
        )

    def _required(self, key: str) -> None:
        self.problem(key, "import.cell.required", "Ô này không được để trống.")

    def text(self, key: str, *, required: bool = False, max_length: int = 255) -> str:
        text = clean_text(self.row.values.get(key))
        if required and not text:
            self._required(key)
        elif len(text) > max_length:
            self.problem(key, "import.cell.too_long", f"Dài quá {max_length} ký tự.")
            return ""
        return text

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        try:
            value = parse_date(self.row.values.get(key))
        except CellError as exc:
            self.problem(key, exc.rule, exc.message)
            return None
        if value is None and required:
            self._required(key)
        elif value is not None and not dt.date(1900, 1, 1) <= value <= dt.date(2100, 12, 31):
            self.problem(key, "import.cell.date_range", "Ngày nằm ngoài khoảng hợp lý.")
            return None
        return value

    def choice(
        self, key: str, table: Mapping[str, str], allowed: str, *, required: bool = False
    ) -> str:
        try:
            code = parse_choice(self.row.values.get(key), table, allowed)
        except CellError as exc:
            self.problem(key, exc.rule, exc.message)
            return ""
        if required and not code:
            self._required(key)
        return code


# --- Sheet handlers ----------------------------------------------------------------------------


class SheetRecord(Protocol):
    """A parsed row: it remembers the Excel row it came from."""

    @property
    def row(self) -> int: ...


R = TypeVar("R", bound=SheetRecord)


@dataclass
class ImportContext:
    """What handlers share during one import: the actor, the date, and what they found."""

    actor: Any
    dry_run: bool
    today: dt.date
    problems: list[Problem] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    shared: dict[str, Any] = field(default_factory=dict)  # lookups one sheet passes to the next

    def refuse(
        self,
        sheet: SheetHandler[Any],
        row: int,
        key: str,
        value: Any,
        rule: str,
        message: str,
        *,
        letters: Mapping[str, str] | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        column = sheet.column(key)
        self.problems.append(
            Problem(
                sheet=sheet.title,
                row=row,
                column=column.header if column else "",
                letter=(letters or {}).get(key, sheet.letter(key)),
                value=clean_text(value),
                rule=rule,
                message=message,
                severity=severity,
            )
        )

    def record(
        self, sheet: SheetHandler[Any], row: int, key: str, action: Action, detail: str = ""
    ) -> None:
        self.outcomes.append(Outcome(sheet.title, row, key, action, detail))

    def refuse_error(self, sheet: SheetHandler[Any], record: Any, exc: Any) -> None:
        """A service's DomainError for one record, placed on the column that holds its field."""
        key = sheet.field_columns.get(exc.field, "")
        column = sheet.column(key) if key else None
        letters: dict[str, str] = getattr(record, "letters", {})
        self.problems.append(
            Problem(
                sheet=sheet.title,
                row=sheet.row_of(record),
                column=column.header if column else "",
                letter=letters.get(key, "") if key else "",
                value=clean_text(getattr(record, key, "")) if key else "",
                rule=exc.rule or "import.refused",
                message=exc.message,
            )
        )

    @property
    def failed(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)


class SheetHandler(ABC, Generic[R]):
    """One sheet of the workbook, one kind of record. Subclasses declare `key`, `title`,
    `columns` and `order`, and implement the four steps:

    - `parse(reader)`: one row's cells into a record (or None when a cell is refused);
    - `plan(records, ctx)`: batch look-ups and the checks across rows and against the database,
      deciding each record's action; refusals go to `ctx.problems`;
    - `apply(record, ctx)`: the write for one planned record, through the app's services;
    - `export_rows(user)`: what the user may see, as rows in column order.
    """

    key: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    order: ClassVar[int]
    # A service's DomainError.field → the column that holds it.
    field_columns: ClassVar[Mapping[str, str]] = {}
    # Column key → what it holds (TEXT when absent), and the labels of each CHOICE column.
    kinds: ClassVar[Mapping[str, ColumnKind]] = {}
    choices: ClassVar[Mapping[str, Sequence[str]]] = {}

    def kind(self, key: str) -> ColumnKind:
        return self.kinds.get(key, ColumnKind.TEXT)

    def choice_labels(self, key: str) -> Sequence[str]:
        """What a CHOICE column's drop-down offers; a handler whose choices live in the
        database overrides this."""
        return self.choices.get(key, ())

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def letter(self, key: str) -> str:
        from openpyxl.utils import get_column_letter

        for index, column in enumerate(self.columns, start=1):
            if column.key == key:
                return str(get_column_letter(index))
        return ""

    @abstractmethod
    def parse(self, reader: RowReader) -> R | None: ...

    @abstractmethod
    def plan(self, records: list[R], ctx: ImportContext) -> list[R]:
        """The records to apply, in the order to apply them (others are unchanged or refused)."""

    @abstractmethod
    def apply(self, record: R, ctx: ImportContext) -> None: ...

    def apply_all(
        self, records: list[R], ctx: ImportContext, advance: Callable[[int], None]
    ) -> bool:
        """Optional set-based write of every planned record at once, enforcing the same rules
        as `apply` (refusals go to `ctx.problems` via `ctx.refuse_error`) and calling
        `advance(n)` as records are done. Return False (the default) to have the importer call
        `apply` record by record instead."""
        return False

    def row_of(self, record: R) -> int:
        return record.row

    @abstractmethod
    def export_rows(self, user: Any) -> Iterator[list[Any]]: ...


# --- Reading a workbook ------------------------------------------------------------------------


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 (.xls) and other OLE files
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


class FileFormat(StrEnum):
    XLSX = "xlsx"
    XLS = "xls"  # Excel 97–2003
    ODS = "ods"  # OpenDocument (LibreOffice Calc)


UPLOAD_EXTENSIONS = ".xlsx,.xls,.ods"
NOT_A_WORKBOOK = (
    "Tệp không phải là bảng tính Excel (.xlsx, .xls) hay LibreOffice (.ods). Hãy lưu lại bằng "
    "Excel hoặc LibreOffice dưới dạng «Excel Workbook (.xlsx)» rồi tải lên lại."
)


def _check_container(data: bytes, limits: Limits) -> FileFormat:
    """The file's format, from its content (never its name), and the zip's directory against
    the limits, before anything is inflated. Python's zipfile never inflates a part beyond the
    size its directory declares (it stops there and fails the checksum), so the declared sizes
    bound what reading can cost. An .xls is bounded by the file size itself."""
    if len(data) > limits.bytes:
        raise WorkbookError(
            f"Tệp quá lớn ({_mb(len(data))}); giới hạn là {_mb(limits.bytes)}.",
            rule="import.file.too_large",
        )
    if data.startswith(OLE2_MAGIC):
        return FileFormat.XLS
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookError(NOT_A_WORKBOOK, rule="import.file.not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookError(
            "Tệp Excel bị hỏng, không đọc được.", rule="import.file.corrupt"
        ) from exc
    if "xl/workbook.xml" in names:
        found = FileFormat.XLSX
    elif mimetype.strip() == ODS_MIMETYPE and "content.xml" in names:
        found = FileFormat.ODS
    else:
        raise WorkbookError(NOT_A_WORKBOOK, rule="import.file.not_xlsx")
    for info in infos:
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > limits.ratio * max(
            info.compress_size, 1
        ):
            raise WorkbookError(
                f"Tệp bị từ chối: phần «{info.filename}» giải nén ra {_mb(info.file_size)} từ "
                f"{_mb(info.compress_size)}, gấp hơn {limits.ratio} lần (giới hạn tỉ lệ nén "
                f"{limits.ratio} lần), dấu hiệu của tệp nén độc hại (zip bomb).",
                rule="import.file.zip_bomb",
            )
    inflated = sum(info.file_size for info in infos)
    if inflated > limits.inflated_bytes:
        raise WorkbookError(
            f"Tệp giải nén ra {_mb(inflated)}, quá giới hạn {_mb(limits.inflated_bytes)}; "
            "hãy chia thành nhiều tệp nhỏ hơn.",
            rule="import.file.too_large",
        )
    return found


def check_upload(path: Path, limits: Limits) -> None:
    """The checks `read_workbook` makes before reading, for the small workbooks read outside the
    import engine (a criteria set, a task annex; pass `importer.site_limits()`): the file's
    size, its format, and the zip's directory (a zip bomb) before openpyxl inflates anything.
    WorkbookError when refused."""
    limits = limits.resolved()
    size = path.stat().st_size
    if size > limits.bytes:
        raise WorkbookError(
            f"Tệp quá lớn ({_mb(size)}); giới hạn là {_mb(limits.bytes)}.",
            rule="import.file.too_large",
        )
    if _check_container(path.read_bytes(), limits) is not FileFormat.XLSX:
        raise WorkbookError(NOT_A_WORKBOOK, rule="import.file.not_xlsx")


def read_workbook(
    data: bytes, handlers: Sequence[SheetHandler[Any]], limits: Limits | None = None
) -> tuple[dict[str, list[RawRow]], list[Problem]]:
    """Rows of every known sheet, keyed by handler key, and the problems of the layout itself.

    Read-only and values-only: formulas are never evaluated (a formula cell gives the value Excel
    cached, or nothing) and macros are never loaded. The fast reader (`bulk_xlsx`) reads the
    usual files; anything it does not handle is read again with openpyxl.

    The limits are checked before any row is parsed: the zip's sizes from its directory, then
    the number of data rows as they stream by (reading stops at the first row over the limit
    and the whole file is refused, so no row of a file that is too long is ever parsed).
    """
    from tongket.exchange.bulk_xlsx import Unsupported

    bounds = (limits or Limits()).resolved()
    if _check_container(data, bounds) is not FileFormat.XLSX:
        return _read_calamine(data, handlers, bounds)
    try:
        return _read_fast(data, handlers, bounds)
    except Unsupported:
        return _read_openpyxl(data, handlers, bounds)


SheetRows = Iterator[tuple[int, Sequence[Any]]]
_HELPER_SHEETS_FOLDED = frozenset(fold(t) for t in HELPER_SHEETS)


def _read_fast(
    data: bytes, handlers: Sequence[SheetHandler[Any]], limits: Limits
) -> tuple[dict[str, list[RawRow]], list[Problem]]:
    from tongket.exchange.bulk_xlsx import Workbook

    book = Workbook(data)
    try:
        return _read_sheets(((t, book.rows(target)) for t, target in book.sheets), handlers, limits)
    finally:
        book.close()


def _read_openpyxl(
    data: bytes, handlers: Sequence[SheetHandler[Any]], limits: Limits
) -> tuple[dict[str, list[RawRow]], list[Problem]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_vba=False, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise WorkbookError(
            "Tệp Excel bị hỏng hoặc không đúng định dạng, không đọc được.",
            rule="import.file.corrupt",
        ) from exc
    try:
        sheets = (
            (sheet.title, enumerate(sheet.iter_rows(values_only=True), start=1))
            for sheet in book.worksheets
        )
        return _read_sheets(sheets, handlers, limits)
    finally:
        book.close()


def _read_calamine(
    data: bytes, handlers: Sequence[SheetHandler[Any]], limits: Limits
) -> tuple[dict[str, list[RawRow]], list[Problem]]:
    """.xls and .ods, read with calamine (python-calamine): values only, like the .xlsx readers,
    and then the same checks and the same all-or-nothing import."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
    except Exception as exc:  # calamine raises its own kinds on a damaged file
        raise WorkbookError(
            "Tệp bảng tính bị hỏng hoặc không đúng định dạng, không đọc được.",
            rule="import.file.corrupt",
        ) from exc
    try:
        sheets = ((name, _calamine_rows(book, name)) for name in names)
        return _read_sheets(sheets, handlers, limits)
    finally:
        book.close()


def _calamine_rows(book: Any, name: str) -> SheetRows:
    """A sheet's rows numbered as the spreadsheet shows them (empty cells are "")."""
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return enumerate(rows, start=1)


def _read_sheets(
    sheets: Iterable[tuple[str, SheetRows]], handlers: Sequence[SheetHandler[Any]], limits: Limits
) -> tuple[dict[str, list[RawRow]], list[Problem]]:
    from openpyxl.utils import get_column_letter

    from tongket.exchange.bulk_xlsx import Unsupported

    by_title = {fold(h.title): h for h in handlers}
    rows: dict[str, list[RawRow]] = {}
    problems: list[Problem] = []
    try:
        for title, sheet_rows in sheets:
            handler = by_title.get(fold(title))
            if handler is None:
                if fold(title) not in _HELPER_SHEETS_FOLDED:
                    problems.append(
                        Problem(
                            title,
                            0,
                            "",
                            "",
                            "",
                            "import.sheet.unknown",
                            "Trang này không thuộc mẫu nhập nên được bỏ qua.",
                            Severity.WARNING,
                        )
                    )
                continue
            room = limits.rows - sum(len(r) for r in rows.values())
            found, sheet_problems = _read_sheet(
                sheet_rows, handler, get_column_letter, room=room, limit=limits.rows
            )
            rows[handler.key] = found
            problems.extend(sheet_problems)
    except (WorkbookError, Unsupported):
        raise
    except Exception as exc:
        raise WorkbookError(
            "Tệp Excel bị hỏng, không đọc hết được nội dung.", rule="import.file.corrupt"
        ) from exc
    if not rows:
        raise WorkbookError(
            "Tệp không có trang nào theo mẫu nhập (ví dụ «Tổ chức», «Đảng viên»). Hãy tải mẫu "
            "về và điền vào đó.",
            rule="import.file.no_sheet",
        )
    return rows, problems


def _read_sheet(
    iterator: SheetRows,
    handler: SheetHandler[Any],
    letter_of: Callable[[int], str],
    *,
    room: int,
    limit: int,
) -> tuple[list[RawRow], list[Problem]]:
    problems: list[Problem] = []
    first = next(iterator, None)
    if first is None:
        return [], problems
    header: Sequence[Any] = first[1] if first[0] == 1 else ()
    by_header = {fold(c.header): c for c in handler.columns}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header[:MAX_COLUMNS]):
        column = by_header.get(fold(clean_text(cell)))
        if column is not None and column.key not in positions:
            positions[column.key] = index
    for column in handler.columns:
        if column.required and column.key not in positions:
            problems.append(
                Problem(
                    handler.title,
                    1,
                    column.header,
                    "",
                    "",
                    "import.sheet.missing_column",
                    f"Thiếu cột bắt buộc «{column.header}» ở dòng tiêu đề.",
                )
            )
    if problems:
        return [], problems
    letters = {key: letter_of(index + 1) for key, index in positions.items()}
    found: list[RawRow] = []
    rest: SheetRows = iterator if first[0] == 1 else _chain_first(first, iterator)
    items = list(positions.items())
    guarded = [(key, kind) for key in positions if (kind := handler.kind(key)) in _NOT_NUMBERS]
    seen = 0
    for number, values in rest:
        size = len(values)
        cells = {key: values[i] if i < size else None for key, i in items}
        if all(_blank(v) for v in cells.values()):
            continue
        if number == EXAMPLE_ROW and is_example_row(handler, cells):
            continue
        if seen >= room:
            raise WorkbookError(
                f"Tệp có quá {_count(limit)} dòng dữ liệu (giới hạn {_count(limit)} dòng cho cả "
                "tệp, mọi trang cộng lại); không dòng nào được kiểm tra. Hãy chia thành nhiều "
                "tệp nhỏ hơn.",
                rule="import.file.too_many_rows",
                sheet=handler.title,
                row=number,
            )
        seen += 1  # refused rows count towards the limit too
        if guarded:
            refused = _codes_read_as_numbers(handler, number, cells, letters, guarded)
            if refused:
                problems.extend(refused)
                continue
        found.append(RawRow(handler.title, number, cells, letters))
    return found, problems


EXAMPLE_ROW = 2  # the template's example row, under the header; an import skips it unchanged
_NOT_NUMBERS = frozenset({ColumnKind.CARD, ColumnKind.CODE, ColumnKind.ORGANIZATION})


def is_example_row(handler: SheetHandler[Any], cells: Mapping[str, Any]) -> bool:
    """Whether a row is the template's example left as it was: every cell read equals its
    column's example (blank where the example is blank). A row edited in any cell is data."""
    matched = False
    for key, value in cells.items():
        column = handler.column(key)
        example = fold(column.example) if column else ""
        if fold(clean_text(value)) != example:
            return False
        matched = matched or bool(example)
    return matched


def _codes_read_as_numbers(
    handler: SheetHandler[Any],
    number: int,
    cells: Mapping[str, Any],
    letters: Mapping[str, str],
    guarded: Sequence[tuple[str, ColumnKind]],
) -> list[Problem]:
    """A card number or code that the spreadsheet stored as a number: "45.000010" typed where
    the cell is not text becomes 45.00001 (English locale) or 45000010 (Vietnamese locale), a
    different card. Never guessed back: the row is refused and the user told how to fix it."""
    problems: list[Problem] = []
    for key, kind in guarded:
        value = cells.get(key)
        if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
            continue
        if kind is ColumnKind.CARD:
            rule = "import.cell.card_as_number"
            what = "Số thẻ"
        elif isinstance(value, float) and not value.is_integer():
            rule = "import.cell.code_as_number"
            what = "Mã"
        else:
            continue  # a whole number is the code as typed ("101")
        column = handler.column(key)
        header = column.header if column else key
        problems.append(
            Problem(
                handler.title,
                number,
                header,
                letters.get(key, ""),
                clean_text(value),
                rule,
                f"{what} «{clean_text(value)}» đã bị bảng tính đổi thành số nên có thể đã mất "
                f"số 0 hoặc dấu chấm (ví dụ 45.000010 thành 45.00001). Hãy định dạng cột "
                f"«{header}» là Văn bản (Text), gõ lại đúng như trên giấy tờ rồi nhập lại.",
            )
        )
    return problems


def _blank(value: Any) -> bool:
    """`clean_text(value) == ""`, without cleaning the text of every cell of every row."""
    if value is None:
        return True
    if type(value) is str:
        return not value.strip()  # clean_text splits on the same whitespace
    return clean_text(value) == ""


def _chain_first(first: tuple[int, Sequence[Any]], rest: SheetRows) -> SheetRows:
    yield first
    yield from rest


# --- Writing -----------------------------------------------------------------------------------


def write_workbook(sheets: Sequence[tuple[SheetHandler[Any], Iterable[Sequence[Any]]]]) -> bytes:
    """An .xlsx with one sheet per handler (headers in bold, dates as dates, formula-like text
    neutralized)."""
    buffer = io.BytesIO()
    write_workbook_to(buffer, sheets)
    return buffer.getvalue()


def write_workbook_to(
    file: IO[bytes], sheets: Sequence[tuple[SheetHandler[Any], Iterable[Sequence[Any]]]]
) -> None:
    """`write_workbook` into a file, row by row: openpyxl's write-only mode keeps each sheet in
    a temporary file, so memory stays flat however many rows the iterables give."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for handler, rows in sheets:
        sheet = book.create_sheet(handler.title)
        for index, column in enumerate(handler.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        header = []
        for column in handler.columns:
            cell = WriteOnlyCell(sheet, value=column.header)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows:
            out: list[Any] = []
            for value in row:
                if isinstance(value, dt.date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = DATE_FORMAT
                    out.append(cell)
                else:
                    out.append(neutralize(value))
            sheet.append(out)
    book.save(file)


def write_csv_to(file: IO[str], handler: SheetHandler[Any], rows: Iterable[Sequence[Any]]) -> None:
    """CSV with the sheet's headers into a text file, row by row (UTF-8 with BOM is the caller's
    choice: Excel needs it)."""
    writer = csv.writer(file, lineterminator="\r\n")
    writer.writerow([c.header for c in handler.columns])
    for row in rows:
        writer.writerow(
            [v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else neutralize(v) for v in row]
        )
