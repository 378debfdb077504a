"""PostgreSQL: trigram (pg_trgm) GIN indexes on the folded names, for search by part of a name.

Member and organization search filter with `name_folded LIKE '%needle%'` (diacritics and case
already folded away), which no B-tree can serve: without these indexes every search reads every
member. pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner may create it.
SQLite keeps its table scan (test and small single-user databases).
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

INDEXES = [
    ("people_member_name_trgm", "people_member", "name_folded"),
    ("people_org_name_trgm", "people_organization", "name_folded"),
]


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_path_prefix_indexes")]
    operations = [migrations.RunPython(create, drop)]
