"""PostgreSQL: covering indexes for subtree statistics (`selectors.stats`, `tongket stats`).

The evaluations of a subtree by path prefix (varchar_pattern_ops: prefix LIKE under any
collation) with what the grouped count reads, and each evaluation's current decision with its
level, so both sides are read from the indexes alone. SQLite ignores covering columns and does
not use an index for Django's `LIKE ... ESCAPE`; there the unique partial index
`eval_one_current_decision` already finds the current decision.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

INDEXES = [
    (
        "eval_subject_path_kind_idx",
        "CREATE INDEX IF NOT EXISTS eval_subject_path_kind_idx ON evaluation_evaluation "
        "(subject_path varchar_pattern_ops, subject_kind) "
        "INCLUDE (cycle_id, org_kind, organization_id)",
    ),
    (
        "eval_decision_current_idx",
        "CREATE INDEX IF NOT EXISTS eval_decision_current_idx ON evaluation_decision "
        "(evaluation_id) INCLUDE (level) WHERE status = 'current'",
    ),
]


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
