"""What every app's workbook sheets share, beside the engine (workbook.py): keys read in batches
(`chunks`, `keys_per_query`, `one_of`), a year cell (`read_year`), and a service's refusal
turned into row problems (`refuse_findings`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, TypeVar

from django.db import connection
from django.db.models.expressions import RawSQL

from tongket.core.errors import DomainError
from tongket.core.rules import Severity
from tongket.core.text import is_digits
from tongket.exchange.workbook import ImportContext, RowReader, SheetHandler

T = TypeVar("T")
BATCH = 500  # keys per IN (...) query when the caller names no size: under SQLite's limit


def chunks(items: Sequence[T], size: int = BATCH) -> Iterator[list[T]]:
    """The items in lists of at most `size`, in order."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def keys_per_query() -> int:
    """Keys per IN (...) query: under SQLite's parameter limit; on PostgreSQL far fewer round
    trips (its limit is 65,535 parameters per statement)."""
    return 10_000 if connection.vendor == "postgresql" else 500


_UNNEST = {"text": "SELECT unnest(%s::text[])", "bigint": "SELECT unnest(%s::bigint[])"}


def one_of(keys: list[Any], sql_type: Literal["text", "bigint"] = "text") -> Any:
    """The right side of `field__in=keys`: on PostgreSQL one array parameter
    (`IN (SELECT unnest(%s))`) rather than one placeholder per key, which Django and psycopg
    would otherwise compile and split one by one."""
    if connection.vendor == "postgresql":
        return RawSQL(_UNNEST[sql_type], (keys,))  # noqa: S611 - fixed SQL, keys bound
    return keys


def read_year(reader: RowReader, key: str, *, required: bool = True) -> int | None:
    """A year cell (a number or text such as «2020»); problems recorded on the reader."""
    text = reader.text(key, required=required, max_length=10)
    if not text:
        return None
    if not is_digits(text) or not 1945 <= int(text) <= 2100:
        reader.problem(key, "import.cell.year", "Năm không hợp lệ; hãy ghi bốn chữ số, ví dụ 2020.")
        return None
    return int(text)


def refuse_findings(
    sheet: SheetHandler[Any],
    ctx: ImportContext,
    row: int,
    letters: dict[str, str],
    exc: DomainError,
    *,
    default_key: str,
    rows_by_subject: dict[str, int] | None = None,
    value_of: Callable[..., Any] | None = None,
) -> None:
    """A service's refusal as problems: one per error finding (each with its own rule id), on the
    column the error's field names, or one problem for an error without findings."""
    key = sheet.field_columns.get(exc.field, default_key)
    errors = [f for f in exc.findings if f.severity is Severity.ERROR] or list(exc.findings)
    if not errors:
        ctx.refuse(
            sheet,
            row,
            key,
            value_of(key) if value_of else "",
            exc.rule or "import.refused",
            exc.message,
            letters=letters,
        )
        return
    for finding in errors:
        at = (rows_by_subject or {}).get(finding.subject, row)
        ctx.refuse(
            sheet,
            at,
            key,
            value_of(key, at) if value_of else "",
            finding.rule or exc.rule,
            finding.message,
            letters=letters,
        )
