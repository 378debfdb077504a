"""Running the `tongket` command as an administrator of a production server does: fresh
databases on the current engine, production settings (DEBUG off), the backup key set."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection

from tongket.accounts.demo import DEMO_ACCOUNTS

BACKUP_KEY = "khóa sao lưu của văn phòng 2026"
HOST = "tongket.example.vn"
SECRET_KEY = secrets.token_urlsafe(48)
FORM = "application/x-www-form-urlencoded"


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


def http_connection(port: int, timeout: float = 120) -> http.client.HTTPConnection:
    """Straight to gunicorn on loopback."""
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)


def http_status(port: int, path: str) -> int:
    """The status of a GET straight to gunicorn, 0 while nothing answers."""
    try:
        conn = http_connection(port, timeout=5)
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


class Browser:
    """A browser of the site behind `connect`: keeps its cookies, sends the CSRF token and the
    page's address as Referer (as browsers do, and as Django's CSRF check wants over HTTPS)."""

    def __init__(
        self, connect: Callable[[], http.client.HTTPConnection], scheme: str = "http"
    ) -> None:
        self.connect, self.scheme, self.cookies = connect, scheme, SimpleCookie()

    def sign_in(self, username: str, password: str = "") -> tuple[int, str]:
        """Posts the login form (by default with the demo account's password): status, page."""
        password = password or next(a.password for a in DEMO_ACCOUNTS if a.username == username)
        token = self._csrf(self.get("/accounts/login/"))
        form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        status, page, _ = self._send("/accounts/login/", urlencode(form).encode(), FORM)
        return status, page

    def signed_in(self, username: str) -> Browser:
        status, _ = self.sign_in(username)
        assert status == 302
        return self

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        conn = self.connect()
        try:
            cookie = "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())
            conn.request(
                method,
                path,
                body=body or None,
                headers={"Host": HOST, "Cookie": cookie, **(headers or {})},
            )
            response = conn.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                self.cookies.load(header)
            return response.status, response.read().decode(), response.getheader("Location") or ""
        finally:
            conn.close()

    def get(self, path: str, htmx: bool = False) -> str:
        status, body, _ = self.request(
            "GET", path, headers={"HX-Request": "true"} if htmx else None
        )
        assert status == 200, (path, status, body[:500])
        return body

    def wait(self, job: str, until: Callable[[str], bool], seconds: float = 300) -> str:
        """The job's status fragment, polled as htmx polls it, until `until` holds."""
        deadline = time.monotonic() + seconds
        while not until(fragment := self.get(job, htmx=True)):
            assert time.monotonic() < deadline, fragment[:1500]
            time.sleep(0.1)
        return fragment

    def _send(self, path: str, body: bytes, content_type: str) -> tuple[int, str, str]:
        headers = {"Content-Type": content_type, "Referer": f"{self.scheme}://{HOST}{path}"}
        return self.request("POST", path, body, headers)

    @staticmethod
    def _csrf(page: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, page[:500]
        return match[1]

    def post(self, path: str, fields: dict[str, str], page: str = "") -> tuple[int, str]:
        """Submits a form of `page` (by default the page at `path`): status and Location."""
        token = self._csrf(page or self.get(path))
        status, _body, location = self._send(
            path, urlencode({"csrfmiddlewaretoken": token, **fields}).encode(), FORM
        )
        return status, location

    def upload(self, path: str, name: str, content: bytes) -> tuple[int, str]:
        """Sends a workbook through the upload form at `path`: status and Location."""
        boundary = "tongket-test-boundary"
        body = (
            (
                f"--{boundary}\r\n"
                'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
                f"{self._csrf(self.get(path))}\r\n--{boundary}\r\n"
                f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                "\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, _body, location = self._send(
            path, body, f"multipart/form-data; boundary={boundary}"
        )
        return status, location
