"""PostgreSQL: drop the prefix indexes of 0002, which duplicate Django's own.

Django already gives every indexed or unique CharField on PostgreSQL a `..._like` index with the
varchar_pattern_ops operator class (`people_organization_path_..._like`,
`people_member_org_path_..._like`), identical to those 0002 added; each duplicate only slowed
every write and every bulk load.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

DUPLICATES = [
    ("people_org_path_prefix_idx", "people_organization", "path"),
    ("people_member_path_prefix_idx", "people_member", "org_path"),
]


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in DUPLICATES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in DUPLICATES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0003_name_trigram_indexes")]
    operations = [migrations.RunPython(drop, create)]
