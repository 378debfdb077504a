"""Every write on criteria sets: create, replace the nodes of a draft, copy, publish (freezes),
a new version of a published set, the member's appendix override, binding an evaluation to the
version it is scored on. One transaction each, audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tongket.accounts.scope import scope_for
from tongket.audit.services import record_event
from tongket.core.actors import author
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.core.required import require_text
from tongket.core.rules import Finding
from tongket.criteria import domain, permissions, selectors
from tongket.criteria.domain import Appendix, Node
from tongket.criteria.models import (
    AppendixOverride,
    CriteriaSet,
    CriterionNode,
    EvaluationSet,
    SetStatus,
)
from tongket.evaluation.models import Evaluation
from tongket.people.models import Member, Organization

User = Any


def _organization(actor: User | None, code: str) -> Organization:
    org = Organization.objects.filter(code=code.strip()).first()
    if org is None or not scope_for(actor).reads(org.path):
        raise NotFound(f"Không tìm thấy tổ chức «{code}».")
    if not permissions.can_write_set(scope_for(actor), org.path):
        raise PermissionDenied("Chỉ văn phòng cấp ủy của tổ chức này được soạn bộ tiêu chí.")
    return org


def refuse_findings(findings: Sequence[Finding]) -> None:
    """Refuse with every error, each naming its node."""
    if findings:
        first = findings[0]
        raise DomainError(
            " ".join(f.message for f in findings), field=first.subject or "nodes", rule=first.rule
        )


def _write_nodes(criteria_set: CriteriaSet, nodes: Sequence[Node]) -> None:
    CriterionNode.objects.filter(criteria_set=criteria_set).delete()
    CriterionNode.objects.bulk_create(
        CriterionNode(
            criteria_set=criteria_set,
            code=n.code.strip(),
            parent_code=n.parent.strip(),
            section=n.section.value,
            title=n.title.strip(),
            points=n.points or domain.ZERO,
            guidance=n.guidance.strip(),
            evidence=n.evidence.strip(),
            position=i,
        )
        for i, n in enumerate(nodes)
    )


def _snapshot(nodes: Sequence[Node]) -> list[dict[str, str]]:
    return [
        {"code": n.code, "parent": n.parent, "section": n.section.value, "points": str(n.points)}
        for n in nodes
    ]


def _check_year(year: int) -> None:
    if not 2025 <= year <= 2100:
        raise DomainError(
            f"Năm {year} không hợp lệ: bộ tiêu chí 100 điểm áp dụng từ năm 2025 (Quy định "
            "366-QĐ/TW).",
            field="year",
            rule="criteria.year.invalid",
        )


@transaction.atomic
def save_draft(
    *,
    actor: User | None,
    organization_code: str,
    year: int,
    appendix: Appendix,
    title: str,
    nodes: Sequence[Node],
    copied_from: CriteriaSet | None = None,
) -> CriteriaSet:
    """Write the organization's draft set for the year and appendix (created if none): the
    nodes are replaced as given and checked; a set whose points do not add up is refused, the
    error naming the node."""
    _check_year(year)
    org = _organization(actor, organization_code)
    refuse_findings(domain.check_nodes(nodes))
    existing = (
        CriteriaSet.objects.select_for_update()
        .filter(organization=org, year=year, appendix=appendix.value, status=SetStatus.DRAFT)
        .first()
    )
    if existing is None:
        last = CriteriaSet.objects.filter(
            organization=org, year=year, appendix=appendix.value
        ).aggregate(v=Max("version"))["v"]
        existing = CriteriaSet.objects.create(
            organization=org,
            year=year,
            appendix=appendix.value,
            version=(last or 0) + 1,
            title=title.strip() or f"Bộ tiêu chí {appendix.value} năm {year}",
            copied_from=copied_from,
            created_by=author(actor),
        )
    elif title.strip():
        existing.title = title.strip()
        existing.save(update_fields=["title"])
    _write_nodes(existing, nodes)
    record_event(
        actor=actor,
        action="criteria.set.save",
        object_type="criteria.CriteriaSet",
        object_id=existing.pk,
        org_path=org.path,
        summary=f"Soạn bộ tiêu chí {appendix.value} năm {year} (phiên bản {existing.version})",
        after={"title": existing.title, "nodes": _snapshot(nodes)},
    )
    return existing


@transaction.atomic
def copy_set(
    *, actor: User | None, source_id: int, organization_code: str, year: int
) -> CriteriaSet:
    """A draft for the organization and year from another set: last year's, or the superior's
    to concretise."""
    source = selectors.get_set(actor, source_id)
    appendix = Appendix(source.appendix)
    return save_draft(
        actor=actor,
        organization_code=organization_code,
        year=year,
        appendix=appendix,
        title=source.title.replace(str(source.year), str(year)),
        nodes=selectors.nodes_of(source),
        copied_from=source,
    )


def _writable(actor: User | None, set_id: int) -> CriteriaSet:
    found = selectors.get_set(actor, set_id)
    locked = CriteriaSet.objects.select_for_update().select_related("organization").get(pk=found.pk)
    if not permissions.can_write_set(scope_for(actor), locked.organization.path):
        raise PermissionDenied("Chỉ văn phòng cấp ủy của tổ chức này được sửa bộ tiêu chí.")
    return locked


@transaction.atomic
def publish_set(*, actor: User | None, set_id: int) -> CriteriaSet:
    """Publish a draft for the cycle: checked again, then frozen (a change is a new version)."""
    criteria_set = _writable(actor, set_id)
    if criteria_set.is_frozen:
        raise DomainError(
            "Bộ tiêu chí đã ban hành; muốn sửa hãy tạo phiên bản mới.",
            field="status",
            rule="criteria.set.frozen",
        )
    nodes = selectors.nodes_of(criteria_set)
    if not nodes:
        raise DomainError("Bộ tiêu chí chưa có tiêu chí nào.", field="nodes", rule="criteria.empty")
    refuse_findings(domain.check_nodes(nodes))
    criteria_set.status = SetStatus.PUBLISHED
    criteria_set.published_at = timezone.now()
    criteria_set.save(update_fields=["status", "published_at"])
    record_event(
        actor=actor,
        action="criteria.set.publish",
        object_type="criteria.CriteriaSet",
        object_id=criteria_set.pk,
        org_path=criteria_set.organization.path,
        summary=f"Ban hành {criteria_set}",
        after={"status": criteria_set.status, "version": criteria_set.version},
    )
    return criteria_set


@transaction.atomic
def new_version(*, actor: User | None, set_id: int) -> CriteriaSet:
    """A draft copy of a published set, one version up; evaluations keep the old one."""
    source = _writable(actor, set_id)
    return save_draft(
        actor=actor,
        organization_code=source.organization.code,
        year=source.year,
        appendix=Appendix(source.appendix),
        title=source.title,
        nodes=selectors.nodes_of(source),
        copied_from=source,
    )


@transaction.atomic
def override_appendix(
    *, actor: User | None, card_number: str, year: int, appendix: Appendix, reason: str
) -> AppendixOverride:
    """The office sets the member's appendix for the year against what the posts give."""
    member = Member.objects.filter(card_number=card_number.strip()).first()
    scope = scope_for(actor)
    if member is None or not scope.reads(member.org_path):
        raise NotFound("Không tìm thấy đảng viên.")
    if not permissions.can_override_appendix(scope, member.org_path):
        raise PermissionDenied()
    require_text(
        reason,
        "Cần ghi lý do khi chọn phụ lục khác với chức vụ.",
        field="reason",
        rule="criteria.appendix.reason_required",
    )
    before = selectors.appendix_of(member, year)[0]
    row, _ = AppendixOverride.objects.update_or_create(
        member=member, year=year, defaults={"appendix": appendix.value, "reason": reason.strip()}
    )
    record_event(
        actor=actor,
        action="criteria.appendix.override",
        object_type="people.Member",
        object_id=member.pk,
        org_path=member.org_path,
        summary=f"Chọn {appendix.value} cho đảng viên {member.card_number} năm {year}",
        before={"appendix": before.value},
        after={"appendix": appendix.value, "reason": reason.strip()},
    )
    return row


def bind_evaluation(*, actor: User | None, evaluation: Evaluation) -> CriteriaSet:
    """Fix the set version the evaluation is scored on (the one in force when its
    self-assessment starts); runs inside the caller's transaction. Refused when none is
    published for the subject's appendix."""
    bound = EvaluationSet.objects.filter(evaluation=evaluation).select_related("criteria_set")
    row = bound.first()
    if row is not None:
        return row.criteria_set
    appendix = selectors.appendix_for_evaluation(evaluation)
    path = evaluation.unit.path if evaluation.member_id else evaluation.subject_path
    criteria_set = selectors.set_in_force(path, evaluation.cycle.year, appendix)
    if criteria_set is None:
        raise DomainError(
            f"Chưa có bộ tiêu chí {appendix.value} năm {evaluation.cycle.year} được cấp ủy ban "
            "hành cho đơn vị này.",
            field="criteria_set",
            rule="criteria.set.none_in_force",
        )
    EvaluationSet.objects.create(evaluation=evaluation, criteria_set=criteria_set)
    record_event(
        actor=actor,
        action="criteria.set.bind",
        object_type="evaluation.Evaluation",
        object_id=evaluation.pk,
        org_path=evaluation.subject_path,
        summary=f"Chấm điểm theo {criteria_set}",
        after={"criteria_set": criteria_set.pk, "version": criteria_set.version},
    )
    return criteria_set
