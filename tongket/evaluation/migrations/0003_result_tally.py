"""The maintained per-unit tally of results (`ResultTally`, `tongket.evaluation.tally`), counted
from the evaluations already stored; on PostgreSQL with a covering index for subtree sums by
path prefix (varchar_pattern_ops: prefix LIKE under any collation)."""

from __future__ import annotations

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

PREFIX_INDEX = "eval_tally_prefix_idx"

# The same grouped count as `tally.add_evaluations(0)`, frozen here as the schema of this
# migration: a member counts at their cell's path, an organization at its parent's
# (11 characters per path segment); quarter 0 is the year, "pending" no current decision.
FILL = """
INSERT INTO evaluation_resulttally (year, quarter, path, subject_kind, org_kind, level, n)
SELECT c.year, COALESCE(c.quarter, 0),
       CASE WHEN e.subject_kind = 'organization'
            THEN SUBSTR(e.subject_path, 1, LENGTH(e.subject_path) - 11)
            ELSE e.subject_path END,
       e.subject_kind, e.org_kind, COALESCE(d.level, 'pending'), COUNT(*)
FROM evaluation_evaluation e
JOIN evaluation_cycle c ON c.id = e.cycle_id
LEFT JOIN evaluation_decision d ON d.evaluation_id = e.id AND d.status = 'current'
GROUP BY 1, 2, 3, 4, 5, 6
"""


def fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute(FILL)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PREFIX_INDEX} ON evaluation_resulttally "
            "(year, quarter, path varchar_pattern_ops) INCLUDE (subject_kind, org_kind, level, n)"
        )


def empty(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PREFIX_INDEX}")
    schema_editor.execute("DELETE FROM evaluation_resulttally")


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0002_subtree_stats_indexes")]

    operations = [
        migrations.CreateModel(
            name="ResultTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="năm")),
                (
                    "quarter",
                    models.PositiveSmallIntegerField(default=0, verbose_name="quý (0: cả năm)"),
                ),
                ("path", models.CharField(max_length=255)),
                (
                    "subject_kind",
                    models.CharField(
                        choices=[("member", "Đảng viên"), ("organization", "Tổ chức đảng")],
                        max_length=20,
                    ),
                ),
                (
                    "org_kind",
                    models.CharField(blank=True, max_length=20, verbose_name="loại tổ chức"),
                ),
                (
                    "level",
                    models.CharField(blank=True, max_length=20, verbose_name="xếp loại hiện hành"),
                ),
                ("n", models.IntegerField(default=0, verbose_name="số lượng")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("year", "quarter", "path", "subject_kind", "org_kind", "level"),
                        name="eval_tally_key",
                    )
                ],
            },
        ),
        migrations.RunPython(fill, empty),
    ]
