"""The facts of an official Party document (Hướng dẫn 36-HD/VPTW), shared by every renderer."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from tongket.core.errors import DomainError
from tongket.core.formatting import place_date

# The motto every Party document carries top right (HD 36, point II.1.1).
PARTY_MOTTO = "ĐẢNG CỘNG SẢN VIỆT NAM"
# Under the issuing body's name: a single asterisk (HD 36, Phụ lục 1, ô số 2).
ISSUER_MARK = "*"
# Under the summary line: five hyphens, centred (HD 36, Phụ lục 1, ô số 5).
SUMMARY_RULE = "-----"
RECIPIENTS_LABEL = "Nơi nhận:"
# A draft leaves the number blank so the office writes it in when the document is issued.
DRAFT_NUMBER_BLANK = "    "


@dataclass(frozen=True)
class DocumentType:
    """A kind of Party document: its code in the number (`BC`) and its name on the page."""

    code: str
    name: str


BAO_CAO = DocumentType("BC", "BÁO CÁO")
NGHI_QUYET = DocumentType("NQ", "NGHỊ QUYẾT")
KE_HOACH = DocumentType("KH", "KẾ HOẠCH")
CHUONG_TRINH = DocumentType("CTr", "CHƯƠNG TRÌNH")
QUYET_DINH = DocumentType("QĐ", "QUYẾT ĐỊNH")
THONG_BAO = DocumentType("TB", "THÔNG BÁO")
BIEN_BAN = DocumentType("BB", "BIÊN BẢN")
TO_TRINH = DocumentType("TTr", "TỜ TRÌNH")

DOCUMENT_TYPES: Mapping[str, DocumentType] = MappingProxyType(
    {
        t.code: t
        for t in (
            BAO_CAO,
            NGHI_QUYET,
            KE_HOACH,
            CHUONG_TRINH,
            QUYET_DINH,
            THONG_BAO,
            BIEN_BAN,
            TO_TRINH,
        )
    }
)


def document_type(code: str) -> DocumentType:
    """The document type for a code such as `BC` or `QĐ`; an unknown code is refused."""
    try:
        return DOCUMENT_TYPES[unicodedata.normalize("NFC", code.strip())]
    except KeyError:
        known = ", ".join(DOCUMENT_TYPES)
        raise DomainError(
            f"Không có loại văn bản mang ký hiệu «{code}». Các ký hiệu hợp lệ: {known}.",
            field="kind",
            rule="documents.type.unknown",
            citation="Hướng dẫn 36-HD/VPTW ngày 03/4/2018",
        ) from None


def document_number_text(number: int | None, type_code: str, issuer_code: str) -> str:
    """`Số 12-BC/ĐU`, no colon after "Số" (HD 36, Phụ lục 3); a draft leaves the number blank.

    >>> document_number_text(12, "BC", "ĐU")
    'Số 12-BC/ĐU'
    """
    if number is not None and number <= 0:
        raise DomainError(
            "Số văn bản phải là số nguyên dương.",
            field="number",
            rule="documents.number.positive",
        )
    shown = DRAFT_NUMBER_BLANK if number is None else f" {number}"
    return f"Số{shown}-{type_code}/{issuer_code}"


def place_date_line(place: str, date: dt.date) -> str:
    """`Quảng Trị, ngày 24 tháng 02 năm 2021`, `Quảng Trị, ngày 05 tháng 3 năm 2026` (HD 36)."""
    return place_date(place, date)


# --- body blocks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A stretch of text within a paragraph, with its own weight and slant."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Heading:
    """A heading of the body: level 1 is a part (`I- KẾT QUẢ...`), 2 a section, 3 a point."""

    text: str
    level: int = 1
    # A decision's "QUYẾT ĐỊNH:" and a resolution's "QUYẾT NGHỊ:" stand centred (HD 36).
    centered: bool = False

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3):
            raise ValueError("Cấp đề mục phải là 1, 2 hoặc 3.")


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: plain `text`, or `runs` when parts of it are bold or italic.

    `bold` and `italic` apply to plain text; give either text or runs, not both.
    """

    text: str = ""
    runs: tuple[Run, ...] = ()
    bold: bool = False
    italic: bool = False
    # A decision's authority line is centred without indent; body text is justified.
    centered: bool = False

    def __post_init__(self) -> None:
        if self.text and self.runs:
            raise ValueError("Đoạn văn chỉ nhận hoặc text hoặc runs, không nhận cả hai.")

    @property
    def spans(self) -> tuple[Run, ...]:
        if self.runs:
            return self.runs
        return (Run(self.text, bold=self.bold, italic=self.italic),)

    @property
    def plain_text(self) -> str:
        return "".join(run.text for run in self.spans)


@dataclass(frozen=True)
class Table:
    """A table with a header row; `column_widths` are relative weights (default: equal)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    column_widths: tuple[int, ...] = ()
    # One letter per column: L, C or R; numbers stand right-aligned. Default: all left.
    column_align: str = ""

    def __post_init__(self) -> None:
        columns = len(self.headers)
        if self.column_align and (
            len(self.column_align) != columns or set(self.column_align) - set("LCR")
        ):
            raise ValueError(f"Bảng cần {columns} ký tự căn lề cột, mỗi ký tự là L, C hoặc R.")
        if columns == 0:
            raise ValueError("Bảng phải có ít nhất một cột.")
        for index, row in enumerate(self.rows, start=1):
            if len(row) != columns:
                raise ValueError(f"Dòng {index} của bảng có {len(row)} ô, cần {columns} ô.")
        if self.column_widths and (
            len(self.column_widths) != columns or any(w <= 0 for w in self.column_widths)
        ):
            raise ValueError(f"Bảng cần {columns} độ rộng cột, mỗi độ rộng là số dương.")

    def width_fractions(self) -> tuple[Decimal, ...]:
        """Each column's share of the table's width; they add up to 1."""
        weights = self.column_widths or (1,) * len(self.headers)
        total = Decimal(sum(weights))
        return tuple(Decimal(w) / total for w in weights)

    def alignment(self, column: int) -> str:
        return self.column_align[column] if self.column_align else "L"


@dataclass(frozen=True)
class BulletList:
    """Items written each on its own line after a dash, as offices do."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class PageBreak:
    """Start the next block on a new page."""


@dataclass(frozen=True)
class Figure:
    """A picture (a chart drawn as PNG), centred at this size; `table` holds its figures for
    the forms that cannot show a picture (Markdown) and for readers who cannot see one."""

    png: bytes
    width_mm: Decimal
    height_mm: Decimal
    caption: str
    table: Table | None = None


Block = Heading | Paragraph | Table | BulletList | PageBreak | Figure


@dataclass(frozen=True)
class Signature:
    """The signature block: `T/M ĐẢNG ỦY` / `BÍ THƯ`, or `T/M ĐẢNG ỦY` / `K/T BÍ THƯ` /
    `PHÓ BÍ THƯ` (`for_secretary`, HD 36), then the name (see formats.signature_on).

    `on_behalf` is empty when the signer signs in his or her own capacity.
    """

    on_behalf: str
    title: str
    name: str
    for_secretary: str = ""

    @property
    def heading_lines(self) -> tuple[str, ...]:
        """The capitalised lines above the room to sign."""
        lines = (self.on_behalf, self.for_secretary, self.title)
        return tuple(unicodedata.normalize("NFC", line).upper() for line in lines if line)


@dataclass(frozen=True)
class PageSetup:
    """Paper and margins in millimetres; HD 36 asks for A4, margins about 20/20/30/15 mm."""

    width_mm: Decimal = Decimal(210)
    height_mm: Decimal = Decimal(297)
    top_mm: Decimal = Decimal(20)
    bottom_mm: Decimal = Decimal(20)
    left_mm: Decimal = Decimal(30)
    right_mm: Decimal = Decimal(15)

    @property
    def text_width_mm(self) -> Decimal:
        return self.width_mm - self.left_mm - self.right_mm


DEFAULT_PAGE_SETUP = PageSetup()


@dataclass(frozen=True)
class OfficialDocument:
    """Everything a Party document shows, in the order HD 36 lays it out."""

    superior_body: str  # ĐẢNG BỘ KHỐI CƠ QUAN VÀ DOANH NGHIỆP TỈNH
    issuer_body: str  # ĐẢNG ỦY SỞ GIÁO DỤC VÀ ĐÀO TẠO
    issuer_code: str  # ĐU
    number: int | None  # None for a draft
    kind: DocumentType
    place: str
    date: dt.date
    summary: str
    body: tuple[Block, ...]
    signature: Signature
    recipients: tuple[str, ...] = field(default_factory=tuple)
    # Minutes carry two signatures: the secretary's on the left, where others list recipients.
    countersignature: Signature | None = None
    # A long list goes after the signature, on its own pages, under this title (the decision's
    # "DANH SÁCH … (Kèm theo Quyết định số …)").
    annex_title: str = ""
    annex: tuple[Block, ...] = field(default_factory=tuple)

    @property
    def number_text(self) -> str:
        # A personal paper (HD 43's Mẫu 2A–2C: a member's review) carries no number.
        if not self.kind.code:
            return ""
        return document_number_text(self.number, self.kind.code, self.issuer_code)

    @property
    def place_date_text(self) -> str:
        return place_date_line(self.place, self.date)
