"""Exports of what a user may see (XLSX in the import layout, so it imports back unchanged, and
CSV); exports of personal data are audited. The template to fill in is `template.py`."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

from django.db import transaction

from tongket.accounts.scope import User, scope_for
from tongket.audit.services import record_export
from tongket.core.filejobs import Made
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


# A queued export tells its progress (sheets done of all) and looks for a cancel this often.
PROGRESS_EVERY_ROWS = 500


def _told(
    rows: Iterable[Sequence[Any]], index: int, count: int, progress: Callable[[int, int], None]
) -> Iterator[Sequence[Any]]:
    """The rows of sheet `index` (of `count`), telling `progress` as they pass."""
    progress(index, count)
    for number, row in enumerate(rows, start=1):
        if number % PROGRESS_EVERY_ROWS == 0:
            progress(index, count)
        yield row
    progress(index + 1, count)


def export_workbook_to(
    file: IO[bytes],
    user: User | None,
    keys: Sequence[str] = EXPORTABLE,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """What `user` may see, in the import layout (importing it back changes nothing), written
    into `file` as the rows are read: memory stays flat for a national export. Returns the
    number of rows; the export is audited in the same transaction. `progress` (a queued
    export) is told the sheets done of all as it goes."""
    counted = _Counted()
    with transaction.atomic():
        chosen: list[SheetHandler[Any]] = [handler_for(k) for k in keys]
        sheets = [(h, counted(h.export_rows(user))) for h in chosen]
        if progress is not None:
            sheets = [(h, _told(r, i, len(sheets), progress)) for i, (h, r) in enumerate(sheets)]
        write_workbook_to(file, sheets)
        _audit(user, keys, "xlsx", counted.rows)
    return counted.rows


def export_job(
    owner: User, params: Mapping[str, Any], file: IO[bytes], progress: Callable[[int, int], None]
) -> Made:
    """The queued workbook export (tongket.core.filejobs kind "export"): the sheets named in
    `params["keys"]`, with the file name the page gave."""
    keys = [k for k in params.get("keys", EXPORTABLE) if k in EXPORTABLE]
    rows = export_workbook_to(file, owner, keys, progress)
    return Made(filename=str(params.get("filename") or "du-lieu.xlsx"), summary=f"{rows} dòng")


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
