"""The member tally (`MemberTally`): members per organization path and status, kept by the
database itself.

Triggers on `people_member` add every inserted row, subtract every deleted one and move
every updated one (a transfer, a status change, an organization moved with its subtree), in
the writing statement's transaction. On PostgreSQL they run once per statement over its
transition tables (a COPY of 100,000 members is one grouped upsert); on SQLite once per row.
The organization pages and lists read the tally (`people.selectors.member_breakdown`,
`member_counts`); `recount()` gives what it should hold, `rebuild()` refills it.

A bulk load that turns triggers off (`session_replication_role = replica`, the synthetic
loader as superuser) calls `add_members(first_id)` afterwards.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from tongket.people.models import MemberTally

# Plain table names (people_member, people_membertally): the triggers are SQL the database
# keeps, written once by the migration.

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION people_member_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO people_membertally (path, status, n)
    SELECT org_path, status, count(*) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (path, status) DO UPDATE SET n = people_membertally.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO people_membertally (path, status, n)
    SELECT org_path, status, -count(*) FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (path, status) DO UPDATE SET n = people_membertally.n + EXCLUDED.n;
  ELSE
    INSERT INTO people_membertally (path, status, n)
    SELECT path, status, sum(d) FROM (
      SELECT org_path AS path, status, -1 AS d FROM old_rows
      UNION ALL SELECT org_path, status, 1 FROM new_rows
    ) AS moved GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
    ON CONFLICT (path, status) DO UPDATE SET n = people_membertally.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END $$;
"""
POSTGRES_TRIGGERS = [
    "CREATE TRIGGER people_member_tally_insert AFTER INSERT ON people_member "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION people_member_tally()",
    "CREATE TRIGGER people_member_tally_update AFTER UPDATE ON people_member "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION people_member_tally()",
    "CREATE TRIGGER people_member_tally_delete AFTER DELETE ON people_member "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION people_member_tally()",
]
_ADD = (
    "INSERT INTO people_membertally (path, status, n) VALUES ({row}.org_path, {row}.status, {n}) "
    "ON CONFLICT (path, status) DO UPDATE SET n = people_membertally.n + {n}"
)
SQLITE_TRIGGERS = [
    "CREATE TRIGGER people_member_tally_insert AFTER INSERT ON people_member "
    f"BEGIN {_ADD.format(row='NEW', n=1)}; END",
    "CREATE TRIGGER people_member_tally_delete AFTER DELETE ON people_member "
    f"BEGIN {_ADD.format(row='OLD', n=-1)}; END",
    "CREATE TRIGGER people_member_tally_update AFTER UPDATE OF org_path, status ON people_member "
    f"BEGIN {_ADD.format(row='OLD', n=-1)}; {_ADD.format(row='NEW', n=1)}; END",
]
TRIGGER_NAMES = (
    "people_member_tally_insert",
    "people_member_tally_update",
    "people_member_tally_delete",
)
_GROUPED = (
    "INSERT INTO people_membertally (path, status, n) SELECT org_path, status, count(*) "
    "FROM people_member WHERE id >= %s GROUP BY org_path, status ORDER BY 1, 2 "
    "ON CONFLICT (path, status) DO UPDATE SET n = people_membertally.n + EXCLUDED.n"
)


def install(conn: BaseDatabaseWrapper) -> None:
    """Create the triggers and count the members already there (the migration)."""
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
            statements = POSTGRES_TRIGGERS
        else:
            statements = SQLITE_TRIGGERS
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("DELETE FROM people_membertally")
        cursor.execute(_GROUPED, [0])


def uninstall(conn: BaseDatabaseWrapper) -> None:
    with conn.cursor() as cursor:
        for name in TRIGGER_NAMES:
            on = " ON people_member" if conn.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")
        if conn.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS people_member_tally()")


def add_members(first_id: int) -> int:
    """Count members with id >= `first_id` (a load that ran with triggers off)."""
    with connection.cursor() as cursor:
        cursor.execute(_GROUPED, [first_id])
        return int(cursor.rowcount)


def counted() -> dict[tuple[str, str], int]:
    """The stored tally, without rows counting nothing."""
    return {
        (path, status): n
        for path, status, n in MemberTally.objects.exclude(n=0).values_list("path", "status", "n")
    }


def recounted() -> dict[tuple[str, str], int]:
    """What the tally should hold, counted from the members."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT org_path, status, count(*) FROM people_member GROUP BY 1, 2")
        return {(path, status): int(n) for path, status, n in cursor.fetchall()}


@transaction.atomic
def rebuild() -> int:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM people_membertally")
        cursor.execute(_GROUPED, [0])
        return int(cursor.rowcount)
