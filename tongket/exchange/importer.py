"""Importing a workbook: read, parse, plan in batches, then apply every row through the services in
one transaction that is kept only when nothing was refused and it is not a dry run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook

from tongket.accounts.scope import User
from tongket.audit.services import record_event
from tongket.core.errors import DomainError
from tongket.core.formatting import format_number
from tongket.core.rules import Severity
from tongket.exchange.workbook import (
    Action,
    ImportContext,
    Limits,
    Outcome,
    Problem,
    RowReader,
    SheetHandler,
    WorkbookError,
    check_upload,
    read_workbook,
)

# The sheets of the workbook: each app registers its own from its apps.py (people, evaluation,
# scoring, awards; see docs/import-format.md); they are applied in the order of `order`.
_REGISTRY: list[SheetHandler[Any]] = []

Progress = Callable[[int, int], None]

# A job's stored report keeps at most this many problems and changed rows (the counts cover
# them all): a file of a million bad rows must not make a report that PostgreSQL's jsonb refuses
# or a job page that takes seconds. `tongket import --dry-run` prints every problem.
MAX_REPORTED = 1_000


def site_limits() -> Limits:
    """The workbook limits of this site (settings TONGKET_IMPORT_*; see docs/import-format.md)."""
    return Limits(
        bytes=int(getattr(settings, "TONGKET_IMPORT_MAX_BYTES", 0)),
        inflated_bytes=int(getattr(settings, "TONGKET_IMPORT_MAX_INFLATED_BYTES", 0)),
        ratio=int(getattr(settings, "TONGKET_IMPORT_MAX_RATIO", 0)),
        rows=int(getattr(settings, "TONGKET_IMPORT_MAX_ROWS", 0)),
    )


def open_small_workbook(path: Path, *, unreadable_rule: str) -> OpenpyxlWorkbook:
    """A small workbook read outside the import engine (a criteria set, a task annex), opened
    read-only with values only once it passes this site's limits (`check_upload`: size,
    format, zip bomb); refused as a DomainError on the file, `unreadable_rule` when openpyxl
    cannot read it."""
    try:
        check_upload(path, site_limits())
    except WorkbookError as exc:
        raise DomainError(exc.message, field="file", rule=exc.rule) from None
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise DomainError(
            f"Không đọc được tệp {path.name}: {exc}", field="file", rule=unreadable_rule
        ) from None


def reported_limit() -> int:
    return int(getattr(settings, "TONGKET_IMPORT_MAX_REPORTED", MAX_REPORTED))


def register(handler: SheetHandler[Any]) -> None:
    """Add a sheet to the workbook layout (idempotent by key)."""
    if all(h.key != handler.key for h in _REGISTRY):
        _REGISTRY.append(handler)


def handlers() -> list[SheetHandler[Any]]:
    return sorted(_REGISTRY, key=lambda h: h.order)


def handler_for(key: str) -> SheetHandler[Any]:
    for handler in _REGISTRY:
        if handler.key == key:
            return handler
    raise KeyError(key)


@dataclass
class ImportReport:
    """Everything an import did or would do, and everything it refused."""

    dry_run: bool
    applied: bool = False
    rows: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is not Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, dict[str, int]]:
        """Sheet title → action → number of rows."""
        table: dict[str, Counter[str]] = {}
        for outcome in self.outcomes:
            table.setdefault(outcome.sheet, Counter())[str(outcome.action)] += 1
        for problem in self.errors:
            if problem.sheet and problem.row:
                table.setdefault(problem.sheet, Counter())
        refused: dict[str, set[int]] = {}
        for problem in self.errors:
            if problem.sheet and problem.row > 1:
                refused.setdefault(problem.sheet, set()).add(problem.row)
        for sheet, rows in refused.items():
            table[sheet][str(Action.REFUSE)] = len(rows)
        return {sheet: dict(counter) for sheet, counter in table.items()}

    @property
    def changes(self) -> int:
        return sum(1 for o in self.outcomes if o.action is not Action.UNCHANGED)

    def summary(self) -> str:
        if self.errors:
            return (
                f"Có {format_number(len(self.errors))} lỗi; không ghi gì vào hệ thống. "
                "Hãy sửa tệp rồi nhập lại."
            )
        if not self.changes:
            return "Không có thay đổi nào: dữ liệu trong tệp đã có đủ trong hệ thống."
        counts = Counter(str(o.action) for o in self.outcomes)
        parts = [
            f"{Action(a).label.lower()} {format_number(counts[a])}"
            for a in (Action.CREATE, Action.UPDATE, Action.TRANSFER, Action.UNCHANGED)
            if counts[a]
        ]
        head = "Kiểm tra xong, sẽ " if self.dry_run else "Đã nhập xong: "
        return head + ", ".join(parts) + " dòng."

    def as_dict(self, *, keep: int | None = None) -> dict[str, Any]:
        """The report as stored on the job: the counts of everything, the first `keep`
        problems (errors first) and changed rows, and how many of each were left out."""
        keep = reported_limit() if keep is None else keep
        errors, warnings = self.errors, self.warnings
        kept = (errors + warnings)[:keep]
        changed = [o for o in self.outcomes if o.action is not Action.UNCHANGED]
        return {
            "dry_run": self.dry_run,
            "applied": self.applied,
            "rows": self.rows,
            "summary": self.summary(),
            "counts": self.counts(),
            "error_count": len(errors),
            "warning_count": len(warnings),
            "change_count": len(changed),
            "outcomes": [o.as_dict() for o in changed[:keep]],
            "outcomes_omitted": max(0, len(changed) - keep),
            "problems": [p.as_dict() for p in kept],
            "problems_omitted": len(self.problems) - len(kept),
        }


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run or a run with refusals."""


def run_import(
    data: bytes,
    *,
    actor: User | None,
    dry_run: bool,
    progress: Progress | None = None,
    filename: str = "",
    sheets: Sequence[SheetHandler[Any]] | None = None,
) -> ImportReport:
    """Import a workbook. A dry run goes through exactly the same writes (per record through the
    services, or set-based with the same checks for sheets that implement `apply_all`) and rolls
    back, so what it reports is what a real run does; a real run writes all rows or none."""
    report = ImportReport(dry_run=dry_run)
    layout = list(sheets) if sheets is not None else handlers()
    try:
        raw, problems = read_workbook(data, layout, site_limits())
    except WorkbookError as exc:
        report.problems.append(Problem(exc.sheet, exc.row, "", "", "", exc.rule, exc.message))
        return report
    ctx = ImportContext(actor=actor, dry_run=dry_run, today=timezone.localdate())
    ctx.problems.extend(problems)
    parsed: dict[str, list[Any]] = {}
    present = set(raw)
    for handler in layout:
        records: list[Any] = []
        # Each sheet's raw rows are dropped once parsed: a large file is not held twice.
        for row in raw.pop(handler.key, []):
            report.rows += 1
            reader = RowReader(row, handler.columns, ctx.problems, handler.title)
            record = handler.parse(reader)
            if record is not None:
                records.append(record)
        parsed[handler.key] = records
    del raw
    planned = [(h, h.plan(parsed.pop(h.key, []), ctx)) for h in layout if h.key in present]
    total = sum(len(items) for _h, items in planned)
    if progress:
        progress(0, total)
    try:
        with transaction.atomic():
            done = 0

            def advance(count: int) -> None:
                nonlocal done
                done += count
                if progress:
                    progress(done, total)

            for handler, items in planned:
                if handler.apply_all(items, ctx, advance):
                    continue
                for record in items:
                    try:
                        handler.apply(record, ctx)
                    except DomainError as exc:
                        ctx.refuse_error(handler, record, exc)
                    done += 1
                    if progress and (done % 100 == 0 or done == total):
                        progress(done, total)
            failed = any(p.severity is Severity.ERROR for p in ctx.problems)
            if (
                not failed
                and not dry_run
                and any(o.action is not Action.UNCHANGED for o in ctx.outcomes)
            ):
                _audit(actor, filename, ctx)
            if failed or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    else:
        report.applied = True
    report.outcomes = sorted(ctx.outcomes, key=lambda o: (_order(layout, o.sheet), o.row))
    report.problems = sorted(
        ctx.problems, key=lambda p: (_order(layout, p.sheet), p.row, p.letter, p.rule)
    )
    return report


def _order(layout: Sequence[SheetHandler[Any]], title: str) -> int:
    for index, handler in enumerate(layout):
        if handler.title == title:
            return index
    return -1


def _audit(actor: User | None, filename: str, ctx: ImportContext) -> None:
    counts = Counter(f"{o.sheet}: {o.action}" for o in ctx.outcomes)
    record_event(
        actor=actor,
        action="import.workbook",
        object_type="workbook",
        object_id=filename[:100],
        summary=f"Nhập tệp Excel {filename}".strip(),
        after=dict(sorted(counts.items())),
    )
