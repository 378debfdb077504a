"""PostgreSQL: an index for the organization search by the start of a code, in any case.

The search asks `name_folded LIKE '%…%' OR UPPER(code) LIKE UPPER('…%')`. The name has its
trigram index (0003); without an index on `UPPER(code)` the OR made every search read every
organization (262 ms at 370,000 organizations). With it the planner ORs two index scans.
SQLite keeps its table scan.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

NAME = "people_org_code_upper_like"


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON people_organization "
        "(UPPER(code::text) varchar_pattern_ops)"
    )


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_drop_duplicate_prefix_indexes")]
    operations = [migrations.RunPython(create, drop)]
