"""The commendation certificate: A4 landscape, a frame drawn with lines, Vietnamese text intact."""

from __future__ import annotations

import unicodedata
from datetime import date
from io import BytesIO
from typing import Any

from pypdf import PdfReader

from tongket.reports.documents.certificate import Certificate, render_certificate_pdf
from tongket.reports.documents.model import Signature
from tongket.reports.tests.rendering import ARTIFACTS, write_pngs


def giay_khen(**changes) -> Certificate:
    cert = Certificate(
        issuer_body="Đảng ủy Sở Giáo dục và Đào tạo",
        form_name="Giấy khen",
        recipient_name="Võ Văn Minh",
        recipient_detail="Ủy viên Ban Thường vụ Đảng ủy, Phó Giám đốc Sở",
        achievement="hoàn thành xuất sắc nhiệm vụ năm 2020",
        decision_number="45-QĐ/ĐU",
        decision_date=date(2021, 2, 24),
        place="Quảng Trị",
        signature=Signature("T/M Đảng ủy", "Phó Bí thư", "Lê Văn Tính"),
        register_number="12/GK",
    )
    return Certificate(**{**cert.__dict__, **changes})


def text_of(data: bytes) -> str:
    page = PdfReader(BytesIO(data)).pages[0]
    return " ".join(unicodedata.normalize("NFC", page.extract_text()).split())


def test_certificate_is_one_a4_landscape_page():
    reader = PdfReader(BytesIO(render_certificate_pdf(giay_khen())))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


def test_certificate_text_keeps_the_recipients_diacritics():
    text = text_of(render_certificate_pdf(giay_khen()))
    for fragment in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG ỦY SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "GIẤY KHEN",
        "Đồng chí Võ Văn Minh",
        "Ủy viên Ban Thường vụ Đảng ủy, Phó Giám đốc Sở",
        "Đã có thành tích hoàn thành xuất sắc nhiệm vụ năm 2020",
        "Quyết định số 45-QĐ/ĐU, ngày 24/02/2021",
        "Số vào sổ: 12/GK",
        "Quảng Trị, ngày 24 tháng 02 năm 2021",
        "T/M ĐẢNG ỦY",
        "PHÓ BÍ THƯ",
        "Lê Văn Tính",
    ):
        assert fragment in text, fragment


def test_certificate_for_a_collective_omits_the_personal_title():
    cert = giay_khen(
        recipient_title="",
        recipient_name="Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng",
        recipient_detail="",
    )
    text = text_of(render_certificate_pdf(cert))
    assert "Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng" in text
    assert "Đồng chí" not in text


def test_certificate_frame_is_drawn_with_lines():
    page = PdfReader(BytesIO(render_certificate_pdf(giay_khen()))).pages[0]
    contents: Any = page.get_contents()
    operators = contents.get_data().decode("latin-1").split()
    # Two frames and a double inner rule, a chain of diamonds, corner squares and brackets.
    assert operators.count("re") >= 7
    assert operators.count("l") >= 200


def test_certificate_renders_to_png_for_a_visual_check():
    if write_pngs(render_certificate_pdf(giay_khen()), "giay-khen", "-singlefile"):
        assert (ARTIFACTS / "giay-khen.png").stat().st_size > 10_000
