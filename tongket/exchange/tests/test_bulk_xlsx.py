"""The fast .xlsx reader gives exactly the values openpyxl's read-only mode gives, and hands
anything it does not handle back to openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.exchange import workbook
from tongket.exchange.bulk_xlsx import Unsupported, Workbook
from tongket.exchange.workbook import read_workbook, write_workbook
from tongket.people.sheets import MemberSheet, OrganizationSheet
from tongket.people.tests.factories import members_workbook


def _openpyxl(data: bytes) -> dict[str, dict[int, list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    out: dict[str, dict[int, list[Any]]] = {}
    for sheet in book.worksheets:
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        out[sheet.title] = {n: _trim(list(v)) for n, v in rows if any(x is not None for x in v)}
    book.close()
    return out


def _fast(data: bytes) -> dict[str, dict[int, list[Any]]]:
    book = Workbook(data)
    out = {
        title: {n: _trim(v) for n, v in book.rows(target) if any(x is not None for x in v)}
        for title, target in book.sheets
    }
    book.close()
    return out


def _trim(values: list[Any]) -> list[Any]:
    while values and values[-1] is None:
        values.pop()
    return values


def _replace(data: bytes, parts: dict[str, str]) -> bytes:
    """The workbook with these parts replaced or added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            body = parts.pop(info.filename, None)
            target.writestr(info, body.encode() if body is not None else source.read(info))
        for name, body in parts.items():
            target.writestr(name, body.encode())
    return buffer.getvalue()


def _with_shared_strings(data: bytes, strings: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        rels = source.read("xl/_rels/workbook.xml.rels").decode()
        types = source.read("[Content_Types].xml").decode()
    rel = (
        '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId99"/>'
    )
    override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    return _replace(
        data,
        {
            "xl/sharedStrings.xml": strings,
            "xl/_rels/workbook.xml.rels": rels.replace(
                "</Relationships>", rel + "</Relationships>"
            ),
            "[Content_Types].xml": types.replace("</Types>", override + "</Types>"),
        },
    )


def test_generated_workbooks_read_the_same_as_with_openpyxl():
    data = members_workbook(60, organizations=[["X.A", "Tên", "Chi bộ", "QT", "", "", "", "", ""]])
    assert _fast(data) == _openpyxl(data)
    assert len(_fast(data)["Đảng viên"]) == 61


def test_a_workbook_saved_by_openpyxl_with_every_kind_of_value_reads_the_same():
    from openpyxl import Workbook as OpenpyxlWorkbook

    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet.title = "Đảng viên"
    sheet.append(["Số thẻ", "Họ và tên", "Ngày sinh", "n", "f", "b"])
    sheet.append(["45.1", "Lê Văn Tính", dt.datetime(1975, 5, 12), 7, 2.5, True])
    sheet["C2"].number_format = "DD/MM/YYYY"
    sheet["A5"] = "dòng thưa"
    sheet["F5"] = False
    sheet["D6"] = "=1+1"
    sheet["E7"] = 1e20
    sheet.append([])
    other = book.create_sheet("Khác")
    other["B3"] = "ô lẻ"
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    assert _fast(data) == _openpyxl(data)
    assert _fast(data)["Đảng viên"][2][2] == dt.datetime(1975, 5, 12)


SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>chữ</t></is></c></row>
<row><c t="s"><v>1</v></c><c t="str"><f>A1&amp;"x"</f><v>kết quả</v></c><c t="e"><v>#N/A</v></c>
<c t="b"><v>1</v></c><c><v>1.5E3</v></c></row>
<row r="9"><c r="B9" t="inlineStr"><is><r><t>đậm</t></r><r><t xml:space="preserve"> thường</t></r>
</is></c><c r="D9"><f>SUM(A1:A2)</f></c></row>
</sheetData></worksheet>"""

STRINGS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">
<si><t>Số thẻ</t></si><si><r><t>Rich</t></r><r><rPr><b/></rPr><t> text</t></r>
<rPh sb="0" eb="1"><t>phonetic</t></rPh></si></sst>"""


def _hand_made() -> bytes:
    from openpyxl import Workbook as OpenpyxlWorkbook

    book = OpenpyxlWorkbook()
    buffer = io.BytesIO()
    book.save(buffer)
    data = _with_shared_strings(buffer.getvalue(), STRINGS)
    return _replace(data, {"xl/worksheets/sheet1.xml": SHEET})


def test_hand_written_xml_with_rich_text_formulas_errors_and_gaps_reads_the_same():
    data = _hand_made()
    fast = _fast(data)
    assert fast == _openpyxl(data)
    rows = fast["Sheet"]
    assert rows[2] == ["Rich text", "kết quả", "#N/A", True, 1500.0]
    assert rows[9] == [None, "đậm thường"]  # the formula without a cached value is empty


def test_a_doctype_is_handed_back_to_openpyxl():
    evil = SHEET.replace(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>',
    )
    data = _replace(_hand_made(), {"xl/worksheets/sheet1.xml": evil})
    book = Workbook(data)
    with pytest.raises(Unsupported):
        list(book.rows(book.sheets[0][1]))


def test_the_importer_falls_back_to_openpyxl_when_the_fast_reader_cannot(monkeypatch):
    data = members_workbook(5)
    fast_rows, fast_problems = read_workbook(data, [OrganizationSheet(), MemberSheet()])

    def refuse(*_args: Any) -> Any:
        raise Unsupported("test")

    monkeypatch.setattr(workbook, "_read_fast", refuse)
    slow_rows, slow_problems = read_workbook(data, [OrganizationSheet(), MemberSheet()])
    assert [r.values for r in fast_rows["members"]] == [r.values for r in slow_rows["members"]]
    assert [r.number for r in fast_rows["members"]] == list(range(2, 7))
    assert fast_problems == slow_problems


def test_rows_after_a_gap_keep_their_excel_row_numbers():
    data = write_workbook([(MemberSheet(), [["45.1", "An"], [], [], ["45.4", "Bình"]])])
    rows, _problems = read_workbook(data, [MemberSheet()])
    assert [r.number for r in rows["members"]] == [2, 5]


DATED = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" s="1"><v>44000</v></c><c r="B1" s="2"><v>44000</v></c>
<c r="C1" s="1"><f>A1</f><v>44000</v></c><c r="D1" s="2"><v>1.25</v></c><c r="E1"><v>44000</v></c>
<c r="F1" s="1"><v>9999999999</v></c><c r="G1" t="inlineStr"><is/></c><c r="H1" t="inlineStr"/>
<c r="I1" t="inlineStr"><is><t/></is></c><c r="J1" s="01"><v>44000</v></c></row>
<row r="2"><c r="A2" s="1"><v>44000</v></c><c r="B2" s="2"><v>1.25</v></c><c r="C2"><v>7</v></c>
<c r="AA2" s="1"><v>1</v></c></row>
</sheetData></worksheet>"""

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="[h]:mm:ss"/></numFmts>
<cellXfs count="3"><xf numFmtId="{first}"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs>
</styleSheet>"""


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl on the odd cells
@pytest.mark.parametrize("first", ["0", "14"])
def test_dates_durations_and_odd_cells_read_the_same_also_from_the_date_cache(first):
    from openpyxl import Workbook as OpenpyxlWorkbook

    buffer = io.BytesIO()
    OpenpyxlWorkbook().save(buffer)
    data = _replace(
        buffer.getvalue(),
        {
            "xl/worksheets/sheet1.xml": DATED,
            # The first style (the one of a cell with no `s`) is a date format or not.
            "xl/styles.xml": STYLES.replace("{first}", first),
        },
    )
    fast = _fast(data)
    assert fast == _openpyxl(data)
    top, second = fast["Sheet"][1], fast["Sheet"][2]
    assert top[0] == top[2] == second[0] == dt.datetime(2020, 6, 18)  # a cached conversion
    assert top[1] == dt.timedelta(days=44000)
    assert top[3] == second[1] == dt.timedelta(days=1, hours=6)
    assert top[4] == (dt.datetime(2020, 6, 18) if first == "14" else 44000)
    assert top[6:9] == ["", None, ""]
    assert top[9] == dt.datetime(2020, 6, 18)  # s="01" is the style 1
    assert len(second) == 27  # column AA


cell_values = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(" \u00a0\u2003'=\t")),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.dates(),
)


@given(cell_values)
def test_the_blank_row_check_agrees_with_clean_text(value: Any) -> None:
    assert workbook._blank(value) == (workbook.clean_text(value) == "")


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(" \u0301'=\t")))
def test_clean_text_of_ascii_skips_only_a_normalization_that_changes_nothing(value: str) -> None:
    raw = value[1:] if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r" else value
    assert workbook.clean_text(value) == " ".join(unicodedata.normalize("NFC", raw).split())
