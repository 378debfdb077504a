"""`tongket worker` as a process of its own beside gunicorn, as deploy/ runs them: a large import
is queued, the worker runs it while its page shows the progress; killed (SIGKILL) in the middle
of the real run, it leaves the database as it was, the job ends failed on its page instead of
staying "running", and a worker started afresh takes the next jobs (issue 19, item 1)."""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tongket.core.tests.production import (
    Browser,
    Processes,
    Server,
    free_port,
    http_connection,
    http_status,
    running,
)
from tongket.people.tests.factories import members_workbook

# Enough members that the real run lasts a few seconds, so the worker dies inside it.
ROWS = 6000

pytestmark = pytest.mark.django_db


def _import(browser: Browser, workbook: bytes) -> str:
    """Uploads a members' workbook: the address of its job."""
    status, job = browser.upload("/exchange/upload/", "dangvien.xlsx", workbook)
    assert status == 302, status
    return job


def _progress(fragment: str) -> tuple[int, int] | None:
    # Vietnamese numbers: "1.250/6.000"
    match = re.search(r'class="job-progress">([\d.]+)/([\d.]+)<', fragment)
    return (int(match[1].replace(".", "")), int(match[2].replace(".", ""))) if match else None


class _Site:
    """The installation, its gunicorn on a loopback port and the workers a test starts."""

    def __init__(self, server: Server, processes: Processes, port: int) -> None:
        self.server, self.processes, self.port = server, processes, port
        self.logs = processes.logs

    def worker(self, name: str) -> subprocess.Popen[bytes]:
        return self.processes.worker(name, "--no-startup-delay")

    def browser(self, username: str) -> Browser:
        return Browser(lambda: http_connection(self.port)).signed_in(username)


@pytest.fixture
def site(servers: Callable[[str], Server], tmp_path: Path) -> Iterator[_Site]:
    server = servers("worker")
    server.ok("migrate")
    server.ok("demo")
    env = server.env(
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        TONGKET_IMPORT_INLINE_BYTES="0",
        TONGKET_WORKER_TIMEOUT="3",
    )
    port = free_port()
    with running(env, tmp_path) as processes:
        processes.gunicorn(port)
        processes.wait_until(lambda: http_status(port, "/readyz") == 200)
        yield _Site(server, processes, port)


def test_a_worker_killed_mid_import_leaves_the_database_as_before(site: _Site) -> None:
    worker = site.worker("worker-1")
    browser = site.browser("vanphong")
    checked = _import(browser, members_workbook(ROWS))
    # The check (a dry run) runs in the worker; its page polls until it can be applied.
    page = browser.wait(checked, lambda f: "hx-trigger" not in f)
    assert "Nhập vào hệ thống" in page, page[:2000]
    before = site.server.ok("dumpdata", "people", "evaluation")
    full = browser.get(checked)
    match = re.search(r'action="(/exchange/jobs/[^"]+/apply/)"', full)
    assert match
    status, applied = browser.post(match[1], {}, full)
    assert status == 302
    # The real run: its page shows done/total as it goes; the worker dies in the middle.
    running = browser.wait(applied, lambda f: (p := _progress(f)) is not None and 0 < p[0] < p[1])
    assert "Hủy việc này" in running
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    assert site.server.ok("dumpdata", "people", "evaluation") == before
    # Its page no longer says "running" once the worker's heartbeat has lapsed.
    lost = browser.wait(applied, lambda f: "hx-trigger" not in f, seconds=60)
    assert "Tiến trình nền đã dừng giữa chừng" in lost
    assert "không có gì được ghi" in lost
    assert site.server.ok("dumpdata", "people", "evaluation") == before
    # A worker started afresh takes the next job; SIGTERM stops it cleanly.
    again = site.worker("worker-2")
    job = _import(browser, members_workbook(3))
    assert "Nhập vào hệ thống" in browser.wait(job, lambda f: "hx-trigger" not in f, seconds=120)
    again.send_signal(signal.SIGTERM)
    assert again.wait(timeout=30) == 0, (site.logs / "worker-2.log").read_text()[-3000:]


def test_a_worker_killed_mid_file_job_ends_it_failed_and_leaves_no_file(site: _Site) -> None:
    """The documents of a subtree (tongket.reports.subtree), one PDF per organization: the
    worker dies between two organizations; the job ends failed, no file is left, no export is
    recorded, and a worker started afresh makes the next one."""
    files = site.server.var / "job-files"
    worker = site.worker("worker-1")
    browser = site.browser("khoi")
    form = browser.get("/reports/QT.KCQDN/2025/")
    fields = {"subtree-kind": "year-end", "subtree-fmt": "pdf", "subtree-level": "all"}
    status, job = browser.post("/reports/QT.KCQDN/2025/subtree/", fields, form)
    assert (status, job.startswith("/viec/")) == (302, True), job
    running = browser.wait(job, lambda f: (p := _progress(f)) is not None and 0 < p[0] < p[1])
    assert "Hủy việc này" in running
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    # Killed while writing: the half-made zip is beside its final name, never in its place.
    assert [p.name for p in files.iterdir()] == [f"{job.split('/')[2]}.part"]
    # A worker started afresh; the killed one's job ends failed, never "running" for ever.
    again = site.worker("worker-2")
    lost = browser.wait(job, lambda f: "hx-trigger" not in f, seconds=60)
    assert "Tiến trình nền đã dừng giữa chừng" in lost
    assert "không có tệp nào được tạo" in lost
    assert browser.request("GET", job + "file")[0] == 404
    assert not list(files.iterdir())
    assert '"export.report"' not in site.server.ok("dumpdata", "audit")
    # The new worker makes the next job, and its file is the only one kept.
    fields = {"subtree-kind": "year-end", "subtree-fmt": "md", "subtree-level": "cell"}
    status, second = browser.post("/reports/QT.KCQDN/2025/subtree/", fields, form)
    assert status == 302
    done = browser.wait(second, lambda f: "hx-trigger" not in f, seconds=120)
    assert "Xong" in done, done[:1500]
    assert [p.name for p in files.iterdir()] == [second.split("/")[2]]
    assert f'href="{second}file"' in done
    again.send_signal(signal.SIGTERM)
    assert again.wait(timeout=30) == 0, (site.logs / "worker-2.log").read_text()[-3000:]
