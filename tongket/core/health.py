"""`/healthz` (the process answers) and `/readyz` (database, cache, job queue and migrations
ready), for a load balancer or systemd's watchdog. Unauthenticated; the answer names the checks
and whether each passed, nothing else (no data, no versions, no error texts)."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import BaseCache, caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return bool(cursor.fetchone() == (1,))


def _migrations() -> bool:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _round_trip(cache: BaseCache) -> bool:
    """A value written to the cache reads back."""
    key, value = f"readyz-{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 10)
    ok = bool(cache.get(key) == value)
    cache.delete(key)
    return ok


def _cache() -> bool:
    return _round_trip(caches["default"])


def _queue() -> bool:
    """The job queue is reachable: its table answers, and so does the cache its workers and
    web processes share (tongket.core.queue). Whether a worker runs is not asked: the web
    process is ready before the worker starts."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(status="READY").exists()
    return _round_trip(caches["jobs"])


CHECKS = {
    "database": _database,
    "migrations": _migrations,
    "cache": _cache,
    "queue": _queue,
}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, bool] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:  # a failing dependency is the answer, not a 500
            logger.exception("readyz: %s unavailable", name)
            results[name] = False
    ready = all(results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )
