"""Every write of evaluation: cycles, facts, the three tiers, sealed decisions and corrections.

Each service re-checks permission, runs the cycle's profile, writes, and records the audit event
in one transaction. A decision locks its cycle row before counting the quota (SQLite: the
IMMEDIATE transaction already holds the write lock), so two people deciding at once can never
both take the last place. Lock order: cycle, then evaluation, then decision.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

from django.db import IntegrityError, connection, transaction
from django.db.models import DateField, Exists, F, IntegerField, OuterRef, QuerySet
from django.urls import reverse

from tongket.accounts.scope import User, scope_for
from tongket.audit.recorders import EventRecorder
from tongket.audit.services import EventInput, record_event, record_events
from tongket.core.actors import author
from tongket.core.errors import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from tongket.core.formatting import date_short
from tongket.core.lookups import first_or_not_found
from tongket.core.required import require_text
from tongket.core.rules import Finding, Severity, errors_in
from tongket.core.statements import Statement, slot
from tongket.core.text import join_sentences
from tongket.evaluation import checks, leaders, permissions, selectors, tally
from tongket.evaluation.domain import Level, NotClassifiedReason, Period, TaskTally
from tongket.evaluation.models import (
    UNGROUPED,
    Assessment,
    Cycle,
    CycleStatus,
    Decision,
    DecisionKind,
    DecisionStatus,
    Evaluation,
    QuotaException,
    ResultTally,
    SubjectKind,
    Tier,
)
from tongket.evaluation.regulations import profile_for_year, qd366
from tongket.evaluation.regulations.base import Profile
from tongket.evaluation.regulations.calendar import (
    STEPS,
    Step,
    default_calendar,
    require_valid_calendar,
)
from tongket.evaluation.regulations.qd366 import Qd366Profile
from tongket.evaluation.regulations.quota import QuotaVerdict
from tongket.evaluation.selectors import Outcome
from tongket.notifications import services as notifications
from tongket.notifications.domain import Kind
from tongket.people.models import Organization, OrganizationKind

# Profiles under which the directly superior committee may cancel a result and reclassify.
RECLASSIFICATION_CITATIONS: Mapping[str, str] = {
    "qd124": "Quy định 124-QĐ/TW (04/10/2023); Hướng dẫn 25-HD/BTCTW: cấp ủy cấp trên trực tiếp "
    "hủy kết quả và xếp loại lại",
    "qd366": "Quy định 366-QĐ/TW (30/8/2025); Hướng dẫn 43-HD/BTCTW: cấp ủy cấp trên trực tiếp "
    "hủy kết quả và xếp loại lại",
}

# Profiles without the one or the other, each with the id of the refusal.
RECLASSIFICATION_NOT_PROVIDED: Mapping[str, str] = {
    "qd132": "qd132.reclassification.not_provided",
}
QUOTA_GROUPS_NOT_PROVIDED: Mapping[str, str] = {
    "qd132": "qd132.quota.groups.not_provided",
    "qd124": "qd124.quota.groups.not_provided",
}

CYCLE_KINDS = (OrganizationKind.PROVINCIAL, OrganizationKind.BLOC, OrganizationKind.GRASSROOTS)


def _label(actor: User | None) -> str:
    if actor is None or not actor.is_authenticated:
        return "hệ thống"
    return actor.get_username()


def _outcome_fields(outcome: Outcome) -> dict[str, str]:
    if isinstance(outcome, Level):
        return {"level": outcome.value, "not_classified_reason": ""}
    return {"level": "", "not_classified_reason": outcome.value}


def _plain(value: object) -> object:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def _evaluation_for(actor: User | None, evaluation_id: int) -> Evaluation:
    return selectors.get_evaluation(actor, evaluation_id)


def _require(allowed: bool, scope_reads: bool) -> None:
    if not scope_reads:
        raise NotFound("Không tìm thấy bản đánh giá.")
    if not allowed:
        raise PermissionDenied()


def _require_open(cycle: Cycle) -> None:
    if cycle.status != CycleStatus.OPEN:
        raise DomainError(
            "Kỳ đánh giá đã kết thúc; chỉ có thể điều chỉnh quyết định đã ban hành.",
            field="cycle",
            rule="evaluation.cycle.closed",
        )


def _require_undecided(ev: Evaluation) -> None:
    decided = getattr(ev, "decided", None)  # read with the evaluation (checks.with_decision_facts)
    if decided is None:
        decided = ev.decisions.filter(status=DecisionStatus.CURRENT).exists()
    if decided:
        raise DomainError(
            checks.ALREADY_DECIDED, field="evaluation", rule="evaluation.already_decided"
        )


def _refuse_errors(findings: list[Finding], *, field: str = "level") -> None:
    errors = errors_in(findings)
    if errors:
        raise DomainError.from_findings(errors, field=field)


# --- cycles --------------------------------------------------------------------------------------


def _params_json(profile: Profile, overrides: Mapping[str, object]) -> dict[str, object]:
    validated = profile.with_params(**overrides)
    return {name: _plain(getattr(validated.params, name)) for name in overrides}


def _managed_cycle(actor: User | None, cycle_id: int) -> Cycle:
    """A cycle whose deciding body's office the actor is; not found otherwise (another office
    does not learn the cycle exists)."""
    cycle = selectors.get_cycle(actor, cycle_id)
    if not permissions.can_manage_cycle(scope_for(actor), cycle):
        raise NotFound("Không tìm thấy kỳ đánh giá.")
    return cycle


_CYCLES = EventRecorder[Cycle]("evaluation.Cycle", lambda cycle: cycle.organization.path)
_EVALUATIONS = EventRecorder[Evaluation]("evaluation.Evaluation", lambda ev: ev.subject_path)


def _event(
    actor: User | None,
    target: Cycle | Evaluation,
    action: str,
    summary: str,
    *,
    before: Any = None,
    after: Any = None,
) -> None:
    """The audit event of a change to a cycle, filed under its organization, or of facts
    recorded on an evaluation (their values before and after), filed under its subject."""
    if isinstance(target, Cycle):
        _CYCLES.record(actor, action, target, summary, before=before, after=after)
    else:
        _EVALUATIONS.record(actor, action, target, summary, before=before, after=after)


@transaction.atomic
def open_cycle(
    *,
    actor: User | None,
    organization_code: str,
    year: int,
    quarter: int | None = None,
    params: Mapping[str, object] | None = None,
) -> Cycle:
    """Open the organization's cycle for a period under the profile of that year, and list its
    subjects: a grassroots organization's members and cells, or a higher committee's directly
    subordinate organizations (whose own rating it decides)."""
    org = Organization.objects.filter(code=organization_code).first()
    scope = scope_for(actor)
    if org is None or not scope.reads(org.path):
        raise NotFound("Không tìm thấy tổ chức.")
    if not scope.writes(org.path):
        raise PermissionDenied()
    if org.kind not in CYCLE_KINDS:
        raise DomainError(
            "Chỉ đảng bộ cơ sở và cấp ủy cấp trên mở kỳ đánh giá, xếp loại.",
            field="organization",
            rule="evaluation.cycle.organization_kind",
        )
    profile = profile_for_year(year)
    try:
        period = Period(year, quarter)
    except ValueError as exc:
        raise DomainError(str(exc), field="quarter", rule="evaluation.cycle.quarter") from None
    _refuse_errors(profile.check_period(period), field="quarter")
    overrides = _params_json(profile, params or {})
    if selectors.find_cycle(org, year, quarter) is not None:
        raise DomainError(
            f"{org.name} đã có kỳ đánh giá {period.label.lower()}.",
            field="year",
            rule="evaluation.cycle.exists",
        )
    calendar = default_calendar(year, quarter)
    cycle = Cycle.objects.create(
        organization=org,
        org_path=org.path,
        year=year,
        quarter=quarter,
        profile_id=profile.id,
        params=overrides,
        opened_by=author(actor),
        **{step.field: day for step, day in calendar.as_dict().items()},
    )
    subjects = selectors.missing_subjects(cycle, org, period)
    Evaluation.objects.bulk_create(subjects)
    tally.add_pending(cycle, subjects)
    _ask_self_assessments(cycle, org, period, subjects)
    _event(
        actor,
        cycle,
        "evaluation.cycle.open",
        f"Mở kỳ đánh giá {period.label.lower()} của {org.code} ({profile.id})",
        after={
            "organization": org.code,
            "year": year,
            "quarter": quarter,
            "profile": profile.id,
            "params": overrides,
            "subjects": len(subjects),
        },
    )
    return cycle


@transaction.atomic
def add_missing_subjects(*, actor: User | None, cycle_id: int) -> int:
    """The office adds to an open cycle the subjects it lacks: members admitted, transferred in
    or imported, and cells created, after the cycle was opened. Each is asked to self-assess as
    at the opening; audited with the cards and codes added. Returns how many were added."""
    cycle = _managed_cycle(actor, cycle_id)
    cycle = Cycle.objects.select_for_update().select_related("organization").get(pk=cycle.pk)
    if cycle.status != CycleStatus.OPEN:
        raise DomainError(
            "Kỳ đánh giá đã kết thúc: không thêm được đối tượng đánh giá.",
            field="cycle",
            rule="evaluation.cycle.already_closed",
        )
    org = cycle.organization
    period = Period(cycle.year, cycle.quarter)
    subjects = selectors.missing_subjects(cycle, org, period)
    if not subjects:
        return 0
    Evaluation.objects.bulk_create(subjects)
    tally.add_pending(cycle, subjects)
    _ask_self_assessments(cycle, org, period, subjects)
    codes = [
        ev.member.card_number if ev.member else ev.organization.code if ev.organization else ""
        for ev in subjects
    ]
    _event(
        actor,
        cycle,
        "evaluation.cycle.add_subjects",
        f"Thêm {len(subjects)} đối tượng đánh giá vào kỳ {cycle}",
        after={"subjects": codes},
    )
    return len(subjects)


def _lower_first(label: str) -> str:
    """«Quý I năm 2027» inside a sentence: «quý I năm 2027» (the numeral keeps its case)."""
    return label[:1].lower() + label[1:]


def _ask_self_assessments(
    cycle: Cycle, org: Organization, period: Period, subjects: Sequence[Evaluation]
) -> None:
    """Each member with an account is asked to self-assess, with the deadline."""
    due = selectors.self_assessment_due(cycle)
    notifications.notify_each(
        kind=Kind.SELF_ASSESS,
        notices=[
            notifications.Notice(
                user_id=ev.member.user_id,
                text=(
                    f"Mời đồng chí tự đánh giá, xếp loại {_lower_first(period.label)} ({org.name})."
                ),
                url=reverse("evaluation:evaluation", args=[ev.pk]) if ev.pk else "",
                due=due,
            )
            for ev in subjects
            if ev.member is not None
            and ev.member.user_id is not None
            and not checks.review_findings(ev)  # Điều 5: not reviewed, not invited
        ],
    )


@transaction.atomic
def set_calendar(
    *,
    actor: User | None,
    cycle_id: int,
    dates: Mapping[Step, dt.date | None],
    year_ends_otherwise: bool = False,
) -> Cycle:
    """The office sets the cycle's deadline of each step (regulations/calendar.py): every step
    dated, a later step never due before an earlier one (`qd366.calendar.order`), none past the
    final deadline of HD 43 §4 (31/12, or 15/01 where the unit's year ends otherwise). Refused
    with the first step at fault as the field; audited with the calendar before and after."""
    cycle = _managed_cycle(actor, cycle_id)
    cycle = Cycle.objects.select_for_update().select_related("organization").get(pk=cycle.pk)
    if cycle.status != CycleStatus.OPEN:
        raise DomainError(
            "Kỳ đánh giá đã kết thúc: không sửa được lịch.",
            field="cycle",
            rule="evaluation.cycle.already_closed",
        )
    wanted = require_valid_calendar(
        dates,
        year=cycle.year,
        quarter=cycle.quarter,
        year_ends_otherwise=year_ends_otherwise,
    )
    before = selectors.calendar_of(cycle)
    before_otherwise = cycle.year_ends_otherwise
    changes = {step.field: wanted.due(step) for step in STEPS}
    Cycle.objects.filter(pk=cycle.pk).update(year_ends_otherwise=year_ends_otherwise, **changes)
    _event(
        actor,
        cycle,
        "evaluation.cycle.calendar",
        f"Sửa lịch kiểm điểm, xếp loại {cycle}",
        before={
            "year_ends_otherwise": before_otherwise,
            **{step.field: before.due(step).isoformat() for step in STEPS},
        },
        after={
            "year_ends_otherwise": year_ends_otherwise,
            **{step.field: wanted.due(step).isoformat() for step in STEPS},
        },
    )
    cycle.refresh_from_db()
    return cycle


@transaction.atomic
def close_cycle(*, actor: User | None, cycle_id: int, confirm_undecided: bool = False) -> Cycle:
    """End the cycle. Subjects still without a decision need the office's confirmation
    (`evaluation.cycle.undecided`): closing does not decide them, it stops the work."""
    cycle = _managed_cycle(actor, cycle_id)
    if cycle.status != CycleStatus.OPEN:
        raise DomainError(
            "Kỳ đánh giá đã kết thúc.", field="cycle", rule="evaluation.cycle.already_closed"
        )
    undecided = selectors.undecided_count(cycle)
    if undecided and not confirm_undecided:
        raise DomainError(
            f"Còn {undecided} đối tượng chưa có quyết định xếp loại; "
            "hãy xem danh sách và xác nhận nếu vẫn đóng kỳ.",
            field="confirm",
            rule="evaluation.cycle.undecided",
        )
    Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.CLOSED)
    _event(
        actor,
        cycle,
        "evaluation.cycle.close",
        f"Kết thúc kỳ đánh giá {cycle}",
        before={"status": CycleStatus.OPEN},
        after={"status": CycleStatus.CLOSED, "undecided": undecided},
    )
    cycle.refresh_from_db()
    return cycle


@transaction.atomic
def reopen_cycle(*, actor: User | None, cycle_id: int, reason: str) -> Cycle:
    """Reopen a closed cycle: the deciding body's office, with a reason kept in its history."""
    cycle = _managed_cycle(actor, cycle_id)
    if cycle.status != CycleStatus.CLOSED:
        raise DomainError("Kỳ đánh giá đang mở.", field="cycle", rule="evaluation.cycle.not_closed")
    require_text(
        reason,
        "Vui lòng ghi lý do mở lại kỳ đánh giá.",
        field="reason",
        rule="evaluation.cycle.reopen_reason",
    )
    Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.OPEN)
    _event(
        actor,
        cycle,
        "evaluation.cycle.reopen",
        f"Mở lại kỳ đánh giá {cycle}: {reason.strip()}",
        before={"status": CycleStatus.CLOSED},
        after={"status": CycleStatus.OPEN, "reason": reason.strip()},
    )
    cycle.refresh_from_db()
    return cycle


# --- facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactsInput:
    """Facts the office records for one evaluation; None leaves a fact unchanged."""

    civil_service_level: Level | None = None
    clear_civil_service_level: bool = False
    disciplined: bool | None = None
    discipline_self_remedied: bool | None = None
    degradation_concluded: bool | None = None
    targets_assigned: int | None = None
    targets_met: int | None = None
    targets_force_majeure: bool | None = None
    sick_leave_months: Decimal | None = None
    maternity_leave: bool | None = None
    exempted: bool | None = None
    suspended: bool | None = None
    is_leader: bool | None = None
    earlier_shortcomings_remedied: bool | None = None
    tasks_total: int | None = None
    tasks_completed: int | None = None
    tasks_on_time: int | None = None
    tasks_late: int | None = None
    tasks_exceeded: int | None = None
    same_level_bodies_level: Level | None = None
    leadership_discipline: str | None = None
    disunity: bool | None = None
    peer_group: str | None = None
    temporary_cell: str | None = None
    temporary_cell_comment: str | None = None
    # qd366, Điều 11.4: what the not_completed cases read
    discipline_form: str | None = None
    discipline_date: dt.date | None = None
    clear_discipline_date: bool = False
    discipline_duty_related: bool | None = None
    discipline_unit: str | None = None
    prohibitions_breached: bool | None = None
    confidence_votes: int | None = None
    low_confidence_votes: int | None = None
    corruption_under_management: bool | None = None
    personnel_wrongdoing: bool | None = None
    basic_targets_missed: bool | None = None
    outside_political_system: bool | None = None
    competent_justification: str | None = None


@transaction.atomic
def record_facts(*, actor: User | None, evaluation_id: int, facts: FactsInput) -> Evaluation:
    """The office records what the rules read (discipline, civil-service level, leave...)."""
    ev = _evaluation_for(actor, evaluation_id)
    scope = scope_for(actor)
    _require(permissions.can_manage_cycle(scope, ev.cycle), True)
    _require_open(ev.cycle)
    _require_undecided(ev)
    changes: dict[str, object] = {}
    for item in dataclasses.fields(facts):
        value = getattr(facts, item.name)
        if item.name == "clear_civil_service_level":
            if value:
                changes["civil_service_level"] = ""
            continue
        if item.name == "clear_discipline_date":
            if value:
                changes["discipline_date"] = None
            continue
        if value is not None:
            changes[item.name] = value.value if isinstance(value, StrEnum) else value
    if any(name.startswith("tasks_") for name in changes):
        changes["tasks_by_office"] = True  # the member's annex no longer overwrites them
    before = {name: _plain(getattr(ev, name)) for name in changes}
    for name, value in changes.items():
        setattr(ev, name, value)
    try:
        # Building the rules' facts runs the same validation the rules rely on.
        if ev.subject_kind == SubjectKind.MEMBER:
            checks.member_facts(ev)
        else:
            checks.organization_facts(ev)
    except ValueError as exc:
        raise DomainError(str(exc), field="facts", rule="evaluation.facts.invalid") from None
    ev.version = F("version") + 1
    ev.save()
    ev.refresh_from_db()
    _event(
        actor,
        ev,
        "evaluation.facts.record",
        f"Ghi nhận dữ kiện đánh giá của {selectors.subject_code(ev)}",
        before=before,
        after={name: _plain(getattr(ev, name)) for name in changes},
    )
    return ev


# --- qd366 quota groups and the 25 % exception (issue 24; Điều 11, point 1.5) ---------------------

GROUP_MANAGERS = "Cán bộ lãnh đạo, quản lý"
GROUP_NO_POST = "Đảng viên không giữ chức vụ lãnh đạo, quản lý"
GROUP_NAME_MAX = 80  # Evaluation.peer_group


def _qd366_cycle(actor: User | None, cycle_id: int) -> tuple[Cycle, Qd366Profile]:
    cycle = selectors.get_cycle(actor, cycle_id)
    _require(permissions.can_manage_cycle(scope_for(actor), cycle), True)
    cycle = (
        Cycle.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=cycle.pk)
    )
    _require_open(cycle)
    profile = selectors.profile_of(cycle)
    if not selectors.uses_points(profile):
        raise DomainError(
            f"{profile.short_title} không chia nhóm tính tỷ lệ theo Quy định 366-QĐ/TW.",
            field="cycle",
            rule=QUOTA_GROUPS_NOT_PROVIDED[profile.id],
        )
    return cycle, profile


@transaction.atomic
def assign_quota_groups(
    *, actor: User | None, cycle_id: int, subject_kind: str, basis: str
) -> dict[str, int]:
    """The office puts every subject of one kind in exactly one quota group: organizations by
    their kind (`org_kind`), members by post (`post`: leaders and managers apart from members
    without a post). Groups are set before deciding: refused once a level is decided. Returns
    the number of subjects per group. Groups are edited by hand with `record_facts(peer_group)`.
    """
    cycle, _profile = _qd366_cycle(actor, cycle_id)
    kinds = {SubjectKind.ORGANIZATION: "org_kind", SubjectKind.MEMBER: "post"}
    if kinds.get(SubjectKind(subject_kind)) != basis:
        raise DomainError(
            "Tổ chức đảng chia nhóm theo loại tổ chức (org_kind), đảng viên theo chức vụ (post).",
            field="basis",
            rule="qd366.quota.groups.basis",
        )
    evaluations = Evaluation.objects.filter(cycle=cycle, subject_kind=subject_kind)
    if Decision.objects.filter(evaluation__in=evaluations, status=DecisionStatus.CURRENT).exists():
        raise DomainError(
            "Đã có quyết định xếp loại trong kỳ: phải xác định nhóm trước khi xếp loại.",
            field="basis",
            rule="qd366.quota.groups.after_decisions",
        )
    rows = list(evaluations.select_related("organization", "member"))
    if basis == "org_kind":
        names = {ev.pk: OrganizationKind(ev.org_kind).label if ev.org_kind else "" for ev in rows}
    else:
        lead = leaders.managers(
            (ev.member_id for ev in rows if ev.member_id is not None),
            selectors.period_of(cycle).end,
        )
        names = {ev.pk: GROUP_MANAGERS if ev.member_id in lead else GROUP_NO_POST for ev in rows}
    for ev in rows:
        ev.peer_group = names[ev.pk]
    Evaluation.objects.bulk_update(rows, ["peer_group"])
    sizes: dict[str, int] = {}
    for name in names.values():
        sizes[name] = sizes.get(name, 0) + 1
    _event(
        actor,
        cycle,
        "evaluation.quota.groups",
        f"Xác định nhóm tính tỷ lệ ({subject_kind}, {basis}) của {cycle}",
        after={"subject_kind": subject_kind, "basis": basis, "groups": sizes},
    )
    return sizes


@transaction.atomic
def move_to_quota_group(
    *, actor: User | None, cycle_id: int, subject_kind: str, group: str, codes: Sequence[str]
) -> int:
    """The office puts named subjects (card numbers, or organization codes) in one quota group by
    hand; each stays in exactly one group (its previous one is left). Refused as a whole, naming
    each code, when a code is not a subject of the cycle or its level is already decided.
    Returns how many subjects moved. 366-QĐ/TW, Điều 11, point 1.5."""
    cycle, _profile = _qd366_cycle(actor, cycle_id)
    group = group.strip()
    if len(group) > GROUP_NAME_MAX:
        raise DomainError(
            "Tên nhóm quá dài (tối đa 80 ký tự).", field="group", rule="qd366.quota.groups.name"
        )
    wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    if not wanted:
        raise DomainError(
            "Phải ghi ít nhất một số thẻ đảng viên hoặc mã tổ chức.",
            field="codes",
            rule="qd366.quota.groups.codes",
        )
    evaluations = Evaluation.objects.filter(cycle=cycle, subject_kind=subject_kind)
    key = "member__card_number" if subject_kind == SubjectKind.MEMBER else "organization__code"
    rows = list(
        evaluations.filter(**{f"{key}__in": wanted}).select_related("member", "organization")
    )
    found = {selectors.subject_code(ev): ev for ev in rows}
    decided = set(
        Decision.objects.filter(evaluation__in=rows, status=DecisionStatus.CURRENT).values_list(
            "evaluation_id", flat=True
        )
    )
    problems = [
        Finding(
            rule="qd366.quota.groups.unknown_subject",
            citation=qd366.CITE_QUOTA,
            message=f"«{code}» không phải đối tượng đánh giá của kỳ này.",
            subject=code,
        )
        for code in wanted
        if code not in found
    ] + [
        Finding(
            rule="qd366.quota.groups.after_decisions",
            citation=qd366.CITE_QUOTA,
            message=f"«{code}» đã có quyết định xếp loại: phải xác định nhóm trước khi xếp loại.",
            subject=code,
        )
        for code, ev in found.items()
        if ev.pk in decided
    ]
    if problems:
        raise DomainError.from_findings(problems, field="codes")
    before = {code: ev.peer_group for code, ev in found.items()}
    for ev in rows:
        ev.peer_group = group
    Evaluation.objects.bulk_update(rows, ["peer_group"])
    _event(
        actor,
        cycle,
        "evaluation.quota.group_move",
        f"Chuyển {len(rows)} đối tượng vào nhóm «{group or UNGROUPED}» của {cycle}",
        before={"groups": before},
        after={"subject_kind": subject_kind, "group": group, "codes": sorted(found)},
    )
    return len(rows)


@transaction.atomic
def record_quota_exception(
    *,
    actor: User | None,
    cycle_id: int,
    subject_kind: str,
    groups: list[str],
    percent: Decimal,
    number: str,
    date: dt.date,
    reason: str,
) -> QuotaException:
    """The competent level (the cycle's organization) records its decision raising the rate to
    at most 25 % for groups whose results are outstanding; it replaces an earlier exception for
    the same groups. 366-QĐ/TW, Điều 11, point 1.5."""
    cycle, profile = _qd366_cycle(actor, cycle_id)
    number = _check_number(number, date)
    known = list(
        Evaluation.objects.filter(cycle=cycle, subject_kind=subject_kind)
        .values_list("peer_group", flat=True)
        .distinct()
    )
    found = qd366.check_quota_exception(
        percent, groups=groups, known_groups=known, reason=reason, params=profile.params
    )
    _refuse_errors(found, field="percent")
    replaced = [
        row.pk
        for row in QuotaException.objects.select_for_update().filter(
            cycle=cycle, subject_kind=subject_kind, is_current=True
        )
        if set(row.groups) & set(groups)
    ]
    QuotaException.objects.filter(pk__in=replaced).update(is_current=False)
    row = QuotaException.objects.create(
        cycle=cycle,
        subject_kind=subject_kind,
        groups=sorted(set(groups)),
        percent=percent,
        number=number,
        date=date,
        deciding_body=cycle.organization,
        reason=reason.strip(),
        recorded_by=author(actor),
        recorded_by_label=_label(actor),
    )
    record_event(
        actor=actor,
        action="evaluation.quota.exception",
        object_type="evaluation.QuotaException",
        object_id=row.pk,
        org_path=cycle.organization.path,
        summary=f"Quyết định số {number} nâng tỷ lệ hoàn thành xuất sắc lên {percent}%",
        after={
            "subject_kind": subject_kind,
            "groups": row.groups,
            "percent": str(percent),
            "number": number,
            "date": date.isoformat(),
            "deciding_body": cycle.organization.code,
            "reason": row.reason,
            "replaces": replaced,
        },
    )
    return row


# --- the three tiers -----------------------------------------------------------------------------


def _validated_ratings(
    ev: Evaluation, profile: Profile, grades: Mapping[str, str] | None, points: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    if selectors.uses_points(profile):
        if grades:
            raise DomainError(
                f"{profile.short_title} chấm điểm theo khung 100 điểm, "
                "không xếp mức từng tiêu chí.",
                field="grades",
                rule="evaluation.ratings.points_expected",
            )
        try:
            parsed = checks.parse_points(points)
        except ValueError as exc:
            raise DomainError(str(exc), field="points", rule="evaluation.points.invalid") from None
        if parsed:
            total = profile.score_total(selectors.point_frame(ev), parsed)
            _refuse_errors(list(total.errors), field="points")
        return {}, {code: str(value) for code, value in parsed.items()}
    if points:
        raise DomainError(
            f"{profile.short_title} xếp mức từng tiêu chí, không chấm điểm.",
            field="points",
            rule="evaluation.ratings.grades_expected",
        )
    grades = dict(grades or {})
    if grades:
        expected = {c.code for c in selectors.grade_criteria(ev)}
        missing = sorted(expected - set(grades))
        if missing:
            raise DomainError(
                f"Chưa xếp mức các tiêu chí: {', '.join(missing)}.",
                field="grades",
                rule="evaluation.grades.missing",
            )
        try:
            checks.parse_grades(ev, grades)
        except ValueError as exc:
            raise DomainError(str(exc), field="grades", rule="evaluation.grades.invalid") from None
    return grades, {}


def _is_own(actor: User | None, ev: Evaluation) -> bool:
    """Whether the actor is the evaluated member themself (else the entry is «nhập thay»)."""
    return (
        actor is not None
        and actor.is_authenticated
        and ev.member is not None
        and ev.member.user_id == actor.pk
    )


def _add_assessment(
    *,
    actor: User | None,
    ev: Evaluation,
    tier: Tier,
    outcome: Outcome | None,
    grades: Mapping[str, str],
    points: Mapping[str, str],
    comment: str,
) -> Assessment:
    Assessment.objects.filter(evaluation=ev, tier=tier, is_current=True).update(is_current=False)
    fields = _outcome_fields(outcome) if outcome is not None else {}
    on_behalf = tier is Tier.SELF and not _is_own(actor, ev)
    row = Assessment.objects.create(
        evaluation=ev,
        tier=tier,
        grades=dict(grades),
        points=dict(points),
        comment=comment.strip(),
        author=author(actor),
        author_label=_label(actor),
        on_behalf=on_behalf,
        **fields,
    )
    record_event(
        actor=actor,
        action=f"evaluation.assessment.{tier.value}",
        object_type="evaluation.Assessment",
        object_id=row.pk,
        org_path=ev.subject_path,
        summary=f"{tier.label}{' (nhập thay)' if on_behalf else ''}: {selectors.subject_code(ev)}"
        + (f" – {selectors.outcome_label(outcome)}" if outcome is not None else ""),
        after={
            "evaluation": ev.pk,
            "tier": tier.value,
            "on_behalf": on_behalf,
            **fields,
            "grades": dict(grades),
            "points": dict(points),
            "comment": row.comment,
        },
    )
    return row


@transaction.atomic
def submit_self_assessment(
    *,
    actor: User | None,
    evaluation_id: int,
    level: Level | None,
    grades: Mapping[str, str] | None = None,
    points: Mapping[str, Any] | None = None,
    comment: str = "",
) -> Assessment:
    """The member (or the office entering a paper form) grades each criterion, or scores it under
    qd366, and proposes a level; the profile's level conditions run on what was entered."""
    ev = _evaluation_for(actor, evaluation_id)
    _require(permissions.can_self_assess(scope_for(actor), ev), True)
    _require_open(ev.cycle)
    _require_undecided(ev)
    profile = selectors.profile_of(ev.cycle)
    # qd366, Điều 5 (issue 24): new, exempted and suspended members do not review at all.
    _refuse_errors(checks.review_findings(ev), field="evaluation")
    clean_grades, clean_points = _validated_ratings(ev, profile, grades, points or {})
    if level is not None:
        _refuse_errors(
            checks.level_findings(
                ev, level, profile=profile, grades=clean_grades, points=clean_points
            )
        )
    return _add_assessment(
        actor=actor,
        ev=ev,
        tier=Tier.SELF,
        outcome=level,
        grades=clean_grades,
        points=clean_points,
        comment=comment,
    )


@transaction.atomic
def record_proposal(
    *, actor: User | None, evaluation_id: int, outcome: Outcome, comment: str = ""
) -> Assessment:
    """The cell's opinion and proposed level, checked against the profile's conditions."""
    ev = _evaluation_for(actor, evaluation_id)
    _require(permissions.can_propose(scope_for(actor), ev), True)
    _require_open(ev.cycle)
    _require_undecided(ev)
    _refuse_errors(checks.level_findings(ev, outcome, proposed_or_decided=True))
    return _add_assessment(
        actor=actor, ev=ev, tier=Tier.CELL, outcome=outcome, grades={}, points={}, comment=comment
    )


@transaction.atomic
def record_appraisal(
    *,
    actor: User | None,
    evaluation_id: int,
    outcome: Outcome,
    comment: str = "",
    grades: Mapping[str, str] | None = None,
    points: Mapping[str, Any] | None = None,
) -> Assessment:
    """The committee's appraisal (with its own grades or points when it re-rates)."""
    ev = _evaluation_for(actor, evaluation_id)
    _require(permissions.can_manage_cycle(scope_for(actor), ev.cycle), True)
    _require_open(ev.cycle)
    _require_undecided(ev)
    profile = selectors.profile_of(ev.cycle)
    clean_grades, clean_points = _validated_ratings(ev, profile, grades, points or {})
    explicit = bool(clean_grades or clean_points)
    _refuse_errors(
        checks.level_findings(
            ev,
            outcome,
            profile=profile,
            grades=clean_grades if explicit else None,
            points=clean_points if explicit else None,
        )
    )
    return _add_assessment(
        actor=actor,
        ev=ev,
        tier=Tier.COMMITTEE,
        outcome=outcome,
        grades=clean_grades,
        points=clean_points,
        comment=comment,
    )


# --- decisions -----------------------------------------------------------------------------------


def _check_number(number: str, date: dt.date) -> str:
    require_text(
        number,
        "Phải ghi số quyết định.",
        field="number",
        rule="evaluation.decision.number_required",
    )
    if not isinstance(date, dt.date):
        raise DomainError(
            "Phải ghi ngày quyết định.", field="date", rule="evaluation.decision.date_required"
        )
    return number.strip()


def _lock(cycle_id: int, evaluation_id: int) -> tuple[Cycle, Evaluation]:
    cycle = (
        Cycle.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=cycle_id)
    )
    ev = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("member", "organization", "unit")
        .get(pk=evaluation_id)
    )
    ev.cycle = cycle
    return cycle, ev


def _cycle_to_decide(shape: Hashable) -> QuerySet[Cycle]:
    """The cycle of the evaluation (slot `evaluation`) a user of this scope shape sees, to lock,
    with whether it has current quota exceptions."""
    current_exceptions = QuotaException.objects.filter(cycle=OuterRef("pk"), is_current=True)
    seen = selectors.seen_evaluation(cast(selectors.ScopeShape, shape))
    return (
        Cycle.objects.select_for_update(of=("self",))
        .select_related("organization")
        .annotate(has_quota_exceptions=Exists(current_exceptions))
        .filter(pk__in=seen.values("cycle_id"))
        .order_by("pk")[:1]
    )


def _evaluation_to_decide(shape: Hashable) -> QuerySet[Evaluation]:
    """The evaluation to lock with what the decision's checks read
    (`checks.with_period_facts`), its period's year (and quarter) and the day leaders are read
    on (qd366) in slots."""
    scope, quarterly, reads_leaders = cast(tuple[selectors.ScopeShape, bool, bool], shape)
    return checks.with_period_facts(
        selectors.seen_evaluation(scope)
        .select_for_update(of=("self",))
        .select_related("member", "organization", "unit"),
        slot("year", IntegerField()),
        slot("quarter", IntegerField()) if quarterly else None,
        leaders_on=slot("leaders_on", DateField()) if reads_leaders else None,
    ).prefetch_related(None)  # the current assessments: `_CURRENT_ASSESSMENTS`


def _current_assessments(shape: Hashable) -> QuerySet[Assessment]:
    """`checks.current_tiers` of the evaluation in the slot `evaluation`."""
    return checks.current_tiers().filter(evaluation_id=slot("evaluation", IntegerField()))


# Compiled once per connection and shape (`core.statements`): building and compiling them on
# every decision was half of its CPU (issue 22).
_CYCLE_TO_DECIDE: Statement[Cycle] = Statement(_cycle_to_decide)
_EVALUATION_TO_DECIDE: Statement[Evaluation] = Statement(_evaluation_to_decide)
_CURRENT_ASSESSMENTS: Statement[Assessment] = Statement(_current_assessments)


def _lock_for_decision(actor: User | None, evaluation_id: int) -> tuple[Cycle, Evaluation]:
    """The cycle (locked first, as every decision of it does) and the evaluation (locked),
    both only if the actor sees the evaluation (else NotFound), the evaluation with what the
    decision's checks read (`checks.with_decision_facts`): three queries."""
    scope = scope_for(actor)
    shape = selectors.scope_shape(scope)
    values = {**selectors.scope_values(scope), "evaluation": evaluation_id}
    cycles = _CYCLE_TO_DECIDE.rows(shape, values)
    if not cycles:
        raise NotFound("Không tìm thấy bản đánh giá.")
    cycle = cycles[0]
    reads_leaders = checks.reads_leaders(cycle)
    values["year"] = cycle.year
    if cycle.quarter is not None:
        values["quarter"] = cycle.quarter
    if reads_leaders:
        values["leaders_on"] = leaders.period_end(cycle)
    found = _EVALUATION_TO_DECIDE.rows((shape, cycle.quarter is not None, reads_leaders), values)
    if len(found) != 1:
        raise NotFound("Không tìm thấy bản đánh giá.")
    ev = found[0]
    ev.cycle = cycle
    # As the prefetch of `checks.with_decision_facts` leaves them (each knows its evaluation).
    assessments = _CURRENT_ASSESSMENTS.rows((), {"evaluation": ev.pk})
    for assessment in assessments:
        assessment.evaluation = ev
    ev.current_assessments = assessments  # type: ignore[attr-defined]
    return cycle, ev


def _snapshot(d: Decision) -> dict[str, object]:
    return {
        "evaluation": d.evaluation_id,
        "kind": d.kind,
        "number": d.number,
        "date": d.date.isoformat(),
        "deciding_body": d.deciding_body.code,
        "level": d.level,
        "not_classified_reason": d.not_classified_reason,
        "justification": d.justification,
        "supersedes": d.supersedes_id,
        "reason": d.reason,
        "findings": d.findings,
    }


def _checked(
    *,
    actor: User | None,
    ev: Evaluation,
    outcome: Outcome,
    number: str,
    date: dt.date,
    justification: str,
    kind: DecisionKind,
    deciding_body: Organization,
    quota: QuotaVerdict,
    supersedes: Decision | None = None,
    reason: str = "",
    profile: Profile | None = None,
) -> Decision:
    """Run every check of one decision under the caller's lock and give the decision to write
    (not saved), its accepted warnings stored with it; DomainError when a check refuses it.
    `quota` is the verdict of the quota on the change this decision belongs to
    (`checks.quota_verdicts`)."""
    number = _check_number(number, date)
    justification = justification.strip()
    profile = profile or selectors.profile_of(ev.cycle)
    findings = checks.decision_findings(
        ev,
        outcome,
        profile=profile,
        # HD 43 §3 names who decides; the superior's reclassification (Mẫu 03) is its own power.
        deciding_body=None if kind is DecisionKind.RECLASSIFICATION else deciding_body,
    )
    _refuse_errors([*findings, *quota.findings])
    if outcome is NotClassifiedReason.OTHER and not justification:
        raise DomainError(
            "Không xếp loại vì «trường hợp khác» phải ghi rõ lý do của cấp quyết định.",
            field="justification",
            rule="evaluation.not_classified.other_needs_reason",
        )
    if quota.missing_justification:
        first = quota.findings[0]
        raise DomainError(
            f"{first.message} Hãy ghi lý do của cấp quyết định.",
            field="justification",
            rule=first.rule,
            citation=first.citation,
            findings=quota.findings,
        )
    stored = [
        *(f.as_dict() for f in findings if f.severity is Severity.WARNING),
        *(
            dataclasses.replace(f, justification=justification).as_dict()
            for f in quota.findings
            if f.severity is Severity.WARNING
        ),
    ]
    return Decision(
        evaluation=ev,
        kind=kind,
        number=number,
        date=date,
        deciding_body=deciding_body,
        justification=justification,
        findings=stored,
        supersedes=supersedes,
        reason=reason.strip(),
        decided_by=author(actor),
        decided_by_label=_label(actor),
        **_outcome_fields(outcome),
    )


def _outcome_label(decision: Decision) -> str:
    outcome: Outcome = (
        Level(decision.level)
        if decision.level
        else NotClassifiedReason(decision.not_classified_reason)
    )
    return selectors.outcome_label(outcome)


def _decision_notice(decision: Decision) -> notifications.Notice | None:
    """What the decided member (with an account) is told."""
    ev = decision.evaluation
    if ev.member is None or ev.member.user_id is None:
        return None
    kind = DecisionKind(decision.kind)
    return notifications.Notice(
        user_id=ev.member.user_id,
        text=(
            f"{kind.label} số {decision.number} ngày {date_short(decision.date)} của "
            f"{decision.deciding_body.name}: đồng chí được xếp loại "
            f"«{_outcome_label(decision)}» "
            f"{_lower_first(selectors.period_label(ev.cycle))}."
        ),
        url=reverse("evaluation:evaluation", args=[ev.pk]),
    )


def _decision_event(decision: Decision) -> EventInput:
    """The audit event of one written decision (with the one it supersedes, if any)."""
    ev = decision.evaluation
    kind = DecisionKind(decision.kind)
    supersedes = decision.supersedes
    return EventInput(
        action=f"evaluation.decision.{kind.value}",
        object_type="evaluation.Decision",
        object_id=decision.pk,
        org_path=ev.subject_path,
        summary=(
            f"{kind.label} số {decision.number}: {selectors.subject_code(ev)} – "
            f"{_outcome_label(decision)}"
        ),
        before=_snapshot(supersedes) if supersedes is not None else None,
        after=_snapshot(decision),
    )


def _issue(actor: User | None, decision: Decision) -> Decision:
    """Write one sealed decision that passed its checks (`_checked`), under the caller's lock:
    the one it supersedes marked, the results tally, the member's notice and the audit event."""
    ev, supersedes = decision.evaluation, decision.supersedes
    if supersedes is not None:
        new_status = (
            DecisionStatus.CANCELLED
            if decision.kind == DecisionKind.RECLASSIFICATION
            else DecisionStatus.SUPERSEDED
        )
        moved = Decision.objects.filter(pk=supersedes.pk, status=DecisionStatus.CURRENT).update(
            status=new_status
        )
        if moved != 1:
            raise ConcurrentEdit()
    try:
        # No savepoint: a unique violation (a concurrent decision) aborts the whole change.
        decision.save(force_insert=True)
    except IntegrityError:
        raise ConcurrentEdit() from None
    tally.move(ev, old=supersedes, new=decision)
    notice = _decision_notice(decision)
    if notice is not None:
        notifications.notify(
            user_ids=[notice.user_id], kind=Kind.DECISION, text=notice.text, url=notice.url
        )
    record_events(actor=actor, events=[_decision_event(decision)])
    return decision


def _quota_of(
    ev: Evaluation, outcome: Outcome, justification: str, profile: Profile | None = None
) -> QuotaVerdict:
    """The quota's verdict on one decision about `ev` (under the caller's lock on the cycle)."""
    change = checks.Change(ev, outcome, justification)
    return checks.quota_verdicts([change], profile or selectors.profile_of(ev.cycle))[ev.pk]


@transaction.atomic
def decide(
    *,
    actor: User | None,
    evaluation_id: int,
    outcome: Outcome,
    number: str,
    date: dt.date,
    justification: str = "",
) -> Decision:
    """The competent body classifies one subject: the cycle's organization decides for its
    members and cells (and a superior's cycle for its subordinate organizations)."""
    cycle, ev = _lock_for_decision(actor, evaluation_id)
    _require(permissions.can_manage_cycle(scope_for(actor), cycle), True)
    _require_open(cycle)
    _require_undecided(ev)
    profile = selectors.profile_of(cycle)
    return _issue(
        actor,
        _checked(
            actor=actor,
            ev=ev,
            outcome=outcome,
            number=number,
            date=date,
            justification=justification,
            kind=DecisionKind.DECISION,
            deciding_body=cycle.organization,
            quota=_quota_of(ev, outcome, justification, profile),
            profile=profile,
        ),
    )


@dataclass(frozen=True)
class DecisionItem:
    """One subject of a batch decision: its evaluation, outcome and (optionally) its own
    justification, number and date (else the batch's)."""

    evaluation_id: int
    outcome: Outcome
    justification: str = ""
    number: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class Refusal:
    """Why one evaluation of a batch was refused: the input at fault and one finding."""

    evaluation_id: int
    field: str
    finding: Finding


class BatchRefused(DomainError):
    """A batch decision refused as a whole: nothing written; `refusals` lists every reason with
    its evaluation, and `findings` the same findings, each naming its subject."""

    def __init__(self, refusals: Sequence[Refusal]) -> None:
        first = refusals[0].finding
        super().__init__(
            join_sentences(r.finding.message for r in refusals),
            field="outcomes",
            rule=first.rule,
            citation=first.citation,
            findings=[r.finding for r in refusals],
        )
        self.refusals = tuple(refusals)


def _refusals(ev: Evaluation, exc: DomainError) -> list[Refusal]:
    code = selectors.subject_code(ev)
    found = [dataclasses.replace(f, subject=code) for f in exc.findings] or [
        Finding(
            rule=exc.rule,
            citation=exc.citation,
            message=exc.message,
            subject=code,
            severity=Severity.ERROR,
        )
    ]
    return [Refusal(ev.pk, exc.field, f) for f in found]


@transaction.atomic
def decide_many(
    *,
    actor: User | None,
    cycle_id: int,
    items: Sequence[DecisionItem],
    number: str,
    date: dt.date,
    justification: str = "",
    unit_code: str | None = None,
) -> list[Decision]:
    """One decision (one number and date, unless an item carries its own) for many evaluations
    of a cycle, all or nothing: the decision page of a cell, the API's batch and the workbook.

    Under the lock on the cycle, the quota on `excellent` is counted once for the whole batch as
    its result would stand (`checks.quota_verdicts`), so the same outcomes are accepted or
    refused whatever their order or the number of steps; every other check runs per item, in the
    order given, on the decisions written before it. When any item is refused nothing is written
    and `BatchRefused` lists every refusal. An evaluation the user may not see makes the whole
    batch NotFound; with `unit_code`, every item must be a member of that cell.
    """
    cycle = selectors.get_cycle(actor, cycle_id)
    _require(permissions.can_manage_cycle(scope_for(actor), cycle), True)
    ids = [item.evaluation_id for item in items]
    current_exceptions = QuotaException.objects.filter(cycle=OuterRef("pk"), is_current=True)
    cycle = (
        Cycle.objects.select_for_update(of=("self",))
        .select_related("organization")
        .annotate(has_quota_exceptions=Exists(current_exceptions))
        .get(pk=cycle.pk)
    )
    # Every evaluation locked (after the cycle, in the order of their ids) and read once with
    # what the checks read beyond its row (`checks.with_decision_facts`).
    found = {
        ev.pk: ev
        for ev in checks.with_decision_facts(
            selectors.visible_evaluations(actor)
            .filter(pk__in=ids)
            .select_for_update(of=("self",))
            .select_related("member", "organization", "unit")
            .order_by("pk"),
            cycle,
        )
    }
    if set(ids) - set(found):
        raise NotFound("Không tìm thấy bản đánh giá.")
    _require_open(cycle)
    if unit_code is not None and (
        not items
        or any(
            ev.unit is None
            or ev.unit.code != unit_code
            or ev.subject_kind != SubjectKind.MEMBER
            or ev.cycle_id != cycle.pk
            for ev in found.values()
        )
    ):
        raise DomainError(
            "Danh sách quyết định có đảng viên không thuộc chi bộ này.",
            field="outcomes",
            rule="evaluation.decision.outside_unit",
        )
    for ev in found.values():
        if ev.cycle_id == cycle.pk:
            ev.cycle = cycle
    reason_of = {item.evaluation_id: item.justification or justification for item in items}
    profile = selectors.profile_of(cycle)
    verdicts = checks.quota_verdicts(
        [
            checks.Change(found[item.evaluation_id], item.outcome, reason_of[item.evaluation_id])
            for item in items
            if found[item.evaluation_id].cycle_id == cycle.pk
        ],
        profile,
    )
    refusals: list[Refusal] = []
    batch = _DecisionBatch()
    with batch.written_before_read():
        for item in items:
            ev = found[item.evaluation_id]
            if ev.cycle_id != cycle.pk:
                refusals.append(
                    Refusal(
                        ev.pk,
                        "items",
                        Finding(
                            rule="evaluation.decision.other_cycle",
                            citation="",
                            message="Bản đánh giá này thuộc kỳ đánh giá khác.",
                            subject=selectors.subject_code(ev),
                        ),
                    )
                )
                continue
            try:
                if ev.pk in batch.decided:  # the same evaluation twice
                    ev.decided = True  # type: ignore[attr-defined]
                _require_undecided(ev)
                batch.add(
                    _checked(
                        actor=actor,
                        ev=ev,
                        outcome=item.outcome,
                        number=item.number or number,
                        date=item.date or date,
                        justification=item.justification or justification,
                        kind=DecisionKind.DECISION,
                        deciding_body=cycle.organization,
                        quota=verdicts[ev.pk],
                        profile=profile,
                    )
                )
            except (NotFound, PermissionDenied, ConcurrentEdit):
                raise
            except DomainError as exc:
                refusals += _refusals(ev, exc)
        if refusals:
            raise BatchRefused(refusals)
        batch.write()
    batch.record(actor)
    return batch.decisions


class _DecisionBatch:
    """The decisions of one `decide_many`, checked one by one and written together: the
    decisions in bulk inserts, then one change of the results tally, one insert of the members'
    notices and one of the audit events (one event per decision, in the batch's order).

    Each check still sees the decisions accepted before it in the batch: inside
    `written_before_read`, the decisions not yet written are inserted before any statement that
    reads the decisions or the results tally runs (a qd366 cell after its members, a leader
    after the units he or she leads), so a batch decides exactly as one decision after another
    would, and costs one insert when no check reads them."""

    def __init__(self) -> None:
        self.decisions: list[Decision] = []
        self.decided: set[int] = set()
        self._written = 0
        self._writing = False
        self._tables = (Decision._meta.db_table, ResultTally._meta.db_table)

    def add(self, decision: Decision) -> None:
        self.decisions.append(decision)
        self.decided.add(decision.evaluation_id)

    @contextmanager
    def written_before_read(self) -> Iterator[None]:
        with connection.execute_wrapper(self._before_statement):
            yield

    def _before_statement(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if not self._writing and self._written < len(self.decisions) and _reads(sql, self._tables):
            self.write()
        return execute(sql, params, many, context)

    def write(self) -> None:
        """Insert the decisions not yet written, and move the results tally for them."""
        pending = self.decisions[self._written :]
        if not pending:
            return
        self._writing = True
        try:
            # No savepoint: a unique violation (a concurrent decision) aborts the whole change.
            Decision.objects.bulk_create(pending)
        except IntegrityError:
            raise ConcurrentEdit() from None
        finally:
            self._writing = False
        self._written = len(self.decisions)
        deltas: Counter[tally.Key] = Counter()
        for d in pending:
            ev = d.evaluation
            deltas[tally.key_of(ev.cycle, ev, None)] -= 1
            deltas[tally.key_of(ev.cycle, ev, d.level)] += 1
        self._writing = True
        try:
            tally.change(deltas)
        finally:
            self._writing = False

    def record(self, actor: User | None) -> None:
        """The members' notices and the audit events, once every decision is written."""
        notices = [n for n in map(_decision_notice, self.decisions) if n is not None]
        if notices:
            notifications.notify_each(kind=Kind.DECISION, notices=notices)
        record_events(actor=actor, events=[_decision_event(d) for d in self.decisions])


def _reads(sql: str, tables: Sequence[str]) -> bool:
    return any(table in sql for table in tables)


def preview_decisions(
    *,
    actor: User | None,
    cycle_id: int,
    items: Sequence[DecisionItem],
    justification: str = "",
) -> list[Finding]:
    """The findings `decide_many` would give, errors and warnings, without writing or locking
    anything (the inline check of the decision page): the read-only `checks.batch_findings`."""
    cycle = selectors.get_cycle(actor, cycle_id)
    _require(permissions.can_manage_cycle(scope_for(actor), cycle), True)
    evaluations = list(
        selectors.visible_evaluations(actor)
        .filter(cycle=cycle, pk__in=[item.evaluation_id for item in items])
        .select_related("member", "organization", "unit")
    )
    for ev in evaluations:
        ev.cycle = cycle
    by_id = {ev.pk: ev for ev in evaluations}
    changes = [
        checks.Change(by_id[item.evaluation_id], item.outcome, item.justification or justification)
        for item in items
        if item.evaluation_id in by_id
    ]
    return checks.batch_findings(cycle, changes)


def _current_decision_for(actor: User | None, decision_id: int) -> Decision:
    return first_or_not_found(
        Decision.objects.filter(
            pk=decision_id, evaluation__in=selectors.visible_evaluations(actor)
        ).select_related("evaluation__cycle__organization__parent", "deciding_body"),
        "Không tìm thấy quyết định.",
    )


def _require_current(decision: Decision) -> None:
    if decision.status != DecisionStatus.CURRENT:
        raise DomainError(
            "Quyết định này đã được thay thế hoặc đã bị hủy; chỉ điều chỉnh quyết định đang có "
            "hiệu lực.",
            field="decision",
            rule="evaluation.decision.not_current",
        )


def _require_reason(reason: str) -> None:
    require_text(
        reason,
        "Phải ghi rõ lý do điều chỉnh, hủy quyết định.",
        field="reason",
        rule="evaluation.decision.reason_required",
    )


@transaction.atomic
def supersede_decision(
    *,
    actor: User | None,
    decision_id: int,
    outcome: Outcome,
    number: str,
    date: dt.date,
    reason: str,
    justification: str = "",
) -> Decision:
    """A correction by the same body: a new decision supersedes the old one, which is sealed and
    only marked superseded; the checks run again for the new outcome."""
    old = _current_decision_for(actor, decision_id)
    ev = old.evaluation
    _require(permissions.can_manage_cycle(scope_for(actor), ev.cycle), True)
    _require_reason(reason)
    _cycle, ev = _lock(ev.cycle_id, ev.pk)
    old = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("deciding_body")
        .get(pk=old.pk)
    )
    _require_current(old)
    return _issue(
        actor,
        _checked(
            actor=actor,
            ev=ev,
            outcome=outcome,
            number=number,
            date=date,
            justification=justification,
            kind=DecisionKind.CORRECTION,
            deciding_body=old.deciding_body,
            supersedes=old,
            reason=reason,
            quota=_quota_of(ev, outcome, justification),
        ),
    )


@transaction.atomic
def cancel_and_reclassify(
    *,
    actor: User | None,
    decision_id: int,
    outcome: Outcome,
    number: str,
    date: dt.date,
    reason: str,
    justification: str = "",
) -> Decision:
    """The directly superior committee cancels a result and reclassifies (qd124, qd366)."""
    old = _current_decision_for(actor, decision_id)
    ev = old.evaluation
    cycle = ev.cycle
    scope = scope_for(actor)
    if not permissions.can_reclassify(scope, cycle):
        if scope.reads(cycle.organization.path) or scope.reads(ev.subject_path):
            raise PermissionDenied(
                "Chỉ cấp ủy cấp trên trực tiếp mới được hủy kết quả và xếp loại lại."
            )
        raise NotFound("Không tìm thấy quyết định.")
    citation = RECLASSIFICATION_CITATIONS.get(cycle.profile_id)
    if citation is None:
        raise DomainError(
            f"Bộ quy tắc {cycle.profile_id} không quy định việc cấp trên hủy kết quả và xếp loại "
            "lại; hãy dùng quyết định điều chỉnh của cấp có thẩm quyền.",
            field="decision",
            rule=RECLASSIFICATION_NOT_PROVIDED[cycle.profile_id],
        )
    _require_reason(reason)
    superior = cycle.organization.parent
    assert superior is not None
    cycle, ev = _lock(cycle.pk, ev.pk)
    old = Decision.objects.select_for_update(of=("self",)).get(pk=old.pk)
    _require_current(old)
    return _issue(
        actor,
        _checked(
            actor=actor,
            ev=ev,
            outcome=outcome,
            number=number,
            date=date,
            justification=justification,
            kind=DecisionKind.RECLASSIFICATION,
            deciding_body=superior,
            supersedes=old,
            reason=reason,
            quota=_quota_of(ev, outcome, justification),
        ),
    )


# --- the task annex (issue 20): counts from the member's list of tasks ---------------------------


@transaction.atomic
def record_task_annex(*, actor: User | None, evaluation_id: int, tasks: TaskTally) -> Evaluation:
    """The counts of the task annex (on time, late, exceeded, completed) become the facts the
    qd366 task conditions read; written by whoever may self-assess for the subject, unless the
    office has recorded the counts itself (`record_facts`): then the office's figures stand,
    the annex stays the member's own account in the self-assessment, and the level the member
    proposes is checked against the office's figures."""
    ev = _evaluation_for(actor, evaluation_id)
    scope = scope_for(actor)
    _require(permissions.can_self_assess(scope, ev), True)
    _require_open(ev.cycle)
    _require_undecided(ev)
    if ev.tasks_by_office and not permissions.can_manage_cycle(scope, ev.cycle):
        return ev
    fields = {
        "tasks_total": tasks.total,
        "tasks_completed": tasks.completed,
        "tasks_on_time": tasks.on_time,
        "tasks_late": tasks.late,
        "tasks_exceeded": tasks.exceeded,
    }
    before = {name: getattr(ev, name) for name in fields}
    Evaluation.objects.filter(pk=ev.pk).update(**fields, version=F("version") + 1)
    ev.refresh_from_db()
    _event(
        actor,
        ev,
        "evaluation.tasks.annex",
        f"Số liệu nhiệm vụ theo phụ lục kết quả: {selectors.subject_code(ev)}",
        before=before,
        after=fields,
    )
    return ev
