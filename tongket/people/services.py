"""Every write to organizations, members, memberships and posts: one transaction each, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from tongket.accounts.scope import User, scope_for
from tongket.audit.services import record_event
from tongket.core.actors import require_write
from tongket.core.errors import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from tongket.core.lookups import first_or_not_found
from tongket.core.required import require_text
from tongket.core.text import fold
from tongket.people.checks import (
    MemberInput as MemberInput,  # the input of create_member and update_member
)
from tongket.people.checks import (
    apply_member_fields,
    check_member_organization,
    check_party_role,
    check_post,
    check_transfer,
    duplicate_card,
    member_create_event,
    member_snapshot,
    member_update_event,
    new_member,
    party_role_event,
    post_event,
    require_admin,
    transfer_event,
    validate_member,
)
from tongket.people.checks import (
    unknown_organization as unknown_organization,  # also the error other apps raise
)
from tongket.people.domain import RULE_CODE_ALPHABET, is_valid_org_code
from tongket.people.models import (
    Member,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationName,
    PartyRole,
    Post,
)
from tongket.people.selectors import Reach, agency_for_user, check_post_authority

SEGMENT = 10  # digits per path segment


def _segment(pk: int) -> str:
    return f"{pk:0{SEGMENT}d}/"


def _org_snapshot(org: Organization) -> dict[str, Any]:
    return {
        "code": org.code,
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "parent": org.parent.code if org.parent else None,
        "agency": org.agency.code if org.agency else None,
    }


def _org_by_code(code: str, field: str) -> Organization:
    org = Organization.objects.filter(code=code.strip()).first()
    if org is None:
        raise unknown_organization(code, field)
    return org


def _parent_for(actor: User | None, code: str) -> Organization:
    """The new parent named in a form: unknown and invisible codes read the same, so the
    error does not reveal organizations outside the actor's scope."""
    parent = _org_by_code(code, "parent")
    scope = scope_for(actor)
    if not scope.reads(parent.path):
        raise DomainError(
            f"Không có tổ chức mã «{code}».",
            field="parent",
            rule="people.organization.unknown_code",
        )
    if not scope.administers(parent.path):
        raise DomainError(
            f"Bạn không quản trị «{parent.name}», nên không thể đặt tổ chức vào đó.",
            field="parent",
            rule="access.denied",
        )
    return parent


def _agency_by_code(actor: User | None, code: str) -> Organization:
    """The agency an organization is linked to: the link widens what the organization's readers
    see and its administrators write, so only one the actor already administers (see
    `selectors.reached_agency`)."""
    return agency_for_user(
        actor, code, reach=Reach.ADMIN, kind_rule="people.organization.agency_kind"
    )


@dataclass(frozen=True)
class OrganizationInput:
    code: str
    name: str
    kind: str
    parent_code: str | None = None
    short_name: str = ""
    agency_code: str | None = None
    issuer_code: str = ""
    place: str = ""
    founded_on: dt.date | None = None
    is_sample: bool = False
    sort_order: int = 0


def check_org_code(code: str) -> None:
    """Rule people.organization.code_alphabet (`domain.ORG_CODE`)."""
    if not is_valid_org_code(code):
        raise DomainError(
            f"Mã tổ chức «{code}» không hợp lệ: chỉ gồm chữ không dấu, chữ số và các dấu «.», "
            "«-», «_», bắt đầu bằng chữ hoặc số, tối đa 64 ký tự.",
            field="code",
            rule=RULE_CODE_ALPHABET,
        )


def _validate_org_input(data: OrganizationInput) -> None:
    require_text(data.code, "Mã tổ chức không được để trống.", field="code", rule="people.required")
    check_org_code(data.code.strip())
    require_text(
        data.name, "Tên tổ chức không được để trống.", field="name", rule="people.required"
    )
    if data.kind not in OrganizationKind.values:
        raise DomainError(
            f"Loại tổ chức «{data.kind}» không hợp lệ.",
            field="kind",
            rule="people.organization.kind",
        )


@transaction.atomic
def create_organization(*, actor: User | None, data: OrganizationInput) -> Organization:
    """Create an organization under a parent the actor administers (a root needs a superuser)."""
    _validate_org_input(data)
    parent = _parent_for(actor, data.parent_code) if data.parent_code else None
    if parent is None and not scope_for(actor).is_superuser:
        raise PermissionDenied("Chỉ quản trị hệ thống mới tạo được tổ chức cấp cao nhất.")
    if Organization.objects.filter(code=data.code.strip()).exists():
        raise DomainError(
            f"Mã tổ chức «{data.code}» không dùng được cho tổ chức mới: mã đã được dùng.",
            field="code",
            rule="people.organization.unique_code",
        )
    agency = _agency_by_code(actor, data.agency_code) if data.agency_code else None
    name = normalize_spaces(data.name)
    org = Organization(
        code=data.code.strip(),
        name=name,
        short_name=data.short_name.strip(),
        name_folded=fold(name),
        kind=data.kind,
        parent=parent,
        agency=agency,
        issuer_code=data.issuer_code.strip(),
        place=data.place.strip(),
        founded_on=data.founded_on,
        is_sample=data.is_sample,
        sort_order=data.sort_order,
        path=f"tmp-{data.code}",
        depth=(parent.depth + 1) if parent else 0,
    )
    org.save()
    org.path = (parent.path if parent else "") + _segment(org.pk)
    org.save(update_fields=["path"])
    OrganizationName.objects.create(organization=org, name=name, valid_from=data.founded_on)
    record_event(
        actor=actor,
        action="organization.create",
        object_type="organization",
        object_id=org.code,
        org_path=org.path,
        summary=f"Tạo tổ chức {org.name}",
        after=_org_snapshot(org),
    )
    return org


def normalize_spaces(text: str) -> str:
    return " ".join(text.split())


@transaction.atomic
def update_organization(
    *,
    actor: User | None,
    code: str,
    name: str | None = None,
    short_name: str | None = None,
    renamed_on: dt.date | None = None,
    parent_code: str | None = None,
    agency_code: str | None = None,
    expected_version: int | None = None,
    new_code: str | None = None,
) -> Organization:
    """Rename (keeping the dated history), move under another parent, relink the agency, or
    give it a new code (`rename_organization_code`), all in one transaction."""
    org = first_or_not_found(
        Organization.objects.select_for_update().filter(code=code), "Không tìm thấy tổ chức."
    )
    require_admin(actor, org.path)
    if expected_version is not None and expected_version != org.version:
        raise ConcurrentEdit()
    before = _org_snapshot(org)
    if name is not None and normalize_spaces(name) != org.name:
        new_name = normalize_spaces(name)
        if not new_name:
            raise DomainError(
                "Tên tổ chức không được để trống.", field="name", rule="people.required"
            )
        when = renamed_on or dt.date.today()
        OrganizationName.objects.filter(organization=org, valid_to__isnull=True).update(
            valid_to=when - dt.timedelta(days=1)
        )
        OrganizationName.objects.create(organization=org, name=new_name, valid_from=when)
        org.name = new_name
        org.name_folded = fold(new_name)
    if short_name is not None:
        org.short_name = short_name.strip()
    if agency_code is not None and agency_code.strip() != (org.agency.code if org.agency else ""):
        org.agency = _agency_by_code(actor, agency_code) if agency_code.strip() else None
    old_path = org.path
    if parent_code is not None and (org.parent is None or parent_code != org.parent.code):
        _move(org, _parent_for(actor, parent_code))
    org.version += 1
    org.save()
    record_event(
        actor=actor,
        action="organization.update",
        object_type="organization",
        object_id=org.code,
        org_path=org.path,
        also_paths=(old_path,),
        summary=f"Sửa tổ chức {org.name}",
        before=before,
        after=_org_snapshot(org),
    )
    if new_code is not None and new_code.strip() != org.code:
        org = rename_organization_code(actor=actor, code=org.code, new_code=new_code)
    return org


@transaction.atomic
def rename_organization_code(
    *, actor: User | None, code: str, new_code: str, expected_version: int | None = None
) -> Organization:
    """Give an organization a new code (rule people.organization.code_alphabet), for an
    administrator of it. Everything that points at an organization does so by its id (foreign
    keys, the materialized path of ids), so nothing else moves: addresses and downloads answer
    under the new code, and the old one answers 404 like any unknown code. Records sealed
    earlier (the audit log, an adopted program's snapshot) keep the code they were made with.
    Audited, with both codes."""
    org = Organization.objects.select_for_update().filter(code=code).first()
    if org is None or not scope_for(actor).administers(org.path):
        raise NotFound("Không tìm thấy tổ chức.")
    if expected_version is not None and expected_version != org.version:
        raise ConcurrentEdit()
    new = new_code.strip()
    check_org_code(new)
    if new == org.code:
        raise DomainError(
            f"Mã mới «{new}» trùng mã hiện tại.", field="code", rule="people.organization.same_code"
        )
    if Organization.objects.filter(code=new).exclude(pk=org.pk).exists():
        raise DomainError(
            f"Mã tổ chức «{new}» không dùng được: mã đã được dùng.",
            field="code",
            rule="people.organization.unique_code",
        )
    before = _org_snapshot(org)
    old = org.code
    org.code = new
    org.version += 1
    org.save(update_fields=["code", "version"])
    record_event(
        actor=actor,
        action="organization.rename_code",
        object_type="organization",
        object_id=new,
        org_path=org.path,
        summary=f"Đổi mã tổ chức {org.name}: {old} → {new}",
        before=before,
        after=_org_snapshot(org),
    )
    return org


def path_keys() -> tuple[tuple[type[Any], str], ...]:
    """Every stored copy of an organization's path that scope is read from (besides the
    organization's own): each moves with its organization, in the move's transaction (and the
    results tally, counted by path, with them). The audit log keeps the path an event happened
    at (its hash chain seals it)."""
    # The evaluation app builds on this one: imported here, not at the top.
    from tongket.evaluation.models import Cycle, Evaluation

    return ((Member, "org_path"), (Cycle, "org_path"), (Evaluation, "subject_path"))


def _move(org: Organization, new_parent: Organization) -> None:
    if new_parent.path.startswith(org.path):
        raise DomainError(
            f"Không thể chuyển «{org.name}» vào «{new_parent.name}»: tổ chức cấp trên mới nằm "
            "trong chính tổ chức này, sẽ tạo thành vòng lặp.",
            field="parent",
            rule="people.organization.cycle",
        )
    old_path = org.path
    new_path = new_parent.path + _segment(org.pk)
    depth_change = new_parent.depth + 1 - org.depth
    # Rewrite the whole subtree's paths in set-based updates, never a Python loop.
    Organization.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )

    def rewrite() -> None:
        for model, field in path_keys():
            model.objects.filter(**{f"{field}__startswith": old_path}).update(
                **{field: Concat(Value(new_path), Substr(field, len(old_path) + 1))}
            )

    from tongket.evaluation import tally  # the results tally counts by path

    tally.move_subtree(old_path, new_path, rewrite)
    org.refresh_from_db(fields=["path", "depth"])
    org.parent = new_parent


def _member_org(actor: User | None, code: str) -> Organization:
    """The organization a member is put in: one outside the actor's scope reads exactly like
    one that does not exist."""
    org = Organization.objects.filter(code=code.strip()).first()
    if org is None or not scope_for(actor).reads(org.path):
        raise unknown_organization(code, "organization")
    check_member_organization(org)
    return org


@transaction.atomic
def create_member(*, actor: User | None, data: MemberInput) -> Member:
    validate_member(data)
    org = _member_org(actor, data.organization_code)
    require_write(actor, org.path)
    card = data.card_number.strip()
    if Member.objects.filter(card_number=card).exists():
        raise duplicate_card(card)
    member = new_member(data, org)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent insert of the same card number
        raise duplicate_card(card) from exc
    Membership.objects.create(member=member, organization=org, start=data.joined_on)
    record_event(actor=actor, **member_create_event(member))
    return member


def _locked_member(card_number: str) -> Member:
    """The member, locked for the rest of the transaction, or NotFound."""
    return first_or_not_found(
        # No join in the locking query: on PostgreSQL, a row locked through a join is dropped
        # when a concurrent transfer changed its organization (the join is rechecked against the
        # old organization row), and the waiting writer would wrongly find no member.
        Member.objects.select_for_update().filter(card_number=card_number),
        "Không tìm thấy đảng viên.",
    )


@transaction.atomic
def update_member(
    *, actor: User | None, card_number: str, data: MemberInput, expected_version: int | None = None
) -> Member:
    """Edit a member's record; a change of organization goes through transfer_member."""
    member = _locked_member(card_number)
    require_write(actor, member.org_path)
    if expected_version is not None and expected_version != member.version:
        raise ConcurrentEdit()
    validate_member(data)
    if data.card_number.strip() != member.card_number:
        raise DomainError(
            "Số thẻ đảng viên là khóa định danh, không sửa được.",
            field="card_number",
            rule="people.member.card_immutable",
        )
    before = member_snapshot(member)
    apply_member_fields(member, data)
    member.save()
    if data.organization_code.strip() != member.organization.code:
        transfer_member(
            actor=actor,
            card_number=member.card_number,
            to_code=data.organization_code,
            on=dt.date.today(),
        )
        member.refresh_from_db()
    record_event(actor=actor, **member_update_event(member, before))
    return member


@transaction.atomic
def transfer_member(
    *, actor: User | None, card_number: str, to_code: str, on: dt.date, note: str = ""
) -> Member:
    """Move a member to another organization: the open membership ends, a new one starts."""
    member = _locked_member(card_number)
    require_write(actor, member.org_path)
    target = _member_org(actor, to_code)
    require_write(actor, target.path)
    opened = member.memberships.filter(end__isnull=True).first()
    check_transfer(member, target, opened.start if opened is not None else None, on)
    source = member.organization
    member.memberships.filter(end__isnull=True).update(end=on - dt.timedelta(days=1))
    Membership.objects.create(member=member, organization=target, start=on, note=note)
    member.organization = target
    member.org_path = target.path
    member.version += 1
    member.save(update_fields=["organization", "org_path", "version"])
    record_event(actor=actor, **transfer_event(member, source, target, on, note))
    return member


@transaction.atomic
def assign_party_role(
    *,
    actor: User | None,
    card_number: str,
    organization_code: str,
    role: str,
    start: dt.date,
    term: str = "",
) -> PartyRole:
    member = first_or_not_found(
        Member.objects.filter(card_number=card_number), "Không tìm thấy đảng viên."
    )
    org = _org_by_code(organization_code, "organization")
    require_admin(actor, org.path)
    check_party_role(
        member,
        org,
        role,
        has_secretary=lambda: PartyRole.objects.filter(
            organization=org, role=role, end__isnull=True
        ).exists(),
    )
    party_role = PartyRole.objects.create(
        member=member, organization=org, role=role, start=start, term=term.strip()
    )
    record_event(actor=actor, **party_role_event(party_role, member, org, term))
    return party_role


def _check_end(start: dt.date, current: dt.date | None, end: dt.date) -> None:
    if current is not None:
        raise DomainError(
            "Chức vụ này đã kết thúc.", field="end", rule="people.role_or_post.already_ended"
        )
    if end < start:
        raise DomainError("Ngày kết thúc trước ngày bắt đầu.", field="end", rule="people.dates")


@transaction.atomic
def end_party_role(
    *, actor: User | None, role_id: int, end: dt.date, reason: str = ""
) -> PartyRole:
    """End a Party role on a date, with a reason: the organization may then name a successor
    (one open secretary at a time, `check_party_role`)."""
    party_role = (
        PartyRole.objects.select_for_update()
        .select_related("organization", "member")
        .filter(pk=role_id)
        .first()
    )
    scope = scope_for(actor)
    if party_role is None or not (
        scope.reads(party_role.organization.path) or scope.reads(party_role.member.org_path)
    ):
        raise NotFound()
    require_admin(actor, party_role.organization.path)
    _check_end(party_role.start, party_role.end, end)
    party_role.end = end
    party_role.end_reason = reason.strip()
    party_role.save(update_fields=["end", "end_reason"])
    record_event(
        actor=actor,
        action="party_role.end",
        object_type="party_role",
        object_id=party_role.pk,
        org_path=party_role.organization.path,
        summary=(
            f"{party_role.member.full_name}: thôi {party_role.get_role_display()} "
            f"{party_role.organization.name}"
        ),
        before={"end": None},
        after={"end": end.isoformat(), "reason": party_role.end_reason},
    )
    return party_role


@transaction.atomic
def end_post(*, actor: User | None, post_id: int, end: dt.date, reason: str = "") -> Post:
    """End a government post on a date, with a reason (whoever records the member's posts)."""
    post = (
        Post.objects.select_for_update()
        .select_related("member", "agency")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not scope_for(actor).reads(post.member.org_path):
        raise NotFound()
    require_write(actor, post.member.org_path)
    _check_end(post.start, post.end, end)
    post.end = end
    post.end_reason = reason.strip()
    post.save(update_fields=["end", "end_reason"])
    record_event(
        actor=actor,
        action="post.end",
        object_type="post",
        object_id=post.pk,
        org_path=post.member.org_path,
        summary=f"{post.member.full_name}: thôi {post.label} {post.agency.name}",
        before={"end": None},
        after={"end": end.isoformat(), "reason": post.end_reason},
    )
    return post


@transaction.atomic
def assign_post(
    *,
    actor: User | None,
    card_number: str,
    agency_code: str,
    title: str,
    start: dt.date,
    title_detail: str = "",
) -> Post:
    member = first_or_not_found(
        Member.objects.filter(card_number=card_number), "Không tìm thấy đảng viên."
    )
    require_write(actor, member.org_path)
    agency = agency_for_user(
        actor, agency_code, reach=Reach.WRITE, kind_rule="people.post.agency_kind"
    )
    check_post(agency, title)
    check_post_authority(actor, agency, title)
    post = Post.objects.create(
        member=member, agency=agency, title=title, title_detail=title_detail.strip(), start=start
    )
    record_event(actor=actor, **post_event(post, member, agency))
    return post
