"""The database router against a real streaming replica (PostgreSQL, `.ci/replica`).

A report and an API list read the replica; a user who has just changed something reads the
primary (their own write shows); a replica that lags, or is down, is not used; writes never
go there. Outside CI the replica is started by `.ci/replica` when possible, else the test is
skipped saying why; in CI (which starts it) a missing replica fails."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tongket.core import replicas
from tongket.core.testenv import in_ci
from tongket.people.models import Member

SCRIPT = Path(__file__).resolve().parents[3] / ".ci" / "replica"
CELL = "QT.KCQDN.SGDDT.TCCB"
# The allowed lag while a test checks routing rather than lag. The replica measures its lag as
# the time since the last commit it replayed whenever it has WAL still to replay: while another
# test worker holds a long transaction on the primary (loading the demo, say), that reads as
# several seconds although nothing committed is missing, and the router rightly falls back to
# the primary. Routing checks allow for that; the lag check below sets its own tight bound.
ROUTING_LAG = 300


class _Unavailable(Exception):
    pass


def _replica_url() -> str:
    url = os.environ.get("TONGKET_TEST_REPLICA_URL", "")
    if url:
        return url
    try:
        done = subprocess.run(
            ["bash", str(SCRIPT)], capture_output=True, text=True, timeout=300, check=True
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise _Unavailable(f"không khởi động được bản sao PostgreSQL (.ci/replica): {exc}") from exc
    return done.stdout.strip().splitlines()[-1]


def _register() -> str:
    """Declare the replica as the `replica` database before the test databases are set up
    (it mirrors the test database: same name, on the replica's port). '' when done, else why
    not."""
    if connections["default"].vendor != "postgresql":
        return "chỉ chạy trên PostgreSQL"
    try:
        url = urlsplit(_replica_url())
    except _Unavailable as exc:
        return str(exc)
    config = dict(connections.settings["default"])
    config.update(HOST=url.hostname, PORT=str(url.port), TEST={"MIRROR": "default"})
    connections.settings[replicas.REPLICA] = config
    django_settings.DATABASES[replicas.REPLICA] = config  # type: ignore[assignment]
    return ""


UNAVAILABLE = _register()


@pytest.fixture
def replica(settings: Any) -> Iterator[Callable[[], list[str]]]:
    """The replica, caught up and read for the marked reads; yields a function giving the SQL
    the replica ran since the last call (its lag probes excluded)."""
    if UNAVAILABLE:
        if in_ci():
            pytest.fail(UNAVAILABLE)
        pytest.skip(UNAVAILABLE)
    settings.TONGKET_REPLICA_READS = True
    settings.TONGKET_REPLICA_MAX_LAG = ROUTING_LAG
    replicas.forget_health()
    # Loading the demo wrote as its users (vanphong among them): on a fast machine their
    # "wrote a moment ago" marks (TONGKET_REPLICA_STICKY_SECONDS) are still alive here and would
    # rightly send their reads to the primary. The test starts after those moments have passed.
    cache.clear()
    _caught_up()
    captured = CaptureQueriesContext(connections[replicas.REPLICA])
    captured.__enter__()
    seen = [0]

    def ran() -> list[str]:
        new = captured.captured_queries[seen[0] :]
        seen[0] = len(captured.captured_queries)
        return [q["sql"] for q in new if q["sql"] != replicas.LAG_SQL]

    try:
        yield ran
    finally:
        captured.__exit__(None, None, None)
        replicas.forget_health()


def _on_replica(sql: str) -> Any:
    with connections[replicas.REPLICA].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def _state(username: str) -> str:
    """Why reads might have gone to the primary, for a failing assertion's message."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    return (
        f"lag={replicas._lag()} max={replicas.max_lag()} "
        f"wrote_recently={replicas.wrote_recently(user.pk)} enabled={replicas.enabled()} "
        f"in_atomic={connections['default'].in_atomic_block}"
    )


def _caught_up() -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    for _ in range(300):
        if _on_replica(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0]:
            replicas.forget_health()
            return
        time.sleep(0.1)
    pytest.fail("bản sao không bắt kịp bản chính trong 30 giây")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_reports_and_lists_read_the_replica_but_own_writes_and_lag_or_failure_the_primary(
    demo_loaded: None,
    replica: Callable[[], list[str]],
    client_for: Any,
    api_for: Any,
    settings: Any,
) -> None:
    _caught_up()
    replica()
    # A report page and an API list: read on the replica, and right.
    cache.clear()  # no "wrote a moment ago" mark left by anything before this request
    before = _state("vanphong")
    page = client_for("vanphong").get(
        reverse("reports:organization", kwargs={"code": "QT.KCQDN.SGDDT", "year": 2020})
    )
    assert page.status_code == 200
    assert any("evaluation" in sql for sql in replica()), (
        f"before: {before}; after: {_state('vanphong')}"
    )
    office = api_for("vanphong")
    listed = office.get("/api/v1/members/", {"organization": CELL, "limit": 200})
    assert listed.status_code == 200
    assert any("people_member" in sql for sql in replica()), _state("vanphong")
    # A write, then the same user's list: the primary, showing the write, even while the
    # replica has not replayed it.
    _on_replica("SELECT pg_wal_replay_pause()")
    card = Member.objects.filter(organization__code=CELL).order_by("pk")[0].card_number
    changed = api_for("bithu").patch(
        f"/api/v1/members/{card}/", {"full_name": "Tên Vừa Sửa"}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    replica()
    mine = api_for("bithu").get("/api/v1/members/", {"organization": CELL, "limit": 200})
    assert "Tên Vừa Sửa" in {m["full_name"] for m in mine.json()["results"]}
    assert replica() == []  # every read of it on the primary
    # Another user, who wrote nothing: the replica lags (replay paused) past the allowed lag.
    settings.TONGKET_REPLICA_MAX_LAG = 0.2
    time.sleep(0.5)
    replicas.forget_health()
    theirs = office.get("/api/v1/members/", {"organization": CELL, "limit": 200})
    assert "Tên Vừa Sửa" in {m["full_name"] for m in theirs.json()["results"]}
    assert replica() == []
    # Caught up again: back to the replica.
    _on_replica("SELECT pg_wal_replay_resume()")
    settings.TONGKET_REPLICA_MAX_LAG = ROUTING_LAG
    _caught_up()
    office.get("/api/v1/members/", {"organization": CELL, "limit": 200})
    assert replica() != []
    # Down: nothing answers on its port; the primary serves, no error.
    config = connections.settings[replicas.REPLICA]
    port = config["PORT"]
    connections[replicas.REPLICA].close()
    config["PORT"] = "1"
    del connections[replicas.REPLICA]
    replicas.forget_health()
    try:
        down = office.get("/api/v1/members/", {"organization": CELL, "limit": 200})
        assert down.status_code == 200
        assert "Tên Vừa Sửa" in {m["full_name"] for m in down.json()["results"]}
        assert not replicas.usable()
    finally:
        config["PORT"] = port
        del connections[replicas.REPLICA]


@pytest.mark.django_db
def test_writes_migrations_and_reads_in_a_transaction_never_go_to_the_replica() -> None:
    router = replicas.ReplicaRouter()
    assert router.db_for_write(Member) == replicas.PRIMARY
    assert router.allow_migrate(replicas.REPLICA, "people") is False
    assert router.allow_migrate(replicas.PRIMARY, "people") is True
    # Reads marked for the replica inside a transaction stay on the primary.
    with replicas.reading_replica(), transaction.atomic():
        assert router.db_for_read(Member) is None
