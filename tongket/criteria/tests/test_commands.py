"""`tongket criteria export|import`: the sheet round trip of the demo's PL4 set; a wrong sum is
refused with a non-zero exit naming the node, and nothing is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tongket.core.demo import DEMO_ORG
from tongket.criteria.models import CriteriaSet, SetStatus
from tongket.criteria.xlsx import HEADER_ROW

pytestmark = pytest.mark.django_db


def _export(tmp_path: Path) -> Path:
    out = tmp_path / "pl4.xlsx"
    call_command(
        "criteria",
        "export",
        "--org",
        DEMO_ORG,
        "--year",
        "2026",
        "--appendix",
        "PL4",
        "-o",
        str(out),
    )
    return out


def _set_points(path: Path, changes: dict[str, float]) -> None:
    book = load_workbook(path)
    ws = book["Tiêu chí"]
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        code = str(row[0].value)
        if code in changes:
            row[4].value = changes[code]
    book.save(path)


def test_export_writes_the_published_pl4_set_with_its_nodes(tmp_path: Path) -> None:
    ws = load_workbook(_export(tmp_path))["Tiêu chí"]
    assert ws["B1"].value == DEMO_ORG
    assert ws["B3"].value == "PL4"
    codes = [r[0] for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert codes[:3] == ["1", "1.1", "1.2"]
    points = {r[0]: r[4] for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    assert points["5"] == 45


def test_edited_points_come_back_as_a_new_draft_version(tmp_path: Path) -> None:
    path = _export(tmp_path)
    _set_points(path, {"5.1": 18, "5.3": 12})  # still 45 under node 5
    call_command("criteria", "import", str(path))
    rows = CriteriaSet.objects.filter(organization__code=DEMO_ORG, year=2026, appendix="PL4")
    draft = rows.get(status=SetStatus.DRAFT)
    assert draft.version == 2
    assert str(draft.nodes.get(code="5.1").points) == "18.00"
    assert rows.get(version=1).nodes.get(code="5.1").points == 20  # the published one is frozen


def test_a_wrong_sum_is_refused_naming_the_node_and_nothing_is_written(tmp_path: Path) -> None:
    path = _export(tmp_path)
    _set_points(path, {"5.1": 25})  # node 5 says 45, its children now add up to 50
    before = CriteriaSet.objects.count()
    with pytest.raises(CommandError) as caught:
        call_command("criteria", "import", str(path))
    message = str(caught.value)
    assert "Tiêu chí 5 «Kết quả thực hiện nhiệm vụ chuyên môn được giao» có 45 điểm" in message
    assert "cộng lại 50 điểm" in message
    assert CriteriaSet.objects.count() == before


def test_a_dry_run_checks_and_writes_nothing(tmp_path: Path) -> None:
    path = _export(tmp_path)
    before = CriteriaSet.objects.count()
    call_command("criteria", "import", str(path), "--dry-run")
    assert CriteriaSet.objects.count() == before


def test_the_console_command_exits_non_zero_on_a_wrong_sum(tmp_path: Path) -> None:
    """The real `tongket` entry point, as an office runs it (its own database: the process
    cannot see this test's transaction, so the file alone is refused before any lookup)."""
    path = _export(tmp_path)
    _set_points(path, {"2": 9})
    done = subprocess.run(
        [sys.executable, "-m", "tongket", "criteria", "import", str(path), "--dry-run"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "Nhóm tiêu chí chung" in done.stderr
