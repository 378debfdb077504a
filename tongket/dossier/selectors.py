"""Reads of a subject's dossier, starting from the evaluations the user may see: the documents
generated from the evaluation's own data (the self-assessment, the cell's proposal, the
committee's appraisal, the decisions) and the uploaded ones, in Điều 17's order."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import QuerySet

from tongket.core.errors import DomainError
from tongket.core.formatting import date_short
from tongket.core.lookups import first_or_not_found
from tongket.dossier.domain import DossierKind, Entry, ordered
from tongket.dossier.models import DossierDocument, staging_name
from tongket.evaluation import selectors as evaluation_selectors
from tongket.evaluation.models import Evaluation, Tier
from tongket.selfassessment import selectors as selfassessment_selectors

User = Any


def get_evaluation(user: User | None, evaluation_id: int) -> Evaluation:
    return evaluation_selectors.get_evaluation(user, evaluation_id)


def visible_documents(user: User | None) -> QuerySet[DossierDocument]:
    return DossierDocument.objects.filter(
        evaluation__in=evaluation_selectors.visible_evaluations(user)
    )


def get_document(user: User | None, document_id: int) -> DossierDocument:
    """An uploaded document of an evaluation the user may see (404 otherwise)."""
    return first_or_not_found(
        visible_documents(user)
        .filter(pk=document_id)
        .select_related("evaluation__cycle", "evaluation__unit"),
        "Không tìm thấy tài liệu trong hồ sơ.",
    )


def uploads_of(ev: Evaluation) -> list[DossierDocument]:
    return list(DossierDocument.objects.filter(evaluation=ev).order_by("created_at", "id"))


def _upload_entry(doc: DossierDocument) -> Entry:
    if doc.file:
        note = f"Tệp {doc.original_name} ({_size(doc.size)}); SHA-256 {doc.sha256[:12]}…"
    else:
        note = "Nhập trực tiếp"
    if doc.signed_by:
        note = f"Người ký: {doc.signed_by}. {note}"
    return Entry(
        kind=DossierKind(doc.kind),
        title=doc.title,
        date_text=date_short(doc.signed_on) if doc.signed_on else "",
        note=note,
        generated=False,
        upload_id=doc.pk,
    )


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def generated_entries(ev: Evaluation) -> list[Entry]:
    """What the evaluation's own data already holds, listed without an upload."""
    entries: list[Entry] = []
    form = selfassessment_selectors.form_of(ev)
    if form is not None:
        state = form.get_status_display().lower()
        entries.append(
            Entry(
                kind=DossierKind.SELF_REVIEW,
                title=f"Bản tự kiểm điểm theo Mẫu {form.form} ({state})",
                date_text=date_short(form.submitted_at) if form.submitted_at else "",
                note="Lập trên Tổng kết"
                + (f"; nhập thay bởi {form.entered_by_label}" if form.entered_on_behalf else ""),
                generated=True,
            )
        )
    tiers = evaluation_selectors.current_assessments(ev)
    own = tiers.get(Tier.SELF)
    if form is None and own is not None:
        entries.append(
            Entry(
                kind=DossierKind.SELF_REVIEW,
                title="Bản tự đánh giá, xếp loại",
                date_text=date_short(own.created_at),
                note=f"Người ghi: {own.author_label}" + (" (nhập thay)" if own.on_behalf else ""),
                generated=True,
            )
        )
    for tier, kind, title in (
        (Tier.CELL, DossierKind.APPRAISAL, "Ý kiến, đề xuất của chi bộ"),
        (Tier.COMMITTEE, DossierKind.APPRAISAL, "Ý kiến thẩm định của cấp ủy"),
    ):
        row = tiers.get(tier)
        if row is not None:
            entries.append(
                Entry(
                    kind=kind,
                    title=title,
                    date_text=date_short(row.created_at),
                    note=f"Người ghi: {row.author_label}",
                    generated=True,
                )
            )
    for decision in evaluation_selectors.decision_history(ev):
        entries.append(
            Entry(
                kind=DossierKind.DECISION,
                title=f"{decision.get_kind_display()} số {decision.number}",
                date_text=date_short(decision.date),
                note=f"{decision.deciding_body.name} ({decision.get_status_display().lower()})",
                generated=True,
            )
        )
    return entries


@dataclass(frozen=True)
class Dossier:
    evaluation: Evaluation
    subject: str
    entries: list[Entry]
    uploads: list[DossierDocument]


def dossier_of(ev: Evaluation) -> Dossier:
    """The dossier of an evaluation already read through the user's scope."""
    uploads = uploads_of(ev)
    return Dossier(
        evaluation=ev,
        subject=evaluation_selectors.subject_name(ev),
        entries=ordered(generated_entries(ev) + [_upload_entry(d) for d in uploads]),
        uploads=uploads,
    )


def dossier_for_user(user: User | None, evaluation_id: int) -> Dossier:
    return dossier_of(get_evaluation(user, evaluation_id))


def annual_dossier(user: User | None, org_code: str, year: int, card: str | None) -> Dossier:
    """The year's dossier of a member (by card) or of the organization itself (Mẫu 04)."""
    return dossier_of(selfassessment_selectors.annual_evaluation(user, org_code, year, card))


def file_content(document: DossierDocument) -> bytes:
    """The stored bytes, checked against the checksum recorded at upload; a file whose row is
    committed but not yet moved into place (services.add_document) is read where it waits."""
    name = document.file.name
    if not default_storage.exists(name) and default_storage.exists(staging_name(name)):
        name = staging_name(name)
    with default_storage.open(name, "rb") as handle:
        content: bytes = handle.read()
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise DomainError(
            f"Tệp «{document.original_name}» trong hồ sơ không khớp mã kiểm tra SHA-256 đã ghi "
            "khi tải lên: tệp đã bị thay đổi ngoài hệ thống.",
            field="file",
            rule="dossier.file.checksum",
        )
    return content
