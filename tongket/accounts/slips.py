"""One-time sign-in codes as the holder receives them: the link, and the printed slips (PDF,
eight to an A4 page, cut along the dashed lines) for members without e-mail."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tongket.accounts.domain import CODE_VALID_DAYS
from tongket.accounts.services import IssuedCode, SkippedMember
from tongket.reports.documents.pdf_renderer import FONT_FAMILY, nfc, register_fonts

_COLUMNS, _ROWS = 2, 4
_MARGIN_MM = 10.0
_PAD_MM = 5.0


def sign_in_url(username: str, code: str) -> str:
    """The one-time link: the code page with both fields filled in (TONGKET_SITE_URL in front
    when set, so that it can be printed or mailed)."""
    path = reverse("accounts:code_sign_in") + "?" + urlencode({"u": username, "code": code})
    return f"{settings.TONGKET_SITE_URL.rstrip('/')}{path}"


def render_slips(
    issued: Sequence[IssuedCode],
    *,
    organization: str,
    skipped: Sequence[SkippedMember] = (),
) -> bytes:
    """The slips of one bulk creation, in the order given, then (on a page of its own) the
    members left without an account because their card number is already an account's name."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(nfc(f"Phiếu đăng nhập lần đầu - {organization}"))
    pdf.set_creator("Tổng kết")
    pdf.set_lang("vi-VN")
    register_fonts(pdf)
    width = (pdf.w - 2 * _MARGIN_MM) / _COLUMNS
    height = (pdf.h - 2 * _MARGIN_MM) / _ROWS
    per_page = _COLUMNS * _ROWS
    for index, slip in enumerate(issued):
        if index % per_page == 0:
            pdf.add_page()
            _cut_lines(pdf, width, height)
        cell = index % per_page
        x = _MARGIN_MM + (cell % _COLUMNS) * width
        y = _MARGIN_MM + (cell // _COLUMNS) * height
        _slip(pdf, slip, x + _PAD_MM, y + _PAD_MM, width - 2 * _PAD_MM)
    if not issued:
        pdf.add_page()
        pdf.set_font(FONT_FAMILY, "", 13)
        pdf.cell(text=nfc("Không có tài khoản mới nào được tạo."))
    if skipped:
        _skipped_page(pdf, skipped)
    return bytes(pdf.output())


def _skipped_page(pdf: FPDF, skipped: Sequence[SkippedMember]) -> None:
    pdf.add_page()
    pdf.set_xy(_MARGIN_MM, _MARGIN_MM)
    width = pdf.w - 2 * _MARGIN_MM

    def line(text: str, style: str = "", size: float = 11) -> None:
        pdf.set_x(_MARGIN_MM)
        pdf.set_font(FONT_FAMILY, style, size)
        pdf.multi_cell(width, 6, nfc(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(f"CHƯA TẠO ĐƯỢC TÀI KHOẢN CHO {len(skipped)} ĐẢNG VIÊN", "B", 12)
    line(
        "Tên đăng nhập của các đồng chí này (số thẻ đảng viên) đã là tên của một tài khoản "
        "khác. Hãy liên hệ quản trị hệ thống để kiểm tra tài khoản đó, rồi tạo lại.",
        "I",
        10,
    )
    pdf.ln(2)
    for index, member in enumerate(skipped, start=1):
        if pdf.get_y() > pdf.h - _MARGIN_MM - 8:
            pdf.add_page()
            pdf.set_xy(_MARGIN_MM, _MARGIN_MM)
        line(f"{index}. {member.full_name} - số thẻ {member.card_number} - {member.organization}")


def _cut_lines(pdf: FPDF, width: float, height: float) -> None:
    pdf.set_draw_color(150, 150, 150)
    pdf.set_dash_pattern(dash=1.5, gap=1.5)
    for col in range(_COLUMNS + 1):
        x = _MARGIN_MM + col * width
        pdf.line(x, _MARGIN_MM, x, pdf.h - _MARGIN_MM)
    for row in range(_ROWS + 1):
        y = _MARGIN_MM + row * height
        pdf.line(_MARGIN_MM, y, pdf.w - _MARGIN_MM, y)
    pdf.set_dash_pattern()


def _slip(pdf: FPDF, slip: IssuedCode, x: float, y: float, width: float) -> None:
    def line(text: str, style: str = "", size: float = 10, gap: float = 4.6) -> None:
        pdf.set_x(x)
        pdf.set_font(FONT_FAMILY, style, size)
        pdf.multi_cell(width, gap, nfc(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_xy(x, y)
    line("PHIẾU ĐĂNG NHẬP LẦN ĐẦU - TỔNG KẾT", "B", 11)
    line(f"Đồng chí: {slip.full_name}", "B", 11)
    line(f"Số thẻ đảng viên: {slip.card_number}")
    line(slip.organization)
    pdf.ln(1.5)
    line(f"Tên đăng nhập: {slip.username}", "B", 11)
    line("Mã đăng nhập một lần:", "", 10)
    line(slip.code, "B", 16, 7)
    pdf.ln(1)
    line(
        f"Vào trang «Đăng nhập bằng mã một lần» ({sign_in_url('', '').split('?')[0]}), "
        "nhập tên đăng nhập và mã trên, rồi đặt mật khẩu của mình. "
        f"Mã chỉ dùng được một lần, trong {CODE_VALID_DAYS} ngày.",
        "I",
        9,
        4.2,
    )
