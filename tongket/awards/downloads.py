"""Award files handed to a user, each audited as an export of personal data (web and API)."""

from __future__ import annotations

from tongket.accounts.scope import User
from tongket.audit.services import record_export
from tongket.awards import selectors
from tongket.awards.models import Award
from tongket.reports.documents.certificate import (
    render_certificate_docx,
    render_certificate_pdf,
)


def _org_path(award: Award) -> str:
    if award.member is not None:
        return award.member.org_path
    return award.organization.path if award.organization is not None else ""


def certificate_pdf(user: User | None, award_id: int) -> bytes:
    """The certificate of an award the user may see (NotFound otherwise), audited."""
    return certificate_file(user, award_id)


def certificate_file(
    user: User | None, award_id: int, *, fmt: str = "pdf", preprinted: bool = False
) -> bytes:
    """The certificate as PDF or DOCX (`preprinted`: only the variable text), audited."""
    cert = selectors.certificate_for(user, award_id)
    award = selectors.get_award(user, award_id)
    render = render_certificate_docx if fmt == "docx" else render_certificate_pdf
    data = render(cert, preprinted=preprinted)
    record_export(
        actor=user,
        what="award_certificate",
        fmt=fmt,
        rows=1,
        org_path=_org_path(award),
        object_id=award_id,
        summary=f"In giấy khen: {cert.recipient_name}",
        details={"award": award_id},
    )
    return data
