"""Digital signatures on issued PDFs (PAdES, pyHanko): Quy định 379-QĐ/TW (22/10/2025) makes a
Party e-document digitally signed by the issuing body an original.

The administrator configures the issuing body's certificate as a PKCS#12 file:
`TONGKET_SIGNING_CERT` (its path) and `TONGKET_SIGNING_PASSPHRASE`. When both are set, every PDF
the product issues is signed; `tongket verify FILE.pdf` says who signed and whether the file is
intact. Read at call time, not through Django settings, so renderers stay usable outside Django.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from io import BytesIO

from tongket.core.errors import DomainError

CERT_ENV = "TONGKET_SIGNING_CERT"
PASSPHRASE_ENV = "TONGKET_SIGNING_PASSPHRASE"
FIELD_NAME = "ChuKySo"


def signing_configured() -> bool:
    return bool(os.environ.get(CERT_ENV, "").strip() and PASSPHRASE_ENV in os.environ)


def sign_if_configured(pdf: bytes) -> bytes:
    """The PDF signed with the configured certificate, or unchanged when none is configured."""
    if not signing_configured():
        return pdf
    return sign_pdf(pdf, os.environ[CERT_ENV].strip(), os.environ[PASSPHRASE_ENV])


def sign_pdf(pdf: bytes, pkcs12_path: str, passphrase: str) -> bytes:
    """A PAdES baseline signature over the whole file, appended as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    signer = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
        pkcs12_path, passphrase=passphrase.encode()
    )
    if signer is None:
        raise DomainError(
            f"Không đọc được chứng thư số «{pkcs12_path}» (tệp PKCS#12 hoặc mật khẩu sai).",
            field=CERT_ENV,
            rule="reports.signing.certificate",
            citation="Quy định 379-QĐ/TW ngày 22/10/2025",
        )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=SigSeedSubFilter.PADES, location="Việt Nam"
    )
    out = signers.sign_pdf(writer, meta, signer=signer)
    return bytes(out.getvalue())


@dataclass(frozen=True)
class Verification:
    """What `tongket verify` reports of a PDF's signature."""

    signed: bool
    signer: str
    intact: bool

    @property
    def ok(self) -> bool:
        return self.signed and self.intact


def verify_pdf(pdf: bytes) -> Verification:
    """The first signature's signer and whether the signed bytes and the signature hold.

    Trust in the issuing body's certificate is the office's to judge (its CA); this checks that
    the file is the one that was signed.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(pdf))
        signatures = reader.embedded_signatures
    except Exception:
        return Verification(signed=False, signer="", intact=False)
    if not signatures:
        return Verification(signed=False, signer="", intact=False)
    signature = signatures[0]
    signer = signature.signer_cert.subject.human_friendly
    try:
        # No trust roots: whether the CA is trusted is not asked here, only integrity.
        status = validate_pdf_signature(
            signature, signer_validation_context=ValidationContext(trust_roots=[])
        )
    except Exception:
        return Verification(signed=True, signer=signer, intact=False)
    # The signature must cover the whole file but the signature itself: bytes appended after it
    # (or a changed byte inside) are not the signed document.
    covers = signature.coverage is not None and signature.coverage.name == "ENTIRE_FILE"
    intact = bool(status.intact and status.valid and covers)
    return Verification(signed=True, signer=signer, intact=intact)
