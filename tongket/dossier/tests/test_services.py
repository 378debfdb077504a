"""Adding to and removing from a dossier: the checksum kept, refusals by type and size naming
the field, the typed residence comment with its date and signer, audit events, the scope (the
member reads but does not change; another organization's user does not find it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tongket.audit.models import AuditEvent
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.dossier import selectors, services
from tongket.dossier.models import DossierDocument
from tongket.dossier.tests.documents import add
from tongket.dossier.tests.test_domain import JPEG, PDF, PNG, docx_bytes
from tongket.evaluation.models import Evaluation

pytestmark = pytest.mark.django_db


def test_an_uploaded_pdf_is_stored_with_its_sha256_and_audited(
    user_named: Callable[[str], Any],
    evaluation: Evaluation,
    media_in_tmp: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    content = PDF + b"% bien ban hoi nghi kiem diem chi bo\n"
    with django_capture_on_commit_callbacks(execute=True):
        row = add(
            user_named("vanphong"),
            evaluation,
            title="Biên bản hội nghị kiểm điểm Chi bộ",
            file=("bien-ban.pdf", content),
        )
    assert row.sha256 == hashlib.sha256(content).hexdigest()
    assert row.size == len(content)
    assert row.content_type == "application/pdf"
    assert (media_in_tmp / row.file.name).read_bytes() == content
    assert selectors.file_content(row) == content
    event = AuditEvent.objects.get(action="dossier.document.add", object_id=str(row.pk))
    assert event.after is not None
    assert event.after["sha256"] == row.sha256
    assert event.org_path == evaluation.subject_path


@pytest.mark.parametrize(
    ("name", "content"),
    [("nhan-xet.docx", docx_bytes()), ("anh-chup.png", PNG), ("anh-chup.jpg", JPEG)],
)
def test_docx_and_images_are_taken(
    user_named: Callable[[str], Any], evaluation: Evaluation, name: str, content: bytes
) -> None:
    row = add(user_named("vanphong"), evaluation, "opinion", "", (name, content))
    assert row.title == "Ý kiến của cơ quan, tổ chức có liên quan"
    assert row.original_name == name


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [
        ("bien-ban.pdf", b"MZ\x90\x00 not a pdf at all", "dossier.file.content"),
        ("bien-ban.pdf", PNG, "dossier.file.content"),
        ("bien-ban.exe", PDF, "dossier.file.type"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_kept(
    user_named: Callable[[str], Any],
    evaluation: Evaluation,
    media_in_tmp: Path,
    name: str,
    content: bytes,
    rule: str,
) -> None:
    with pytest.raises(DomainError) as refused:
        add(user_named("vanphong"), evaluation, file=(name, content))
    assert refused.value.rule == rule
    assert refused.value.field == "file"
    assert "«Tệp đính kèm»" in refused.value.message
    assert not DossierDocument.objects.filter(evaluation=evaluation).exists()
    assert not any(media_in_tmp.rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused(
    settings: Any, user_named: Callable[[str], Any], evaluation: Evaluation
) -> None:
    settings.DOSSIER_MAX_BYTES = 1024 * 1024
    content = PDF + b"0" * (1024 * 1024)
    with pytest.raises(DomainError) as refused:
        add(user_named("vanphong"), evaluation, file=("bien-ban.pdf", content))
    assert refused.value.rule == "dossier.file.too_large"
    assert "vượt mức tối đa 1 MB" in refused.value.message


def test_the_residence_comment_may_be_typed_with_its_date_and_signer(
    user_named: Callable[[str], Any], evaluation: Evaluation
) -> None:
    bithu = user_named("vanphong")
    text = "Gương mẫu, tích cực tham gia sinh hoạt nơi cư trú."
    with pytest.raises(DomainError) as refused:
        add(bithu, evaluation, "residence_comment", "", None, text=text)
    assert refused.value.rule == "dossier.residence_comment.signed"
    assert "«Người ký»" in refused.value.message
    row = add(
        bithu,
        evaluation,
        "residence_comment",
        "",
        None,
        text=text,
        signed_by="Nguyễn Văn Hòa, Bí thư Chi bộ khu phố 3",
        signed_on=dt.date(2026, 11, 20),
    )
    assert row.title == "Nhận xét của cấp ủy nơi cư trú"
    assert row.sha256 == ""
    assert not row.file


def test_typed_text_is_only_for_the_residence_comment(
    user_named: Callable[[str], Any], evaluation: Evaluation
) -> None:
    with pytest.raises(DomainError) as refused:
        add(
            user_named("vanphong"),
            evaluation,
            file=None,
            text="nội dung gõ tay",
            signed_by="A",
            signed_on=dt.date(2026, 11, 20),
        )
    assert refused.value.rule == "dossier.document.text_kind"


def test_the_member_reads_the_dossier_but_may_not_change_it(
    user_named: Callable[[str], Any], evaluation: Evaluation
) -> None:
    member = user_named("dangvien")
    assert selectors.dossier_for_user(member, evaluation.pk).evaluation == evaluation
    with pytest.raises(PermissionDenied):
        add(member, evaluation, "complaint", "Đơn", ("don.pdf", PDF))


def test_another_organizations_user_finds_neither_the_dossier_nor_its_documents(
    outsider: Any, user_named: Callable[[str], Any], evaluation: Evaluation
) -> None:
    row = add(user_named("vanphong"), evaluation, "complaint", "Đơn thư", ("don.pdf", PDF))
    with pytest.raises(NotFound):
        selectors.dossier_for_user(outsider, evaluation.pk)
    with pytest.raises(NotFound):
        selectors.get_document(outsider, row.pk)
    with pytest.raises(NotFound):
        add(outsider, evaluation, "complaint", "Đơn", ("don.pdf", PDF))
    with pytest.raises(NotFound):
        services.remove_document(actor=outsider, document_id=row.pk)
    assert DossierDocument.objects.filter(pk=row.pk).exists()


def test_removing_a_document_deletes_its_file_after_commit_and_is_audited(
    user_named: Callable[[str], Any],
    evaluation: Evaluation,
    media_in_tmp: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    bithu = user_named("vanphong")
    with django_capture_on_commit_callbacks(execute=True):
        row = add(bithu, evaluation)
    stored = media_in_tmp / row.file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_document(actor=bithu, document_id=row.pk)
    assert not stored.exists()
    assert not DossierDocument.objects.filter(pk=row.pk).exists()
    event = AuditEvent.objects.get(action="dossier.document.remove", object_id=str(row.pk))
    assert event.before is not None
    assert event.before["sha256"] == row.sha256


def test_a_file_changed_outside_the_system_fails_its_checksum(
    user_named: Callable[[str], Any],
    evaluation: Evaluation,
    media_in_tmp: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        row = add(user_named("vanphong"), evaluation)
    (media_in_tmp / row.file.name).write_bytes(PDF + b"% sua len\n")
    with pytest.raises(DomainError) as refused:
        selectors.file_content(row)
    assert refused.value.rule == "dossier.file.checksum"


# --- the disk follows the database: a failure forced at each point leaves no stray file ----------


def _files(media: Path) -> set[str]:
    return {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}


def test_a_failure_after_the_row_leaves_neither_row_nor_file(
    user_named: Callable[[str], Any],
    evaluation: Evaluation,
    media_in_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The audit write fails after the row is saved: the transaction rolls back and the file
    it staged goes with it."""

    def broken(**_: object) -> None:
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        add(user_named("vanphong"), evaluation)
    assert not DossierDocument.objects.filter(evaluation=evaluation).exclude(file="").exists()
    assert _files(media_in_tmp) == set()


def test_nothing_reaches_the_dossier_before_commit_and_a_rollback_leaves_no_file_in_it(
    user_named: Callable[[str], Any],
    evaluation: Evaluation,
    media_in_tmp: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The caller's transaction rolls back after the document was added: its row is gone, no
    file is in the evaluation's folder, and what waited in staging is swept by a later commit."""
    from django.db import transaction

    office = user_named("vanphong")
    added: list[DossierDocument] = []

    @transaction.atomic
    def add_then_fail() -> None:
        added.append(add(office, evaluation))
        assert not (media_in_tmp / added[0].file.name).exists()  # not before the commit
        raise RuntimeError("the request failed later")

    with pytest.raises(RuntimeError):
        add_then_fail()
    assert not DossierDocument.objects.filter(pk=added[0].pk).exists()
    left = _files(media_in_tmp)
    assert all(name.startswith("dossier/staging/") for name in left)
    assert left  # rolled back: nothing called back to delete it ...
    old = (dt.datetime.now() - services.STAGED_FOR_AT_MOST - dt.timedelta(minutes=1)).timestamp()
    for name in left:
        os.utime(media_in_tmp / name, (old, old))
    with django_capture_on_commit_callbacks(execute=True):
        kept = add(office, evaluation, "minutes", "Biên bản (tải lại)", ("b.pdf", PDF + b"% 2\n"))
    assert _files(media_in_tmp) == {kept.file.name}  # ... the next commit sweeps it
    assert selectors.file_content(kept) == PDF + b"% 2\n"
