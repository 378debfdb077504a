"""The one neutralising function of every cell this system writes into an XLSX or CSV file, and
the plain reading of a cell that small sheets read outside the import engine use."""

from __future__ import annotations

from typing import Any

# What a spreadsheet reads as the start of a formula (OWASP "CSV injection"), tabs and carriage
# returns included: some spreadsheets strip them and read what follows.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading quote, so it is
    shown as the text it is; numbers, dates and a lone "-" or "+" ("none", "yes") are left
    alone, but a lone "=" or "@" is quoted: openpyxl writes any text starting with "=" as a
    formula."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and (len(value) > 1 or value in ("=", "@"))
    ):
        return "'" + value
    return value


def neutralized(values: Any) -> list[Any]:
    """A row of cells, each through `neutralize`."""
    return [neutralize(v) for v in values]


def cell_text(value: object) -> str:
    """A cell read as text, as written: empty for none, whole numbers without their ".0",
    trimmed (the import engine's `clean_text` does more: NFC, single spaces, dates)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
