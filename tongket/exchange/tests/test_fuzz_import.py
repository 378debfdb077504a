"""Hostile workbooks against the importer: random bytes, broken and bombed zips, oversized files,
too many rows or columns, wrong headers, formulas, macros, huge or strange cells, NaN and
infinite numbers, dates out of range, and hypothesis-generated mixes of valid rows and invalid
cells. Each must give the importer's report (never another exception), write nothing unless the
whole file is valid (the whole database compared before and after), and name the sheet, the row,
the column and the rule of every error."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from tongket.core.tests import dbsnapshot
from tongket.core.tests.fuzzing import repeatable
from tongket.exchange import workbook as wb
from tongket.exchange.importer import ImportReport, run_import
from tongket.people.models import Member
from tongket.people.sheets import MemberSheet, OrganizationSheet
from tongket.people.tests.factories import CELLS, member_row, members_workbook

pytestmark = pytest.mark.django_db

MEMBER_HEADERS = [c.header for c in MemberSheet.columns]
CASES: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def count_cases(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    total = sum(CASES.values())
    line = f"fuzz import: {total} workbooks — " + ", ".join(f"{k} {v}" for k, v in CASES.items())
    dbsnapshot.announce(request.config, line)


@pytest.fixture
def actor(user_named: Callable[[str], Any]) -> Any:
    return user_named("vanphong")


def importing(
    kind: str, data: bytes, actor: Any, inspect: Callable[[ImportReport], None] | None = None
) -> ImportReport:
    """Import as the office and check the invariants every import keeps, whatever the input."""
    CASES[kind] = CASES.get(kind, 0) + 1
    with transaction.atomic():
        before = dbsnapshot.take()
        report = run_import(data, actor=actor, dry_run=False, filename=f"{kind}.xlsx")
        after = dbsnapshot.take()
        if not report.applied:
            assert before == after, before.diff(after)
        if inspect is not None:
            inspect(report)
        transaction.set_rollback(True)
    assert isinstance(report, ImportReport)
    if report.errors:
        assert not report.applied
        assert "không ghi gì" in report.summary()
    for problem in report.problems:
        assert problem.rule, problem
        assert problem.message, problem
        if problem.sheet and problem.row > 1:
            # A refused cell or row names its sheet, row and (for a cell) its column.
            assert problem.where.startswith(f"Trang «{problem.sheet}»"), problem
        elif not problem.sheet:
            assert problem.row == 0, problem
            assert problem.rule.startswith("import.file."), problem
    return report


def rules(report: ImportReport) -> set[str]:
    return {p.rule for p in report.errors}


def xlsx(
    rows: list[list[Any]], *, title: str = "Đảng viên", header: list[Any] | None = None
) -> bytes:
    """A workbook written by openpyxl as a person would (no formula neutralized)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(MEMBER_HEADERS if header is None else header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(
    data: bytes,
    *,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_STORED,
) -> bytes:
    """The same package with some parts replaced or added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", compression) as dst,
    ):
        for info in src.infolist():
            body = (replace or {}).get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, body)
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


# --- Files that cannot be read as a whole ----------------------------------------------------


def test_random_bytes_are_refused_as_not_a_workbook(actor: Any) -> None:
    for size in (0, 1, 3, 100, 5000):
        report = importing("random_bytes", os.urandom(size), actor)
        assert rules(report) == {"import.file.not_xlsx"}


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, 0.99])
def test_a_truncated_workbook_is_refused_as_corrupt_or_not_a_workbook(
    actor: Any, cut: float
) -> None:
    data = members_workbook(3)
    report = importing("truncated", data[: int(len(data) * cut)], actor)
    assert rules(report) <= {"import.file.corrupt", "import.file.not_xlsx"}
    assert report.errors


def test_a_zip_with_a_damaged_part_is_refused_as_corrupt(actor: Any) -> None:
    data = members_workbook(3)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    sheet = next(n for n in names if n.startswith("xl/worksheets/"))
    for body in (b"<worksheet", b"\x00\xff garbage", b"<?xml version='1.0'?><x>&bad;</x>"):
        report = importing("damaged_part", rezip(data, replace={sheet: body}), actor)
        assert rules(report) == {"import.file.corrupt"}, report.problems


def test_a_zip_that_is_not_a_workbook_is_refused(actor: Any) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "không phải Excel")
    assert rules(importing("other_zip", out.getvalue(), actor)) == {"import.file.not_xlsx"}


def _bomb(inflated: int) -> bytes:
    """A workbook whose one sheet inflates to `inflated` bytes of zeros (about 1,000 to 1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = b"\0" * (4 * 1024 * 1024)
        with archive.open(info, "w", force_zip64=True) as part:
            for _ in range(inflated // len(chunk)):
                part.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_under_the_inflated_limit_is_refused_by_its_ratio(actor: Any) -> None:
    # The audit's bomb: a few hundred KB that inflate to less than the total limit, which
    # the old check let through to the reader (7.8 GB of memory for a worker).
    data = _bomb(wb.MAX_UNCOMPRESSED_BYTES - 8 * 1024 * 1024)
    assert len(data) < 1024 * 1024
    report = importing("zip_bomb", data, actor)
    assert rules(report) == {"import.file.zip_bomb"}
    (error,) = report.errors
    assert "xl/worksheets/sheet1.xml" in error.message
    assert "giới hạn tỉ lệ nén 200 lần" in error.message


def test_a_zip_bomb_over_the_inflated_limit_is_refused_before_it_is_inflated(
    actor: Any, settings: Any
) -> None:
    settings.TONGKET_IMPORT_MAX_RATIO = 10_000
    data = _bomb(wb.MAX_UNCOMPRESSED_BYTES + 8 * 1024 * 1024)
    report = importing("zip_bomb", data, actor)
    assert rules(report) == {"import.file.too_large"}
    assert "quá giới hạn 100 MB" in report.errors[0].message


def test_the_inflated_limit_is_a_setting_named_in_the_error(actor: Any, settings: Any) -> None:
    settings.TONGKET_IMPORT_MAX_INFLATED_BYTES = 2 * 1024 * 1024
    # Incompressible text: the ratio is low, only the inflated size is over the limit.
    noise = os.urandom(3 * 1024 * 1024).hex().encode()
    data = rezip(members_workbook(1), add={"xl/media/noise.bin": noise})
    report = importing("inflated", data, actor)
    assert rules(report) == {"import.file.too_large"}
    assert "quá giới hạn 2 MB" in report.errors[0].message


def _million_rows() -> bytes:
    """A workbook of 1,000,000 rows under «Đảng viên», each with only a number for a card
    number, its sheet XML written directly (seconds, where openpyxl would take minutes)."""
    template = members_workbook(1)
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        sheet = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
    header = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(MEMBER_HEADERS)
    )
    rows = "".join(f"<row><c><v>{n}</v></c></row>" for n in range(2, 1_000_002))
    body = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1">{header}</row>{rows}</sheetData></worksheet>'
    ).encode()
    return rezip(template, replace={sheet: body}, compression=zipfile.ZIP_DEFLATED)


def test_a_million_invalid_rows_are_refused_before_any_row_is_parsed(actor: Any) -> None:
    import time

    data = _million_rows()
    started = time.perf_counter()
    report = importing("million_rows", data, actor)
    elapsed = time.perf_counter() - started
    (error,) = report.errors
    assert error.rule == "import.file.too_many_rows"
    assert (error.sheet, error.row) == ("Đảng viên", 100_002)
    assert "giới hạn 100.000 dòng" in error.message
    assert report.rows == 0  # no row was parsed
    assert elapsed < 30, elapsed
    assert len(json.dumps(report.as_dict())) < 10_000


def test_an_oversized_file_is_refused_without_being_opened(actor: Any) -> None:
    data = b"PK\x03\x04" + b"\0" * (wb.MAX_BYTES + 1)
    report = importing("oversized", data, actor)
    assert rules(report) == {"import.file.too_large"}
    assert "20 MB" in report.errors[0].message


# --- Readable files with a wrong layout ------------------------------------------------------


def test_a_workbook_without_any_known_sheet_is_refused(actor: Any) -> None:
    report = importing("unknown_sheet", xlsx([member_row(1)], title="Sheet1"), actor)
    assert rules(report) == {"import.file.no_sheet"}


@pytest.mark.parametrize(
    "header",
    [
        [],
        ["Số thẻ"],
        ["x", "y", "z"],
        [h.upper() for h in MEMBER_HEADERS[:-1]],  # the organization column is missing
        [None] * len(MEMBER_HEADERS),
        [1, 2, 3, 4, 5, 6, 7, 8],
    ],
)
def test_missing_or_wrong_headers_name_each_missing_column(actor: Any, header: list[Any]) -> None:
    report = importing("wrong_header", xlsx([member_row(1)], header=header), actor)
    missing = [p for p in report.errors if p.rule == "import.sheet.missing_column"]
    assert missing
    assert all(p.sheet == "Đảng viên" and p.row == 1 and p.column for p in missing)


def test_a_required_column_beyond_the_column_limit_is_not_read(actor: Any) -> None:
    header = [f"Cột {i}" for i in range(wb.MAX_COLUMNS)] + MEMBER_HEADERS
    row = [""] * wb.MAX_COLUMNS + member_row(1)
    report = importing("too_many_columns", xlsx([row], header=header), actor)
    assert "import.sheet.missing_column" in rules(report)


def test_too_many_rows_are_refused_with_the_row_that_passes_the_limit(
    actor: Any, settings: Any
) -> None:
    settings.TONGKET_IMPORT_MAX_ROWS = 5
    report = importing("too_many_rows", members_workbook(8), actor)
    (problem,) = report.errors
    assert problem.rule == "import.file.too_many_rows"
    assert (problem.sheet, problem.row) == ("Đảng viên", 7)
    assert report.rows == 0


def test_the_row_limit_counts_every_sheet_together(actor: Any, settings: Any) -> None:
    settings.TONGKET_IMPORT_MAX_ROWS = 5
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Đảng viên"
    first.append(MEMBER_HEADERS)
    for n in range(1, 4):
        first.append(member_row(n))
    orgs = book.create_sheet("Tổ chức")
    orgs.append([c.header for c in OrganizationSheet.columns])
    for n in range(1, 4):
        orgs.append([f"T{n}", f"Tổ chức {n}", "Chi bộ"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = importing("too_many_rows", buffer.getvalue(), actor)
    assert rules(report) == {"import.file.too_many_rows"}


# --- Hostile cells ---------------------------------------------------------------------------


def test_formulas_are_never_evaluated_and_their_cells_are_refused_or_read_as_text(
    actor: Any,
) -> None:
    row = member_row(1)
    row[1] = '=HYPERLINK("http://example.invalid","x")'
    row[2] = "=TODAY()"
    row[7] = '=CONCAT("QT.","KCQDN")'
    report = importing("formulas", xlsx([row]), actor)
    # openpyxl keeps no cached value for a formula it wrote: the cells read as empty.
    assert {("Họ và tên", "import.cell.required"), ("Mã chi bộ", "import.cell.required")} <= {
        (p.column, p.rule) for p in report.errors
    }


def test_a_macro_workbook_is_read_without_its_macros(actor: Any) -> None:
    data = members_workbook(2)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    macro_types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    xlsm = rezip(
        data,
        replace={"[Content_Types].xml": macro_types},
        add={"xl/vbaProject.bin": b'\xd0\xcf\x11\xe0 Sub AutoOpen() Shell "calc" End Sub'},
    )
    report = importing("macro", xlsm, actor)
    assert report.ok, report.problems  # the rows are ordinary rows
    assert report.applied


def test_control_characters_escaped_in_the_xml_are_refused_or_cleaned(actor: Any) -> None:
    data = xlsx([member_row(1)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
        shared = "xl/sharedStrings.xml" in archive.namelist()
    name = "Nguyễn Văn An".encode()
    hostile = "Nguyễn_x0001_ Văn_x001B_[31m An_x0000_".encode()
    if shared:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            strings = archive.read("xl/sharedStrings.xml")
        data = rezip(data, replace={"xl/sharedStrings.xml": strings.replace(name, hostile)})
    else:
        data = rezip(data, replace={"xl/worksheets/sheet1.xml": sheet.replace(name, hostile)})
    stored: list[str] = []

    def inspect(report: ImportReport) -> None:
        if report.applied:
            stored.append(Member.objects.get(card_number="99.000001").full_name)

    report = importing("control_chars", data, actor, inspect)
    assert report.applied or report.errors
    for full_name in stored:
        assert not any(ord(ch) < 32 for ch in full_name), repr(full_name)


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        # NaN and ±INF are xsd:double values that Excel never writes; openpyxl cannot read them,
        # so the file as a whole is refused as damaged (no cell of it is imported).
        (2, math.nan, "import.file.corrupt"),
        (2, math.inf, "import.file.corrupt"),
        (4, -math.inf, "import.file.corrupt"),
        (4, 1e300, "import.cell.date"),
        (4, -5, "import.cell.date"),
        (4, 0.5, "import.cell.date"),
        (2, dt.date(1800, 1, 1), "import.cell.date_range"),
        (4, "31/02/2005", "import.cell.date"),
        (5, "9999-12-31", "import.cell.date_range"),
        (2, "01/01/0001", "import.cell.date_range"),
        (1, "A" * 40_000, "import.cell.too_long"),
        (0, "9" * 300, "import.cell.too_long"),
        (3, math.nan, "import.file.corrupt"),
        (6, "\u202eChính thức", "import.cell.choice"),
    ],
)
def test_strange_cells_are_refused_by_a_named_rule_in_their_column(
    actor: Any, column: int, value: Any, rule: str
) -> None:
    row = member_row(1)
    row[column] = _writable(value)
    report = importing("strange_cell", raw_numbers(xlsx([member_row(2), row])), actor)
    assert not report.applied
    refused = {(p.row, p.column, p.rule) for p in report.errors}
    where = (0, "") if rule.startswith("import.file.") else (3, MEMBER_HEADERS[column])
    assert (*where, rule) in refused, report.errors


# --- Generated mixes -------------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs"],
        # openpyxl refuses to write the XML-illegal controls; the escaped ones are tested above.
        blacklist_characters="".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r"),
    ),
    max_size=300,
)
_BAD_CELL = st.one_of(
    _TEXT,
    _TEXT.map(lambda s: "=" + s[:5]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**62), max_value=2**62),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(["", " ", "Nữ", "Nam", "Dự bị", "45.000001", CELLS[0], "QT.KHONGCO", "∞"]),
    st.just("x" * 5000),
)


@st.composite
def mixed_rows(draw: st.DrawFn) -> list[list[Any]]:
    count = draw(st.integers(min_value=1, max_value=6))
    rows = []
    for i in range(1, count + 1):
        row = member_row(i)
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            row[draw(st.integers(min_value=0, max_value=len(row) - 1))] = draw(_BAD_CELL)
        rows.append(row)
    return rows


def _writable(value: Any) -> Any:
    # openpyxl writes NaN and infinity as empty cells: put a marker that raw_numbers() replaces.
    if isinstance(value, float) and not math.isfinite(value):
        return _MARKERS[str(value)]
    return value


_MARKERS = {"nan": 7777777.25, "inf": 7777777.5, "-inf": 7777777.75}


def raw_numbers(data: bytes) -> bytes:
    """The workbook with each marker number stored as NaN or ±infinity in the sheet XML, as a
    hand-edited or foreign-made file may hold them (openpyxl reads them back as floats)."""
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = archive.read(part)
    for text, marker in _MARKERS.items():
        body = body.replace(f"<v>{marker}</v>".encode(), f"<v>{text}</v>".encode())
    return rezip(data, replace={part: body})


@repeatable(40)
@given(rows=mixed_rows())
def test_generated_rows_with_random_invalid_cells_are_all_or_nothing(
    actor: Any, rows: list[list[Any]]
) -> None:
    data = raw_numbers(xlsx([[_writable(v) for v in row] for row in rows]))
    report = importing("generated", data, actor)
    if report.errors:
        assert not report.applied
    else:
        assert report.applied or report.changes == 0
    for problem in report.errors:
        if problem.sheet and problem.row > 1 and problem.rule.startswith("import.cell."):
            assert problem.column, problem
            assert problem.letter, problem


@repeatable(25)
@given(data=st.binary(min_size=0, max_size=2000), keep=st.integers(min_value=0, max_value=4000))
def test_generated_bytes_spliced_into_a_workbook_never_break_the_importer(
    actor: Any, data: bytes, keep: int
) -> None:
    good = members_workbook(2)
    spliced = good[:keep] + data + good[keep + len(data) :]
    importing("spliced_bytes", spliced, actor)
