"""Writes the synthetic data in one transaction, with one audit event.

On PostgreSQL the skeleton goes in with COPY and the database generates the rest itself
(`tongket.synth.server`), the secondary indexes of the loaded tables are dropped before and
rebuilt after (one sort each instead of one insertion per row), and the foreign keys are checked
once with an anti-join each. Elsewhere (SQLite: tests) the Python generator's rows go in with
bulk_create.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models import Max, OuterRef, Subquery

from tongket.audit.services import record_event
from tongket.core.errors import DomainError
from tongket.evaluation import tally
from tongket.evaluation.models import Cycle, Decision, Evaluation, ResultTally
from tongket.people import tally as member_tally
from tongket.people.models import Member, Membership, Organization, OrganizationName, PartyRole
from tongket.synth import server
from tongket.synth.generator import COLUMNS, TABLES, Batch, Ids, Row, SynthConfig, generate

MODELS: dict[str, type[models.Model]] = {
    "organization": Organization,
    "organization_name": OrganizationName,
    "member": Member,
    "membership": Membership,
    "party_role": PartyRole,
    "cycle": Cycle,
    "evaluation": Evaluation,
    "decision": Decision,
}
SQLITE_BATCH = 2000


@dataclass
class LoadReport:
    config: SynthConfig
    vendor: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    method: str = "python"
    # Seconds the VACUUM after the commit took; None when not run.
    vacuum_seconds: float | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "members": self.config.members,
            "seed": self.config.seed,
            "years": list(self.config.years),
            "database": self.vendor,
            "method": self.method,
            "rows": self.counts,
            "seconds": round(self.seconds, 1),
            "vacuum_seconds": (
                None if self.vacuum_seconds is None else round(self.vacuum_seconds, 1)
            ),
        }


def _defaults(table: str) -> tuple[list[str], Row]:
    """The columns the generator leaves out, and the value each takes (its model default)."""
    given = set(COLUMNS[table])
    names: list[str] = []
    values: list[object] = []
    for f in MODELS[table]._meta.concrete_fields:
        if f.attname in given:
            continue
        default = f.get_default()
        if isinstance(f, models.JSONField):
            default = json.dumps(default)
        names.append(f.column)
        values.append(default)
    return names, tuple(values)


def _columns(table: str) -> list[str]:
    by_attname = {f.attname: str(f.column) for f in MODELS[table]._meta.concrete_fields}
    return [by_attname[name] for name in COLUMNS[table]]


def start_ids() -> Ids:
    """Counters starting above every id already in each table."""
    ids = Ids()
    for table, model in MODELS.items():
        top = model._default_manager.aggregate(top=Max("pk"))["top"]
        ids.next[table] = (top or 0) + 1
    return ids


def copy_rows(table: str, rows: Iterable[Row]) -> None:
    model = MODELS[table]
    extra_names, extra_values = _defaults(table)
    columns = ", ".join(connection.ops.quote_name(c) for c in [*_columns(table), *extra_names])
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row + extra_values)


def _bulk_create(table: str, rows: list[Row]) -> None:
    model = MODELS[table]
    names = COLUMNS[table]
    objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
    model._default_manager.bulk_create(objects, batch_size=SQLITE_BATCH)


def _reset_sequences() -> None:
    with connection.cursor() as cursor:
        for model in MODELS.values():
            table = model._meta.db_table
            # The table name comes from the model, never from input.
            top = f"SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table)}"  # noqa: S608
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({top}))", [table])


def _superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def validate_foreign_keys() -> None:
    """One anti-join per foreign key of the loaded tables, instead of one trigger per row."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in MODELS.values():
            for f in model._meta.concrete_fields:
                if f.remote_field is None:
                    continue
                target = f.remote_field.model._meta
                child, parent, column = model._meta.db_table, target.db_table, str(f.column)
                # Names come from the models, never from input.
                cursor.execute(
                    f"SELECT c.id FROM {quote(child)} c LEFT JOIN {quote(parent)} p "  # noqa: S608
                    f"ON p.id = c.{quote(column)} "
                    f"WHERE c.{quote(column)} IS NOT NULL AND p.id IS NULL LIMIT 1"
                )
                if cursor.fetchone() is not None:
                    raise RuntimeError(f"{child}.{column} references a missing {parent} row.")


def _write(batch: Batch, postgres: bool) -> None:
    # Parents before children: the tables are listed in dependency order.
    for table in TABLES:
        rows = batch.rows.get(table)
        if not rows:
            continue
        if postgres:
            copy_rows(table, rows)
        else:
            _bulk_create(table, rows)


def vacuum_loaded(report: LoadReport) -> bool:
    """PostgreSQL, after the load's commit: VACUUM the loaded tables, so that index-only scans
    find the pages all-visible instead of reading the heap, and the first readers do not have to
    set every row's hint bits. False (nothing done) inside a transaction, where VACUUM cannot
    run, and on other databases."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    started = time.perf_counter()
    loaded: list[type[models.Model]] = [*MODELS.values(), ResultTally]
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in loaded)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {tables}")
    report.vacuum_seconds = time.perf_counter() - started
    return True


def _bulk_settings() -> None:
    with connection.cursor() as cursor:
        # Index builds sort in memory; the anti-joins hash; one commit at the end.
        cursor.execute("SET LOCAL maintenance_work_mem = '2GB'")
        cursor.execute("SET LOCAL work_mem = '512MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")


@transaction.atomic
def load(
    config: SynthConfig,
    *,
    progress: Callable[[str], None] | None = None,
    unchecked_foreign_keys: bool = True,
    in_database: bool = True,
) -> LoadReport:
    """Generate and write the synthetic data in one transaction; refuses a database that
    already holds it (province P01).

    On PostgreSQL the bulky tables are generated by the database (`in_database`, the default)
    or, with `in_database=False`, by the Python generator and COPYed.
    """
    if Organization.objects.filter(code="P01").exists():
        raise DomainError(
            "Cơ sở dữ liệu đã có dữ liệu tổng hợp (tổ chức mã «P01»).",
            field="members",
            rule="synth.already_loaded",
        )
    postgres = connection.vendor == "postgresql"
    report = LoadReport(config=config, vendor=connection.vendor)
    started = time.perf_counter()

    def note(line: str) -> None:
        if progress is not None:
            progress(f"{line} [{time.perf_counter() - started:.1f} s]")

    ids = start_ids()
    first_evaluation = ids.next["evaluation"]
    first_member = ids.next["member"]
    # A superuser skips the per-row foreign-key triggers (1.7 million deferred checks at
    # 200,000 members) and validates each foreign key once at the end with an anti-join.
    unchecked = postgres and unchecked_foreign_keys and _superuser()
    if unchecked:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    dropped: list[str] = []
    if postgres:
        _bulk_settings()
        dropped = server.drop_secondary_indexes(m._meta.db_table for m in MODELS.values())
    if postgres and in_database:
        report.method = "database"
        server.generate_in_database(config, ids, server.Output(copy_rows, report.counts, note))
    else:
        for batch in generate(config, ids):
            _write(batch, postgres)
            for table, rows in batch.rows.items():
                report.counts[table] = report.counts.get(table, 0) + len(rows)
            note(f"{batch.label}: {batch.count()} dòng")
    if postgres:
        server.create_indexes(dropped, note)
        note(f"dựng lại {len(dropped)} chỉ mục và ràng buộc duy nhất")
        with connection.cursor() as cursor:
            for model in MODELS.values():
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        note("thống kê (ANALYZE)")
    # The loaded cycles' copy of their organization's path (both generators leave it empty).
    Cycle.objects.filter(org_path="").update(
        org_path=Subquery(
            Organization.objects.filter(pk=OuterRef("organization_id")).values("path")[:1]
        )
    )
    note("đường dẫn tổ chức của các kỳ đánh giá")
    # The loaded evaluations into the results tally: one grouped INSERT ... SELECT.
    report.counts["result_tally"] = tally.add_evaluations(first_evaluation)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(ResultTally._meta.db_table)}")
    note("bảng tổng hợp kết quả")
    if unchecked:
        # The member tally's triggers were off with the other triggers: one grouped count.
        report.counts["member_tally"] = member_tally.add_members(first_member)
        note("bảng đếm đảng viên")
    if unchecked:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
        validate_foreign_keys()
        note("khóa ngoại đã kiểm tra")
    if postgres:
        _reset_sequences()
    report.seconds = time.perf_counter() - started
    record_event(
        actor=None,
        action="synth.load",
        object_type="synth",
        object_id=config.seed,
        summary=f"Nạp dữ liệu tổng hợp: {config.members} đảng viên, hạt giống {config.seed}",
        after=report.as_json(),
    )
    return report
