"""Every write of documents and report narratives: one transaction each, permission re-checked,
audited."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import NotRequired, TypedDict, Unpack

from django.db import transaction
from django.utils import timezone

from tongket.accounts.scope import User, scope_for
from tongket.audit.recorders import EventRecorder
from tongket.audit.services import record_event, record_export
from tongket.core.actors import author
from tongket.core.errors import ConcurrentEdit, DomainError, NotFound
from tongket.core.lookups import first_or_not_found
from tongket.core.required import require_text
from tongket.people.models import Organization
from tongket.people.selectors import committee_terms
from tongket.reports import selectors
from tongket.reports.documents.formats import number_series
from tongket.reports.models import (
    Document,
    DocumentCounter,
    DocumentKind,
    DocumentStatus,
    NarrativeSection,
    ReportNarrative,
)

CITATION_HD36 = "Hướng dẫn 36-HD/VPTW ngày 03/4/2018"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _issuer_for_write(actor: User | None, organization_code: str) -> Organization:
    org = Organization.objects.filter(code=organization_code).first()
    # Missing and forbidden answer alike, so a code outside the user's scope does not leak.
    if org is None or not scope_for(actor).writes(org.path):
        raise NotFound("Không tìm thấy tổ chức.")
    return org


def _kind(kind: str) -> str:
    value = unicodedata.normalize("NFC", kind.strip())
    if value not in DocumentKind.values:
        raise DomainError(
            f"Không có loại văn bản mang ký hiệu «{kind}».",
            field="kind",
            rule="documents.type.unknown",
            citation=CITATION_HD36,
        )
    return value


def _snapshot(doc: Document) -> dict[str, object]:
    return {
        "organization": doc.organization.code,
        "kind": doc.kind,
        "year": doc.year,
        "number": doc.number,
        "title": doc.title,
        "summary": doc.summary,
        "date": doc.date.isoformat(),
        "status": doc.status,
        "supersedes": doc.supersedes_id,
    }


def _document_for_write(actor: User | None, document_id: int) -> Document:
    """The document, locked, when the actor may write for its issuer; NotFound otherwise."""
    doc = Document.objects.select_for_update().select_related("organization").get(pk=document_id)
    if not scope_for(actor).writes(doc.organization.path):
        raise NotFound("Không tìm thấy văn bản.")
    return doc


_DOCUMENTS = EventRecorder[Document]("reports.Document", lambda doc: doc.organization.path)


def _record_document_event(
    actor: User | None, action: str, doc: Document, summary: str, before: object = None
) -> None:
    _DOCUMENTS.record(actor, action, doc, summary, before=before, after=_snapshot(doc))


def _next_number(org: Organization, kind: str, year: int, date: dt.date) -> int:
    """Take the next number of the issuer's series for `kind` (the year, or from 2026 the
    committee's term: formats.number_series), holding the counter's lock until the caller's
    transaction ends, so no number is skipped or given twice (HD 36)."""
    series = number_series(date, year, committee_terms(org, date))
    DocumentCounter.objects.get_or_create(
        organization=org, kind=kind, series=series, defaults={"year": year}
    )
    counter = DocumentCounter.objects.select_for_update().get(
        organization=org, kind=kind, series=series
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _check_supersedes(org: Organization, kind: str, supersedes_id: int | None, reason: str) -> None:
    if supersedes_id is None:
        return
    old = first_or_not_found(
        Document.objects.select_for_update().filter(pk=supersedes_id, organization=org),
        "Không tìm thấy văn bản được thay thế.",
    )
    if old.status != DocumentStatus.ISSUED:
        raise DomainError(
            "Chỉ thay thế được văn bản đã ban hành; dự thảo thì sửa trực tiếp.",
            field="supersedes",
            rule="documents.supersede.not_issued",
        )
    if old.kind != kind:
        raise DomainError(
            "Văn bản thay thế phải cùng loại với văn bản bị thay thế.",
            field="kind",
            rule="documents.supersede.same_kind",
        )
    if Document.objects.filter(supersedes_id=supersedes_id).exists():
        raise DomainError(
            "Văn bản này đã được một văn bản khác thay thế.",
            field="supersedes",
            rule="documents.supersede.once",
        )
    require_text(
        reason,
        "Cần ghi lý do thay thế văn bản đã ban hành.",
        field="reason",
        rule="documents.supersede.reason",
    )


@transaction.atomic
def create_draft(
    *,
    actor: User | None,
    organization_code: str,
    kind: str,
    year: int,
    title: str,
    date: dt.date,
    summary: str = "",
    markdown: str = "",
    docx: bytes | None = None,
    pdf: bytes | None = None,
    supersedes_id: int | None = None,
    reason: str = "",
) -> Document:
    """A draft without a number: the number is taken only when the document is issued."""
    org = _issuer_for_write(actor, organization_code)
    code = _kind(kind)
    _check_supersedes(org, code, supersedes_id, reason)
    doc = Document.objects.create(
        organization=org,
        kind=code,
        year=year,
        title=title.strip(),
        summary=summary.strip(),
        date=date,
        markdown=markdown,
        docx=docx,
        pdf=pdf,
        supersedes_id=supersedes_id,
        reason=reason.strip(),
        created_by=author(actor),
    )
    _record_document_event(
        actor, "document.draft", doc, f"Dự thảo {doc.get_kind_display().lower()}: {doc.title}"
    )
    return doc


@transaction.atomic
def update_draft(
    *,
    actor: User | None,
    document_id: int,
    title: str | None = None,
    summary: str | None = None,
    date: dt.date | None = None,
    markdown: str | None = None,
    docx: bytes | None = None,
    pdf: bytes | None = None,
) -> Document:
    """Change a draft; an issued document is sealed and answers with a refusal."""
    doc = _document_for_write(actor, document_id)
    if doc.status == DocumentStatus.ISSUED:
        raise DomainError(
            "Văn bản đã ban hành không sửa được; hãy ban hành văn bản thay thế, ghi rõ lý do.",
            field="status",
            rule="documents.sealed",
            citation=CITATION_HD36,
        )
    before = _snapshot(doc)
    if title is not None:
        doc.title = title.strip()
    if summary is not None:
        doc.summary = summary.strip()
    if date is not None:
        doc.date = date
    if markdown is not None:
        doc.markdown = markdown
    if docx is not None:
        doc.docx = docx
    if pdf is not None:
        doc.pdf = pdf
    doc.save()
    _record_document_event(actor, "document.update_draft", doc, f"Sửa dự thảo: {doc.title}", before)
    return doc


@transaction.atomic
def issue_draft(*, actor: User | None, document_id: int) -> Document:
    """Give a draft the next number of its series and seal it."""
    doc = _document_for_write(actor, document_id)
    if doc.status == DocumentStatus.ISSUED:
        raise DomainError(
            f"Văn bản đã được ban hành với số {doc.number}.",
            field="status",
            rule="documents.already_issued",
        )
    before = _snapshot(doc)
    doc.number = _next_number(doc.organization, doc.kind, doc.year, doc.date)
    doc.status = DocumentStatus.ISSUED
    doc.issued_at = timezone.now()
    doc.save()
    _record_document_event(
        actor, "document.issue", doc, f"Ban hành số {doc.number}-{doc.kind}: {doc.title}", before
    )
    return doc


class DraftFields(TypedDict):
    """What a new document states (`create_draft`'s arguments besides the actor)."""

    organization_code: str
    kind: str
    year: int
    title: str
    date: dt.date
    summary: NotRequired[str]
    markdown: NotRequired[str]
    docx: NotRequired[bytes | None]
    pdf: NotRequired[bytes | None]
    supersedes_id: NotRequired[int | None]
    reason: NotRequired[str]


@transaction.atomic
def issue_document(*, actor: User | None, **fields: Unpack[DraftFields]) -> Document:
    """Issue a document at once: numbered per issuer, type and year, without gaps or reuse.

    A document that `supersedes` an issued one needs a reason; the old one stays as it was.
    """
    draft = create_draft(actor=actor, **fields)
    return issue_draft(actor=actor, document_id=draft.pk)


def placeholders_in(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


@transaction.atomic
def save_narrative(
    *,
    actor: User | None,
    organization_code: str,
    year: int,
    section: str,
    text: str,
    expected_version: int | None = None,
) -> ReportNarrative:
    """Write the office's text for one section of the year-end report.

    Placeholders must be ones the report knows, so a typo shows at once, not in the printed report.
    """
    from tongket.reports.facts import PLACEHOLDER_NAMES

    org = _issuer_for_write(actor, organization_code)
    if section not in NarrativeSection.values:
        raise DomainError(
            f"Không có mục «{section}» trong báo cáo tổng kết.",
            field="section",
            rule="reports.narrative.section",
        )
    unknown = sorted(placeholders_in(text) - set(PLACEHOLDER_NAMES))
    if unknown:
        names = ", ".join("{" + u + "}" for u in unknown)
        raise DomainError(
            f"Không có số liệu mang tên {names}. Các tên hợp lệ: "
            + ", ".join("{" + n + "}" for n in PLACEHOLDER_NAMES)
            + ".",
            field="text",
            rule="reports.narrative.placeholder",
        )
    narrative, created = ReportNarrative.objects.select_for_update().get_or_create(
        organization=org, year=year, section=section
    )
    if not created and expected_version is not None and narrative.version != expected_version:
        raise ConcurrentEdit()
    before = None if created else {"text": narrative.text, "version": narrative.version}
    narrative.text = unicodedata.normalize("NFC", text.strip())
    if not created:
        narrative.version += 1
    narrative.updated_by = author(actor)
    narrative.save()
    record_event(
        actor=actor,
        action="report.narrative.save",
        object_type="reports.ReportNarrative",
        object_id=narrative.pk,
        org_path=org.path,
        summary=f"Báo cáo năm {year}, mục {narrative.get_section_display()}",
        before=before,
        after={"text": narrative.text, "version": narrative.version},
    )
    return narrative


# --- the files stored with a document ------------------------------------------------------------


@dataclass(frozen=True)
class StoredFile:
    content: bytes
    content_type: str
    filename: str  # ASCII, for the download's Content-Disposition


def export_stored_file(*, actor: User | None, doc: Document, fmt: str) -> StoredFile:
    """The file in `fmt` stored with a document the actor sees, its download recorded in the
    audit log; NotFound for another format or a document without that file."""
    content: bytes | None
    if fmt == "md":
        content = doc.markdown.encode() if doc.markdown else None
    elif fmt in ("docx", "pdf"):
        stored = getattr(doc, fmt)
        content = bytes(stored) if stored is not None else None
    else:
        raise NotFound(f"Không có dạng «{fmt}»: chỉ có md, docx, pdf.")
    if content is None:
        raise NotFound(f"Văn bản này không có bản {fmt} lưu kèm.")
    record_export(
        actor=actor,
        what="document",
        fmt=fmt,
        rows=1,
        org_path=doc.organization.path,
        object_id=doc.pk,
        summary=f"Tải bản {fmt} của văn bản: {doc.title}",
        details={"document": doc.pk, "organization": doc.organization.code},
    )
    number = doc.number if doc.number is not None else "du-thao"
    filename = f"{number}-{doc.kind}-{doc.organization.code}-{doc.year}.{fmt}"
    ascii_name = unicodedata.normalize("NFKD", filename.replace("Đ", "D").replace("đ", "d"))
    return StoredFile(
        content, selectors.FORMATS[fmt], ascii_name.encode("ascii", "ignore").decode()
    )


class ReportRequest(TypedDict):
    """Which document of a report (`selectors.render_report`'s keyword arguments)."""

    kind: str
    fmt: str
    date: NotRequired[dt.date | None]
    number: NotRequired[int | None]
    signer: NotRequired[str]


def export_report(
    actor: User | None, code: str, year: int, **request: Unpack[ReportRequest]
) -> selectors.RenderedReport:
    """A report's document for an organization the actor may report on, its download recorded
    in the audit log: one path for the web page and the API. Called as `render_report` is."""
    report = selectors.render_report(actor, code, year, **request)
    org = selectors.report_organization(actor, code)
    record_export(
        actor=actor,
        what="report",
        fmt=request["fmt"],
        rows=1,
        org_path=org.path,
        object_id=org.code,
        summary=f"Tải {report.filename}",
        details={
            "kind": request["kind"],
            "year": year,
            "organization": org.code,
            "bytes": len(report.content),
        },
    )
    return report
