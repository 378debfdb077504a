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
