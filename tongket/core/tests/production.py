"""Running the `tongket` command as an administrator of a production server does: fresh
databases on the current engine, production settings (DEBUG off), the backup key set."""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def https_connection(
    port: int, source: str = "127.0.0.1", timeout: float = 120
) -> http.client.HTTPSConnection:
    """To nginx on loopback, from `source`, trusting its self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return http.client.HTTPSConnection(
        "127.0.0.1", port, source_address=(source, 0), context=context, timeout=timeout
    )


def https_get(port: int, path: str, source: str = "127.0.0.1") -> tuple[int, bytes, str]:
    """Status, body and `Server` header of a GET through nginx."""
    conn = https_connection(port, source)
    try:
        conn.request("GET", path, headers={"Host": HOST})
        response = conn.getresponse()
        return response.status, response.read(), response.getheader("Server") or ""
    finally:
        conn.close()


def http_status(port: int, path: str) -> int:
    """The status of a GET straight to gunicorn, 0 while nothing answers."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", path, headers={"Host": HOST})
            return conn.getresponse().status
        finally:
            conn.close()
    except OSError:
        return 0


class Processes:
    """gunicorn, `tongket worker` (and nginx) of one installation as plain processes, as
    deploy/'s units start them, each one's stderr in `logs`; `stop` ends them (SIGTERM, then
    SIGKILL after 30 s)."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.started: list[subprocess.Popen[bytes]] = []
        self.names: dict[int, str] = {}

    def start(self, name: str, *command: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            command,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=(self.logs / f"{name}.log").open("w"),
        )
        self.started.append(process)
        self.names[process.pid] = name
        return process

    def worker(self, name: str = "worker", *options: str) -> subprocess.Popen[bytes]:
        return self.start(
            name, sys.executable, "-m", "tongket", "worker", "--interval", "0.2", *options
        )

    def gunicorn(self, port: int) -> subprocess.Popen[bytes]:
        return self.start(
            "gunicorn", sys.executable, "-m", "gunicorn", "tongket.wsgi",
            "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120",
        )  # fmt: skip

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()[-3000:]

    def wait_until(self, answered: Callable[[], bool], seconds: float = 180) -> None:
        """Until `answered()`, failing with the log of any process that died meanwhile."""
        deadline = time.monotonic() + seconds
        while not answered():
            for process in self.started:
                assert process.poll() is None, (process.args, self.log(self.names[process.pid]))
            assert time.monotonic() < deadline, "the server did not answer in time"
            time.sleep(0.3)

    def stop(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.terminate()
        for process in self.started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def running(env: dict[str, str], logs: Path) -> Iterator[Processes]:
    """The processes started inside, stopped on the way out whatever happened."""
    processes = Processes(env, logs)
    try:
        yield processes
    finally:
        processes.stop()
