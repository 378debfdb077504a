"""The job bookkeeping survives a moment of SQLite's table lock, and gives up on other errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError

from tongket.exchange import jobs
from tongket.exchange.models import ImportJob, JobStatus


class _FlakyManager:
    """`ImportJob.objects` whose first `fails` updates raise `error`."""

    def __init__(self, fails: int, error: str) -> None:
        self.fails = fails
        self.error = error
        self.calls = 0

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
    flaky = _FlakyManager(fails=3, error="database table is locked: exchange_importjob")
    monkeypatch.setattr(ImportJob, "objects", flaky)
    monkeypatch.setattr("tongket.exchange.jobs.time.sleep", lambda seconds: None)
    jobs._set(job.pk, status=JobStatus.RUNNING)
    assert flaky.calls == 4
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


@pytest.mark.django_db
def test_any_other_database_error_is_raised_at_once(
    job: ImportJob, monkeypatch: pytest.MonkeyPatch
) -> None:
    flaky = _FlakyManager(fails=1, error="no such column: status")
    monkeypatch.setattr(ImportJob, "objects", flaky)
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
