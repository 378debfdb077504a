"""Exports of what a user may see (XLSX in the import layout, so it imports back unchanged, and
CSV); exports of personal data are audited. The template to fill in is `template.py`."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.db import transaction

from tongket.accounts.scope import User, scope_for
from tongket.audit.services import record_export
from tongket.exchange.importer import handler_for
from tongket.exchange.workbook import SheetHandler, write_csv_to, write_workbook_to

PERSONAL_SHEETS = frozenset({"members", "party_roles", "posts", "evaluation_results", "awards"})
EXPORTABLE = (
    "organizations",
    "members",
    "party_roles",
    "posts",
    # Registered by the evaluation, scoring and awards apps (their sheets.py).
    "evaluation_results",
    "score_lines",
    "targets",
    "awards",
)


def _audit(actor: User | None, keys: Sequence[str], fmt: str, rows: int) -> None:
    personal = any(k in PERSONAL_SHEETS for k in keys)
    # The organization of the export: the user's one subtree, so its office sees the event.
    paths = scope_for(actor).read_paths
    record_export(
        actor=actor,
        org_path=paths[0] if len(paths) == 1 else "",
        what="members" if personal else "organizations",
        fmt=fmt,
        rows=rows,
        summary=f"Xuất {', '.join(handler_for(k).title for k in keys)} ({fmt.upper()})",
        details={"sheets": list(keys)},
    )


class _Counted:
    """Rows passed through, counted (the audit event states how many were exported)."""

    def __init__(self) -> None:
        self.rows = 0

    def __call__(self, rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        for row in rows:
            self.rows += 1
            yield row


def export_workbook_to(file: IO[bytes], user: User | None, keys: Sequence[str] = EXPORTABLE) -> int:
    """What `user` may see, in the import layout (importing it back changes nothing), written
    into `file` as the rows are read: memory stays flat for a national export. Returns the
    number of rows; the export is audited in the same transaction."""
    counted = _Counted()
    with transaction.atomic():
        chosen: list[SheetHandler[Any]] = [handler_for(k) for k in keys]
        write_workbook_to(file, [(h, counted(h.export_rows(user))) for h in chosen])
        _audit(user, keys, "xlsx", counted.rows)
    return counted.rows


def export_csv_to(file: IO[bytes], user: User | None, key: str) -> int:
    """One sheet as CSV, UTF-8 with a byte-order mark so Excel reads the Vietnamese letters,
    written into `file` row by row. Returns the number of rows; audited as the workbook is."""
    handler = handler_for(key)
    counted = _Counted()
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="", write_through=True)
    with transaction.atomic():
        write_csv_to(text, handler, counted(handler.export_rows(user)))
        text.flush()
        _audit(user, [key], "csv", counted.rows)
    text.detach()  # the caller keeps the file open
    return counted.rows


def export_workbook(user: User | None, keys: Sequence[str] = EXPORTABLE) -> bytes:
    """`export_workbook_to` in memory (small exports, tests)."""
    buffer = io.BytesIO()
    export_workbook_to(buffer, user, keys)
    return buffer.getvalue()


def export_csv(user: User | None, key: str) -> bytes:
    """`export_csv_to` in memory (small exports, tests)."""
    buffer = io.BytesIO()
    export_csv_to(buffer, user, key)
    return buffer.getvalue()
