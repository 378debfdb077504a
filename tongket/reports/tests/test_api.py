"""REST API of documents: numbered issuing through the reports services, stored files, rendered
reports in DOCX, PDF and Markdown, all scoped like the report pages."""

from __future__ import annotations

import base64
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader
from rest_framework.test import APIClient

from tongket.audit.models import AuditEvent
from tongket.core.tests.api import refusal, results
from tongket.reports import selectors
from tongket.reports.documents.model import document_number_text
from tongket.reports.models import Document, DocumentStatus

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
TCCB = f"{ORG}.TCCB"
TTR = f"{ORG}.TTR"

ApiFor = Callable[[str], APIClient]


def issue(api: APIClient, **extra: Any) -> Any:
    body = {
        "organization": ORG,
        "kind": "QĐ",
        "year": 2021,
        "title": "Quyết định công nhận kết quả xếp loại năm 2020",
        "date": "2021-02-24",
        **extra,
    }
    return api.post("/api/v1/documents/", body, format="json")


def issued(api: APIClient, **extra: Any) -> dict[str, Any]:
    response = issue(api, **extra)
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


# --- issuing -------------------------------------------------------------------------------------


def test_issued_documents_take_consecutive_numbers_of_their_series(api_for: ApiFor) -> None:
    office = api_for("vanphong")
    first = issued(office, summary="Công nhận kết quả", markdown="# Quyết định")
    second = issued(office, title="Quyết định khen thưởng năm 2020")
    report = issued(office, kind="BC", title="Báo cáo tổng kết năm 2020")
    assert (first["status"], first["number"], second["number"]) == ("issued", 1, 2)
    assert report["number"] == 1  # another type: another series
    assert first["number_text"] == "Số 1-QĐ/ĐU"
    assert report["number_text"] == "Số 1-BC/ĐU"
    assert (first["kind_label"], first["organization"], first["date"]) == (
        "Quyết định",
        ORG,
        "2021-02-24",
    )
    assert first["formats"] == ["md"]
    assert first["issued_at"]
    detail = office.get(f"/api/v1/documents/{first['id']}/").json()
    assert detail == {**first, "superseded_by": None}


def test_a_draft_takes_its_number_only_when_issued_and_then_is_sealed(api_for: ApiFor) -> None:
    office = api_for("vanphong")
    before = issued(office)
    draft = issued(office, draft=True)
    # A draft leaves room for the number to be written in by hand (HD 36).
    blank = document_number_text(None, "QĐ", "ĐU")
    assert (draft["status"], draft["number"], draft["number_text"]) == ("draft", None, blank)
    done = office.post(f"/api/v1/documents/{draft['id']}/issue/")
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["number"]) == ("issued", before["number"] + 1)
    again = office.post(f"/api/v1/documents/{draft['id']}/issue/")
    assert refusal(again)["rule"] == "documents.already_issued"


def test_a_superseding_document_needs_a_reason_and_leaves_the_old_one_as_it_was(
    api_for: ApiFor,
) -> None:
    office = api_for("vanphong")
    old = issued(office)
    refused = issue(office, supersedes=old["id"])
    assert refusal(refused)["rule"] == "documents.supersede.reason"
    assert Document.objects.count() == 1

    new = issued(office, supersedes=old["id"], reason="Ghi sai ngày")
    assert (new["number"], new["supersedes"], new["reason"]) == (2, old["id"], "Ghi sai ngày")
    shown = office.get(f"/api/v1/documents/{old['id']}/").json()
    assert shown == {**old, "superseded_by": new["id"]}
    other_kind = issue(office, kind="BC", supersedes=old["id"], reason="x")
    assert other_kind.json()["error"]["rule"] == "documents.supersede.same_kind"


def test_issuing_is_refused_to_a_reader_and_hidden_from_outsiders(api_for: ApiFor) -> None:
    # No write grant anywhere: 403 before anything is read.
    for username in ("khoi", "dangvien"):
        denied = issue(api_for(username))
        assert denied.status_code == 403, username
        assert denied.json()["error"]["rule"] == "access.denied"
    # A write grant on a cell only: the department is outside it, as if it did not exist.
    hidden = issue(api_for("bithu"))
    assert refusal(hidden, 404)["rule"] == "access.not_found"
    assert not Document.objects.exists()

    cell = issued(api_for("bithu"), organization=TCCB, kind="NQ", title="Nghị quyết chi bộ")
    assert cell["number_text"].startswith("Số 1-NQ/")
    assert api_for("bithu2").get(f"/api/v1/documents/{cell['id']}/").status_code == 404
    assert api_for("bithu2").post(f"/api/v1/documents/{cell['id']}/issue/").status_code == 404
    assert api_for("khoi").get(f"/api/v1/documents/{cell['id']}/").status_code == 200
    draft = issued(api_for("bithu"), organization=TCCB, kind="NQ", title="Dự thảo", draft=True)
    assert api_for("khoi").post(f"/api/v1/documents/{draft['id']}/issue/").status_code == 403
    assert Document.objects.get(pk=draft["id"]).status == DocumentStatus.DRAFT


def test_an_unknown_kind_is_refused_naming_the_field(api_for: ApiFor) -> None:
    refused = issue(api_for("vanphong"), kind="XX")
    assert refusal(refused)["field"] == "kind"


def test_documents_are_listed_as_far_as_the_user_sees_and_filtered(api_for: ApiFor) -> None:
    office = api_for("vanphong")
    decision = issued(office)
    report = issued(office, kind="BC", title="Báo cáo", year=2020, date="2020-12-20")
    cell = issued(api_for("bithu"), organization=TCCB, kind="NQ", title="Nghị quyết")
    draft = issued(office, draft=True)

    def ids(user: str, **params: Any) -> set[int]:
        return {d["id"] for d in results(api_for(user).get("/api/v1/documents/", params))}

    assert ids("vanphong") == {decision["id"], report["id"], cell["id"], draft["id"]}
    assert ids("vanphong", organization=TCCB) == {cell["id"]}
    assert ids("vanphong", year="2020") == {report["id"]}
    assert ids("vanphong", kind="QĐ") == {decision["id"], draft["id"]}
    assert ids("vanphong", status="draft") == {draft["id"]}
    assert ids("bithu") == {cell["id"]}
    assert ids("bithu2") == set()
    assert ids("dangvien") == set()
    assert api_for("bithu2").get("/api/v1/documents/", {"organization": TCCB}).status_code == 404


# --- stored files --------------------------------------------------------------------------------


def test_stored_files_download_as_they_were_issued(api_for: ApiFor) -> None:
    docx = selectors.render_report(None, ORG, 2020, kind="decision", fmt="docx").content
    office = api_for("vanphong")
    doc = issued(
        office, markdown="# Quyết định\n\nCông nhận.", docx=base64.b64encode(docx).decode()
    )
    assert doc["formats"] == ["md", "docx"]
    url = f"/api/v1/documents/{doc['id']}/file"

    got = office.get(f"{url}/docx/", HTTP_ACCEPT="application/octet-stream")
    assert got.status_code == 200
    assert "wordprocessingml" in got["Content-Type"]
    assert got.content == docx
    assert ".docx" in got["Content-Disposition"]
    assert AuditEvent.objects.filter(action="export.document", object_id=str(doc["id"])).exists()
    md = office.get(f"{url}/md/")
    assert md.content.decode() == "# Quyết định\n\nCông nhận."
    missing = office.get(f"{url}/pdf/")
    assert "pdf" in refusal(missing, 404)["message"]
    assert office.get(f"{url}/exe/").status_code == 404
    assert api_for("bithu2").get(f"{url}/docx/").status_code == 404


@pytest.mark.parametrize(
    ("field", "value"),
    [("docx", "không phải base64!"), ("docx", base64.b64encode(b"%PDF-1.7").decode())],
)
def test_a_file_that_is_not_what_it_claims_is_refused(
    api_for: ApiFor, field: str, value: str
) -> None:
    refused = issue(api_for("vanphong"), **{field: value})
    assert refusal(refused)["field"] == field
    assert not Document.objects.exists()


# --- rendered reports ----------------------------------------------------------------------------


def render(api: APIClient, kind: str, fmt: str, code: str = ORG, **params: Any) -> Any:
    return api.get(f"/api/v1/reports/{code}/2020/{kind}/{fmt}/", params)


def test_the_year_end_report_renders_in_each_format_with_the_same_figures(
    api_for: ApiFor,
) -> None:
    office = api_for("vanphong")
    md = render(office, "year-end", "md")
    assert md.status_code == 200
    assert md["Content-Type"].startswith("text/markdown")
    text = md.content.decode()
    assert "326,7" in text
    assert f"year-end-{ORG}-2020.md" in md["Content-Disposition"]
    exported = AuditEvent.objects.filter(action="export.report", object_id=ORG).latest("pk")
    assert exported.after is not None
    assert (exported.after["kind"], exported.after["format"]) == ("year-end", "md")

    docx = render(office, "year-end", "docx")
    paragraphs = [p.text for p in DocxDocument(BytesIO(docx.content)).paragraphs]
    tables = [
        cell.text
        for table in DocxDocument(BytesIO(docx.content)).tables
        for row in table.rows
        for cell in row.cells
    ]
    assert any("326,7" in t for t in [*paragraphs, *tables])

    pdf = render(office, "year-end", "pdf", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    pdf_text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "326,7" in pdf_text
    xlsx = render(office, "year-end", "xlsx")
    assert "spreadsheetml" in xlsx["Content-Type"]


@pytest.mark.parametrize("kind", ["decision", "notice", "minutes", "resolution", "awards"])
def test_every_official_document_renders_for_the_organization_and_year(
    api_for: ApiFor, kind: str
) -> None:
    response = render(api_for("vanphong"), kind, "md")
    assert response.status_code == 200
    assert "Sở Giáo dục và Đào tạo".upper() in response.content.decode().upper()


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("md", "text/markdown"),
        ("docx", "wordprocessingml"),
        ("pdf", "application/pdf"),
        ("html", "text/html"),
    ],
)
def test_the_news_item_renders_in_every_form(api_for: ApiFor, fmt: str, content_type: str) -> None:
    news = render(api_for("vanphong"), "news", fmt)
    assert news.status_code == 200
    assert content_type in news["Content-Type"]
    assert news["Content-Disposition"].startswith("attachment")
    if fmt in ("md", "html"):
        assert "326,7 điểm/350 điểm" in news.content.decode()


def test_only_the_news_item_comes_as_html(api_for: ApiFor) -> None:
    refused = render(api_for("vanphong"), "decision", "html")
    assert refusal(refused)["rule"] == "reports.format.html"


def test_a_rendered_document_carries_the_number_and_date_of_an_issued_one(
    api_for: ApiFor,
) -> None:
    office = api_for("vanphong")
    doc = issued(office, year=2020, date="2021-02-24")
    text = render(office, "decision", "md", document=doc["id"]).content.decode()
    assert f"Số {doc['number']}-QĐ/ĐU" in text
    assert "ngày 24 tháng 02 năm 2021" in text
    numbered = render(office, "decision", "md", number=7, date="2021-03-05").content.decode()
    assert "Số 7-QĐ/ĐU" in numbered
    assert "ngày 05 tháng 3 năm 2021" in numbered
    other_year = issued(office, year=2021)
    mismatch = render(office, "decision", "md", document=other_year["id"])
    assert refusal(mismatch)["rule"] == "reports.document.mismatch"
    bad_date = render(office, "decision", "md", date="24/02/2021")
    assert refusal(bad_date)["field"] == "date"


def test_rendering_refuses_unknown_kinds_and_formats_with_their_rules(api_for: ApiFor) -> None:
    office = api_for("vanphong")
    assert render(office, "bao-cao", "md").json()["error"]["rule"] == "reports.kind.unknown"
    assert render(office, "year-end", "odt").json()["error"]["rule"] == "reports.format.unknown"
    year = office.get(f"/api/v1/reports/{ORG}/hai/year-end/md/")
    assert year.status_code == 404


@pytest.mark.parametrize("username", ["bithu2", "dangvien"])
def test_an_outsider_gets_404_on_the_party_committee_report(api_for: ApiFor, username: str) -> None:
    response = render(api_for(username), "year-end", "md")
    assert refusal(response, 404)["rule"] == "access.not_found"


def test_a_cell_secretary_renders_the_own_cell_without_the_department_figures(
    api_for: ApiFor,
) -> None:
    response = render(api_for("bithu2"), "year-end", "md", code=TTR)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Thanh tra" in text
    assert "326,7" not in text
    assert render(api_for("khoi"), "year-end", "md").status_code == 200


def test_the_schema_documents_the_downloads_as_binary(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/documents/" in paths
    assert "/api/v1/documents/{id}/issue/" in paths
    binary = {"type": "string", "format": "binary"}
    stored = paths["/api/v1/documents/{id}/file/{fmt}/"]["get"]["responses"]["200"]["content"]
    assert stored["application/pdf"]["schema"] == binary
    rendered = paths["/api/v1/reports/{code}/{year}/{kind}/{fmt}/"]["get"]
    content = rendered["responses"]["200"]["content"]
    assert set(content) == {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/pdf",
        "text/markdown",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/html",  # the news item's page, issue 21
    }
    assert rendered["responses"]["404"]["content"]["application/json"]
