"""Private to the people app: the checks, edits and audit fields that both the services (one record
at a time) and the set-based writes of bulk.py run, so that both refuse with the same rule ids
and messages in the same order and audit alike. Other apps call `tongket.people.services`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tongket.accounts.scope import User, scope_for
from tongket.core.actors import require_in_scope
from tongket.core.errors import DomainError
from tongket.core.formatting import date_short
from tongket.core.required import require_text
from tongket.core.text import fold, normalize_name, vietnamese_sort_string
from tongket.people.models import (
    Member,
    MemberStatus,
    Organization,
    OrganizationKind,
    PartyRole,
    PartyRoleKind,
    Post,
    PostTitle,
)


def member_snapshot(m: Member) -> dict[str, Any]:
    return {
        "card_number": m.card_number,
        "full_name": m.full_name,
        "birth_date": m.birth_date.isoformat() if m.birth_date else None,
        "gender": m.gender,
        "joined_on": m.joined_on.isoformat(),
        "full_member_on": m.full_member_on.isoformat() if m.full_member_on else None,
        "status": m.status,
        "organization": m.organization.code,
    }


def require_admin(actor: User | None, path: str) -> None:
    """Administer the organization (a cell secretary, a read-only superior may not)."""
    scope = scope_for(actor)
    require_in_scope(scope, path, scope.administers(path), "Không tìm thấy tổ chức.")


def unknown_organization(code: str, field: str) -> DomainError:
    return DomainError(
        f"Không có tổ chức mã «{code}».", field=field, rule="people.organization.unknown_code"
    )


@dataclass(frozen=True)
class MemberInput:
    card_number: str
    full_name: str
    gender: str
    joined_on: dt.date
    organization_code: str
    status: str = MemberStatus.FULL
    birth_date: dt.date | None = None
    full_member_on: dt.date | None = None
    is_sample: bool = False


_MEMBER_STATUSES = frozenset(MemberStatus.values)  # built once: the import checks 100,000s

# Điều lệ Đảng, Điều 1, khoản 1: a Vietnamese citizen "từ mười tám tuổi trở lên" may be admitted.
ADMISSION_AGE = 18


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` (a 29 February birthday falls on 1 March in common years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def validate_member(data: MemberInput, today: dt.date | None = None) -> None:
    """The checks of a member's own fields, shared by the services and the bulk import; `today`
    is the day a joining date may not be after (the local date unless given)."""
    require_text(
        data.card_number,
        "Số thẻ đảng viên không được để trống.",
        field="card_number",
        rule="people.required",
    )
    if not normalize_name(data.full_name):
        raise DomainError(
            "Họ và tên không được để trống.", field="full_name", rule="people.required"
        )
    if data.gender not in ("male", "female"):
        raise DomainError(
            "Giới tính phải là Nam hoặc Nữ.", field="gender", rule="people.member.gender"
        )
    if data.status not in _MEMBER_STATUSES:
        raise DomainError(
            "Tình trạng phải là chính thức hoặc dự bị.", field="status", rule="people.member.status"
        )
    if data.birth_date and data.joined_on <= data.birth_date:
        raise DomainError(
            "Ngày vào Đảng phải sau ngày sinh.", field="joined_on", rule="people.member.dates"
        )
    today = today or timezone.localdate()
    if data.joined_on > today:
        raise DomainError(
            f"Ngày vào Đảng {date_short(data.joined_on)} chưa tới: không thể kết nạp đảng viên "
            f"vào một ngày sau hôm nay ({date_short(today)}).",
            field="joined_on",
            rule="people.member.joined_in_future",
        )
    if data.birth_date and age_on(data.birth_date, data.joined_on) < ADMISSION_AGE:
        raise DomainError(
            f"Ngày vào Đảng {date_short(data.joined_on)}: đảng viên mới "
            f"{age_on(data.birth_date, data.joined_on)} tuổi (sinh ngày "
            f"{date_short(data.birth_date)}); Điều lệ Đảng (Điều 1) chỉ kết nạp người từ đủ "
            f"{ADMISSION_AGE} tuổi trở lên.",
            field="joined_on",
            rule="people.member.admission_age",
        )
    if data.full_member_on and data.full_member_on < data.joined_on:
        raise DomainError(
            "Ngày chính thức không thể trước ngày vào Đảng.",
            field="full_member_on",
            rule="people.member.dates",
        )
    if data.status == MemberStatus.FULL and data.full_member_on is None:
        raise DomainError(
            "Đảng viên chính thức phải có ngày chính thức.",
            field="full_member_on",
            rule="people.member.full_date_required",
        )


def check_member_organization(org: Organization) -> None:
    """A member belongs to a Party organization, never to a government agency."""
    if org.kind == OrganizationKind.AGENCY:
        raise DomainError(
            "Đảng viên phải sinh hoạt tại một tổ chức đảng, không phải một cơ quan.",
            field="organization",
            rule="people.member.party_organization",
        )


def duplicate_card(card: str) -> DomainError:
    """A card number already issued: the same words wherever its holder is, no name echoed
    (a create must fail, so that much is told; see docs/security.md)."""
    return DomainError(
        f"Số thẻ đảng viên «{card}» không dùng được cho đảng viên mới: số thẻ đã được cấp.",
        field="card_number",
        rule="people.member.unique_card",
    )


def new_member_values(data: MemberInput, org: Organization) -> dict[str, Any]:
    """The fields of the new member a validated input describes (name normalized, folded,
    sortable): what `new_member` and the set-based import (`bulk.new_member`) build from."""
    name = normalize_name(data.full_name)
    return {
        "card_number": data.card_number.strip(),
        "full_name": name,
        "name_folded": fold(name),
        "sort_name": vietnamese_sort_string(name),
        "birth_date": data.birth_date,
        "gender": data.gender,
        "joined_on": data.joined_on,
        "full_member_on": data.full_member_on,
        "status": data.status,
        "organization": org,
        "org_path": org.path,
        "is_sample": data.is_sample,
    }


def new_member(data: MemberInput, org: Organization) -> Member:
    """The unsaved member a validated input describes."""
    return Member(**new_member_values(data, org))


def apply_member_fields(member: Member, data: MemberInput) -> None:
    """Copy an edited input onto a member (not its card number nor its organization)."""
    name = normalize_name(data.full_name)
    member.full_name = name
    member.name_folded = fold(name)
    member.sort_name = vietnamese_sort_string(name)
    member.birth_date = data.birth_date
    member.gender = data.gender
    member.joined_on = data.joined_on
    member.full_member_on = data.full_member_on
    member.status = data.status
    member.version += 1


def member_create_event(member: Member) -> dict[str, Any]:
    """The audit fields of a new member (for `record_event` and the bulk import)."""
    return {
        "action": "member.create",
        "object_type": "member",
        "object_id": member.card_number,
        "org_path": member.org_path,
        "summary": f"Thêm đảng viên {member.full_name}",
        "after": member_snapshot(member),
    }


def member_update_event(member: Member, before: dict[str, Any]) -> dict[str, Any]:
    """The audit fields of an edited member record (for `record_event` and the bulk import)."""
    return {
        "action": "member.update",
        "object_type": "member",
        "object_id": member.card_number,
        "org_path": member.org_path,
        "summary": f"Sửa hồ sơ đảng viên {member.full_name}",
        "before": before,
        "after": member_snapshot(member),
    }


def check_transfer(
    member: Member, target: Organization, opened_start: dt.date | None, on: dt.date
) -> None:
    """A transfer goes somewhere else, and after the open membership started."""
    if target.pk == member.organization_id:
        raise DomainError(
            "Đảng viên đã sinh hoạt tại tổ chức này.",
            field="organization",
            rule="people.member.transfer_same",
        )
    if opened_start is not None and on <= opened_start:
        raise DomainError(
            "Ngày chuyển sinh hoạt phải sau ngày bắt đầu sinh hoạt ở tổ chức hiện tại.",
            field="on",
            rule="people.member.transfer_date",
        )


def transfer_event(
    member: Member, source: Organization, target: Organization, on: dt.date, note: str
) -> dict[str, Any]:
    """The audit fields of a transfer (for `record_event` and the bulk import)."""
    return {
        "action": "member.transfer",
        "object_type": "member",
        "object_id": member.card_number,
        "org_path": target.path,
        "also_paths": (source.path,),
        "summary": f"Chuyển sinh hoạt {member.full_name}: {source.name} → {target.name}",
        "before": {"organization": source.code},
        "after": {"organization": target.code, "on": on.isoformat(), "note": note},
    }


def check_party_role(
    member: Member, org: Organization, role: str, *, has_secretary: Callable[[], bool]
) -> None:
    """A known role, held by a member of the organization; one open secretary at a time
    (`has_secretary` asks whether the organization already has one)."""
    if role not in PartyRoleKind.values:
        raise DomainError("Chức vụ đảng không hợp lệ.", field="role", rule="people.party_role.kind")
    if not member.org_path.startswith(org.path):
        raise DomainError(
            "Cấp ủy viên phải là đảng viên của tổ chức đó.",
            field="card_number",
            rule="people.party_role.member_of_org",
        )
    if role == PartyRoleKind.SECRETARY and has_secretary():
        raise DomainError(
            "Tổ chức đã có Bí thư đương nhiệm; hãy kết thúc nhiệm vụ người cũ trước.",
            field="role",
            rule="people.party_role.one_secretary",
        )


def party_role_event(
    party_role: PartyRole, member: Member, org: Organization, term: str
) -> dict[str, Any]:
    """The audit fields of an assigned Party role (for `record_event` and the bulk import)."""
    return {
        "action": "party_role.assign",
        "object_type": "party_role",
        "object_id": party_role.pk,
        "org_path": org.path,
        "summary": f"{member.full_name}: {party_role.get_role_display()} {org.name}",
        "after": {
            "member": member.card_number,
            "organization": org.code,
            "role": party_role.role,
            "term": term,
        },
    }


def check_post(agency: Organization, title: str) -> None:
    """A government post belongs to an agency and has a known title."""
    if agency.kind != OrganizationKind.AGENCY:
        raise DomainError(
            "Chức vụ chính quyền phải thuộc một cơ quan.",
            field="agency",
            rule="people.post.agency_kind",
        )
    if title not in PostTitle.values:
        raise DomainError("Chức vụ không hợp lệ.", field="title", rule="people.post.title")


def post_event(post: Post, member: Member, agency: Organization) -> dict[str, Any]:
    """The audit fields of an assigned post (for `record_event` and the bulk import)."""
    return {
        "action": "post.assign",
        "object_type": "post",
        "object_id": post.pk,
        "org_path": member.org_path,
        "summary": f"{member.full_name}: {post.label} {agency.name}",
        "after": {"member": member.card_number, "agency": agency.code, "title": post.title},
    }
