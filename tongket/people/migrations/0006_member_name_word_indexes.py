"""PostgreSQL: B-tree indexes on the given name and on the last two words of the folded name.

At national size the trigram index (0003) is slow for Vietnamese names: their trigrams are few
and common ("ngu", "thi", "van"), so a search reads posting lists of millions of rows (97 ms for
"tran thi lan" within a province, 225 ms for a rare name, at 5.6 million members). Members are
searched by the start of their full name (the existing `name_folded` index), by their given
name ("lan") or by middle and given name ("thi lan"): with these two indexes each is a range
scan that stops at the page's limit (`people.selectors.quick_search_members`). The expressions
must stay identical to `selectors.GIVEN_NAME_SQL` and `selectors.LAST_TWO_WORDS_SQL`.
SQLite keeps its table scan.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

INDEXES = [
    ("people_member_given_name_like", r"regexp_replace(name_folded::text, '^.* ', '')"),
    (
        "people_member_last_two_words_like",
        r"regexp_replace(name_folded::text, '^(.* )?(\S+ \S+)$', '\2')",
    ),
]


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON people_member (({expression}) text_pattern_ops)"
        )


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0005_org_code_search_index")]
    operations = [migrations.RunPython(create, drop)]
