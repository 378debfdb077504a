"""The report page's issued documents: issuing a numbered document, the list, the stored files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tongket.audit.models import AuditEvent
from tongket.reports.models import Document
from tongket.reports.tests.issuing import ORG, issue

pytestmark = pytest.mark.django_db

TCCB = f"{ORG}.TCCB"
ClientFor = Callable[[str], Client]


def issue_url(code: str = TCCB) -> str:
    return reverse("reports:document_issue", kwargs={"code": code, "year": 2020})


def report_url(code: str = TCCB) -> str:
    return reverse("reports:organization", kwargs={"code": code, "year": 2020})


def _fields(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "doc-kind": "NQ",
        "doc-title": "Nghị quyết hội nghị chi bộ",
        "doc-date": "15/01/2021",
        "doc-summary": "Về kết quả kiểm điểm năm 2020",
        "doc-markdown": "# Nghị quyết\n\nNội dung.",
        "doc-reason": "",
        "doc-supersedes": "",
    }
    data.update(changes)
    return data


def test_issuing_from_the_report_page_numbers_documents_in_sequence_and_lists_them(
    client_for: ClientFor,
) -> None:
    client = client_for("bithu")
    page = client.get(report_url()).content.decode()
    assert f'action="{issue_url()}"' in page
    pdf = SimpleUploadedFile("nq.pdf", b"%PDF-1.4 ban da ky", content_type="application/pdf")
    first = client.post(issue_url(), _fields(**{"doc-file": pdf}))
    assert first.status_code == 302
    assert first["Location"] == report_url()
    second = client.post(issue_url(), _fields(**{"doc-title": "Nghị quyết thứ hai"}))
    assert second.status_code == 302
    docs = list(Document.objects.filter(organization__code=TCCB, kind="NQ").order_by("number"))
    assert [d.number for d in docs] == [1, 2]
    assert bytes(docs[0].pdf or b"") == b"%PDF-1.4 ban da ky"
    assert docs[1].pdf is None
    body = client.get(report_url()).content.decode()
    assert "Số 1-NQ/CB" in body
    assert "Số 2-NQ/CB" in body
    assert "ngày 15 tháng 01 năm 2021" in body
    assert "Nghị quyết thứ hai" in body
    pdf_url = reverse("reports:document_file", kwargs={"pk": docs[0].pk, "fmt": "pdf"})
    md_url = reverse("reports:document_file", kwargs={"pk": docs[1].pk, "fmt": "md"})
    assert pdf_url in body
    assert md_url in body
    assert reverse("reports:document_file", kwargs={"pk": docs[1].pk, "fmt": "pdf"}) not in body
    download = client.get(pdf_url)
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4 ban da ky"
    assert download["Content-Type"] == "application/pdf"
    assert client.get(md_url).content.decode() == "# Nghị quyết\n\nNội dung."


def test_a_refused_issue_shows_the_message_the_rule_to_the_office_and_takes_no_number(
    client_for: ClientFor,
) -> None:
    old = issue(org=TCCB, year=2020, title="Báo cáo kiểm điểm", date=dt.date(2021, 1, 10))
    client = client_for("bithu")
    events = AuditEvent.objects.count()
    other_kind = client.post(
        issue_url(), _fields(**{"doc-supersedes": str(old.pk), "doc-reason": "Sai số liệu"})
    )
    assert other_kind.status_code == 400
    kind_error = other_kind.context["form"].errors["kind"][0]
    assert "phải cùng loại" in kind_error
    # The secretary reads the message; the rule id is the office's detail (can_see_rule_ids).
    assert "documents.supersede.same_kind" not in kind_error
    assert "quy tắc" not in other_kind.content.decode()
    no_reason = client.post(
        issue_url(), _fields(**{"doc-kind": "BC", "doc-supersedes": str(old.pk)})
    )
    assert no_reason.status_code == 400
    reason_error = no_reason.context["form"].errors["reason"][0]
    assert "Cần ghi lý do thay thế" in reason_error
    assert "documents.supersede.reason" not in reason_error
    office = client_for("vanphong").post(
        issue_url(), _fields(**{"doc-kind": "BC", "doc-supersedes": str(old.pk)})
    )
    assert office.status_code == 400
    office_error = office.context["form"].errors["reason"][0]
    assert "Cần ghi lý do thay thế" in office_error
    assert "(mã quy tắc: documents.supersede.reason)" in office_error
    not_a_file = SimpleUploadedFile("nq.txt", b"plain text")
    bad_file = client.post(issue_url(), _fields(**{"doc-file": not_a_file}))
    assert bad_file.status_code == 400
    assert "Chỉ nhận tệp DOCX hoặc PDF." in bad_file.context["form"].errors["file"][0]
    assert not Document.objects.filter(organization__code=TCCB, kind="NQ").exists()
    assert AuditEvent.objects.count() == events
    # A superseding document of the same kind, with its reason, is issued and listed so.
    fixed = client.post(
        issue_url(),
        _fields(**{"doc-kind": "BC", "doc-supersedes": str(old.pk), "doc-reason": "Sai số liệu"}),
    )
    assert fixed.status_code == 302
    new = Document.objects.get(supersedes=old)
    assert new.number == 2
    body = client.get(report_url()).content.decode()
    assert "Đã bị thay thế" in body
    assert "Sai số liệu" in body


def test_issuing_is_hidden_from_outsiders_and_forbidden_to_readers(client_for: ClientFor) -> None:
    for user, status in (("bithu2", 404), ("khoi", 403)):
        client = client_for(user)
        assert client.get(issue_url()).status_code == status
        assert client.post(issue_url(), _fields()).status_code == status
    assert not Document.objects.filter(organization__code=TCCB).exists()
    reader_page = client_for("khoi").get(report_url()).content.decode()
    assert issue_url() not in reader_page


def test_a_stored_file_is_hidden_from_outsiders_and_missing_formats_answer_404(
    client_for: ClientFor,
) -> None:
    doc = issue(
        org=TCCB,
        kind="TB",
        year=2020,
        title="Thông báo kết quả",
        date=dt.date(2021, 1, 12),
        markdown="Thông báo",
    )
    md = reverse("reports:document_file", kwargs={"pk": doc.pk, "fmt": "md"})
    docx = reverse("reports:document_file", kwargs={"pk": doc.pk, "fmt": "docx"})
    assert client_for("bithu2").get(md).status_code == 404
    assert client_for("khoi").get(md).status_code == 200
    assert client_for("bithu").get(docx).status_code == 404
    reader = client_for("khoi").get(report_url()).content.decode()
    assert md in reader


@pytest.mark.django_db
def test_a_document_with_nothing_to_print_yet_answers_a_page_with_the_reason_and_the_way_back(
    client_for: ClientFor,
) -> None:
    """The cell held no conference in the demo: its minutes cannot be made. The office reads
    why on a page of the site (409), with a link back to the report page, not a bare text."""
    cell, year = "QT.KCQDN.SGDDT.TCCB", 2020
    url = reverse(
        "reports:download", kwargs={"code": cell, "year": year, "kind": "minutes", "fmt": "pdf"}
    )
    refused = client_for("vanphong").get(url)
    assert refused.status_code == 409
    assert refused["Content-Type"].startswith("text/html")
    html = refused.content.decode()
    assert "Chưa tạo được văn bản" in html
    assert reverse("reports:organization", kwargs={"code": cell, "year": year}) in html
    assert AuditEvent.objects.filter(action="export.report", object_id=cell).count() == 0
