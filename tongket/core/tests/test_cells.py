"""Formulas in exports (issue 17, finding 7): every writer of XLSX and CSV goes through the one
neutralising function, `tongket.core.cells.neutralize`."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tongket.core.cells import neutralize

PACKAGE = Path(__file__).resolve().parents[2]
HOSTILE = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1")
WRITERS = re.compile(r"csv\.writer\(|Workbook\(")  # a DRF field's write_only=True is no writer


@pytest.mark.parametrize("value", HOSTILE)
def test_a_formula_is_written_as_text(value: str) -> None:
    assert neutralize(value) == "'" + value


@pytest.mark.parametrize("value", ["Chi bộ 1", "-", "", 12, None, "2021-01-01"])
def test_other_values_are_left_alone(value: Any) -> None:
    assert neutralize(value) == value


def test_every_module_that_writes_a_spreadsheet_uses_the_one_neutralising_function() -> None:
    writers = [
        p
        for p in PACKAGE.rglob("*.py")
        if "tests" not in p.parts and WRITERS.search(p.read_text(encoding="utf-8"))
    ]
    assert writers, "the exports are where they were"
    missing = [
        str(p.relative_to(PACKAGE))
        for p in writers
        if "tongket.core.cells import" not in p.read_text(encoding="utf-8")
        and "tongket.exchange.workbook import" not in p.read_text(encoding="utf-8")
    ]
    assert not missing, f"spreadsheet writers without tongket.core.cells: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_organization_named_as_a_formula_is_exported_as_text(
    api_for: Any, client_for: Any, fmt: str
) -> None:
    hostile = HOSTILE[0]
    renamed = api_for("vanphong").patch(
        "/api/v1/organizations/QT.KCQDN.SGDDT.TCCB/", {"name": hostile}, format="json"
    )
    assert renamed.status_code == 200, renamed.content
    response = client_for("vanphong").get(f"/exchange/export/organizations.{fmt}")
    body = b"".join(response.streaming_content)
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(body))
        cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    else:
        cells = [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for c in row]
    assert "'" + hostile in cells
    assert hostile not in cells
