"""What every app's workbook sheets share, beside the engine (workbook.py): keys read in batches
(`chunks`, `keys_per_query`, `one_of`), a year cell (`read_year`), a row about a member or an
organization (`read_subject`, `SubjectRow`), and a row refused: for a reason of the sheet
(`refuse_row`) or by a service (`refuse_findings`, `refuse_row_error`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, Protocol, TypeVar

from django.db import connection
from django.db.models.expressions import RawSQL

from tongket.core.errors import DomainError
from tongket.core.rules import Severity
from tongket.core.text import is_digits
from tongket.exchange.workbook import Action, ImportContext, RowReader, SheetHandler

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


def read_subject(reader: RowReader, *, rule: str, message: str) -> tuple[str, str]:
    """A row's card number (a member) and organization code: exactly one of them is written, else
    a problem under `rule` on the card number's column."""
    card = reader.text("card_number", max_length=20)
    org = reader.text("org_code", max_length=64)
    if bool(card) == bool(org):
        reader.problem("card_number", rule, message, value=card or org)
    return card, org


class SubjectRow:
    """A sheet row about a member (its card number) or else an organization (its code)."""

    card_number: str
    org_code: str

    @property
    def is_member(self) -> bool:
        return bool(self.card_number)

    @property
    def subject(self) -> str:
        return self.card_number or self.org_code

    @property
    def subject_kind(self) -> str:
        return "member" if self.is_member else "organization"


class RefusableRow(Protocol):
    """A sheet row as the refusals read it: where it stands, and its value under a column key."""

    row: int
    letters: dict[str, str]
    action: Action

    def value(self, key: str, _row: int | None = None) -> Any: ...


def refuse_row(
    sheet: SheetHandler[Any],
    ctx: ImportContext,
    record: RefusableRow,
    key: str,
    rule: str,
    message: str,
) -> None:
    """The row is refused, with one problem on its `key` column."""
    record.action = Action.REFUSE
    ctx.refuse(sheet, record.row, key, record.value(key), rule, message, letters=record.letters)


def refuse_row_error(
    sheet: SheetHandler[Any],
    ctx: ImportContext,
    record: RefusableRow,
    exc: DomainError,
    *,
    default_key: str,
) -> None:
    """A service's refusal of the row as problems on it (see `refuse_findings`)."""
    refuse_findings(
        sheet, ctx, record.row, record.letters, exc, default_key=default_key, value_of=record.value
    )
