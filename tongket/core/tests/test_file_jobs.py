"""Queued jobs whose result is a file (issue 19, item 1): a large export and a large bulk
creation of accounts are queued, run by the worker, followed on their page (done/total, cancel)
and downloaded by their owner only; they read with the scope their owner had, and leave no file
and no write when cancelled, refused or lost."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from tongket.accounts import services as account_services
from tongket.accounts.models import Grant
from tongket.audit.models import AuditEvent
from tongket.core import filejobs, queue
from tongket.core.models import FileJob, JobStatus
from tongket.core.tests import jobs
from tongket.people.models import Member

pytestmark = pytest.mark.django_db(transaction=True)

CELL = "QT.KCQDN.SGDDT.TCCB"


@pytest.fixture(autouse=True)
def queued(settings: Any, tmp_path: Path) -> Path:
    settings.TONGKET_EXPORT_INLINE_MEMBERS = 0
    settings.TONGKET_BULK_INLINE_MEMBERS = 0
    settings.TONGKET_JOB_FILES_DIR = tmp_path / "job-files"
    return Path(settings.TONGKET_JOB_FILES_DIR)


def _worker() -> None:
    """The worker, run here until the queue is empty."""
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)


def _sheets(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _start_export(client: Any) -> str:
    response = client.get(reverse("exchange:export", args=["all", "xlsx"]))
    assert response.status_code == 302, response
    location = str(response["Location"])
    assert location.startswith("/viec/")
    return location


def _download_link(page: str) -> str:
    match = re.search(r'href="(/viec/[0-9a-f-]+/file)"', page)
    assert match, page[:2000]
    return match[1]


def _finished_export(client: Any) -> tuple[str, str]:
    """An export started as `client` and run by the worker: its job page and its file's link."""
    page = _start_export(client)
    _worker()
    return page, _download_link(client.get(page).content.decode())


def test_a_queued_export_finishes_and_its_file_equals_the_one_answered_in_the_request(
    demo_loaded: None, client_for: Any, settings: Any, queued: Path
) -> None:
    client = client_for("vanphong")
    page = _start_export(client)
    waiting = client.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert "Đang chờ tiến trình nền" in waiting
    assert "hx-trigger" in waiting
    assert "Hủy việc này" in waiting
    _worker()
    done = client.get(page).content.decode()
    assert "every 1s" not in done
    response = client.get(_download_link(done))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    queued_file = b"".join(response.streaming_content)
    # The same export answered in the request (below the size that queues it).
    settings.TONGKET_EXPORT_INLINE_MEMBERS = 10**9
    inline = client.get(reverse("exchange:export", args=["all", "xlsx"]))
    assert inline.status_code == 200
    sheets = _sheets(queued_file)
    assert sheets == _sheets(b"".join(inline.streaming_content))
    assert sum(len(rows) for rows in sheets.values()) > 2 * len(sheets)  # rows, not headers only
    job = FileJob.objects.get()
    assert (job.status, job.kind) == (JobStatus.DONE, "export")
    assert [p.name for p in queued.iterdir()] == [str(job.pk)]
    assert AuditEvent.objects.filter(action="job.start", object_id=str(job.pk)).exists()


def test_another_users_job_and_file_are_404_even_for_an_office_of_another_organization(
    demo_loaded: None, client_for: Any, outsider_web: Any
) -> None:
    owner = client_for("vanphong")
    page, link = _finished_export(owner)
    for other in (client_for("bithu"), client_for("khoi"), outsider_web):
        assert other.get(page).status_code == 404
        assert other.get(link).status_code == 404
        assert other.post(page + "cancel/").status_code == 404
    assert owner.get(link).status_code == 200


def test_a_waiting_job_is_cancelled_audited_and_never_run(
    demo_loaded: None, client_for: Any, queued: Path
) -> None:
    client = client_for("vanphong")
    page = _start_export(client)
    assert client.post(page + "cancel/").status_code == 302
    _worker()
    job = FileJob.objects.get()
    assert job.status == JobStatus.CANCELLED
    assert AuditEvent.objects.filter(action="job.cancel", object_id=str(job.pk)).exists()
    assert "đã bị hủy" in client.get(page).content.decode()
    assert not list(queued.iterdir())


def test_a_running_bulk_creation_asked_to_cancel_makes_no_account_and_no_file(
    demo_loaded: None, client_for: Any, queued: Path
) -> None:
    client = client_for("vanphong")
    before = Member.objects.filter(user__isnull=False).count()
    events = AuditEvent.objects.filter(action="user.create").count()
    response = client.post("/accounts/users/bulk/", {"organization": CELL})
    assert response.status_code == 302
    job = FileJob.objects.get()
    # The owner's request reaches the worker between members (here: before the first).
    queue.request_cancel(str(job.pk))
    _worker()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert Member.objects.filter(user__isnull=False).count() == before
    assert AuditEvent.objects.filter(action="user.create").count() == events
    assert not list(queued.iterdir())
    assert client.get(f"/viec/{job.pk}/file").status_code == 404


def test_a_queued_bulk_creation_makes_every_account_audited_and_its_slips_download(
    demo_loaded: None, client_for: Any
) -> None:
    names = set(
        Member.objects.filter(organization__code=CELL, user__isnull=True).values_list(
            "full_name", flat=True
        )
    )
    assert names
    events = AuditEvent.objects.filter(action="user.create").count()
    client = client_for("vanphong")
    page = str(client.post("/accounts/users/bulk/", {"organization": CELL})["Location"])
    assert not Member.objects.filter(full_name__in=names, user__isnull=False).exists()
    _worker()
    done = client.get(page).content.decode()
    assert f"{len(names)} tài khoản mới" in done
    pdf = b"".join(client.get(_download_link(done)).streaming_content)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    codes = re.findall(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", text)
    assert len(codes) == len(names)
    for name in names:
        assert name in text
    assert AuditEvent.objects.filter(action="user.create").count() == events + len(names)
    member = Member.objects.filter(organization__code=CELL, full_name=sorted(names)[0]).get()
    code = next(c for c in codes if text.index(c) > text.index(member.card_number))
    assert account_services.sign_in_with_code(username=member.card_number, code=code, ip=None)


def test_a_job_reads_with_its_owners_scope_as_it_was_and_a_withdrawn_grant_gets_nothing(
    demo_loaded: None, client_for: Any, user_named: Any, queued: Path
) -> None:
    reader = client_for("bithu")
    _, link = _finished_export(reader)
    second = _start_export(reader)
    grant = Grant.objects.get(user__username="bithu", revoked_at__isnull=True)
    account_services.revoke_grant(actor=user_named("vanphong"), grant_id=grant.pk)
    _worker()
    refused = reader.get(second).content.decode()
    assert "Quyền xem của bạn đã thay đổi" in refused
    job = FileJob.objects.get(pk=second.split("/")[2])
    assert (job.status, job.error) == (JobStatus.FAILED, filejobs.SCOPE_CHANGED)
    # Nor may the file made before the grant was withdrawn be downloaded any more.
    assert reader.get(link).status_code == 404
    assert [p.name for p in queued.iterdir()] == [link.split("/")[2]]


def test_a_job_whose_worker_stopped_ends_failed_and_its_file_is_removed(
    demo_loaded: None, client_for: Any, queued: Path
) -> None:
    client = client_for("vanphong")
    page = _start_export(client)
    job = FileJob.objects.get()
    # As a killed worker leaves it: running, a part file written, the worker no longer heard.
    queue.update_job(
        FileJob, job.pk, status=JobStatus.RUNNING, worker="gone", started_at=timezone.now()
    )
    queued.mkdir(parents=True, exist_ok=True)
    (queued / f"{job.pk}.part").write_bytes(b"PK half")
    fragment = client.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert "Tiến trình nền đã dừng giữa chừng" in fragment
    assert "hx-trigger" not in fragment
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, queue.WORKER_LOST)
    assert not list(queued.iterdir())


def test_expired_files_and_files_no_finished_job_owns_are_deleted_by_the_worker(
    demo_loaded: None, client_for: Any, queued: Path
) -> None:
    client = client_for("vanphong")
    _, link = _finished_export(client)
    (queued / "stray.part").write_bytes(b"left by a killed worker")
    assert filejobs.clean_up() == 1
    assert client.get(link).status_code == 200
    job = FileJob.objects.get()
    queue.update_job(FileJob, job.pk, expires_at=timezone.now())
    assert filejobs.clean_up() == 1
    assert client.get(link).status_code == 404
    assert not list(queued.iterdir())


def test_the_running_page_shows_done_total_an_estimate_and_a_cancel_button(
    demo_loaded: None, client_for: Any
) -> None:
    client = client_for("vanphong")
    page = _start_export(client)
    job = FileJob.objects.get()
    jobs.running(FileJob, job.pk, 3, 8)
    shown = client.get(page).content.decode()
    assert "3/8" in shown
    assert "còn khoảng" in shown
    assert "Hủy việc này" in shown
    assert "<progress" in shown
