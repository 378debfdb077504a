"""The one layout both renderers draw: sizes, line pitch, spacing and what stays together.

The DOCX and the PDF of a document agree page for page because every vertical distance comes
from here and is fixed, not left to each program's idea of "single" spacing: lines are set at an
exact pitch (1,15 × the font size, Word's single line for Times New Roman), paragraphs are
separated by 6 pt, a heading stays with what follows it, a table row is never split, and the
signature stays with the body's last paragraph (Hướng dẫn 36-HD/VPTW: body 13–14, line spacing
from single to 1,5 lines, paragraphs at least 6 pt apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

PT_MM = 25.4 / 72


@dataclass(frozen=True)
class Layout:
    """Every measure the DOCX and the PDF renderer share; sizes in points, widths in mm."""

    body_pt: int = 14
    motto_pt: int = 15
    type_name_pt: int = 16
    table_pt: int = 13
    recipient_pt: int = 12
    # The line pitch is this multiple of the font size, set as an exact height in both files.
    line_factor: Decimal = Decimal("1.15")
    paragraph_gap_pt: int = 6
    first_line_indent_mm: int = 10
    title_gap_before_pt: int = 18
    title_gap_after_pt: int = 12
    date_gap_before_pt: int = 6
    # The left column's share of the text width in the header and the signature block: the
    # right column must hold "Quảng Trị, ngày 24 tháng 02 năm 2021" at 14 pt on one line.
    left_share: Decimal = Decimal("0.45")
    # Room to sign and stamp between the title and the name, in body lines.
    signature_space_lines: int = 4
    # Table cells: padding above/below and left/right of the text.
    cell_padding_v_mm: Decimal = Decimal("1.0")
    cell_padding_h_mm: Decimal = Decimal("1.5")
    # Table lines; Word and LibreOffice count a row's line into the row's height.
    table_border_pt: Decimal = Decimal("0.5")
    # Page numbers from page 2, top centre, this far from the paper's edge.
    page_number_from_top_mm: int = 10

    def pitch_pt(self, size_pt: int) -> Decimal:
        """The exact line height for a font size, in points (16,1 pt for 14 pt text)."""
        return Decimal(size_pt) * self.line_factor

    def pitch_twips(self, size_pt: int) -> int:
        """The same height in Word's twentieths of a point (322 for 14 pt text)."""
        return int(self.pitch_pt(size_pt) * 20)

    def pitch_mm(self, size_pt: int) -> float:
        return float(self.pitch_pt(size_pt)) * PT_MM


LAYOUT = Layout()
# A picture's line is its height and this much more: a 1 pt run's descent, which Word and
# LibreOffice place below the picture.
FIGURE_LINE_EXTRA_PT = 1
