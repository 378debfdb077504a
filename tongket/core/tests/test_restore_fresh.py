"""Restore on a fresh server, through the `tongket` commands exactly as README's production
section tells a person: the demo's backup restored into a freshly migrated database and into an
empty one gives back every table and the audit chain; an archive whose audit chain was cut
(sealed with the right key) is refused and leaves the target as it was.

Runs on the database engine of the current test run (SQLite files, or PostgreSQL databases
created beside the test database)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tongket.core import backup
from tongket.core.tests.archives import resealed_with_data, unsealed
from tongket.core.tests.production import BACKUP_KEY, Server


@contextmanager
def _office_key() -> Iterator[None]:
    os.environ[backup.KEY_ENV] = BACKUP_KEY
    try:
        yield
    finally:
        del os.environ[backup.KEY_ENV]


def _manifest(archive: Path) -> dict[str, Any]:
    with _office_key():
        manifest: dict[str, Any] = json.loads(unsealed(archive)["manifest.json"])
    return manifest


def _without_last_audit_event(archive: Path, target: Path) -> None:
    """An archive re-sealed with the right key whose audit chain lost its last event, every
    checksum and table digest recomputed: only the sealed head tells."""
    with _office_key():
        members = unsealed(archive)
        lines = members["data.jsonl"].decode().splitlines()
        events = [i for i, line in enumerate(lines) if '"model": "audit.auditevent"' in line]
        del lines[events[-1]]
        resealed_with_data(members, ("\n".join(lines) + "\n").encode(), target)


@pytest.mark.django_db
def test_the_demo_backup_restores_on_a_fresh_server_with_every_table(
    tmp_path: Path, demo_server: Server, servers: Callable[[str], Server]
) -> None:
    archive = tmp_path / "tongket.tkb"
    demo_server.ok("backup", str(archive))
    sealed = _manifest(archive)
    events = sealed["tables"]["audit.auditevent"]["rows"]

    # A new server, migrated as README says (its award forms seeded).
    migrated = servers("migrated")
    migrated.ok("migrate")
    # A forged archive first: refused, and the target stays as migrate left it.
    forged = tmp_path / "forged.tkb"
    _without_last_audit_event(archive, forged)
    refused = migrated.run("restore", str(forged))
    assert refused.returncode != 0
    assert "nhật ký kiểm toán" in refused.stderr
    # Then the real one, and every table compared through a backup of the restored server.
    assert "khớp bản sao lưu" in migrated.ok("restore", str(archive))
    assert f"toàn vẹn: {events} sự kiện" in migrated.ok("audit", "verify")
    again = tmp_path / "again.tkb"
    migrated.ok("backup", str(again))
    restored = _manifest(again)
    assert restored["tables"] == sealed["tables"]
    assert restored["audit_head"] == sealed["audit_head"]
    assert sum(t["rows"] for t in restored["tables"].values()) > 1000

    # An empty database: restore migrates it first (and compares every table before commit).
    empty = servers("empty")
    assert "khớp bản sao lưu" in empty.ok("restore", str(archive))
    assert f"toàn vẹn: {events} sự kiện" in empty.ok("audit", "verify")
