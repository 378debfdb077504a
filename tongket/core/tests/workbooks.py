"""Test helpers for the apps' workbook tests: an export imports back unchanged, and holds no
formula."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.db.models import Model
from openpyxl import load_workbook

from tongket.exchange.exporter import export_workbook
from tongket.exchange.importer import run_import


def assert_imports_back_unchanged(user: Any, keys: Sequence[str], *models: type[Model]) -> None:
    """The user's export of `keys`, imported back by the user, changes nothing: no change
    reported, and as many rows of each of `models` as before."""
    data = export_workbook(user, keys)
    before = tuple(model._default_manager.count() for model in models)
    report = run_import(data, actor=user, dry_run=False)
    assert report.ok, report.problems
    assert report.changes == 0
    assert tuple(model._default_manager.count() for model in models) == before


def assert_formulas_neutralized(user: Any, keys: Sequence[str], sheet: str, shown: str) -> None:
    """The user's export of `keys` holds no formula in `sheet` but shows `shown` (a formula the
    data holds, quoted as text), and it imports back without a change."""
    data = export_workbook(user, keys)
    rows = load_workbook(io.BytesIO(data))[sheet].iter_rows(min_row=2)
    cells = [cell for row in rows for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    assert shown in [cell.value for cell in cells]
    assert run_import(data, actor=user, dry_run=False).changes == 0
