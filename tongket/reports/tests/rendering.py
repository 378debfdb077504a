"""Reading rendered documents back in the report tests: their text, and PNG pages to look at."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def docx_text(data: bytes) -> str:
    body = Document(BytesIO(data)).element.body
    return flat(
        " ".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))
    )


def pdf_text(data: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages))


def write_pngs(pdf: bytes, name: str, *pages: str) -> bool:
    """Write the PDF and the chosen pages as PNG under test-artifacts/ for a visual check, named
    after `name`; False (and nothing written) where pdftoppm is not installed."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("pdftoppm không có trên máy (gói poppler-utils): bỏ qua bước xuất ảnh PNG.")
        return False
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / f"{name}.pdf"
    pdf_path.write_bytes(pdf)
    png = ("-png", "-r", "60", *pages)
    subprocess.run([pdftoppm, *png, str(pdf_path), str(ARTIFACTS / name)], check=True)
    return True
