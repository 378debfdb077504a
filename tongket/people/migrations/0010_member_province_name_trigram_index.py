"""PostgreSQL: a trigram index on the folded member names keyed by province, for the search
inside one province.

When the start of the name, of the given name and of the middle and given name find too few
members, `people.selectors.quick_search_members` looks anywhere in the name. Inside a province,
the national trigram index (0003) read the posting lists of the whole country ("thi", "lan":
hundreds of thousands of members each) and the province's filter then threw most matches away:
the cost grew with the country, not the province. This GIN index has two columns: the province
(the first segment of `org_path`, `left(org_path, 11)`, through btree_gin's `=`) and the
trigrams, and the search says the province again (`selectors._search_root`), so GIN intersects
the province's posting list with the trigrams' and reads what lies in the province. A province
created, renamed or merged later needs nothing: the key is computed from each member's path.
A search of the whole country reads the same trigram posting lists in this index as in 0003's
`people_member_name_trgm` (measured: the same buffers), so that one is dropped: one GIN index
to maintain on every member written, not two.
btree_gin is a trusted extension (PostgreSQL 13+), so the database owner may create it.
SQLite keeps its table scan.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

NAME = "people_member_root_name_trgm"
NATIONAL = "people_member_name_trgm"  # 0003's


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON people_member "
        "USING gin ((left(org_path, 11)), name_folded gin_trgm_ops)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {NATIONAL}")


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NATIONAL} ON people_member "
        "USING gin (name_folded gin_trgm_ops)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("people", "0009_fix_organization_codes")]
    operations = [migrations.RunPython(create, drop)]
