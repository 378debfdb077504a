"""The dossier's file checks without a database: the type is read from the content, the name
must agree with it, the size has a ceiling; every refusal names the field."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from tongket.dossier.domain import (
    DossierKind,
    Entry,
    FileRefusal,
    FileType,
    check_file,
    ordered,
    sniff,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Biên bản hội nghị kiểm điểm")
    document.save(buffer)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "không phải văn bản Word")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, FileType.PDF),
        (PNG, FileType.PNG),
        (JPEG, FileType.JPEG),
        (docx_bytes(), FileType.DOCX),
        (plain_zip(), None),
        (b"MZ\x90\x00 an executable", None),
        (b"PK\x03\x04 broken zip", None),
        (b"", None),
    ],
)
def test_the_type_is_read_from_the_content(content: bytes, expected: FileType | None) -> None:
    assert sniff(content) is expected


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bien-ban.pdf", PDF, FileType.PDF),
        ("nhan-xet.DOCX", docx_bytes(), FileType.DOCX),
        ("anh.jpg", JPEG, FileType.JPEG),
        ("anh.jpeg", JPEG, FileType.JPEG),
        ("anh.png", PNG, FileType.PNG),
    ],
)
def test_a_file_whose_name_and_content_agree_is_taken(
    name: str, content: bytes, expected: FileType
) -> None:
    assert check_file(name, len(content), content) is expected


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [
        ("virus.pdf", b"MZ\x90\x00 an executable", "dossier.file.content"),
        ("anh.pdf", PNG, "dossier.file.content"),
        ("tai-lieu.docx", plain_zip(), "dossier.file.content"),
        ("bang.xlsx", docx_bytes(), "dossier.file.type"),
        ("khong-duoi", PDF, "dossier.file.type"),
        ("rong.pdf", b"", "dossier.file.empty"),
    ],
)
def test_a_file_is_refused_with_its_rule_and_the_field_named(
    name: str, content: bytes, rule: str
) -> None:
    refused = check_file(name, len(content), content)
    assert isinstance(refused, FileRefusal)
    assert refused.rule == rule
    assert refused.message.startswith("«Tệp đính kèm»")


def test_a_file_over_the_ceiling_is_refused_by_its_size() -> None:
    refused = check_file("lon.pdf", 3 * 1024 * 1024, PDF, max_bytes=2 * 1024 * 1024)
    assert isinstance(refused, FileRefusal)
    assert refused.rule == "dossier.file.too_large"
    assert "3 MB" in refused.message
    assert "2 MB" in refused.message
    assert check_file("vua.pdf", 2 * 1024 * 1024, PDF, max_bytes=2 * 1024 * 1024) is FileType.PDF


def test_entries_follow_article_17s_order_generated_first_within_a_kind() -> None:
    def entry(kind: DossierKind, title: str, generated: bool) -> Entry:
        return Entry(kind=kind, title=title, date_text="", note="", generated=generated)

    given = [
        entry(DossierKind.COMPLAINT, "đơn", False),
        entry(DossierKind.DECISION, "quyết định tải lên", False),
        entry(DossierKind.DECISION, "quyết định số 1", True),
        entry(DossierKind.RESIDENCE_COMMENT, "nhận xét", False),
        entry(DossierKind.SELF_REVIEW, "bản tự kiểm điểm", True),
    ]
    assert [e.title for e in ordered(given)] == [
        "bản tự kiểm điểm",
        "nhận xét",
        "quyết định số 1",
        "quyết định tải lên",
        "đơn",
    ]
