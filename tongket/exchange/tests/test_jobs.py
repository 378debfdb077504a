"""The job bookkeeping survives a moment of SQLite's table lock, and gives up on other errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError

from tongket.core.tests.jobs import running
from tongket.exchange import jobs
from tongket.exchange.models import ImportJob, JobStatus


class _FlakyManager:
    """`ImportJob.objects` whose first `fails` updates raise `error`."""

    def __init__(self, fails: int, error: str) -> None:
        self.fails = fails
        self.error = error
        self.calls = 0

    @classmethod
    def installed(cls, monkeypatch: pytest.MonkeyPatch, fails: int, error: str) -> _FlakyManager:
        """One in place of `ImportJob.objects`; the tries after a failure do not wait."""
        flaky = cls(fails, error)
        monkeypatch.setattr(ImportJob, "objects", flaky)
        monkeypatch.setattr("tongket.exchange.jobs.time.sleep", lambda seconds: None)
        return flaky

    def filter(self, **lookup: Any) -> _FlakyManager:
        self.lookup = lookup
        return self

    def update(self, **fields: Any) -> int:
        self.calls += 1
        if self.calls <= self.fails:
            raise OperationalError(self.error)
        return int(ImportJob._default_manager.filter(**self.lookup).update(**fields))


@pytest.fixture
def job(user_named: Any) -> ImportJob:
    return ImportJob.objects.create(
        user=user_named("vanphong"), filename="a.xlsx", content=b"", dry_run=True
    )


@pytest.mark.django_db
def test_a_locked_table_is_tried_again_until_the_status_is_written(
    job: ImportJob, monkeypatch: pytest.MonkeyPatch
) -> None:
    flaky = _FlakyManager.installed(monkeypatch, 3, "database table is locked: exchange_importjob")
    jobs._set(job.pk, status=JobStatus.RUNNING)
    assert flaky.calls == 4
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


@pytest.mark.django_db
def test_any_other_database_error_is_raised_at_once(
    job: ImportJob, monkeypatch: pytest.MonkeyPatch
) -> None:
    flaky = _FlakyManager.installed(monkeypatch, 1, "no such column: status")
    with pytest.raises(OperationalError):
        jobs._set(job.pk, status=JobStatus.RUNNING)
    assert flaky.calls == 1


# --- Every job ends in a final state, with a message; its report stays small ------------------


def _upload(client: Any, data: bytes) -> ImportJob:
    import io

    from django.urls import reverse

    file = io.BytesIO(data)
    file.name = "dangvien.xlsx"
    response = client.post(reverse("exchange:upload"), {"file": file})
    assert response.status_code == 302, response
    return ImportJob.objects.latest("created_at")


def _page(client: Any, job: ImportJob) -> str:
    from django.urls import reverse

    response = client.get(reverse("exchange:job", args=[job.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.mark.django_db
def test_an_exception_inside_the_import_ends_the_job_failed_with_a_message(
    client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tongket.people.tests.factories import members_workbook

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise MemoryError

    monkeypatch.setattr("tongket.exchange.jobs.run_import", explode)
    client = client_for("vanphong")
    job = _upload(client, members_workbook(2))
    assert job.status == JobStatus.FAILED
    assert job.finished_at is not None
    assert job.report is not None
    assert str(job.pk) in job.report["summary"]
    page = _page(client, job)
    assert "sự cố hệ thống" in page
    assert str(job.pk) in page
    assert "Đang xử lý" not in page


@pytest.mark.django_db
def test_a_report_the_database_refuses_ends_the_job_failed_not_running(
    client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The audit's job: its report went over PostgreSQL's jsonb limit when it was stored, the
    # thread died and the job stayed «running, 0 %» for ever.
    from django.db import DataError

    from tongket.exchange.importer import ImportReport
    from tongket.people.tests.factories import members_workbook

    def too_big(self: ImportReport, **kwargs: Any) -> Any:
        raise DataError("total size of jsonb object elements exceeds the maximum")

    monkeypatch.setattr(ImportReport, "as_dict", too_big)
    job = _upload(client_for("vanphong"), members_workbook(2))
    assert job.status == JobStatus.FAILED
    assert job.report is not None
    assert "sự cố hệ thống" in job.report["summary"]


@pytest.mark.django_db
def test_a_report_keeps_the_first_problems_and_counts_the_rest(
    client_for: Any, settings: Any
) -> None:
    import json

    from tongket.people.tests.factories import member_row, members_workbook

    settings.TONGKET_IMPORT_MAX_REPORTED = 40
    bad = []
    for n in range(1, 101):
        row = member_row(n)
        row[2] = f"ngày {n}"  # an invalid date of birth on every row
        bad.append(row)
    client = client_for("vanphong")
    job = _upload(client, members_workbook(0, extra=bad))
    assert job.status == JobStatus.DONE
    report = job.report
    assert report is not None
    assert len(report["problems"]) == 40
    assert report["error_count"] >= 100
    assert report["problems_omitted"] == report["error_count"] + report["warning_count"] - 40
    assert [p["row"] for p in report["problems"][:3]] == [2, 3, 4]  # the first ones, in order
    assert report["counts"]["Đảng viên"]["refuse"] == 100  # the counts cover every row
    page = _page(client, job)
    assert f"Lỗi và lưu ý ({report['error_count'] + report['warning_count']})" in page
    assert f"Còn {report['problems_omitted']} lỗi khác" in page
    assert "Nhập vào hệ thống" not in page  # errors beyond the kept ones still forbid applying
    assert len(json.dumps(report)) < 40 * 1000


def test_the_stored_report_is_bounded_by_default() -> None:
    from tongket.exchange.importer import MAX_REPORTED, ImportReport
    from tongket.exchange.workbook import Problem

    report = ImportReport(dry_run=True)
    report.problems = [
        Problem("Đảng viên", n, "Số thẻ", "A", "x", "import.cell.card", "Sai.")
        for n in range(2, 1_000_002)
    ]
    stored = report.as_dict(keep=MAX_REPORTED)
    assert len(stored["problems"]) == 1_000
    assert stored["problems_omitted"] == 999_000
    assert stored["error_count"] == 1_000_000


# ---- the queue: waiting, running in the worker, cancelled, lost


import io  # noqa: E402
from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from tongket.audit.models import AuditEvent  # noqa: E402
from tongket.core import queue  # noqa: E402
from tongket.people.models import Member  # noqa: E402
from tongket.people.tests.factories import members_workbook  # noqa: E402


def _upload_page(client, data: bytes) -> str:
    file = io.BytesIO(data)
    file.name = "dangvien.xlsx"
    response = client.post(reverse("exchange:upload"), {"file": file})
    assert response.status_code == 302
    return str(response["Location"])


def _worker() -> None:
    """The worker, run here until the queue is empty."""
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.fixture
def queued(settings: Any) -> None:
    settings.TONGKET_IMPORT_INLINE_BYTES = 0


@pytest.mark.django_db(transaction=True)
def test_a_waiting_job_says_when_no_worker_runs_and_can_be_cancelled(
    demo_loaded, client_for, queued
):
    client = client_for("vanphong")
    page = _upload_page(client, members_workbook(5))
    waiting = client.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert "Chưa thấy tiến trình nền nào đang chạy" in waiting
    queue.beat("worker-1")
    waiting = client.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert "Chưa thấy tiến trình nền nào đang chạy" not in waiting
    job = ImportJob.objects.get()
    response = client.post(reverse("exchange:cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert AuditEvent.objects.filter(action="import.cancel", object_id=str(job.pk)).exists()
    _worker()  # the worker takes the queued task and leaves the cancelled job alone
    job.refresh_from_db()
    assert (job.status, job.report) == (JobStatus.CANCELLED, None)
    cancelled = client.get(page).content.decode()
    assert "Việc này đã bị hủy" in cancelled


@pytest.mark.django_db(transaction=True)
def test_a_running_import_asked_to_cancel_rolls_back_and_is_recorded(
    demo_loaded, client_for, queued
):
    client = client_for("vanphong")
    checked = ImportJob.objects.get(pk=_upload_page(client, members_workbook(40)).split("/")[-2])
    _worker()
    checked.refresh_from_db()
    assert checked.status == JobStatus.DONE
    members = Member.objects.count()
    client.post(reverse("exchange:apply", args=[checked.pk]))
    real = ImportJob.objects.get(dry_run=False)
    # The owner's request reaches the worker between rows (here: before its first rows).
    jobs.request_cancel(real)
    _worker()
    real.refresh_from_db()
    assert real.status == JobStatus.CANCELLED
    assert Member.objects.count() == members
    event = AuditEvent.objects.get(action="import.cancel", object_id=str(real.pk))
    assert (event.after or {})["running"] is True


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_stopped_ends_failed_on_its_page(demo_loaded, client_for, queued):
    client = client_for("vanphong")
    page = _upload_page(client, members_workbook(5))
    job = ImportJob.objects.get()
    # As a worker leaves it when killed: running, its worker no longer heard from.
    jobs._set(job.pk, status=JobStatus.RUNNING, worker="gone", started_at=timezone.now())
    fragment = client.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert "Tiến trình nền đã dừng giữa chừng" in fragment
    assert "hx-trigger" not in fragment
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, queue.WORKER_LOST)


@pytest.mark.django_db
def test_a_job_of_a_live_worker_or_a_recent_request_is_not_ended(job: ImportJob):
    queue.beat("alive")
    jobs._set(job.pk, status=JobStatus.RUNNING, worker="alive", started_at=timezone.now())
    job.refresh_from_db()
    assert not jobs.end_if_lost(job)
    jobs._set(job.pk, worker="", started_at=timezone.now() - timedelta(minutes=1))
    job.refresh_from_db()
    assert not jobs.end_if_lost(job)
    jobs._set(job.pk, started_at=timezone.now() - timedelta(hours=1))
    job.refresh_from_db()
    assert jobs.end_if_lost(job)


@pytest.mark.django_db
def test_the_running_page_shows_done_total_and_an_estimate(client_for, user_named):
    job = ImportJob.objects.create(user=user_named("bithu"), filename="a.xlsx", content=b"")
    running(ImportJob, job.pk, 250, 1000)
    page = client_for("bithu").get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "250/1.000" in page
    assert "còn khoảng" in page
    assert "Hủy việc này" in page


def test_the_estimate_is_the_pace_so_far():
    now = timezone.now()
    assert queue.remaining(now - timedelta(seconds=10), 100, 400) == pytest.approx(
        timedelta(seconds=30), abs=timedelta(seconds=1)
    )
    assert queue.remaining(now, 0, 400) is None
    assert queue.remaining_text(timedelta(seconds=30)) == "còn khoảng 31 giây"
    assert queue.remaining_text(timedelta(minutes=5)) == "còn khoảng 5 phút"


@pytest.mark.django_db(transaction=True)
def test_a_registered_command_runs_as_a_job_and_others_are_refused():
    from django_tasks_db.models import DBTaskResult

    with pytest.raises(ValueError, match="may not be queued"):
        queue.enqueue_command("flush")
    queue.register_command("check")
    try:
        task_id = queue.enqueue_command("check", "exchange")
        _worker()
        assert DBTaskResult.objects.get(id=task_id).status == "SUCCESSFUL"
    finally:
        queue._commands.discard("check")


@pytest.mark.django_db(transaction=True)
def test_the_worker_logs_a_job_with_the_id_of_the_request_that_queued_it(
    demo_loaded, client_for, queued
):
    import logging

    from tongket.core.logs import RequestContextFilter

    lines: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record)

    handler = Collect(level=logging.INFO)
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("tongket.exchange.jobs")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        client = client_for("vanphong")
        file = io.BytesIO(members_workbook(3))
        file.name = "dangvien.xlsx"
        client.post(reverse("exchange:upload"), {"file": file}, HTTP_X_REQUEST_ID="req19abc")
        _worker()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    done = [r for r in lines if r.getMessage() == "import job done"]
    assert [getattr(r, "request_id", None) for r in done] == ["req19abc"]
