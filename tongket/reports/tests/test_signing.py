"""Signed PDFs (PAdES): an issued PDF carries the issuing body's signature, `tongket verify` names
the signer, and a file changed by one byte fails. The CA is made here and thrown away."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import CommandError, call_command

from tongket.core.demo import DEMO_ORG
from tongket.reports.documents.pdf_renderer import render_pdf
from tongket.reports.selectors import KINDS, render_report
from tongket.reports.signing import CERT_ENV, PASSPHRASE_ENV, verify_pdf
from tongket.reports.tests.test_documents import year_end_report
from tongket.reports.tests.test_layout import _secretary_award, _transfer_a_member

PASSPHRASE = "mat-khau-thu"
SIGNER = "Đảng ủy Sở Giáo dục và Đào tạo"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


@pytest.fixture(scope="module")
def pkcs12_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway CA and the issuing body's certificate from it, as a PKCS#12 file."""
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("CA thử nghiệm"))
        .issuer_name(_name("CA thử nghiệm"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(SIGNER))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    path = tmp_path_factory.mktemp("ca") / "co-quan.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"co-quan",
            key,
            cert,
            [ca],
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )
    return path


@pytest.fixture
def signing(monkeypatch: pytest.MonkeyPatch, pkcs12_file: Path) -> None:
    monkeypatch.setenv(CERT_ENV, str(pkcs12_file))
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)


def test_without_a_certificate_the_pdf_is_issued_unsigned(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(CERT_ENV, raising=False)
    result = verify_pdf(render_pdf(year_end_report()))
    assert (result.signed, result.ok) == (False, False)


def test_an_issued_pdf_is_signed_and_verifies_intact(signing: None):
    result = verify_pdf(render_pdf(year_end_report()))
    assert result.signed
    assert SIGNER in result.signer
    assert result.intact


def test_flipping_one_byte_of_a_signed_pdf_fails_verification(signing: None):
    signed = bytearray(render_pdf(year_end_report()))
    # A byte of the page content, well inside the signed range.
    at = signed.index(b"stream") + 40
    signed[at] ^= 0x01
    result = verify_pdf(bytes(signed))
    assert result.signed
    assert not result.intact


def test_verify_command_names_the_signer_and_fails_on_a_tampered_file(
    signing: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    good = tmp_path / "bao-cao.pdf"
    good.write_bytes(render_pdf(year_end_report()))
    call_command("verify", str(good))
    out = capsys.readouterr().out
    assert SIGNER in out
    assert "nguyên vẹn" in out
    tampered = tmp_path / "bao-cao-sua.pdf"
    data = bytearray(good.read_bytes())
    data[data.index(b"stream") + 40] ^= 0x01
    tampered.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="KHÔNG còn nguyên vẹn"):
        call_command("verify", str(tampered))


# Every kind of document the product issues as a PDF, with what each needs from the demo.
ISSUED_AS_PDF = [
    "year-end",
    "decision",
    "notice",
    "minutes",
    "resolution",
    "awards",
    "news",
    "program",
    "inspection-program",
    "award-decision",
    "certificate",
    "referral",
    "statistics",
]


def test_every_kind_of_the_report_command_is_checked_for_a_signature():
    assert set(ISSUED_AS_PDF) == set(KINDS)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ISSUED_AS_PDF)
def test_every_pdf_the_product_issues_is_signed_when_a_certificate_is_set(signing: None, kind: str):
    """Interfaces, issue 21: with TONGKET_SIGNING_CERT set, every PDF the product issues is
    signed, not only the official documents (the news item, the statistics, the certificate)."""
    extra: dict[str, Any] = {}
    year = 2021 if kind in ("program", "inspection-program") else 2020
    if kind == "certificate":
        extra["award_id"] = _secretary_award()
    elif kind == "referral":
        extra["member_card"] = _transfer_a_member()
    pdf = render_report(None, DEMO_ORG, year, kind=kind, fmt="pdf", **extra).content
    result = verify_pdf(pdf)
    assert result.signed, kind
    assert SIGNER in result.signer
    assert result.intact
