"""Running the `tongket` command as an administrator of a production server does: fresh
databases on the current engine, production settings (DEBUG off), the backup key set."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

BACKUP_KEY = "khóa sao lưu của văn phòng 2026"
HOST = "tongket.example.vn"
SECRET_KEY = secrets.token_urlsafe(48)


@dataclass(frozen=True)
class Server:
    """One installation: its database and its data folder."""

    url: str
    var: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DEBUG", "TONGKET_PUBLIC_DEV_SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
        }
        env.update(
            DATABASE_URL=self.url,
            SECRET_KEY=SECRET_KEY,
            ALLOWED_HOSTS=HOST,
            TONGKET_VAR_DIR=str(self.var),
            TONGKET_BACKUP_KEY=BACKUP_KEY,
            **extra,
        )
        return env

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tongket", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, f"tongket {' '.join(args)}: {result.stderr[-3000:]}"
        return result.stdout


def fresh_databases(base: Path) -> Iterator[Callable[[str], Server]]:
    """A factory of fresh, empty databases on the current engine, dropped afterwards."""
    created: list[str] = []
    if connection.vendor == "postgresql":
        import psycopg

        params = settings.DATABASES["default"]
        prefix = f"{connection.settings_dict['NAME']}_server"
        admin_url = (
            f"postgresql://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/postgres"
        )

        def make(name: str) -> Server:
            db = f"{prefix}_{name}"
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{db}"')
            created.append(db)
            return Server(admin_url.rsplit("/", 1)[0] + "/" + db, base / f"var-{name}")

        yield make
        with psycopg.connect(admin_url, autocommit=True) as conn:
            for db in created:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    else:
        yield lambda name: Server(f"sqlite:///{base / (name + '.sqlite3')}", base / f"var-{name}")
