"""Behind Debian's nginx with the kit's own site (deploy/nginx/tongket.conf), gunicorn on a
loopback port with the production settings of deploy/tongket.env.example: static files come
from nginx, /readyz is green, and login throttling sees each client's real address, so 50 failed
logins from one address do not stop the right password from another (issue 17 finding 3), and
an import is checked and applied by the kit's job worker, its page polled until done.

Clients at different addresses are sockets bound to 127.0.0.2 and 127.0.0.3 (Linux answers the
whole 127/8 on the loopback); only nginx, at 127.0.0.1, is a trusted proxy."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tongket.accounts.demo import DEMO_ACCOUNTS
from tongket.core.testenv import in_ci
from tongket.core.tests.production import (
    HOST,
    Browser,
    Server,
    free_port,
    https_connection,
    https_get,
    running,
)

ROOT = Path(__file__).resolve().parents[3]
PASSWORDS = {account.username: account.password for account in DEMO_ACCOUNTS}
ATTACKER, OFFICE = "127.0.0.2", "127.0.0.3"

pytestmark = pytest.mark.django_db


def _site(gunicorn: int, https: int, http_port: int, static: Path, tls: Path) -> str:
    """The kit's nginx site, moved to loopback ports and this test's files."""
    site = (ROOT / "deploy/nginx/tongket.conf").read_text()
    for old, new in [
        ("server 127.0.0.1:8001;", f"server 127.0.0.1:{gunicorn};"),
        ("listen 80;\n    listen [::]:80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;\n    listen [::]:443 ssl http2;", f"listen 127.0.0.1:{https} ssl;"),
        ("/etc/ssl/tongket/", f"{tls}/"),
        ("/var/lib/tongket/static/", f"{static}/"),
    ]:
        assert old in site, old
        site = site.replace(old, new)
    return site


@pytest.fixture(scope="module")
def nginx_in_front(demo_server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    tmp_path = tmp_path_factory.mktemp("nginx")
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not nginx:
        if in_ci():
            pytest.fail("nginx không có: .ci/run cài gói Debian 'nginx'")
        pytest.skip("nginx không có (cài gói Debian 'nginx')")
    demo_server.ok("collectstatic", "--no-input", "-v0")
    static = demo_server.var / "static"
    tls = tmp_path / "tls"
    tls.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         f"/CN={HOST}", "-keyout", str(tls / "privkey.pem"), "-out", str(tls / "fullchain.pem")],
        check=True,
        capture_output=True,
    )  # fmt: skip
    gunicorn_port, https, http_port = free_port(), free_port(), free_port()
    (tmp_path / "site.conf").write_text(_site(gunicorn_port, https, http_port, static, tls))
    temp = "\n".join(
        f"  {kind}_temp_path {tmp_path}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        + "events {}\nhttp {\n  include /etc/nginx/mime.types;\n"
        + f"  access_log {tmp_path}/access.log;\n{temp}\n  include {tmp_path}/site.conf;\n}}\n"
    )
    # Every import is queued for the kit's job worker (deploy/systemd/tongket-worker.service).
    env = demo_server.env(
        TRUSTED_PROXIES="127.0.0.1,::1", BEHIND_TLS_PROXY="1", TONGKET_IMPORT_INLINE_BYTES="0"
    )
    with running(env, tmp_path) as processes:
        processes.worker()
        processes.gunicorn(gunicorn_port)
        processes.start(
            "nginx", nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
            "-e", str(tmp_path / "error.log"),
        )  # fmt: skip

        def healthy() -> bool:
            try:
                return https_get(https, "/healthz")[0] == 200
            except OSError:
                return False

        processes.wait_until(healthy)
        yield https


def _login(port: int, source: str, username: str, password: str) -> tuple[int, str]:
    """The login page as a browser at `source` uses it: the form, then the post."""
    return Browser(lambda: https_connection(port, source), "https").sign_in(username, password)


def test_static_files_and_readiness_through_nginx(nginx_in_front: int, demo_server: Server) -> None:
    static = demo_server.var / "static"
    css = next(p for p in sorted(static.rglob("*.css")))
    status, body, server = https_get(
        nginx_in_front, "/static/" + css.relative_to(static).as_posix()
    )
    assert (status, body) == (200, css.read_bytes())
    assert server.startswith("nginx")
    status, body, _ = https_get(nginx_in_front, "/readyz")
    assert status == 200
    assert json.loads(body) == {
        "status": "ok",
        "checks": {"database": True, "migrations": True, "cache": True, "queue": True},
    }


def test_fifty_failed_logins_from_one_address_do_not_lock_out_another(nginx_in_front: int) -> None:
    for _ in range(50):
        status, html = _login(nginx_in_front, ATTACKER, "vanphong", "đoán sai")
        assert status == 200
    assert "tạm thời bị khóa" in html
    status, _html = _login(nginx_in_front, OFFICE, "vanphong", PASSWORDS["vanphong"])
    assert status == 302
    # The attacker's address stays locked for that account, right password or not.
    status, html = _login(nginx_in_front, ATTACKER, "vanphong", PASSWORDS["vanphong"])
    assert (status, "tạm thời bị khóa" in html) == (200, True)


def test_an_import_through_nginx_is_checked_then_applied(nginx_in_front: int) -> None:
    from tongket.people.tests.factories import member_row, workbook

    browser = Browser(lambda: https_connection(nginx_in_front, OFFICE), "https").signed_in("bithu")
    data = workbook(members=[member_row(7, cell="QT.KCQDN.SGDDT.TCCB")])
    status, job = browser.upload("/exchange/upload/", "dangvien.xlsx", data)
    assert status == 302
    # The check runs in the worker; its page polls until it is done.
    browser.wait(job, lambda fragment: "every 1s" not in fragment, seconds=120)
    checked = browser.get(job)
    assert "Chưa có gì được ghi" in checked
    match = re.search(r'action="(/exchange/jobs/[^"]+/apply/)"', checked)
    assert match, checked[:2000]
    status, applied = browser.post(match[1], {}, checked)
    assert status == 302
    # The job's page, polled as htmx polls it, until it is no longer running.
    fragment = browser.wait(applied, lambda fragment: "every 1s" not in fragment, seconds=120)
    assert "alert-success" in fragment, fragment[:2000]
    member = browser.request("GET", "/api/v1/members/99.000007/")
    assert member[0] == 200
