"""Change versions per organization subtree: what keys the page cache.

Every audited change records, in its own transaction, that it changed its organization
(`own`) and the subtree of that organization and of every ancestor (`subtree`; the empty
path is the whole country). The records are inserted, never updated, so two writers never
wait on each other here, whatever organizations they write. A page about organization X
depends on X's subtree and on its ancestors' own changes (their names in the breadcrumbs, a
cycle held above X, a decision recorded there), plus the changes that belong to no
organization (the empty path's own): `key_for([X.path])` reads exactly those in one query. A
change elsewhere in the country leaves X's key alone.

Each row carries the topic of the change (`topic_of` its action: "evaluation.decision",
"member", "organization"). A page may ignore topics it never shows (`key_for(..., ignored)`):
the people pages ignore every evaluation topic and the list of cycles the season's decisions
and self-assessments, so a decision in one province leaves them cached; the figures such a
page shows that changes it ignores do move are read from the maintained tallies on every
request (the organization list's member counts).

A path's version per topic is (its latest base row, how many rows it has): a commit adds a
row, so the version moves whatever order ids were drawn and committed in (a maximum would
not: a transaction holding an older id can commit last). `compact` (run by the sealer) folds
a path's rows of one topic into one new base row when they pile up; the new base makes a new
version once, so a page is never served for data it was not built from.

Changes that are not audited must call `new_epoch()`: a restore, a rebuilt tally. Events
that change nothing a page shows (downloads, sign-ins, second factors) record nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping

from django.db import connection, transaction

from tongket.audit.models import CacheEpoch, PathChange
from tongket.people.models import ancestor_paths

# Audited actions that change no data a cached page shows. An import's summary event
# ("import.workbook", no organization) is one of them: every record it changed has its own
# event at its own organization, so the summary must not move every key in the country.
# Nor do the accounts' own events (no organization; a page's key holds its reader and their
# grants), but linking an account to a member, which the member's pages may show: creating
# an account must not move every key in the country either.
READ_ONLY_PREFIXES = (
    "export.",
    "login.",
    "totp.",
    "token.",
    "import.",
    "user.create",
    "user.reactivate",
    "user.deactivate",
    "user.reset",
    "user.require_totp",
    "user.set_password",
)
GLOBAL = ""
OWN, SUBTREE = PathChange.Kind.OWN.value, PathChange.Kind.SUBTREE.value
_TABLE = PathChange._meta.db_table
_EPOCH_TABLE = CacheEpoch._meta.db_table
# A path's rows are folded into one when it has more than this many.
COMPACT_ABOVE = 32


def changes_data(action: str) -> bool:
    return not action.startswith(READ_ONLY_PREFIXES)


def topic_of(action: str) -> str:
    """What an action changed, for the pages that never show it: the action without its last
    word ("evaluation.decision.issue" → "evaluation.decision", "member.update" → "member")."""
    head, _, _ = action.rpartition(".")
    return head or action


def shows(topic: str, ignored: Iterable[str]) -> bool:
    """Whether a page ignoring these topics (each with its sub-topics) shows changes of `topic`."""
    return not any(topic == t or topic.startswith(f"{t}.") for t in ignored)


def record(paths: Iterable[str], topic: str = "") -> None:
    """Record a change at each path: its own change, and a change of the subtree of it and of
    every ancestor. Runs inside the writer's transaction; one insert, no lock anyone waits on."""
    record_topics({topic: set(paths)})


def record_topics(changed: Mapping[str, Iterable[str]]) -> None:
    """`record` for the changes of several topics (a batch of events), in one insert."""
    rows: list[PathChange] = []
    for topic, paths in sorted(changed.items()):
        own = set(paths)
        if not own:
            continue
        subtree = {GLOBAL}
        for path in own:
            subtree.update(ancestor_paths(path))
        rows += [PathChange(path=path, kind=OWN, topic=topic) for path in sorted(own)]
        rows += [PathChange(path=path, kind=SUBTREE, topic=topic) for path in sorted(subtree)]
    if rows:
        PathChange.objects.bulk_create(rows)


def compact(above: int = COMPACT_ABOVE) -> int:
    """Fold the rows of every (path, kind, topic) that has more than `above` of them into one
    new base row; returns how many were folded. Run by one sealer at a time (under the audit
    head). Only the pages showing that topic get a new key."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT path, kind, topic, max(id) FROM {_TABLE} "  # noqa: S608 - constant names
            "GROUP BY path, kind, topic HAVING count(*) > %s",
            [above],
        )
        piled = cursor.fetchall()
    for path, kind, topic, last in piled:
        with transaction.atomic():
            PathChange.objects.filter(path=path, kind=kind, topic=topic, id__lte=last).delete()
            PathChange.objects.create(path=path, kind=kind, topic=topic, base=True)
    return len(piled)


def new_epoch() -> str:
    """Invalidate every cached page of this database: after a restore or any change made
    without the audited services. Returns the new epoch."""
    epoch = _new_token()
    CacheEpoch.objects.update_or_create(id=1, defaults={"epoch": epoch})
    return epoch


def key_for(paths: Iterable[str], ignored: Iterable[str] = ()) -> str:
    """The versions a page about these organization paths depends on, as a short string:
    the epoch and the global own changes, each path's subtree, and the own changes of each
    of its ancestors, leaving out the `ignored` topics (`shows`). One query."""
    ignored = tuple(ignored)
    subtrees = set(paths)
    ancestors = {GLOBAL}
    for path in subtrees:
        ancestors.update(ancestor_paths(path)[:-1])
    wanted = [(path, SUBTREE) for path in sorted(subtrees)]
    wanted += [(path, OWN) for path in sorted(ancestors)]
    # Plain SQL: it runs on every cached page, and building the ORM query costs more than
    # running it.
    pairs = " OR ".join(["(path = %s AND kind = %s)"] * len(wanted))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT path, kind, topic, count(*), max(CASE WHEN base THEN id END) "  # noqa: S608 - constant names
            f"FROM {_TABLE} WHERE {pairs} GROUP BY path, kind, topic "
            f"UNION ALL SELECT epoch, 'e', '', 0, NULL FROM {_EPOCH_TABLE} WHERE id = 1",
            [value for pair in wanted for value in pair],
        )
        fetched = cursor.fetchall()
    epochs = [path for path, kind, *_ in fetched if kind == "e"]
    rows: dict[tuple[str, str], list[str]] = {}
    for path, kind, topic, count, base in sorted(fetched, key=lambda row: row[2]):
        if kind != "e" and shows(topic, ignored):
            rows.setdefault((path, kind), []).append(f"{topic}{base or 0}.{count}")
    parts = [epochs[0] if epochs else _first_epoch()]
    for path, kind in wanted:
        parts.append(kind + ",".join(rows.get((path, kind), [])))
    return ":".join(parts)


def _first_epoch() -> str:
    """A new database's first epoch, random (so a reset database matches no old page)."""
    epoch, _ = CacheEpoch.objects.get_or_create(id=1, defaults={"epoch": _new_token()})
    return epoch.epoch


def _new_token() -> str:
    return secrets.token_hex(8)
