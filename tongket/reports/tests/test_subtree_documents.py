"""One kind of document for every organization of a subtree, as a zip made by the worker
(issue 19, item 1): asked from the organization's report page, followed on the job's page,
downloaded by its owner only; each document in the zip is the organization's own download,
and no organization outside the owner's scope is in it."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tongket.audit.models import AuditEvent
from tongket.core import queue
from tongket.core.errors import DomainError
from tongket.core.models import FileJob, JobStatus
from tongket.people.models import Organization
from tongket.reports import subtree

YEAR = 2025
BLOC = "QT.KCQDN"
DEPARTMENT = "QT.KCQDN.SGDDT"


@pytest.fixture(autouse=True)
def job_files(settings: Any, tmp_path: Path) -> Path:
    settings.TONGKET_JOB_FILES_DIR = tmp_path / "job-files"
    return Path(settings.TONGKET_JOB_FILES_DIR)


def _worker() -> None:
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)


def _ask(client: Client, code: str, **fields: str) -> Any:
    # The form as the organization's page shows it.
    page = client.get(f"/reports/{code}/{YEAR}/").content.decode()
    assert 'id="subtree-heading"' in page
    return client.post(
        f"/reports/{code}/{YEAR}/subtree/", {f"subtree-{k}": v for k, v in fields.items()}
    )


def _zip_of(client: Any, job_page: str) -> zipfile.ZipFile:
    done = client.get(job_page).content.decode()
    link = re.search(r'href="(/viec/[0-9a-f-]+/file)"', done)
    assert link, done[:2000]
    response = client.get(link[1])
    assert response.status_code == 200
    assert response["Content-Type"] == subtree.ZIP
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _docx_text(data: bytes) -> str:
    """The document's word/document.xml (the text and its layout, not the package's dates)."""
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        return docx.read("word/document.xml").decode()


def test_each_document_in_the_zip_is_the_organizations_own_download(
    demo_loaded: None, client_for: Any, job_files: Path
) -> None:
    client = client_for("khoi")  # reads the bloc: the bloc, its department, the cells
    response = _ask(client, BLOC, kind="year-end", fmt="docx", level="all")
    assert response.status_code == 302
    page = str(response["Location"])
    assert page.startswith("/viec/")
    waiting = client.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" in waiting
    assert "Hủy việc này" in waiting
    _worker()
    archive = _zip_of(client, page)
    expected = list(
        Organization.objects.filter(path__startswith=Organization.objects.get(code=BLOC).path)
        .exclude(kind="agency")
        .order_by("path")
        .values_list("code", flat=True)
    )
    assert len(expected) > 5
    assert archive.namelist() == [f"{code}-year-end-{YEAR}.docx" for code in expected]
    for code in expected:
        single = client.get(f"/reports/{code}/{YEAR}/year-end.docx")
        assert single.status_code == 200
        inside = archive.read(f"{code}-year-end-{YEAR}.docx")
        assert _docx_text(inside) == _docx_text(single.content), code
    job = FileJob.objects.get()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, len(expected), len(expected))
    assert job.filename == f"year-end-{BLOC}-{YEAR}.zip"
    export = AuditEvent.objects.get(action="export.report", object_id=BLOC, after__format="zip")
    assert export.after is not None
    assert (export.after["rows"], export.after["format"]) == (len(expected), "zip")
    assert [p.name for p in job_files.iterdir()] == [str(job.pk)]
    # Cancelled by its owner while it runs: no file, no export recorded.
    exports = AuditEvent.objects.filter(action="export.report").count()
    again = str(_ask(client, BLOC, kind="year-end", fmt="md", level="all")["Location"])
    cancelled = FileJob.objects.exclude(pk=job.pk).get()
    queue.request_cancel(str(cancelled.pk))
    _worker()
    cancelled.refresh_from_db()
    assert cancelled.status == JobStatus.CANCELLED
    assert "đã bị hủy" in client.get(again).content.decode()
    assert AuditEvent.objects.filter(action="export.report").count() == exports
    assert [p.name for p in job_files.iterdir()] == [str(job.pk)]


def test_only_the_owners_organizations_are_listed_and_only_the_owner_downloads(
    demo_loaded: None, client_for: Any, outsider_web: Client
) -> None:
    office = client_for("vanphong")  # the department's office: not the bloc above it
    khoi = client_for("khoi")
    assert _ask(khoi, BLOC, kind="year-end", fmt="md", level="cell").status_code == 302
    assert (
        office.post(
            f"/reports/{BLOC}/{YEAR}/subtree/",
            {"subtree-kind": "year-end", "subtree-fmt": "md", "subtree-level": "all"},
        ).status_code
        == 404
    )
    assert FileJob.objects.count() == 1  # the bloc's reader's only
    page = str(_ask(office, DEPARTMENT, kind="year-end", fmt="md", level="all")["Location"])
    _worker()
    archive = _zip_of(office, page)
    names = archive.namelist()
    assert f"{DEPARTMENT}-year-end-{YEAR}.md" in names
    assert not any(name.startswith(f"{BLOC}-") for name in names)
    department = Organization.objects.get(code=DEPARTMENT)
    cells = Organization.objects.filter(path__startswith=department.path, kind="cell")
    assert len(names) == 1 + cells.count()
    for name in names:
        code = name.removesuffix(f"-year-end-{YEAR}.md")
        single = office.get(f"/reports/{code}/{YEAR}/year-end.md")
        assert archive.read(name) == single.content, name  # Markdown: the very bytes
    link = page + "file"
    for other in (client_for("khoi"), client_for("bithu"), outsider_web):
        assert other.get(page).status_code == 404
        assert other.get(link).status_code == 404
    # The bloc reader's job lists the cells only, each named in ASCII.
    khoi_job = FileJob.objects.get(user__username="khoi")
    khoi_zip = _zip_of(client_for("khoi"), f"/viec/{khoi_job.pk}/")
    assert len(khoi_zip.namelist()) == cells.count()
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", n) for n in khoi_zip.namelist())
    # What the job does not make is refused on the page, before anything is queued.
    refused = _ask(office, DEPARTMENT, kind="statistics", fmt="md", level="all")
    shown = office.get(str(refused["Location"])).content.decode()
    assert "Biểu thống kê gửi cấp trên xuất dạng XLSX, DOCX, PDF" in shown
    empty = _ask(office, DEPARTMENT, kind="year-end", fmt="docx", level="bloc")
    assert "không có tổ chức nào thuộc cấp" in office.get(str(empty["Location"])).content.decode()
    assert FileJob.objects.count() == 2


def test_check_names_the_field_and_rule() -> None:
    with pytest.raises(DomainError) as refused:
        subtree.check(subtree.Request(code="X", year=YEAR, kind="certificate", fmt="pdf"))
    assert (refused.value.field, refused.value.rule) == ("kind", "reports.subtree.kind")
    with pytest.raises(DomainError) as refused:
        subtree.check(subtree.Request(code="X", year=YEAR, kind="news", fmt="xlsx"))
    assert refused.value.rule == "reports.subtree.format"


def test_file_names_are_ascii_and_keep_the_code() -> None:
    assert subtree.member_name("QT.KCQDN.SGDDT", "year-end", 2025, "pdf") == (
        "QT.KCQDN.SGDDT-year-end-2025.pdf"
    )
    assert subtree.ascii_name("Đảng bộ Sở/GD&ĐT") == "Dang-bo-So-GD-DT"
