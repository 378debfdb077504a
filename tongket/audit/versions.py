"""Change versions per organization subtree: what keys the page cache.

Every audited change bumps, in its own transaction and under the audit chain's lock (so
writers never wait on each other here more than they already do), the `subtree` version of
its organization path and of every ancestor, and the `own` version of the path itself. A
page about organization X depends on X's subtree and on its ancestors' own changes (their
names in the breadcrumbs, a cycle held above X, a decision recorded there), plus the
changes that belong to no organization (the empty path): `key_for([X.path])` reads exactly
those rows in one query. A change elsewhere in the country leaves X's key alone.

Changes that are not audited must call `new_epoch()`: a restore, a rebuilt tally. Events
that change nothing a page shows (downloads, sign-ins, second factors) bump nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import connection, transaction

from tongket.audit.models import PathVersion
from tongket.people.models import ancestor_paths

# Audited actions that change no data a page shows.
READ_ONLY_PREFIXES = ("export.", "login.", "totp.", "token.")
GLOBAL = ""
_TABLE = PathVersion._meta.db_table


def changes_data(action: str) -> bool:
    return not action.startswith(READ_ONLY_PREFIXES)


def bump(paths: Iterable[str], seq: int) -> None:
    """Record change `seq` at each path: `own` of the paths, `subtree` of them and of every
    ancestor. Runs inside the writer's transaction, after the audit head is locked."""
    own = set(paths)
    if not own:
        return
    subtree = {GLOBAL}
    for path in own:
        subtree.update(ancestor_paths(path))
    PathVersion.objects.bulk_create(
        [PathVersion(path=path, subtree=seq, own=seq, epoch=_epoch(path)) for path in sorted(own)],
        update_conflicts=True,
        unique_fields=["path"],
        update_fields=["subtree", "own"],
    )
    rest = subtree - own
    if rest:
        PathVersion.objects.bulk_create(
            [PathVersion(path=path, subtree=seq, epoch=_epoch(path)) for path in sorted(rest)],
            update_conflicts=True,
            unique_fields=["path"],
            update_fields=["subtree"],
        )


def new_epoch() -> str:
    """Invalidate every cached page of this database: after a restore or any change made
    without the audited services. Returns the new epoch."""
    epoch = _new_token()
    with transaction.atomic():
        updated = PathVersion.objects.filter(path=GLOBAL).update(epoch=epoch)
        if not updated:
            PathVersion.objects.create(path=GLOBAL, epoch=epoch)
    return epoch


def key_for(paths: Iterable[str]) -> str:
    """The versions a page about these organization paths depends on, as a short string:
    the epoch and the global changes, each path's `subtree`, and the `own` changes of each of
    its ancestors. One query."""
    subtrees = set(paths)
    ancestors = set()
    for path in subtrees:
        ancestors.update(ancestor_paths(path)[:-1])
    # Plain SQL: it runs on every cached page, and building the ORM query costs more than
    # running it.
    wanted = sorted(subtrees | ancestors | {GLOBAL})
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT path, subtree, own, epoch FROM {_TABLE} "  # noqa: S608 - constant names
            f"WHERE path IN ({', '.join(['%s'] * len(wanted))})",
            wanted,
        )
        rows = {path: (subtree, own, epoch) for path, subtree, own, epoch in cursor.fetchall()}
    root = rows.get(GLOBAL, (0, 0, ""))
    parts = [root[2], str(root[1])]
    parts += [f"s{rows.get(path, (0,))[0]}" for path in sorted(subtrees)]
    parts += [f"o{rows.get(path, (0, 0))[1]}" for path in sorted(ancestors)]
    return ":".join(parts)


def _epoch(path: str) -> str:
    """A new database's first global row gets a random epoch (only the global row has one)."""
    return _new_token() if path == GLOBAL else ""


def _new_token() -> str:
    return secrets.token_hex(8)
