"""Accounts for every member of an organization's subtree, answered as the PDF of their sign-in
slips: in the request for a small organization, else as a queued job whose file the office
downloads (tongket.core.filejobs kind "member_accounts"). All accounts or none, audited."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from tongket.accounts import services
from tongket.accounts.scope import User
from tongket.accounts.slips import render_slips
from tongket.audit.services import record_export
from tongket.core.filejobs import Made
from tongket.people.models import Organization
from tongket.people.pickers import PURPOSES
from tongket.people.selectors import members_in_subtree


@dataclass(frozen=True)
class Slips:
    pdf: bytes
    filename: str
    issued: int
    organization: str


def _organization(actor: User | None, code: str) -> Organization:
    org = PURPOSES["accounts"](actor).filter(code=code).first()
    if org is None:
        raise services.org_not_found(code)
    return org


def is_large(actor: User | None, code: str) -> bool:
    """Whether the organization has more members without an account than a request should
    make (TONGKET_BULK_INLINE_MEMBERS; counted up to the limit only): then it is queued."""
    limit = int(getattr(settings, "TONGKET_BULK_INLINE_MEMBERS", 100))
    org = _organization(actor, code)
    waiting = members_in_subtree(org).filter(user__isnull=True).order_by()[: limit + 1]
    return bool(waiting.count() > limit)


@transaction.atomic
def member_slips(
    *,
    actor: User | None,
    organization_code: str,
    progress: Callable[[int, int], None] | None = None,
) -> Slips:
    """Make the accounts (services.create_member_accounts) and their slips, the export of the
    slips audited, all in one transaction."""
    result = services.create_member_accounts(
        actor=actor, organization_code=organization_code, progress=progress
    )
    org = _organization(actor, organization_code)
    issued = result.issued
    pdf = render_slips(issued, organization=org.name, skipped=result.skipped)
    record_export(
        actor=actor,
        what="sign_in_slips",
        fmt="pdf",
        org_path=org.path,
        summary=f"Phiếu đăng nhập lần đầu: {org.name} ({len(issued)} tài khoản)",
        rows=len(issued),
    )
    name = slugify(f"phieu-dang-nhap-{org.code}") or "phieu-dang-nhap"
    return Slips(pdf=pdf, filename=f"{name}.pdf", issued=len(issued), organization=org.name)


def may_download_slips(owner: User, params: Mapping[str, Any]) -> bool:
    """The slips' file (the one-time codes of the new accounts) is served only while its owner
    still administers the organization (docs/accounts.md: printing slips is the office
    administrator's); a read-only grant on it is not enough."""
    code = str(params.get("organization", ""))
    return PURPOSES["accounts"](owner).filter(code=code).exists()


def member_accounts_job(
    owner: User, params: Mapping[str, Any], file: IO[bytes], progress: Callable[[int, int], None]
) -> Made:
    """The queued bulk creation: its slips are the job's file."""
    slips = member_slips(
        actor=owner, organization_code=str(params.get("organization", "")), progress=progress
    )
    file.write(slips.pdf)
    return Made(
        filename=slips.filename,
        summary=f"{slips.issued} tài khoản mới của {slips.organization}",
    )
