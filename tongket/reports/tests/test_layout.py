"""One layout, two files: the demo's documents as DOCX (converted by LibreOffice) and as the
product's PDF have the same pages, and each page the same text.

LibreOffice starts once per session for all the documents (a few seconds each, not per test).
The product's PDFs and PNG renderings of their first pages stay in test-artifacts/documents/.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from pypdf import PdfReader

from tongket.awards.selectors import organization_register
from tongket.core.demo import DEMO_ORG
from tongket.core.testenv import in_ci
from tongket.core.tests.libreoffice import find_soffice
from tongket.people.selectors import get_organization, members_of
from tongket.people.services import transfer_member
from tongket.reports.selectors import KINDS, render_report

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "documents"
YEAR = 2020
# Every kind of document the demo issues, by the command's --kind and its extra options.
DOCUMENTS: dict[str, dict[str, Any]] = {
    "year-end": {},
    "decision": {},
    "notice": {},
    "minutes": {},
    "resolution": {},
    "awards": {},
    "program": {"year": 2021},
    "inspection-program": {"year": 2021},
    "award-decision": {},
    # The Secretary's own Giấy khen, which his deputy signs.
    "certificate": {"award_id": "secretary"},
    "certificate-preprinted": {"kind": "certificate", "award_id": "secretary", "preprinted": True},
    "referral": {"member_card": "transferred"},
    "news": {},
    "statistics": {},
}
SECRETARY = "Trần Quốc Hưng"
FROM_CELL, TO_CELL = f"{DEMO_ORG}.TTR", f"{DEMO_ORG}.VP"


def _secretary_award() -> int:
    register = organization_register(None, DEMO_ORG, YEAR)
    return next(
        row.award_id
        for group in register.groups
        for row in group.rows
        if row.recipient_name == SECRETARY and row.issuer_code == DEMO_ORG
    )


def _transfer_a_member() -> str:
    """Move a member of one cell to another through the service, as the office does."""
    card = members_of(None, get_organization(None, FROM_CELL))[0].card_number
    transfer_member(
        actor=None, card_number=card, to_code=TO_CELL, on=dt.date(2021, 3, 1), note="Điều động"
    )
    return card


def _pages(pdf: bytes) -> list[str]:
    """Each page's text with the white space taken out: lines may wrap a word apart."""
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(BytesIO(pdf)).pages]


@pytest.fixture(scope="session")
def converted(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[bytes, bytes]]:
    """kind -> (the product's PDF, LibreOffice's PDF of the product's DOCX)."""
    soffice = find_soffice(
        "LibreOffice (gói Debian libreoffice-writer-nogui) không có trên máy",
        skipping="bỏ qua so sánh trang.",
    )
    work = tmp_path_factory.mktemp("layout")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with django_db_blocker.unblock(), transaction.atomic():
        # The transfer the referral letter needs is undone with the transaction afterwards.
        made = {"secretary": _secretary_award(), "transferred": _transfer_a_member()}
        for name, options in DOCUMENTS.items():
            for fmt in ("docx", "pdf"):
                year = options.get("year", YEAR)
                extra: dict[str, Any] = {
                    k: made.get(v, v) if isinstance(v, str) else v
                    for k, v in options.items()
                    if k not in ("year", "kind")
                }
                kind = options.get("kind", name)
                report = render_report(None, DEMO_ORG, year, kind=kind, fmt=fmt, **extra)
                (work / f"{name}.{fmt}").write_bytes(report.content)
        transaction.set_rollback(True)
    docx_files = [str(work / f"{kind}.docx") for kind in DOCUMENTS]
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "lo"),
            *docx_files,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdftoppm = shutil.which("pdftoppm")
    out: dict[str, tuple[bytes, bytes]] = {}
    for kind in DOCUMENTS:
        product = (work / f"{kind}.pdf").read_bytes()
        (ARTIFACTS / f"{kind}.pdf").write_bytes(product)
        (ARTIFACTS / f"{kind}.docx").write_bytes((work / f"{kind}.docx").read_bytes())
        if pdftoppm is not None:
            first_page = ("-png", "-r", "60", "-singlefile", "-f", "1", "-l", "1")
            pdf, png = ARTIFACTS / f"{kind}.pdf", ARTIFACTS / f"{kind}-trang-1"
            subprocess.run([pdftoppm, *first_page, str(pdf), str(png)], check=True)
        out[kind] = (product, (work / "lo" / f"{kind}.pdf").read_bytes())
    return out


# Marked as database tests so that pytest-django runs them with those, before any transactional
# test empties the database the demo was loaded into.
@pytest.mark.django_db
@pytest.mark.parametrize("kind", DOCUMENTS)
def test_the_docx_in_libreoffice_has_the_pdfs_pages_with_the_same_text(
    converted: dict[str, tuple[bytes, bytes]], kind: str
) -> None:
    product, libreoffice = (_pages(pdf) for pdf in converted[kind])
    assert len(libreoffice) == len(product), f"{kind}: {len(libreoffice)} trang ≠ {len(product)}"
    for number, (ours, theirs) in enumerate(zip(product, libreoffice, strict=True), start=1):
        assert ours == theirs, f"{kind}, trang {number}"


@pytest.mark.django_db
def test_first_pages_are_rendered_to_png_for_a_visual_check(
    converted: dict[str, tuple[bytes, bytes]],
) -> None:
    if shutil.which("pdftoppm") is None:
        if in_ci():
            pytest.fail("CI: thiếu pdftoppm (gói Debian poppler-utils).")
        pytest.skip("pdftoppm không có trên máy.")
    for kind in converted:
        assert (ARTIFACTS / f"{kind}-trang-1.png").stat().st_size > 10_000


def test_every_kind_of_the_report_command_is_compared():
    """Interfaces, issue 21: every kind writes DOCX and PDF; none escapes the comparison."""
    compared = {options.get("kind", name) for name, options in DOCUMENTS.items()}
    assert compared == set(KINDS)
