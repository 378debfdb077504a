"""The dossier of a subject's review (Quy định 366-QĐ/TW, Điều 17): the kinds of document it
holds, in the order Mẫu 04 lists them, and the checks on an uploaded file (size, and its type
read from its content, not only from its name). No Django here."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum

from tongket.core.labelled import LabelledStrEnum

CITATION = "Quy định 366-QĐ/TW ngày 30/8/2025, Điều 17"
# The largest file the dossier takes; a scanned minutes of a few pages is well under it.
MAX_BYTES = 10 * 1024 * 1024
FILE_FIELD_LABEL = "Tệp đính kèm"


class DossierKind(LabelledStrEnum):
    """What a document of the dossier is, in Điều 17's order."""

    SELF_REVIEW = "self_review", "Bản kiểm điểm, báo cáo kiểm điểm"
    RESIDENCE_COMMENT = "residence_comment", "Nhận xét của cấp ủy nơi cư trú"
    MINUTES = "minutes", "Biên bản hội nghị kiểm điểm"
    APPRAISAL = "appraisal", "Ý kiến thẩm định của cơ quan tham mưu"
    DECISION = "decision", "Kết luận, quyết định xếp loại của cấp có thẩm quyền"
    SUGGESTION = "suggestion", "Văn bản gợi ý kiểm điểm"
    OPINION = "opinion", "Ý kiến của cơ quan, tổ chức có liên quan"
    COMPLAINT = "complaint", "Đơn thư, khiếu nại"
    OTHER = "other", "Tài liệu khác"


ORDER = {kind: position for position, kind in enumerate(DossierKind)}


class FileType(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    PNG = "png"
    JPEG = "jpeg"


CONTENT_TYPES = {
    FileType.PDF: "application/pdf",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileType.PNG: "image/png",
    FileType.JPEG: "image/jpeg",
}
EXTENSIONS = {
    ".pdf": FileType.PDF,
    ".docx": FileType.DOCX,
    ".png": FileType.PNG,
    ".jpg": FileType.JPEG,
    ".jpeg": FileType.JPEG,
}
ALLOWED_TEXT = "PDF, DOCX, PNG hoặc JPEG"


def sniff(content: bytes) -> FileType | None:
    """The file's type read from its bytes: PDF, a Word document (a zip holding
    word/document.xml), PNG or JPEG; None for anything else."""
    if content.startswith(b"%PDF-"):
        return FileType.PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType.PNG
    if content.startswith(b"\xff\xd8\xff"):
        return FileType.JPEG
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return FileType.DOCX
    return None


@dataclass(frozen=True)
class FileRefusal:
    rule: str
    message: str


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def check_file(
    name: str, size: int, content: bytes, *, max_bytes: int = MAX_BYTES
) -> FileType | FileRefusal:
    """The file's type, or why it is refused: empty, larger than `max_bytes`, a name that is not
    .pdf/.docx/.png/.jpg, or content that is not what its name says."""
    field = f"«{FILE_FIELD_LABEL}»"
    shown = name or "(không tên)"
    if size == 0:
        return FileRefusal("dossier.file.empty", f"{field}: tệp «{shown}» rỗng.")
    if size > max_bytes:
        return FileRefusal(
            "dossier.file.too_large",
            f"{field}: tệp «{shown}» nặng {_megabytes(size)} MB, vượt mức tối đa "
            f"{_megabytes(max_bytes)} MB.",
        )
    claimed = EXTENSIONS.get(extension_of(name))
    if claimed is None:
        return FileRefusal(
            "dossier.file.type",
            f"{field}: tệp «{shown}» không thuộc loại được nhận ({ALLOWED_TEXT}).",
        )
    actual = sniff(content)
    if actual is None:
        return FileRefusal(
            "dossier.file.content",
            f"{field}: nội dung tệp «{shown}» không phải {ALLOWED_TEXT} (tên tệp ghi "
            f"{claimed.value.upper()} nhưng nội dung không đúng).",
        )
    if actual is not claimed:
        return FileRefusal(
            "dossier.file.content",
            f"{field}: tệp «{shown}» mang đuôi {claimed.value.upper()} nhưng nội dung là "
            f"{actual.value.upper()}; hãy đổi tên tệp cho đúng loại.",
        )
    return actual


def _megabytes(size: int) -> str:
    value = f"{size / (1024 * 1024):.1f}".replace(".", ",")
    return value[:-2] if value.endswith(",0") else value


@dataclass(frozen=True)
class Entry:
    """One document of the dossier as Mẫu 04 and the page list it."""

    kind: DossierKind
    title: str
    date_text: str  # "05/12/2026", or "" when undated
    note: str  # the signer, the file, the checksum's start
    generated: bool  # read from the evaluation's own data, not uploaded
    upload_id: int | None = None


def ordered(entries: list[Entry]) -> list[Entry]:
    """Điều 17's order of kinds; within a kind, generated documents first, then as given."""
    return sorted(entries, key=lambda e: (ORDER[e.kind], not e.generated))
