"""Accounts and grants through the services: bounded to the subtrees the actor administers,
nobody grants more than they hold, every change audited, one-time codes used once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tongket.accounts import selectors, services
from tongket.accounts.models import Role
from tongket.accounts.scope import forget_scope, scope_for
from tongket.audit.models import AuditEvent
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.people.models import Member, Organization

pytestmark = pytest.mark.django_db

DEPARTMENT = "QT.KCQDN.SGDDT"
CELL = f"{DEPARTMENT}.TCCB"
OTHER_CELL = f"{DEPARTMENT}.TTR"
PASSWORD = "Kiem-thu-2026-mat-khau"


def _granted(
    username: str,
    code: str,
    role: str,
    *,
    creator: Any = None,
    valid_until: dt.date | None = None,
    **account: Any,
) -> Any:
    """An account made by `creator` (the system unless named), then given `role` over `code`
    by the system; the account."""
    user = services.create_user(actor=creator, username=username, **account)
    services.grant_access(
        actor=None, username=username, organization_code=code, role=role, valid_until=valid_until
    )
    return user


def _cell_admin() -> Any:
    """An office administrator of the TCCB cell's subtree only (made as the system would)."""
    return _granted("vpchibo", CELL, Role.OFFICE_ADMIN, password=PASSWORD)


def _plain_member(code: str) -> Member:
    return Member.objects.filter(organization__code=code, user__isnull=True).order_by(
        "card_number"
    )[0]


def test_a_cell_administrator_sees_only_the_accounts_of_the_cell() -> None:
    admin = _cell_admin()
    seen = set(selectors.visible_accounts(admin).values_list("username", flat=True))
    assert "bithu" in seen  # the TCCB secretary's account lives in the cell
    assert seen.isdisjoint({"bithu2", "vanphong", "khoi", "quantri", "dangvien"})
    grants = selectors.visible_grants(admin)
    assert {g.organization.code for g in grants} == {CELL}


def test_a_cell_administrator_cannot_grant_outside_the_cell() -> None:
    admin = _cell_admin()
    with pytest.raises(DomainError) as refused:
        services.grant_access(
            actor=admin, username="bithu", organization_code=DEPARTMENT, role=Role.CELL_SECRETARY
        )
    assert refused.value.rule == "people.organization.unknown_code"
    with pytest.raises(DomainError) as unseen:
        services.grant_access(
            actor=admin, username="bithu2", organization_code=CELL, role=Role.SUPERIOR_READER
        )
    assert unseen.value.rule == "accounts.unknown_user"


def test_a_cell_administrator_cannot_reset_or_deactivate_an_account_outside_the_cell() -> None:
    admin = _cell_admin()
    for username in ("vanphong", "bithu2", "quantri"):
        with pytest.raises(DomainError) as refused:
            services.issue_sign_in_code(actor=admin, username=username)
        assert refused.value.rule == "accounts.unknown_user"
        with pytest.raises(DomainError):
            services.set_user_active(actor=admin, username=username, active=False)
    assert get_user_model().objects.get(username="vanphong").has_usable_password()


def test_an_account_holding_more_than_the_administrator_is_left_to_a_superior() -> None:
    admin = _cell_admin()
    card = _plain_member(CELL).card_number
    _granted(
        "nguoi.trong.chi.bo", DEPARTMENT, Role.SUPERIOR_READER, creator=admin, member_card=card
    )
    with pytest.raises(PermissionDenied):
        services.issue_sign_in_code(actor=admin, username="nguoi.trong.chi.bo")
    vanphong = get_user_model().objects.get(username="vanphong")
    assert services.issue_sign_in_code(actor=vanphong, username="nguoi.trong.chi.bo")


def test_nobody_grants_longer_than_their_own_grant() -> None:
    until = timezone.localdate() + dt.timedelta(days=30)
    actor = _granted("vptamthoi", CELL, Role.OFFICE_ADMIN, password=PASSWORD, valid_until=until)
    with pytest.raises(DomainError) as refused:
        services.grant_access(
            actor=actor, username="bithu", organization_code=CELL, role=Role.SUPERIOR_READER
        )
    assert refused.value.rule == "accounts.grant.beyond_held"
    grant = services.grant_access(
        actor=actor,
        username="bithu",
        organization_code=CELL,
        role=Role.SUPERIOR_READER,
        valid_until=until,
    )
    assert grant.valid_until == until


def test_a_grant_gives_access_only_between_its_dates_and_until_revoked() -> None:
    today = timezone.localdate()
    services.create_user(actor=None, username="sapden", password=PASSWORD, home_code=CELL)
    later = services.grant_access(
        actor=None,
        username="sapden",
        organization_code=CELL,
        role=Role.SUPERIOR_READER,
        valid_from=today + dt.timedelta(days=1),
    )
    user = get_user_model().objects.get(username="sapden")
    assert not scope_for(user).read_paths
    services.revoke_grant(actor=None, grant_id=later.pk)
    now = services.grant_access(
        actor=None, username="sapden", organization_code=CELL, role=Role.SUPERIOR_READER
    )
    forget_scope(user)
    assert scope_for(user).reads(Organization.objects.get(code=CELL).path)
    services.revoke_grant(actor=None, grant_id=now.pk)
    forget_scope(user)
    assert not scope_for(user).read_paths
    with pytest.raises(DomainError) as again:
        services.revoke_grant(actor=None, grant_id=now.pk)
    assert again.value.rule == "accounts.grant.revoked"
    actions = list(
        AuditEvent.objects.filter(object_type="grant", object_id__in=[later.pk, now.pk])
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["grant.create", "grant.revoke", "grant.create", "grant.revoke"]


def test_a_deactivated_account_cannot_sign_in_and_can_be_reactivated() -> None:
    vanphong = get_user_model().objects.get(username="vanphong")
    services.set_user_active(actor=vanphong, username="bithu", active=False)
    client = Client()
    assert not client.login(username="bithu", password="Bithu@2021demo")
    services.set_user_active(actor=vanphong, username="bithu", active=True)
    assert client.login(username="bithu", password="Bithu@2021demo")
    actions = AuditEvent.objects.filter(object_id="bithu", action__startswith="user.")
    assert {"user.deactivate", "user.reactivate"} <= set(actions.values_list("action", flat=True))


def test_a_reset_code_signs_in_once_and_the_old_password_stops_working() -> None:
    vanphong = get_user_model().objects.get(username="vanphong")
    code = services.issue_sign_in_code(actor=vanphong, username="bithu")
    assert not Client().login(username="bithu", password="Bithu@2021demo")
    with pytest.raises(DomainError) as wrong:
        services.sign_in_with_code(username="bithu", code="AAAA-BBBB-CCCC", ip="127.0.0.9")
    assert wrong.value.rule == "accounts.code.wrong"
    user = services.sign_in_with_code(username="bithu", code=code.lower(), ip="127.0.0.9")
    assert user.get_username() == "bithu"
    assert services.must_set_password(user)
    with pytest.raises(DomainError):
        services.sign_in_with_code(username="bithu", code=code, ip="127.0.0.9")
    services.set_own_password(actor=user, password="Mat-khau-moi-2026")
    assert not services.must_set_password(user)
    assert Client().login(username="bithu", password="Mat-khau-moi-2026")


def test_bulk_accounts_for_a_cell_link_each_member_and_skip_those_with_an_account() -> None:
    vanphong = get_user_model().objects.get(username="vanphong")
    cell = Organization.objects.get(code=CELL)
    without = set(
        Member.objects.filter(org_path__startswith=cell.path, user__isnull=True).values_list(
            "card_number", flat=True
        )
    )
    issued = services.create_member_accounts(actor=vanphong, organization_code=CELL).issued
    assert {i.card_number for i in issued} == without
    assert all(i.username == i.card_number and len(i.code) == 14 for i in issued)
    assert not Member.objects.filter(org_path__startswith=cell.path, user__isnull=True).exists()
    first = issued[0]
    assert services.sign_in_with_code(username=first.username, code=first.code, ip=None)
    assert services.create_member_accounts(
        actor=vanphong, organization_code=CELL
    ) == services.MemberAccounts(issued=[], skipped=[])
    assert AuditEvent.objects.filter(
        action="user.create", org_path__startswith=cell.path
    ).count() >= len(issued)


def test_bulk_accounts_outside_the_administered_subtree_are_refused() -> None:
    admin = _cell_admin()
    with pytest.raises(DomainError) as refused:
        services.create_member_accounts(actor=admin, organization_code=OTHER_CELL)
    assert refused.value.rule == "people.organization.unknown_code"
    assert Member.objects.filter(organization__code=OTHER_CELL, user__isnull=True).exists()


def test_an_office_administrator_cannot_create_a_superuser_or_an_account_outside() -> None:
    admin = _cell_admin()
    with pytest.raises(PermissionDenied):
        services.create_user(actor=admin, username="sieu", password=PASSWORD, is_superuser=True)
    with pytest.raises(DomainError) as outside:
        services.create_user(actor=admin, username="ngoai", home_code=OTHER_CELL)
    assert outside.value.rule == "people.organization.unknown_code"
    other = _plain_member(OTHER_CELL).card_number
    with pytest.raises(DomainError) as member:
        services.create_user(actor=admin, username="ngoai2", member_card=other)
    assert member.value.rule == "people.member.unknown"
    assert not get_user_model().objects.filter(username__in=["sieu", "ngoai", "ngoai2"]).exists()
    bithu = get_user_model().objects.get(username="bithu")
    with pytest.raises(PermissionDenied):
        services.create_user(actor=bithu, username="khong", home_code=CELL)


def test_a_username_is_checked_and_unique_whatever_its_case() -> None:
    with pytest.raises(DomainError) as bad:
        services.create_user(actor=None, username="có dấu", home_code=CELL)
    assert bad.value.rule == "accounts.username"
    with pytest.raises(DomainError) as taken:
        services.create_user(actor=None, username="BITHU", home_code=CELL)
    assert taken.value.rule == "accounts.unique_username"


def test_required_totp_is_asked_of_the_account() -> None:
    vanphong = get_user_model().objects.get(username="vanphong")
    bithu = get_user_model().objects.get(username="bithu")
    assert not services.totp_required(bithu)
    services.set_require_totp(actor=vanphong, username="bithu", required=True)
    assert services.totp_required(bithu)


def test_unknown_grant_is_not_found() -> None:
    admin = _cell_admin()
    other = selectors.visible_grants(None).exclude(organization__code=CELL).first()
    assert other is not None
    with pytest.raises(NotFound):
        services.revoke_grant(actor=admin, grant_id=other.pk)


def _without_account(code: str = CELL) -> Member:
    return Member.objects.filter(organization__code=code, user__isnull=True).order_by("pk")[0]


def test_a_card_number_of_a_member_outside_the_actors_scope_is_refused_like_a_taken_name(
    outsider: Any,
) -> None:
    """Security finding 3 of 12/2026: an office of another department cannot take the login
    that a member's own office will give them; the answer is the one for any taken name."""
    card = _without_account().card_number
    services.create_user(actor=None, username="da.co.ten", home_code="QT.KCQDN.SNV")
    messages = []
    for name in (card, "da.co.ten"):
        with pytest.raises(DomainError) as taken:
            services.create_user(actor=outsider, username=name, home_code="QT.KCQDN.SNV")
        assert (taken.value.field, taken.value.rule) == ("username", "accounts.unique_username")
        messages.append(taken.value.message.replace(name, "X"))
    assert messages[0] == messages[1]
    assert not get_user_model().objects.filter(username=card).exists()


def test_bulk_accounts_list_the_members_whose_card_number_is_already_a_login() -> None:
    member = _without_account()
    services.create_user(actor=None, username=member.card_number, home_code=CELL)
    vanphong = get_user_model().objects.get(username="vanphong")
    result = services.create_member_accounts(actor=vanphong, organization_code=CELL)
    assert result.skipped == [
        services.SkippedMember(member.full_name, member.card_number, member.organization.name)
    ]
    assert member.card_number not in {i.card_number for i in result.issued}
