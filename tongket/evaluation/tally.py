"""The maintained per-unit tally of results (`ResultTally`) that subtree statistics sum.

One row per (year, quarter, path, subject kind, organization kind, current level) counts the
evaluations of that period under that path: a member under their cell's path (`subject_path`),
an organization under its PARENT's path, so the rows under a subtree's path are its members and
its subordinate organizations without its own evaluation (`stats.stats` excludes it).

Every write goes through `change` (an `INSERT ... ON CONFLICT DO UPDATE SET n = n + delta`,
atomic under concurrent writers on PostgreSQL and SQLite), called in the transaction of the
write: `services.open_cycle` (new evaluations, pending) and `services._issue` (every decision,
correction and reclassification moves one evaluation from its old level to the new one).
Bulk loads add their evaluations with `add_evaluations`; `rebuild` recounts everything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from django.db import connection, transaction

from tongket.audit import versions
from tongket.evaluation.models import Cycle, Decision, Evaluation, ResultTally, SubjectKind
from tongket.people.models import SEGMENT_WIDTH

PENDING = "pending"  # no current decision yet ("" is a decision not to classify)
YEARLY = 0  # the quarter of a yearly cycle

Key = tuple[int, int, str, str, str, str]  # year, quarter, path, subject kind, org kind, level

_KEY_COLUMNS = ("year", "quarter", "path", "subject_kind", "org_kind", "level")


def tally_path(subject_kind: str, subject_path: str) -> str:
    """Where an evaluation is counted: a member at their cell, an organization at its parent."""
    if subject_kind == SubjectKind.ORGANIZATION:
        return subject_path[:-SEGMENT_WIDTH]
    return subject_path


def level_key(level: str | None) -> str:
    """The tally's level: the current decision's level, "" when not classified, or pending."""
    return PENDING if level is None else level


def period_key(quarter: int | None) -> int:
    return YEARLY if quarter is None else quarter


def key_of(cycle: Cycle, ev: Evaluation, level: str | None) -> Key:
    return (
        cycle.year,
        period_key(cycle.quarter),
        tally_path(ev.subject_kind, ev.subject_path),
        ev.subject_kind,
        ev.org_kind,
        level_key(level),
    )


def _table() -> str:
    return connection.ops.quote_name(ResultTally._meta.db_table)


def _upsert_tail() -> str:
    table = _table()
    return f"ON CONFLICT ({', '.join(_KEY_COLUMNS)}) DO UPDATE SET n = {table}.n + excluded.n"


def change(deltas: Mapping[Key, int]) -> None:
    """Add each delta to its row (creating it), in the caller's transaction."""
    rows = [(*key, delta) for key, delta in sorted(deltas.items()) if delta]
    if not rows:
        return
    columns = ", ".join((*_KEY_COLUMNS, "n"))
    # One statement per chunk (a decision's two rows: one); the table name comes from the
    # model, never from input.
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {_table()} ({columns}) VALUES {values} {_upsert_tail()}",  # noqa: S608
                [value for row in chunk for value in row],
            )


def add_pending(cycle: Cycle, evaluations: Iterable[Evaluation]) -> None:
    """New evaluations of `cycle`, none decided yet."""
    change(Counter(key_of(cycle, ev, None) for ev in evaluations))


def move(ev: Evaluation, *, old: Decision | None, new: Decision) -> None:
    """`new` became the evaluation's current decision in place of `old` (None: it had none)."""
    cycle = ev.cycle
    before = key_of(cycle, ev, old.level if old is not None else None)
    after = key_of(cycle, ev, new.level)
    if before != after:
        change({before: -1, after: 1})


def _grouped_select(where: str) -> str:
    """The tally rows of the evaluations matching `where` (on `e`), counted from the raw rows."""
    t_eval = connection.ops.quote_name(Evaluation._meta.db_table)
    t_cycle = connection.ops.quote_name(Cycle._meta.db_table)
    t_decision = connection.ops.quote_name(Decision._meta.db_table)
    organization = SubjectKind.ORGANIZATION.value
    # Names and constants come from the models, never from input.
    return (
        f"SELECT c.year, COALESCE(c.quarter, {YEARLY}), "  # noqa: S608
        f"CASE WHEN e.subject_kind = '{organization}' "
        f"THEN SUBSTR(e.subject_path, 1, LENGTH(e.subject_path) - {SEGMENT_WIDTH}) "
        "ELSE e.subject_path END, "
        f"e.subject_kind, e.org_kind, COALESCE(d.level, '{PENDING}'), COUNT(*) "
        f"FROM {t_eval} e JOIN {t_cycle} c ON c.id = e.cycle_id "
        f"LEFT JOIN {t_decision} d ON d.evaluation_id = e.id AND d.status = 'current' "
        f"WHERE {where} GROUP BY 1, 2, 3, 4, 5, 6"
    )


def add_evaluations(first_id: int) -> int:
    """Count the evaluations with id >= `first_id` (a bulk load's, with their decisions) into
    the tally, with one grouped `INSERT ... SELECT`. Returns the rows written."""
    columns = ", ".join((*_KEY_COLUMNS, "n"))
    # The names come from the model; the only input is the bound id.
    sql = f"INSERT INTO {_table()} ({columns}) {_grouped_select('e.id >= %s')} {_upsert_tail()}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [first_id])
        return int(cursor.rowcount)


@transaction.atomic
def rebuild() -> int:
    """Recount the whole tally from the evaluations and their current decisions (idempotent, in
    one transaction). Returns the rows written."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table()}")  # noqa: S608
    versions.new_epoch()  # pages showing the old counts are not cached past this
    return add_evaluations(0)


def counted() -> dict[Key, int]:
    """The stored tally, without rows counting nothing (for comparisons)."""
    rows = ResultTally.objects.exclude(n=0).values_list(*_KEY_COLUMNS, "n")
    return {(y, q, p, s, o, lv): n for y, q, p, s, o, lv, n in rows}


def recounted() -> dict[Key, int]:
    """The tally as `rebuild` would write it, counted afresh from the raw rows."""
    with connection.cursor() as cursor:
        cursor.execute(_grouped_select("1 = 1"))
        return {tuple(row[:6]): int(row[6]) for row in cursor.fetchall()}


def _counted_under(prefix: str) -> dict[Key, int]:
    """The tally of the evaluations whose subject lies under `prefix`, counted from the rows."""
    with connection.cursor() as cursor:
        cursor.execute(_grouped_select("e.subject_path LIKE %s"), [prefix + "%"])
        return {tuple(row[:6]): int(row[6]) for row in cursor.fetchall()}


def move_subtree(old_path: str, new_path: str, rewrite: Callable[[], object]) -> None:
    """A subtree moves from `old_path` to `new_path` (`rewrite` changes the stored paths): its
    evaluations' rows move with it, the moved organization's own from its old parent's path to
    its new parent's, in the caller's transaction. Paths hold digits and "/" only (no LIKE
    wildcard)."""
    deltas: Counter[Key] = Counter()
    for key, n in _counted_under(old_path).items():
        deltas[key] -= n
    rewrite()
    for key, n in _counted_under(new_path).items():
        deltas[key] += n
    change(deltas)
