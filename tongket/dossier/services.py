"""Every write on a dossier: add a document (an uploaded file, checked by size and by content,
stored under its SHA-256 checksum; or a typed text with its date and signer), remove one. One
transaction each, audited. The disk follows the database: an added file waits in the staging
folder and moves into place once its row is committed (a failure or a rollback leaves no file in
any dossier, and what it staged is swept); a removed file leaves the disk once the removal is
committed."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from tongket.accounts.scope import scope_for
from tongket.audit.services import record_event
from tongket.core.actors import actor_label
from tongket.core.errors import DomainError, PermissionDenied
from tongket.dossier import domain, permissions, selectors
from tongket.dossier.domain import DossierKind, FileRefusal
from tongket.dossier.models import STAGING_DIR, DossierDocument, staging_name, upload_path
from tongket.evaluation.models import Evaluation

User = Any


@dataclass(frozen=True)
class Upload:
    """A file as the user sent it: its name, its size, and its bytes (only the first
    `max_bytes() + 1` of a larger file need be read: it is refused by its size)."""

    name: str
    size: int
    content: bytes


def _require_writer(actor: User | None, ev: Evaluation) -> None:
    if not permissions.can_change_dossier(scope_for(actor), ev):
        raise PermissionDenied("Bạn không được thay đổi hồ sơ này.")


def max_bytes() -> int:
    return int(getattr(settings, "DOSSIER_MAX_BYTES", domain.MAX_BYTES))


def _kind(value: str) -> DossierKind:
    try:
        return DossierKind(value)
    except ValueError:
        raise DomainError(
            f"«Loại tài liệu»: không có loại «{value}».",
            field="kind",
            rule="dossier.kind.unknown",
        ) from None


@transaction.atomic
def add_document(
    *,
    actor: User | None,
    evaluation_id: int,
    kind: str,
    title: str,
    upload: Upload | None = None,
    text: str = "",
    signed_by: str = "",
    signed_on: dt.date | None = None,
) -> DossierDocument:
    """Add a document to the subject's dossier (Điều 17): a PDF, DOCX, PNG or JPEG file within
    the size limit whose content matches its name, or, for the residence-area committee's
    comment, a typed text with its date and signer."""
    ev = selectors.get_evaluation(actor, evaluation_id)
    _require_writer(actor, ev)
    chosen = _kind(kind)
    title = title.strip() or chosen.label
    text = text.strip()
    signed_by = signed_by.strip()
    if len(signed_by) > 150:
        raise DomainError(
            "«Người ký»: tối đa 150 ký tự.", field="signed_by", rule="dossier.signed_by.length"
        )
    if upload is not None and text:
        raise DomainError(
            f"«{domain.FILE_FIELD_LABEL}» và «Nội dung»: chọn một trong hai, tệp hoặc nội dung "
            "nhập trực tiếp.",
            field="text",
            rule="dossier.document.file_or_text",
        )
    if upload is None and not text:
        raise DomainError(
            f"«{domain.FILE_FIELD_LABEL}»: hãy chọn tệp (PDF, DOCX, PNG hoặc JPEG)"
            + (
                ", hoặc nhập nội dung nhận xét." if chosen is DossierKind.RESIDENCE_COMMENT else "."
            ),
            field="file",
            rule="dossier.document.empty",
        )
    if text and chosen is not DossierKind.RESIDENCE_COMMENT:
        raise DomainError(
            "«Nội dung»: chỉ nhận xét của cấp ủy nơi cư trú được nhập trực tiếp; tài liệu khác "
            "cần tệp đính kèm.",
            field="text",
            rule="dossier.document.text_kind",
        )
    if text and (not signed_by or signed_on is None):
        raise DomainError(
            "«Người ký» và «Ngày ký»: nhận xét nhập trực tiếp cần ghi rõ ngày và người ký.",
            field="signed_by" if not signed_by else "signed_on",
            rule="dossier.residence_comment.signed",
            citation=domain.CITATION,
        )
    row = DossierDocument(
        evaluation=ev,
        kind=chosen.value,
        title=title[:300],
        text=text,
        signed_by=signed_by,
        signed_on=signed_on,
        added_by=actor if getattr(actor, "is_authenticated", False) else None,
        added_by_label=actor_label(actor),
    )
    staged = ""
    if upload is not None:
        checked = domain.check_file(
            upload.name,
            max(upload.size, len(upload.content)),
            upload.content,
            max_bytes=max_bytes(),
        )
        if isinstance(checked, FileRefusal):
            raise DomainError(checked.message, field="file", rule=checked.rule)
        row.sha256 = hashlib.sha256(upload.content).hexdigest()
        row.size = len(upload.content)
        row.original_name = upload.name[:255]
        row.content_type = domain.CONTENT_TYPES[checked]
        row.file.name = upload_path(row, upload.name)  # written there once the row is committed
        staged = _stage(row.file.name, upload.content)
    try:
        row.save()
        record_event(
            actor=actor,
            action="dossier.document.add",
            object_type="dossier_document",
            object_id=row.pk,
            org_path=ev.subject_path,
            summary=f"Thêm vào hồ sơ: {row.title}",
            after=_snapshot(row),
        )
    except Exception:
        if staged:
            default_storage.delete(staged)
        raise
    if row.file:
        transaction.on_commit(partial(_move_into_place, staging_name(row.file.name), row.file.name))
    return row


# A staged file whose transaction rolled back (nothing calls back on a rollback) is swept by the
# next upload's commit once it is older than this: no transaction lasts that long.
STAGED_FOR_AT_MOST = dt.timedelta(hours=6)


def _stage(final: str, content: bytes) -> str:
    """Write the upload where it waits for its row's commit; the name made here, or "" when
    the same bytes already wait there for the same evaluation (their name is their checksum)."""
    name = staging_name(final)
    if default_storage.exists(name):
        return ""
    saved: str = default_storage.save(name, ContentFile(content))
    return saved


def _move_into_place(staged: str, final: str) -> None:
    """After the commit: the staged file becomes the dossier's (a rename on the same disk), then
    what earlier rolled-back uploads left in the staging folder is swept."""
    if default_storage.exists(staged):
        if default_storage.exists(final):
            default_storage.delete(staged)  # the same bytes (the name is the checksum)
        else:
            try:
                source, target = default_storage.path(staged), default_storage.path(final)
            except NotImplementedError:  # a storage without local paths: copy, then delete
                with default_storage.open(staged, "rb") as handle:
                    default_storage.save(final, handle)
                default_storage.delete(staged)
            else:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.replace(source, target)
    _sweep_staging()


def _sweep_staging() -> None:
    try:
        _folders, names = default_storage.listdir(STAGING_DIR)
    except FileNotFoundError:
        return
    oldest = timezone.now() - STAGED_FOR_AT_MOST
    for base in names:
        name = f"{STAGING_DIR}/{base}"
        if default_storage.get_modified_time(name) < oldest:
            default_storage.delete(name)


def _snapshot(row: DossierDocument) -> dict[str, object]:
    return {
        "evaluation": row.evaluation_id,
        "kind": row.kind,
        "title": row.title,
        "file": row.original_name,
        "size": row.size,
        "sha256": row.sha256,
        "text": row.text,
        "signed_by": row.signed_by,
        "signed_on": row.signed_on.isoformat() if row.signed_on else "",
    }


@transaction.atomic
def remove_document(*, actor: User | None, document_id: int) -> None:
    """Remove an uploaded document; its file is deleted once the removal is committed."""
    row = selectors.get_document(actor, document_id)
    _require_writer(actor, row.evaluation)
    row = DossierDocument.objects.select_for_update().get(pk=row.pk)
    before = _snapshot(row)
    name = row.file.name if row.file else ""
    path = row.evaluation.subject_path
    row_id = row.pk
    row.delete()
    record_event(
        actor=actor,
        action="dossier.document.remove",
        object_type="dossier_document",
        object_id=row_id,
        org_path=path,
        summary=f"Gỡ khỏi hồ sơ: {before['title']}",
        before=before,
    )
    if name and not DossierDocument.objects.filter(file=name).exists():
        transaction.on_commit(partial(_delete_files, name, staging_name(name)))


def _delete_files(*names: str) -> None:
    for name in names:
        default_storage.delete(name)
