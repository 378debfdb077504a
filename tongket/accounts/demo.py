"""Demo step: one login per role, printed by `tongket demo` (and so by `make demo`)."""

from __future__ import annotations

from dataclasses import dataclass

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


def load(ctx: DemoContext) -> None:
    if get_user_model().objects.filter(username="quantri").exists():
        return
    accounts = {a.username: a for a in DEMO_ACCOUNTS}
    tccb = f"{DEMO_ORG}.TCCB"
    ttr = f"{DEMO_ORG}.TTR"
    plain = (
        Member.objects.filter(organization__code=f"{DEMO_ORG}.KHTC", user__isnull=True)
        .exclude(party_roles__isnull=False)
        .order_by("card_number")
        .first()
    )
    assert plain is not None
    services.create_user(
        actor=None,
        username="quantri",
        password=accounts["quantri"].password,
        full_name="Quản trị hệ thống",
        is_superuser=True,
    )
    services.create_user(
        actor=None,
        username="vanphong",
        password=accounts["vanphong"].password,
        full_name="Văn phòng Đảng ủy Sở",
    )
    services.grant_access(
        actor=None, username="vanphong", organization_code=DEMO_ORG, role=Role.OFFICE_ADMIN
    )
    for username, cell in (("bithu", tccb), ("bithu2", ttr)):
        card = _secretary_card(cell)
        member = Member.objects.get(card_number=card)
        services.create_user(
            actor=None,
            username=username,
            password=accounts[username].password,
            full_name=member.full_name,
            member_card=card,
        )
        services.grant_access(
            actor=None, username=username, organization_code=cell, role=Role.CELL_SECRETARY
        )
    services.create_user(
        actor=None,
        username="khoi",
        password=accounts["khoi"].password,
        full_name="Văn phòng Đảng ủy Khối",
    )
    services.grant_access(
        actor=None, username="khoi", organization_code="QT.KCQDN", role=Role.SUPERIOR_READER
    )
    services.create_user(
        actor=None,
        username="dangvien",
        password=accounts["dangvien"].password,
        full_name=plain.full_name,
        member_card=plain.card_number,
    )
