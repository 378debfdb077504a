"""Official Party documents (Hướng dẫn 36-HD/VPTW): the facts and their DOCX, PDF, Markdown forms.

Renderers take an `OfficialDocument` built by a selector and never touch the database.
"""

from __future__ import annotations

from tongket.reports.documents.model import (
    BAO_CAO,
    BIEN_BAN,
    CHUONG_TRINH,
    DEFAULT_PAGE_SETUP,
    DOCUMENT_TYPES,
    KE_HOACH,
    NGHI_QUYET,
    QUYET_DINH,
    THONG_BAO,
    TO_TRINH,
    Block,
    BulletList,
    DocumentType,
    Figure,
    Heading,
    OfficialDocument,
    PageBreak,
    PageSetup,
    Paragraph,
    Run,
    Signature,
    Table,
    document_number_text,
    document_type,
    place_date_line,
)

__all__ = [
    "BAO_CAO",
    "BIEN_BAN",
    "CHUONG_TRINH",
    "DEFAULT_PAGE_SETUP",
    "DOCUMENT_TYPES",
    "KE_HOACH",
    "NGHI_QUYET",
    "QUYET_DINH",
    "THONG_BAO",
    "TO_TRINH",
    "Block",
    "BulletList",
    "DocumentType",
    "Figure",
    "Heading",
    "OfficialDocument",
    "PageBreak",
    "PageSetup",
    "Paragraph",
    "Run",
    "Signature",
    "Table",
    "document_number_text",
    "document_type",
    "place_date_line",
]
