"""Restore on a fresh server, through the `tongket` commands exactly as README's production
section tells a person: the demo's backup restored into a freshly migrated database and into an
empty one gives back every table and the audit chain; an archive whose audit chain was cut
(sealed with the right key) is refused and leaves the target as it was.

Runs on the database engine of the current test run (SQLite files, or PostgreSQL databases
created beside the test database)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tongket.core import backup

KEY = "khóa sao lưu của văn phòng 2026"


def _members(archive: Path, key: str) -> dict[str, bytes]:
    old = os.environ.get(backup.KEY_ENV)
    os.environ[backup.KEY_ENV] = key
    try:
        plain = io.BytesIO()
        backup._unseal(archive, plain)
    finally:
        if old is None:
            del os.environ[backup.KEY_ENV]
        else:
            os.environ[backup.KEY_ENV] = old
    with zipfile.ZipFile(plain) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture
def database_urls(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Fresh, empty databases on the current engine, dropped afterwards."""
    created: list[str] = []
    if connection.vendor == "postgresql":
        import psycopg

        params = settings.DATABASES["default"]
        base = f"{connection.settings_dict['NAME']}_restore"
        admin_url = (
            f"postgresql://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/postgres"
        )

        def make(name: str) -> str:
            db = f"{base}_{name}"
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
                conn.execute(f'CREATE DATABASE "{db}"')
            created.append(db)
            return admin_url.rsplit("/", 1)[0] + "/" + db

        yield make
        with psycopg.connect(admin_url, autocommit=True) as conn:
            for db in created:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    else:
        yield lambda name: f"sqlite:///{tmp_path / (name + '.sqlite3')}"


def _tongket(url: str, var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """One `tongket` command as an administrator runs it, production settings (DEBUG off)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "TONGKET_INSECURE_DEV_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="tongket.example.vn",
        TONGKET_VAR_DIR=str(var),
        TONGKET_BACKUP_KEY=KEY,
    )
    return subprocess.run(
        [sys.executable, "-m", "tongket", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.django_db
def test_the_demo_backup_restores_on_a_fresh_server_with_every_table(
    tmp_path: Path, database_urls: Callable[[str], str]
) -> None:
    # The office's server: the demo, backed up.
    source, var = database_urls("source"), tmp_path / "var-source"
    _ok(_tongket(source, var, "migrate", "-v0"))
    _ok(_tongket(source, var, "demo"))
    archive = tmp_path / "tongket.tkb"
    _ok(_tongket(source, var, "backup", str(archive)))
    sealed = json.loads(_members(archive, KEY)["manifest.json"])

    # A new server, migrated as README says (its award forms seeded), then restored.
    migrated, var2 = database_urls("migrated"), tmp_path / "var-migrated"
    _ok(_tongket(migrated, var2, "migrate"))

    # First a forged archive with the right key but the audit chain's last event removed:
    # refused, and the target stays as migrate left it.
    members = _members(archive, KEY)
    lines = members["data.jsonl"].decode().splitlines()
    events = [i for i, line in enumerate(lines) if '"model": "audit.auditevent"' in line]
    del lines[events[-1]]
    data = ("\n".join(lines) + "\n").encode()
    manifest = json.loads(members["manifest.json"])
    digests = backup._Digests()
    for line in lines:
        digests.add(json.loads(line)["model"], line)
    manifest["tables"] = digests.result(manifest["tables"])
    manifest["files"]["data.jsonl"] = hashlib.sha256(data).hexdigest()
    forged = tmp_path / "forged.tkb"
    os.environ[backup.KEY_ENV] = KEY
    try:
        with forged.open("wb") as raw:
            writer = backup._SealingWriter(raw)
            with zipfile.ZipFile(writer, "w") as z:
                for name, content in {
                    **members,
                    "data.jsonl": data,
                    "manifest.json": json.dumps(manifest).encode(),
                }.items():
                    z.writestr(name, content)
            writer.seal()
    finally:
        del os.environ[backup.KEY_ENV]
    refused = _tongket(migrated, var2, "restore", str(forged))
    assert refused.returncode != 0
    assert "nhật ký kiểm toán" in refused.stderr

    out = _ok(_tongket(migrated, var2, "restore", str(archive)))
    assert "khớp bản sao lưu" in out
    events_count = sealed["tables"]["audit.auditevent"]["rows"]
    assert f"toàn vẹn: {events_count} sự kiện" in _ok(_tongket(migrated, var2, "audit", "verify"))
    again = tmp_path / "again.tkb"
    _ok(_tongket(migrated, var2, "backup", str(again)))
    restored = json.loads(_members(again, KEY)["manifest.json"])
    assert restored["tables"] == sealed["tables"]
    assert restored["audit_head"] == sealed["audit_head"]
    assert sum(t["rows"] for t in restored["tables"].values()) > 1000

    # An empty database: restore migrates it first.
    empty, var3 = database_urls("empty"), tmp_path / "var-empty"
    # (restore itself compares every table with the sealed manifest before it commits)
    assert "khớp bản sao lưu" in _ok(_tongket(empty, var3, "restore", str(archive)))
    assert f"toàn vẹn: {events_count} sự kiện" in _ok(_tongket(empty, var3, "audit", "verify"))
