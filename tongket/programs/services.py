"""Every write to programs and their items: one transaction each, permission re-checked, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Max

from tongket.accounts.scope import User, scope_for
from tongket.audit.recorders import EventRecorder
from tongket.audit.services import record_event
from tongket.core.actors import author
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.core.locking import locked
from tongket.core.lookups import first_or_not_found
from tongket.core.required import require_text
from tongket.people.models import Member, Organization, OrganizationKind
from tongket.people.selectors import visible_members, visible_organizations
from tongket.programs import domain
from tongket.programs.models import (
    Activity,
    Amendment,
    ItemStatus,
    ItemStatusChange,
    Program,
    ProgramItem,
    ProgramKind,
    ProgramStatus,
)


@dataclass(frozen=True)
class ItemInput:
    """The plan of one item: what the adopted version seals. Either `month` or `quarter`."""

    code: str
    content: str
    month: int | None = None
    quarter: int | None = None
    activity: str = Activity.TASK
    in_charge_text: str = ""
    in_charge_organization_code: str | None = None
    in_charge_member_card: str | None = None
    subject_organization_codes: tuple[str, ...] = ()
    subject_member_cards: tuple[str, ...] = ()

    @classmethod
    def of(cls, data: dict[str, Any]) -> ItemInput:
        """The plan under the field names the API and the item form share (organizations by
        code, members by card number); a field left out or empty is the default."""
        return cls(
            code=data["code"],
            content=data["content"],
            month=data.get("month"),
            quarter=data.get("quarter"),
            activity=data.get("activity") or Activity.TASK,
            in_charge_text=data.get("in_charge_text") or "",
            in_charge_organization_code=data.get("in_charge_organization") or None,
            in_charge_member_card=data.get("in_charge_member") or None,
            subject_organization_codes=tuple(data.get("subject_organizations") or ()),
            subject_member_cards=tuple(data.get("subject_members") or ()),
        )


def _require_write(
    actor: User | None, path: str, missing: str = "Không tìm thấy chương trình."
) -> None:
    """NotFound (saying `missing`) for a program the actor cannot see, PermissionDenied for one
    they only read: the programs of the committees above a user's organizations are readable
    (selectors)."""
    scope = scope_for(actor)
    below = (*scope.read_paths, *((scope.own_org_path,) if scope.own_org_path else ()))
    if not scope.reads(path) and not any(p.startswith(path) for p in below):
        raise NotFound(missing)
    if not scope.writes(path):
        raise PermissionDenied()


def _program_for_update(actor: User | None, program_id: int) -> Program:
    program = locked(Program, program_id, "organization", missing="Không tìm thấy chương trình.")
    _require_write(actor, program.organization.path)
    return program


def _item_for_update(actor: User | None, item_id: int, *, allow_in_charge: bool) -> ProgramItem:
    item = locked(
        ProgramItem,
        item_id,
        "program__organization",
        "in_charge_member",
        missing="Không tìm thấy nội dung chương trình.",
    )
    path = item.program.organization.path
    scope = scope_for(actor)
    in_charge = (
        allow_in_charge
        and item.in_charge_member is not None
        and scope.own_member_id == item.in_charge_member.pk
    )
    if not in_charge:
        _require_write(actor, path)
    return item


def _timing(year: int, month: int | None, quarter: int | None) -> domain.Timing:
    return domain.Timing(year, month=month, quarter=quarter)


def domain_item(item: ProgramItem, timing: domain.Timing | None = None) -> domain.ProgramItem:
    """The pure-rule view of a stored item (`timing`: its timing when already built)."""
    return domain.ProgramItem(
        code=item.code,
        title=item.content,
        timing=timing or _timing(item.program.year, item.month, item.quarter),
        status=domain.ItemStatus(item.status),
        completed_on=item.completed_on,
        remedy_deadline=item.remedy_deadline,
        remedy_done_on=item.remedy_done_on,
    )


def _check(findings: list[Any], *, field: str = "") -> None:
    if findings:
        raise DomainError.from_findings(findings, field=field or findings[0].subject)


def item_plan(item: ProgramItem) -> dict[str, Any]:
    """The part of an item the adoption seals (not its tracking: status, results)."""
    return {
        "code": item.code,
        "activity": item.activity,
        "content": item.content,
        "month": item.month,
        "quarter": item.quarter,
        "in_charge_text": item.in_charge_text,
        "in_charge_organization": (
            item.in_charge_organization.code if item.in_charge_organization else None
        ),
        "in_charge_member": item.in_charge_member.card_number if item.in_charge_member else None,
        "subject_organizations": sorted(o.code for o in item.subject_organizations.all()),
        "subject_members": sorted(m.card_number for m in item.subject_members.all()),
    }


def _resolve_orgs(actor: User | None, codes: tuple[str, ...], field: str) -> list[Organization]:
    """Organizations named in an item, among those the actor sees: one outside their scope
    reads exactly like one that does not exist."""
    wanted = {c.strip() for c in codes if c.strip()}
    found = list(visible_organizations(actor).filter(code__in=wanted))
    missing = wanted - {o.code for o in found}
    if missing:
        raise DomainError(
            f"Không có tổ chức mã «{', '.join(sorted(missing))}».",
            field=field,
            rule="programs.item.unknown_organization",
        )
    return found


def _resolve_members(actor: User | None, cards: tuple[str, ...], field: str) -> list[Member]:
    """Members named in an item, among those the actor reads: a card number outside their
    scope reads exactly like one that does not exist (and no name is echoed)."""
    wanted = {c.strip() for c in cards if c.strip()}
    found = list(visible_members(actor).filter(card_number__in=wanted))
    missing = wanted - {m.card_number for m in found}
    if missing:
        raise DomainError(
            f"Không có đảng viên số thẻ «{', '.join(sorted(missing))}».",
            field=field,
            rule="programs.item.unknown_member",
        )
    return found


def _apply_plan(actor: User | None, item: ProgramItem, program: Program, data: ItemInput) -> None:
    require_text(
        data.code, "Số thứ tự không được để trống.", field="code", rule="programs.required"
    )
    require_text(
        data.content, "Nội dung không được để trống.", field="content", rule="programs.required"
    )
    if data.activity not in Activity.values:
        raise DomainError("Hình thức không hợp lệ.", field="activity", rule="programs.required")
    if data.activity != Activity.TASK and program.kind != ProgramKind.INSPECTION:
        raise DomainError(
            "Chỉ chương trình kiểm tra, giám sát mới có nội dung kiểm tra hoặc giám sát.",
            field="activity",
            rule=domain.RULE_ITEM_DATA,
            citation=domain.PROGRAM_RULES_CITATION,
        )
    timing = _timing(program.year, data.month, data.quarter)
    item.code = data.code.strip()
    item.content = data.content.strip()
    item.activity = data.activity
    item.month, item.quarter = data.month, data.quarter
    item.in_charge_text = data.in_charge_text.strip()
    item.in_charge_organization = (
        _resolve_orgs(actor, (data.in_charge_organization_code,), "in_charge_organization")[0]
        if data.in_charge_organization_code
        else None
    )
    item.in_charge_member = (
        _resolve_members(actor, (data.in_charge_member_card,), "in_charge_member")[0]
        if data.in_charge_member_card
        else None
    )
    _check(
        domain.check_item(
            ProgramKind.domain_kind(program.kind),
            program.year,
            domain_item(item, timing),
        )
    )
    if (
        ProgramItem.objects.filter(program=program, code=item.code)
        .exclude(pk=item.pk or 0)
        .exists()
    ):
        raise DomainError(
            f"Chương trình đã có nội dung số {item.code}.",
            field="code",
            rule="programs.item.unique_code",
        )


def _set_subjects(actor: User | None, item: ProgramItem, data: ItemInput) -> None:
    item.subject_organizations.set(
        _resolve_orgs(actor, data.subject_organization_codes, "subject_organizations")
    )
    item.subject_members.set(_resolve_members(actor, data.subject_member_cards, "subject_members"))


_ITEMS = EventRecorder[ProgramItem]("program_item", lambda item: item.program.organization.path)


def _audit_item(
    actor: User | None,
    item: ProgramItem,
    action: str,
    summary: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    _ITEMS.record(actor, action, item, summary, before=before, after=after)


def _plan_changed(
    *,
    actor: User | None,
    program: Program,
    item: ProgramItem,
    action: str,
    summary: str,
    reason: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    on: dt.date,
) -> None:
    """An item's plan was added or changed: once the program is adopted, as a numbered amendment
    with its reason; audited either way."""
    _check(domain.check_amendment(program.is_adopted, reason))
    amendment: Amendment | None = None
    if program.is_adopted:
        amendment = Amendment.objects.create(
            program=program,
            item=item,
            number=(program.amendments.aggregate(n=Max("number"))["n"] or 0) + 1,
            reason=reason.strip(),
            summary=summary[:255],
            before=before,
            after=after,
            decided_on=on,
            created_by=author(actor),
        )
    _audit_item(
        actor,
        item,
        action,
        f"{program.title}: {item.code}",
        before,
        {"plan": after, "amendment": amendment.number if amendment else None},
    )


@transaction.atomic
def create_program(
    *,
    actor: User | None,
    organization_code: str,
    year: int,
    kind: str,
    title: str,
    parent_program_id: int | None = None,
) -> Program:
    """A draft program of an organization for a year; a cell's plan links to its committee's."""
    org = first_or_not_found(
        Organization.objects.filter(code=organization_code.strip()), "Không tìm thấy tổ chức."
    )
    # a hidden organization is answered as an unknown code (no oracle of which codes exist)
    _require_write(actor, org.path, "Không tìm thấy tổ chức.")
    if kind not in ProgramKind.values:
        raise DomainError("Loại chương trình không hợp lệ.", field="kind", rule="programs.kind")
    if org.kind == OrganizationKind.AGENCY:
        raise DomainError(
            "Chương trình thuộc về tổ chức đảng, không thuộc cơ quan.",
            field="organization",
            rule="programs.organization",
        )
    if not 2000 <= year <= 2100:
        raise DomainError(f"Năm {year} không hợp lệ.", field="year", rule="programs.year")
    require_text(title, "Tên chương trình không được để trống.", field="title", rule="required")
    parent = None
    if parent_program_id is not None:
        parent = Program.objects.select_related("organization").filter(pk=parent_program_id).first()
        if (
            parent is None
            or parent.organization.pk == org.pk
            or not org.path.startswith(parent.organization.path)
            or parent.year != year
        ):
            raise DomainError(
                "Kế hoạch của chi bộ chỉ gắn với chương trình cùng năm của cấp ủy cấp trên.",
                field="parent_program",
                rule="programs.parent",
            )
    if Program.objects.filter(organization=org, year=year, kind=kind).exists():
        raise DomainError(
            f"{org.name} đã có {ProgramKind(kind).label.lower()} năm {year}.",
            field="kind",
            rule="programs.unique",
        )
    program = Program.objects.create(
        organization=org, year=year, kind=kind, title=title.strip(), parent_program=parent
    )
    record_event(
        actor=actor,
        action="programs.create",
        object_type="program",
        object_id=program.pk,
        org_path=org.path,
        summary=program.title,
        after={"year": year, "kind": kind, "title": program.title},
    )
    return program


@transaction.atomic
def add_item(
    *,
    actor: User | None,
    program_id: int,
    data: ItemInput,
    reason: str = "",
    on: dt.date | None = None,
) -> ProgramItem:
    """Add an item; to an adopted program only as an amendment with a reason."""
    program = _program_for_update(actor, program_id)
    _check(domain.check_amendment(program.is_adopted, reason))
    item = ProgramItem(program=program)
    _apply_plan(actor, item, program, data)
    item.position = (program.items.aggregate(n=Max("position"))["n"] or 0) + 1
    item.save()
    _set_subjects(actor, item, data)
    _plan_changed(
        actor=actor,
        program=program,
        item=item,
        action="programs.item.add",
        summary=f"Bổ sung nội dung {item.code}",
        reason=reason,
        before=None,
        after=item_plan(item),
        on=on or dt.date.today(),
    )
    return item


@transaction.atomic
def update_item(
    *,
    actor: User | None,
    item_id: int,
    data: ItemInput,
    reason: str = "",
    on: dt.date | None = None,
) -> ProgramItem:
    """Change an item's plan; once the program is adopted, only as an amendment with a reason."""
    item = _item_for_update(actor, item_id, allow_in_charge=False)
    program = Program.objects.select_for_update(of=("self",)).get(pk=item.program.pk)
    _check(domain.check_amendment(program.is_adopted, reason))
    before = item_plan(item)
    _apply_plan(actor, item, program, data)
    _save_next_version(item)
    _set_subjects(actor, item, data)
    after = item_plan(item)
    if after == before:
        raise DomainError("Không có thay đổi nào.", field="content", rule="programs.no_change")
    _plan_changed(
        actor=actor,
        program=program,
        item=item,
        action="programs.item.update",
        summary=f"Điều chỉnh nội dung {item.code}",
        reason=reason,
        before=before,
        after=after,
        on=on or dt.date.today(),
    )
    return item


@transaction.atomic
def adopt_program(
    *, actor: User | None, program_id: int, adopted_on: dt.date, adopted_at: str
) -> Program:
    """Seal the version the meeting adopted. Called by the meeting's vote that adopts it."""
    program = _program_for_update(actor, program_id)
    if program.is_adopted:
        raise DomainError(
            "Chương trình đã được thông qua; mọi thay đổi phải là điều chỉnh có lý do.",
            field="program",
            rule=domain.RULE_AMENDMENT,
            citation=domain.PROGRAM_RULES_CITATION,
        )
    items = list(
        program.items.select_related("in_charge_organization", "in_charge_member").prefetch_related(
            "subject_organizations", "subject_members"
        )
    )
    if not items:
        raise DomainError(
            "Chương trình chưa có nội dung nào: chưa thể thông qua.",
            field="program",
            rule="programs.adopt.empty",
        )
    program.status = ProgramStatus.ADOPTED
    program.adopted_on = adopted_on
    program.adopted_at = adopted_at.strip()[:255]
    program.adopted_snapshot = {
        "title": program.title,
        "year": program.year,
        "kind": program.kind,
        "adopted_on": adopted_on.isoformat(),
        "items": [item_plan(i) for i in items],
    }
    program.version += 1
    program.save()
    record_event(
        actor=actor,
        action="programs.adopt",
        object_type="program",
        object_id=program.pk,
        org_path=program.organization.path,
        summary=f"Thông qua {program.title}",
        after={"adopted_on": adopted_on.isoformat(), "adopted_at": program.adopted_at},
    )
    return program


def _save_next_version(item: ProgramItem) -> None:
    """Save a changed item under its next version, and read back the version written."""
    item.version = F("version") + 1
    item.save()
    item.refresh_from_db()


def _result_of(item: ProgramItem) -> dict[str, Any]:
    """An item's result as the audit log keeps it."""
    return {
        "result": item.result,
        "conclusions": item.conclusions,
        "shortcomings": item.shortcomings,
        "remedies_required": item.remedies_required,
        "remedy_deadline": item.remedy_deadline.isoformat() if item.remedy_deadline else None,
    }


@transaction.atomic
def change_item_status(
    *,
    actor: User | None,
    item_id: int,
    status: str,
    reason: str = "",
    on: dt.date | None = None,
) -> ProgramItem:
    """Move an item along the allowed transitions; postponing, cancelling and reopening need a
    reason. The organization's writers and the member in charge may do it."""
    item = _item_for_update(actor, item_id, allow_in_charge=True)
    if status not in ItemStatus.values:
        raise DomainError("Trạng thái không hợp lệ.", field="status", rule=domain.RULE_TRANSITION)
    current, new = domain.ItemStatus(item.status), domain.ItemStatus(status)
    _check(domain.check_transition(current, new, reason))
    day = on or dt.date.today()
    before = {"status": item.status, "reason": item.status_reason}
    item.status = new.value
    item.status_reason = reason.strip()
    item.completed_on = day if new is domain.ItemStatus.DONE else None
    _save_next_version(item)
    ItemStatusChange.objects.create(
        item=item,
        from_status=current.value,
        to_status=new.value,
        reason=reason.strip(),
        changed_on=day,
        changed_by=author(actor),
    )
    _audit_item(
        actor,
        item,
        "programs.item.status",
        f"{item.code}: {current.label} → {new.label}",
        before,
        {"status": item.status, "reason": item.status_reason, "on": day.isoformat()},
    )
    return item


@transaction.atomic
def record_item_result(
    *,
    actor: User | None,
    item_id: int,
    result: str = "",
    conclusions: str = "",
    shortcomings: str = "",
    remedies_required: str = "",
    remedy_deadline: dt.date | None = None,
) -> ProgramItem:
    """Record an item's result; for inspection and supervision, the conclusions, shortcomings
    found and the remedies required by a deadline."""
    item = _item_for_update(actor, item_id, allow_in_charge=True)
    before = _result_of(item)
    if remedy_deadline is not None and not remedies_required.strip():
        raise DomainError(
            "Có thời hạn khắc phục thì phải ghi yêu cầu khắc phục.",
            field="remedies_required",
            rule=domain.RULE_ITEM_DATA,
        )
    item.result = result.strip()
    item.conclusions = conclusions.strip()
    item.shortcomings = shortcomings.strip()
    item.remedies_required = remedies_required.strip()
    item.remedy_deadline = remedy_deadline
    if remedy_deadline is None:
        item.remedy_done_on = None
    _check(
        domain.check_item(
            ProgramKind.domain_kind(item.program.kind), item.program.year, domain_item(item)
        )
    )
    _save_next_version(item)
    _audit_item(
        actor,
        item,
        "programs.item.result",
        f"Kết quả nội dung {item.code}",
        before,
        _result_of(item),
    )
    return item


@transaction.atomic
def mark_remedied(*, actor: User | None, item_id: int, on: dt.date) -> ProgramItem:
    """Record the day the inspected finished remedying the shortcomings concluded."""
    item = _item_for_update(actor, item_id, allow_in_charge=True)
    if item.remedy_deadline is None:
        raise DomainError(
            "Nội dung này không có yêu cầu khắc phục.",
            field="remedy_done_on",
            rule=domain.RULE_ITEM_DATA,
        )
    item.remedy_done_on = on
    _save_next_version(item)
    _audit_item(
        actor,
        item,
        "programs.item.remedied",
        f"Nội dung {item.code}: đã khắc phục",
        None,
        {"remedy_done_on": on.isoformat()},
    )
    return item
