"""Demo step: one login per role, printed by `tongket demo` (and so by `make demo`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from tongket.accounts import services
from tongket.accounts.models import Role
from tongket.core.demo import DEMO_ORG, DemoContext
from tongket.people.models import Member, PartyRole, PartyRoleKind


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    description: str


DEMO_ACCOUNTS = (
    DemoAccount("quantri", "Quantri@2021demo", "quản trị hệ thống"),
    DemoAccount("vanphong", "Vanphong@2021demo", f"văn phòng Đảng ủy Sở ({DEMO_ORG})"),
    DemoAccount("bithu", "Bithu@2021demo", "Bí thư Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng"),
    DemoAccount("bithu2", "Bithu2@2021demo", "Bí thư Chi bộ Thanh tra"),
    DemoAccount("khoi", "Khoi@2021demo", "Đảng ủy Khối (cấp trên, chỉ xem)"),
    DemoAccount("dangvien", "Dangvien@2021demo", "đảng viên (chỉ xem hồ sơ của mình)"),
)


def _secretary_card(cell_code: str) -> str:
    role = PartyRole.objects.select_related("member").get(
        organization__code=cell_code, role=PartyRoleKind.SECRETARY, end__isnull=True
    )
    return role.member.card_number


def _account(username: str, full_name: str, **extra: Any) -> None:
    """Create the demo account `username` with its password of DEMO_ACCOUNTS."""
    password = next(a.password for a in DEMO_ACCOUNTS if a.username == username)
    services.create_user(
        actor=None, username=username, password=password, full_name=full_name, **extra
    )


def _grant(username: str, organization_code: str, role: Role) -> None:
    services.grant_access(
        actor=None, username=username, organization_code=organization_code, role=role
    )


def load(ctx: DemoContext) -> None:
    if get_user_model().objects.filter(username="quantri").exists():
        return
    tccb = f"{DEMO_ORG}.TCCB"
    ttr = f"{DEMO_ORG}.TTR"
    plain = (
        Member.objects.filter(organization__code=f"{DEMO_ORG}.KHTC", user__isnull=True)
        .exclude(party_roles__isnull=False)
        .order_by("card_number")
        .first()
    )
    assert plain is not None
    _account("quantri", "Quản trị hệ thống", is_superuser=True)
    _account("vanphong", "Văn phòng Đảng ủy Sở")
    _grant("vanphong", DEMO_ORG, Role.OFFICE_ADMIN)
    for username, cell in (("bithu", tccb), ("bithu2", ttr)):
        card = _secretary_card(cell)
        member = Member.objects.get(card_number=card)
        _account(username, member.full_name, member_card=card)
        _grant(username, cell, Role.CELL_SECRETARY)
    _account("khoi", "Văn phòng Đảng ủy Khối")
    _grant("khoi", "QT.KCQDN", Role.SUPERIOR_READER)
    _account("dangvien", plain.full_name, member_card=plain.card_number)
