"""Writes to organizations and members: validation, permission, history, one audit event each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tongket.audit.models import AuditEvent
from tongket.core.demo import DEMO_ORG
from tongket.core.errors import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from tongket.people import services
from tongket.people.models import Member, Membership, Organization, PartyRole, Post

pytestmark = pytest.mark.django_db

TCCB = f"{DEMO_ORG}.TCCB"
TTR = f"{DEMO_ORG}.TTR"
VP = f"{DEMO_ORG}.VP"
UserNamed = Callable[[str], Any]


def new_member(**changes: Any) -> services.MemberInput:
    data: dict[str, Any] = {
        "card_number": "45.900001",
        "full_name": "Phan Thị Mới",
        "gender": "female",
        "joined_on": dt.date(2012, 5, 19),
        "full_member_on": dt.date(2013, 5, 19),
        "organization_code": TCCB,
    }
    data.update(changes)
    return services.MemberInput(**data)


def plain_card(cell: str) -> str:
    member = (
        Member.objects.filter(organization__code=cell, user__isnull=True)
        .order_by("card_number")
        .first()
    )
    assert member is not None
    return member.card_number


def test_duplicate_card_number_is_refused_on_the_card_field() -> None:
    with pytest.raises(DomainError) as caught:
        services.create_member(actor=None, data=new_member(card_number=" 45.000001 "))
    assert caught.value.field == "card_number"
    assert caught.value.rule == "people.member.unique_card"


def test_member_name_is_cleaned_and_indexed_for_search() -> None:
    member = services.create_member(actor=None, data=new_member(full_name="  phan   THỊ mới "))
    assert member.full_name == "Phan Thị Mới"
    assert member.name_folded == "phan thi moi"
    assert member.memberships.get().start == dt.date(2012, 5, 19)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_name": "   "}, "full_name"),
        ({"gender": "x"}, "gender"),
        ({"status": "x"}, "status"),
        ({"birth_date": dt.date(2013, 1, 1)}, "joined_on"),
        ({"full_member_on": dt.date(2011, 1, 1)}, "full_member_on"),
        ({"full_member_on": None}, "full_member_on"),
        ({"organization_code": "KHONG.CO"}, "organization"),
        ({"organization_code": "UBND.QT.SGDDT"}, "organization"),
    ],
)
def test_invalid_member_input_names_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(DomainError) as caught:
        services.create_member(actor=None, data=new_member(**changes))
    assert caught.value.field == field
    assert not Member.objects.filter(card_number="45.900001").exists()


def test_a_cycle_in_the_tree_is_refused_on_the_parent_field() -> None:
    with pytest.raises(DomainError) as caught:
        services.update_organization(actor=None, code=DEMO_ORG, parent_code=TCCB)
    assert caught.value.field == "parent"
    assert caught.value.rule == "people.organization.cycle"
    with pytest.raises(DomainError):
        services.update_organization(actor=None, code=TCCB, parent_code=TCCB)


@pytest.mark.parametrize(
    "call",
    [
        lambda: services.create_organization(
            actor=None,
            data=services.OrganizationInput(
                code="X.1", name="Chi bộ X", kind="cell", parent_code="KHONG.CO"
            ),
        ),
        lambda: services.update_organization(actor=None, code=TTR, parent_code="KHONG.CO"),
        lambda: services.update_organization(actor=None, code=TTR, agency_code="KHONG.CO"),
        lambda: services.create_member(actor=None, data=new_member(organization_code="KHONG.CO")),
        lambda: services.assign_post(
            actor=None,
            card_number="45.000001",
            agency_code="KHONG.CO",
            title="officer",
            start=dt.date(2020, 1, 1),
        ),
    ],
)
def test_unknown_organization_code_is_a_clear_error_and_changes_nothing(
    call: Callable[[], object],
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.rule == "people.organization.unknown_code"
    assert "«KHONG.CO»" in caught.value.message
    assert AuditEvent.objects.count() == events


def test_linking_a_party_organization_to_a_non_agency_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        services.update_organization(actor=None, code=TTR, agency_code=VP)
    assert caught.value.field == "agency"


def test_moving_a_subtree_rewrites_organization_and_member_paths() -> None:
    services.create_organization(
        actor=None,
        data=services.OrganizationInput(
            code="QT.KCQDN.KHAC", name="Đảng bộ Khác", kind="grassroots", parent_code="QT.KCQDN"
        ),
    )
    services.update_organization(actor=None, code=TTR, parent_code="QT.KCQDN.KHAC")
    target = Organization.objects.get(code="QT.KCQDN.KHAC")
    moved = Organization.objects.get(code=TTR)
    assert moved.path.startswith(target.path)
    assert moved.depth == target.depth + 1
    members = Member.objects.filter(organization=moved)
    assert members.count() == 6
    assert all(m.org_path == moved.path for m in members)


def test_transfer_keeps_the_history_and_moves_the_member() -> None:
    card = plain_card(TTR)
    original_start = Membership.objects.get(member__card_number=card).start
    member = services.transfer_member(
        actor=None, card_number=card, to_code=VP, on=dt.date(2024, 9, 1), note="QĐ 1"
    )
    assert member.organization.code == VP
    assert member.org_path == Organization.objects.get(code=VP).path
    rows = list(
        Membership.objects.filter(member=member)
        .order_by("start")
        .values_list("organization__code", "start", "end", "note")
    )
    assert rows == [
        (TTR, original_start, dt.date(2024, 8, 31), ""),
        (VP, dt.date(2024, 9, 1), None, "QĐ 1"),
    ]


def test_transfer_to_the_same_organization_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        services.transfer_member(
            actor=None, card_number=plain_card(TTR), to_code=TTR, on=dt.date(2024, 1, 1)
        )
    assert caught.value.field == "organization"


def test_stale_version_raises_concurrent_edit() -> None:
    card = plain_card(TTR)
    member = Member.objects.get(card_number=card)
    data = new_member(card_number=card, organization_code=TTR, full_name="Tên Khác")
    with pytest.raises(ConcurrentEdit):
        services.update_member(
            actor=None, card_number=card, data=data, expected_version=member.version - 1
        )
    with pytest.raises(ConcurrentEdit):
        services.update_organization(actor=None, code=TTR, name="Khác", expected_version=999)


def test_card_number_cannot_be_changed_by_an_edit() -> None:
    card = plain_card(TTR)
    with pytest.raises(DomainError) as caught:
        services.update_member(
            actor=None, card_number=card, data=new_member(card_number="45.1", organization_code=TTR)
        )
    assert caught.value.field == "card_number"


# Permissions, re-checked by every service -----------------------------------------------------


def test_cell_secretary_writes_only_their_cell(user_named: UserNamed) -> None:
    bithu = user_named("bithu")
    services.create_member(actor=bithu, data=new_member())
    # A cell she does not see is named in the body: answered as an unknown code (issue 17).
    with pytest.raises(DomainError) as caught:
        services.create_member(
            actor=bithu, data=new_member(card_number="45.2", organization_code=TTR)
        )
    assert caught.value.rule == "people.organization.unknown_code"
    with pytest.raises(NotFound):
        services.transfer_member(
            actor=bithu, card_number=plain_card(TTR), to_code=TCCB, on=dt.date(2024, 1, 1)
        )
    with pytest.raises(DomainError) as caught:
        services.transfer_member(
            actor=bithu, card_number=plain_card(TCCB), to_code=TTR, on=dt.date(2024, 1, 1)
        )
    assert caught.value.rule == "people.organization.unknown_code"


def test_cell_secretary_cannot_administer_their_own_cell(user_named: UserNamed) -> None:
    bithu = user_named("bithu")
    with pytest.raises(PermissionDenied):
        services.update_organization(actor=bithu, code=TCCB, name="Tên mới")
    with pytest.raises(NotFound):
        services.update_organization(actor=bithu, code=TTR, name="Tên mới")
    with pytest.raises(PermissionDenied):
        services.assign_party_role(
            actor=bithu,
            card_number=plain_card(TCCB),
            organization_code=TCCB,
            role="committee_member",
            start=dt.date(2021, 1, 1),
        )


def test_read_only_superior_is_refused_every_write(user_named: UserNamed) -> None:
    khoi = user_named("khoi")
    with pytest.raises(PermissionDenied):
        services.create_member(actor=khoi, data=new_member())
    with pytest.raises(PermissionDenied):
        services.update_organization(actor=khoi, code=DEMO_ORG, name="Tên mới")
    with pytest.raises(PermissionDenied):
        services.create_organization(
            actor=khoi, data=services.OrganizationInput(code="X", name="X", kind="cell")
        )
    with pytest.raises(DomainError) as caught:
        services.create_organization(
            actor=khoi,
            data=services.OrganizationInput(code="X", name="X", kind="cell", parent_code=DEMO_ORG),
        )
    assert caught.value.field == "parent"


def test_office_cannot_move_an_organization_under_a_parent_outside_its_scope(
    user_named: UserNamed,
) -> None:
    with pytest.raises(DomainError) as caught:
        services.update_organization(actor=user_named("vanphong"), code=TTR, parent_code="QT.KCQDN")
    assert caught.value.field == "parent"
    assert caught.value.message == "Không có tổ chức mã «QT.KCQDN»."


# Audit: one event per write, none when refused -----------------------------------------------


def _writes() -> list[tuple[str, Callable[[], object]]]:
    return [
        (
            "organization.create",
            lambda: services.create_organization(
                actor=None,
                data=services.OrganizationInput(
                    code=f"{DEMO_ORG}.MOI", name="Chi bộ Mới", kind="cell", parent_code=DEMO_ORG
                ),
            ),
        ),
        (
            "organization.update",
            lambda: services.update_organization(actor=None, code=TTR, name="Chi bộ Thanh tra Sở"),
        ),
        ("member.create", lambda: services.create_member(actor=None, data=new_member())),
        (
            "member.update",
            lambda: services.update_member(
                actor=None,
                card_number=plain_card(TTR),
                data=new_member(card_number=plain_card(TTR), organization_code=TTR),
            ),
        ),
        (
            "member.transfer",
            lambda: services.transfer_member(
                actor=None, card_number=plain_card(TTR), to_code=VP, on=dt.date(2024, 9, 1)
            ),
        ),
        (
            "party_role.assign",
            lambda: services.assign_party_role(
                actor=None,
                card_number=plain_card(TTR),
                organization_code=TTR,
                role="deputy_secretary",
                start=dt.date(2021, 1, 1),
            ),
        ),
        (
            "post.assign",
            lambda: services.assign_post(
                actor=None,
                card_number=plain_card(TTR),
                agency_code="UBND.QT.SGDDT",
                title="officer",
                start=dt.date(2021, 1, 1),
            ),
        ),
    ]


@pytest.mark.parametrize(("action", "call"), _writes(), ids=[a for a, _ in _writes()])
def test_each_write_leaves_exactly_one_audit_event(action: str, call: Callable[[], object]) -> None:
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None
    call()
    new = list(AuditEvent.objects.filter(id__gt=last.pk))
    assert [event.action for event in new] == [action]


def test_end_party_role_is_audited_and_checks_dates() -> None:
    role = PartyRole.objects.filter(organization__code=TTR, end__isnull=True).first()
    assert role is not None
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError):
        services.end_party_role(actor=None, role_id=role.pk, end=role.start - dt.timedelta(days=1))
    assert AuditEvent.objects.count() == events
    services.end_party_role(actor=None, role_id=role.pk, end=dt.date(2025, 6, 30))
    assert AuditEvent.objects.count() == events + 1


@pytest.mark.parametrize(
    "call",
    [
        lambda: services.create_member(actor=None, data=new_member(card_number="45.000001")),
        lambda: services.update_organization(actor=None, code=DEMO_ORG, parent_code=TCCB),
        lambda: services.update_organization(actor=None, code=TTR, name="Mới", parent_code="KHONG"),
        lambda: services.transfer_member(
            actor=None, card_number="45.000038", to_code=VP, on=dt.date(1900, 1, 1)
        ),
        lambda: services.assign_post(
            actor=None,
            card_number="45.000038",
            agency_code=VP,
            title="officer",
            start=dt.date(2021, 1, 1),
        ),
    ],
)
def test_a_refused_write_leaves_no_event_and_no_change(call: Callable[[], object]) -> None:
    events = AuditEvent.objects.count()
    names = list(Organization.objects.order_by("code").values_list("code", "name", "path"))
    memberships = Membership.objects.count()
    posts = Post.objects.count()
    with pytest.raises(DomainError):
        call()
    assert AuditEvent.objects.count() == events
    assert list(Organization.objects.order_by("code").values_list("code", "name", "path")) == names
    assert Membership.objects.count() == memberships
    assert Post.objects.count() == posts


def test_ending_the_secretary_with_a_reason_lets_the_cell_name_a_successor() -> None:

    cell = Organization.objects.get(code="QT.KCQDN.SGDDT.TCCB")
    old = PartyRole.objects.get(organization=cell, role="secretary", end__isnull=True)
    successor = Member.objects.filter(organization=cell).exclude(pk=old.member_id).order_by("pk")[0]

    def name_successor() -> PartyRole:
        return services.assign_party_role(
            actor=None,
            card_number=successor.card_number,
            organization_code=cell.code,
            role="secretary",
            start=dt.date(2026, 7, 1),
        )

    with pytest.raises(DomainError) as blocked:
        name_successor()
    assert blocked.value.rule == "people.party_role.one_secretary"
    services.end_party_role(actor=None, role_id=old.pk, end=dt.date(2026, 6, 30), reason="Nghỉ hưu")
    new = name_successor()
    assert new.end is None
    old.refresh_from_db()
    assert (old.end, old.end_reason) == (dt.date(2026, 6, 30), "Nghỉ hưu")
    event = AuditEvent.objects.filter(action="party_role.end", object_id=str(old.pk)).get()
    assert event.after == {"end": "2026-06-30", "reason": "Nghỉ hưu"}
    with pytest.raises(DomainError) as twice:
        services.end_party_role(actor=None, role_id=old.pk, end=dt.date(2026, 7, 1))
    assert twice.value.rule == "people.role_or_post.already_ended"


def test_ending_a_post_records_date_and_reason_and_needs_write_access() -> None:
    from django.contrib.auth import get_user_model

    post = Post.objects.filter(end__isnull=True, member__organization__code="QT.KCQDN.SGDDT.TCCB")[
        0
    ]
    bithu2 = get_user_model().objects.get(username="bithu2")
    with pytest.raises(NotFound):
        services.end_post(actor=bithu2, post_id=post.pk, end=dt.date(2026, 6, 30))
    services.end_post(
        actor=None, post_id=post.pk, end=dt.date(2026, 6, 30), reason="Chuyển công tác"
    )
    post.refresh_from_db()
    assert (post.end, post.end_reason) == (dt.date(2026, 6, 30), "Chuyển công tác")


def test_a_leadership_post_needs_the_office_of_the_agency_a_staff_post_does_not(
    user_named: UserNamed,
) -> None:
    """Security finding 4 of 12/2026: a cell secretary reaches the department's agency through
    her cell's link, enough for a staff post but not for its Director's chair."""
    bithu, vanphong = user_named("bithu"), user_named("vanphong")

    def assign(actor: Any, title: str) -> Post:
        return services.assign_post(
            actor=actor,
            card_number="45.000010",
            agency_code="UBND.QT.SGDDT",
            title=title,
            start=dt.date(2026, 1, 1),
        )

    assert assign(bithu, "officer").title == "officer"
    for title in ("director", "deputy_head_of_division"):
        with pytest.raises(PermissionDenied) as refused:
            assign(bithu, title)
        assert (refused.value.field, refused.value.rule) == (
            "title",
            "people.post.leader_needs_admin",
        )
    assert assign(vanphong, "director").title == "director"
