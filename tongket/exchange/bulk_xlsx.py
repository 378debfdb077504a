"""A fast streaming reader of .xlsx cell values, for imports of large workbooks.

openpyxl in read-only mode parses each sheet with the standard library's pure-Python tree builder
(and, when a sheet has no `<dimension>`, parses it twice to size it); that alone costs more than
the rest of a 100,000-row import. This reader gives the same values as
`load_workbook(read_only=True, data_only=True)` and `iter_rows(values_only=True)` — shared and
inline strings, numbers as int or float, booleans, cached formula results (formulas are never
evaluated), date-formatted numbers as datetimes, error codes as text — with lxml's C parser,
entities never resolved, no network, and each row freed once read.

It knows only the parts of the format it needs; on anything else (a DOCTYPE, a strict-OOXML
namespace, a part it cannot find) it raises `Unsupported` and the caller falls back to openpyxl.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
WORKSHEET_TYPE = "/worksheet"
SHARED_STRINGS_TYPE = "/sharedStrings"
STYLES_TYPE = "/styles"

Row = tuple[int, list[Any]]  # Excel's row number, cell values from column A


class Unsupported(Exception):
    """The file uses something this reader does not handle: use openpyxl instead."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _read_xml(archive: zipfile.ZipFile, name: str) -> Any:
    data = archive.read(name)
    if b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data[:2048]:
        raise Unsupported(name)
    return etree.fromstring(data, parser=_parser())


def _part(base: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    parts = base.split("/")[:-1] + target.split("/")
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        elif part and part != ".":
            out.append(part)
    return "/".join(out)


def _text(element: Any) -> str:
    """The plain text of a shared or inline string: its `t` runs, phonetic runs left out."""
    direct = element.find(f"{MAIN}t")
    if direct is not None and element.find(f"{MAIN}r") is None:
        return str(direct.text or "")
    return "".join(
        t.text or ""
        for t in element.iter(f"{MAIN}t")
        if t.getparent() is not None and t.getparent().tag != f"{MAIN}rPh"
    )


def _column(ref: str) -> int:
    """The column number of a cell reference (`C12` → 3)."""
    letters = ref.rstrip(_DIGITS)
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for char in letters:
            if "A" <= char <= "Z":
                index = index * 26 + ord(char) - 64
            else:
                break
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = index
    return index


_DIGITS = "0123456789"
_COLUMNS: dict[str, int] = {}


class _CellValues:
    """A cell's value as openpyxl gives it, for the cells of one workbook. The common shapes
    (`<v>` or `<is><t>` as the only child) are read directly; dates are converted once per
    distinct serial number."""

    def __init__(self, book: Workbook) -> None:
        self.shared = book.shared
        self.epoch = book.epoch
        self.dates = book.dates
        self.durations = book.durations
        self.styles: dict[str, tuple[bool, bool]] = {}  # s attribute → (date, duration)
        self.converted: dict[tuple[str, bool], Any] = {}

    def __call__(self, cell: Any) -> Any:
        kind = cell.get("t", "n")
        first = cell[0] if len(cell) else None
        if kind == "inlineStr":
            if first is None:
                child = cell.find(_IS)
                return _text(child) if child is not None else None
            if first.tag == _IS and len(first) == 1 and first[0].tag == _T:
                return first[0].text or ""
            child = cell.find(_IS)
            return _text(child) if child is not None else None
        text = first.text if first is not None and first.tag == _V else cell.findtext(_V)
        if not text:
            return None
        if kind == "n":
            style = cell.get("s", "0")
            date, duration = self.styles.get(style) or self._style(style)
            return self._date(text, duration) if date else _number(text)
        if kind == "s":
            index = int(text)
            if not 0 <= index < len(self.shared):
                raise Unsupported("shared string out of range")
            return self.shared[index]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            raise Unsupported("ISO 8601 date cell")
        return text

    def _style(self, style: str) -> tuple[bool, bool]:
        index = int(style)
        found = self.styles[style] = (index in self.dates, index in self.durations)
        return found

    def _date(self, text: str, duration: bool) -> Any:
        key = (text, duration)
        value = self.converted.get(key, _MISSING)
        if value is _MISSING:
            try:
                value = from_excel(_number(text), self.epoch, timedelta=duration)
            except (OverflowError, ValueError):
                value = "#VALUE!"
            if len(self.converted) < 100_000:
                self.converted[key] = value
        return value


def _number(text: str) -> int | float:
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


_MISSING = object()
_V, _IS, _T = f"{MAIN}v", f"{MAIN}is", f"{MAIN}t"


class Workbook:
    """The sheets of an .xlsx by title, each readable once as a stream of rows."""

    def __init__(self, data: bytes) -> None:
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            self._load()
        except Unsupported:
            raise
        except Exception as exc:  # anything unexpected: let openpyxl judge the file
            raise Unsupported(str(exc)) from exc

    def _load(self) -> None:
        book = _read_xml(self.archive, "xl/workbook.xml")
        if book.tag != f"{MAIN}workbook":
            raise Unsupported("namespace")
        rels = _read_xml(self.archive, "xl/_rels/workbook.xml.rels")
        targets: dict[str, tuple[str, str]] = {
            r.get("Id"): (r.get("Type", ""), _part("xl/workbook.xml", r.get("Target", "")))
            for r in rels.iter(f"{PKG_REL}Relationship")
        }
        pr = book.find(f"{MAIN}workbookPr")
        date1904 = pr is not None and pr.get("date1904", "0") in ("1", "true")
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.sheets: list[tuple[str, str]] = []
        for sheet in book.iter(f"{MAIN}sheet"):
            kind, target = targets.get(sheet.get(f"{REL}id", ""), ("", ""))
            if kind.endswith(WORKSHEET_TYPE):
                self.sheets.append((sheet.get("name", ""), target))
        self.shared: list[str] = []
        self.dates: set[int] = set()
        self.durations: set[int] = set()
        for kind, target in targets.values():
            if kind.endswith(SHARED_STRINGS_TYPE):
                self.shared = [
                    _text(si) for si in _read_xml(self.archive, target).iter(f"{MAIN}si")
                ]
            elif kind.endswith(STYLES_TYPE):
                self._styles(_read_xml(self.archive, target))

    def _styles(self, styles: Any) -> None:
        custom = {
            int(f.get("numFmtId")): f.get("formatCode", "") for f in styles.iter(f"{MAIN}numFmt")
        }
        xfs = styles.find(f"{MAIN}cellXfs")
        if xfs is None:
            return
        for index, xf in enumerate(xfs.iterfind(f"{MAIN}xf")):
            number = int(xf.get("numFmtId", "0"))
            code = custom.get(number) or BUILTIN_FORMATS.get(number)
            if code and is_date_format(code):
                self.dates.add(index)
                if is_timedelta_format(code):
                    self.durations.add(index)

    def rows(self, target: str) -> Iterator[Row]:
        """The sheet's non-empty rows in order, as openpyxl's values would give them."""
        stream = self.archive.open(target)
        head = stream.peek(2048) if hasattr(stream, "peek") else b""
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise Unsupported(target)
        cell_value = _CellValues(self)
        c_tag = f"{MAIN}c"
        previous = 0
        for _event, row in etree.iterparse(
            stream,
            events=("end",),
            tag=f"{MAIN}row",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
        ):
            number = int(row.get("r") or previous + 1)
            previous = number
            values: list[Any] = []
            column = 0
            for cell in row.iterchildren(c_tag):
                ref = cell.get("r")
                column = _column(ref) if ref else column + 1
                value = cell_value(cell)
                if len(values) == column - 1:
                    values.append(value)
                elif len(values) < column - 1:
                    values.extend([None] * (column - 1 - len(values)))
                    values.append(value)
                else:
                    values[column - 1] = value
            row.clear(keep_tail=True)
            while row.getprevious() is not None:
                del row.getparent()[0]
            yield number, values
        stream.close()

    def close(self) -> None:
        self.archive.close()
