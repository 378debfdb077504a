"""Reading from a PostgreSQL streaming replica (`DATABASE_REPLICA_URL`): the router and when.

Only reads marked for it go to the replica: reports, exports, statistics and the API's list
endpoints (`reading_replica()`, `replica_reads` for views, `ApiViewSet` for lists). Every
write, every read inside a transaction and every other read stays on the primary. A user
whose audited change committed within `TONGKET_REPLICA_STICKY_SECONDS` reads the primary
(their own write must show: the replica replays it a moment later). A replica that is down,
or further behind than `TONGKET_REPLICA_MAX_LAG` seconds, is not used; it is probed again
after `HEALTH_SECONDS`.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest
from django.http.response import HttpResponseBase

PRIMARY = "default"
REPLICA = "replica"
HEALTH_SECONDS = 2.0
_STICKY_KEY = "tongket:wrote:{}"
# How far the replica's replay is behind, in seconds (0 when it has replayed all it received).
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)

_wanted: ContextVar[bool] = ContextVar("tongket_replica_wanted", default=False)
_health: dict[str, tuple[float, bool]] = {}

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def configured() -> bool:
    return REPLICA in connections.settings


def enabled() -> bool:
    """`TONGKET_REPLICA_READS` (on unless a test suite turns it off)."""
    return bool(getattr(settings, "TONGKET_REPLICA_READS", True))


def sticky_seconds() -> float:
    return float(getattr(settings, "TONGKET_REPLICA_STICKY_SECONDS", 10))


def note_write(user_id: int | None) -> None:
    """The user changed something: their next reads go to the primary for a while."""
    if user_id is not None and configured():
        cache.set(_STICKY_KEY.format(user_id), 1, sticky_seconds())


def wrote_recently(user_id: int | None) -> bool:
    return user_id is not None and cache.get(_STICKY_KEY.format(user_id)) is not None


@contextmanager
def reading_replica(user_id: int | None = None) -> Iterator[None]:
    """Reads inside go to the replica when one is usable (and `user_id` wrote nothing lately)."""
    token = _wanted.set(not wrote_recently(user_id))
    try:
        yield
    finally:
        _wanted.reset(token)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Reads inside go to the primary, unless `prefer_replica` is called within."""
    token = _wanted.set(False)
    try:
        yield
    finally:
        _wanted.reset(token)


def prefer_replica(user_id: int | None) -> None:
    """From here to the end of the enclosing `primary_reads`, read the replica (as
    `reading_replica`): for hooks that learn only midway that a request only reads."""
    _wanted.set(not wrote_recently(user_id))


def replica_reads(view: View) -> View:
    """A view whose safe requests read from the replica (see `reading_replica`)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with reading_replica(getattr(request.user, "pk", None)):
            return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def usable() -> bool:
    """The replica answers and is no further behind than allowed (probed every few seconds)."""
    if not configured():
        return False
    now = time.monotonic()
    checked = _health.get(REPLICA)
    if checked is not None and now - checked[0] < HEALTH_SECONDS:
        return checked[1]
    lag = _lag()
    ok = lag is not None and lag <= max_lag()
    _health[REPLICA] = (now, ok)
    return ok


def max_lag() -> float:
    return float(getattr(settings, "TONGKET_REPLICA_MAX_LAG", 5))


def forget_health() -> None:
    """Probe the replica again on the next read (tests, after a failover)."""
    _health.clear()


def _lag() -> float | None:
    replica = connections[REPLICA]
    try:
        with replica.cursor() as cursor:
            cursor.execute(LAG_SQL)
            row = cursor.fetchone()
    except DatabaseError:
        replica.close()
        return None
    return float(row[0]) if row else None


class ReplicaRouter:
    """Reads marked for the replica go there while it is usable; everything else, the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not _wanted.get() or connections[PRIMARY].in_atomic_block or not enabled():
            return None
        return REPLICA if usable() else None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == PRIMARY
