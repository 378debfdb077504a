"""Profile `qd132`: Quy định 132-QĐ/TW + Hướng dẫn 16-HD/BTCTW + Hướng dẫn 21-HD/BTCTW (2018-2022).

DOMAIN.md §3. Criteria are graded xuất sắc / tốt / trung bình / kém (no points); each rule below
is a function of the facts and the profile's parameters returning the highest level it allows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from tongket.core.errors import DomainError
from tongket.core.formatting import format_percent
from tongket.core.rules import Finding, Severity, Verdict
from tongket.evaluation.domain import (
    DecisionOrderFacts,
    DisciplineForm,
    Level,
    MemberFacts,
    NotClassifiedReason,
    OrganizationFacts,
    PeriodKind,
    QuotaBase,
    QuotaScope,
    SubjectKind,
    count_at_least,
)
from tongket.evaluation.regulations import blocks, params
from tongket.evaluation.regulations.base import Profile
from tongket.evaluation.regulations.params import ProfileParams

ID = "qd132"

QD = "Quy định 132-QĐ/TW (08/3/2018)"
HD16 = "Hướng dẫn 16-HD/BTCTW (24/9/2018)"
HD21 = "Hướng dẫn 21-HD/BTCTW (18/10/2019)"

CITE_NOT_CLASSIFIED = f"{HD16}: các trường hợp không đánh giá, xếp loại chất lượng"
CITE_MEMBER_CRITERIA = f"{QD}; {HD16}: tiêu chuẩn các mức chất lượng đảng viên"
CITE_MEMBER_CIVIL_SERVICE = (
    f"{HD16}, sửa đổi bởi {HD21}: xếp loại đảng viên là cán bộ, công chức, viên chức không cao hơn "
    "mức xếp loại cán bộ, công chức, viên chức"
)
CITE_MEMBER_NOT_COMPLETED = f"{HD16}: đảng viên không hoàn thành nhiệm vụ"
CITE_MEMBER_SPECIAL = f"{HD16}: một số trường hợp cụ thể (nghỉ ốm, thai sản)"
CITE_ORG_CRITERIA = f"{QD}; {HD16}: tiêu chuẩn các mức chất lượng tổ chức đảng"
CITE_ORG_NOT_COMPLETED = f"{HD16}: tổ chức đảng không hoàn thành nhiệm vụ"
CITE_QUOTA_MEMBER = f"{HD21}: tỷ lệ đảng viên hoàn thành xuất sắc nhiệm vụ"
# not yet checked against the text: `organization_quota_enabled` says so (verified=False)
CITE_QUOTA_ORGANIZATION = f"{HD21}: tỷ lệ tổ chức đảng hoàn thành xuất sắc nhiệm vụ"


@dataclass(frozen=True)
class Qd132Params(ProfileParams):
    """Parameters of `qd132`: the months before classification (HD 16), the quota (HD 21), and
    the thresholds of its rules."""

    classification_min_months: int = field(
        default=6,
        metadata=params.classification_min_months_info(
            source="Hướng dẫn 16-HD/BTCTW", verified=True
        ),
    )
    quota_percent: Decimal = field(
        default=Decimal(20),
        metadata=params.quota_percent_info(source="Hướng dẫn 21-HD/BTCTW", verified=True),
    )
    quota_base: QuotaBase = field(
        default=QuotaBase.GOOD,
        metadata=params.quota_base_info(
            source="Hướng dẫn 21-HD/BTCTW (đọc theo câu chữ); nhiều hướng dẫn địa phương tính cả "
            "HTXSNV",
            verified=True,
        ),
    )
    quota_scope: QuotaScope = field(
        default=QuotaScope.GRASSROOTS,
        metadata=params.quota_scope_info(source="Hướng dẫn 21-HD/BTCTW", verified=True),
    )
    organization_quota_enabled: bool = field(
        default=True,
        metadata=params.organization_quota_enabled_info(
            source="Hướng dẫn 21-HD/BTCTW (câu chữ về tổ chức đảng chưa đối chiếu)", verified=False
        ),
    )
    member_targets_min_percent: Decimal = field(
        default=Decimal(50),
        metadata=params.member_targets_min_percent_info(
            source=CITE_MEMBER_NOT_COMPLETED, verified=True
        ),
    )
    member_discipline_excused_if_self_remedied: bool = field(
        default=False,
        metadata=params.member_discipline_excused_info(
            source=f"{CITE_MEMBER_NOT_COMPLETED} (132 không có ngoại lệ này)", verified=True
        ),
    )
    sick_leave_min_months: Decimal = field(
        default=Decimal(3),
        metadata=params.sick_leave_min_months_info(source=CITE_MEMBER_SPECIAL, verified=True),
    )
    organization_excellent_good_share: Decimal = field(
        default=Decimal(80),
        metadata=params.percent_info(
            "Tỷ lệ tối thiểu (%) đảng viên / tổ chức trực thuộc hoàn thành tốt trở lên để "
            "tổ chức đảng được xếp loại hoàn thành xuất sắc",
            source=CITE_ORG_CRITERIA,
            verified=True,
        ),
    )
    organization_good_good_share: Decimal = field(
        default=Decimal(50),
        metadata=params.percent_info(
            "Tỷ lệ tối thiểu (%) đảng viên / tổ chức trực thuộc hoàn thành tốt trở lên để "
            "tổ chức đảng được xếp loại hoàn thành tốt",
            source=CITE_ORG_CRITERIA,
            verified=True,
        ),
    )
    organization_targets_min_percent: Decimal = field(
        default=Decimal(50),
        metadata=params.organization_targets_min_percent_info(
            source=CITE_ORG_NOT_COMPLETED, verified=True
        ),
    )
    leadership_discipline_threshold: DisciplineForm = field(
        default=DisciplineForm.WARNING,
        metadata=params.leadership_discipline_threshold_info(
            source=f"{CITE_ORG_NOT_COMPLETED} (DOMAIN.md §3 đánh dấu [?])"
        ),
    )
    organization_not_completed_member_share: Decimal = field(
        default=Decimal(20),
        metadata=params.percent_info(
            "Trên tỷ lệ này (%) đảng viên không hoàn thành nhiệm vụ thì tổ chức đảng "
            "không hoàn thành nhiệm vụ",
            source=f"{CITE_ORG_NOT_COMPLETED} (DOMAIN.md §3 đánh dấu [?])",
            verified=False,
        ),
    )

    def check(self) -> None:
        if self.organization_good_good_share > self.organization_excellent_good_share:
            raise DomainError(
                "Tỷ lệ hoàn thành tốt yêu cầu cho mức tốt không được cao hơn mức xuất sắc.",
                field="organization_good_good_share",
                rule="profile.params.invalid",
            )


# --- blocks only this regulation uses -------------------------------------------------------------


def constituent_share_rule(
    facts: OrganizationFacts,
    *,
    excellent_good_share: Decimal,
    good_good_share: Decimal,
    citation: str,
) -> Verdict[Level]:
    """excellent: all constituents completed+ and ≥ `excellent_good_share` % good+; good: all
    completed+ and ≥ `good_good_share` % good+. No decided constituents: skipped, with a note."""
    levels = facts.constituent_levels
    noun = facts.kind.constituents_label
    if not levels:
        return blocks.noted(
            rule="qd132.organization.constituents.not_recorded",
            citation=citation,
            message=f"Chưa có kết quả xếp loại của {noun}; chưa kiểm tra tỷ lệ.",
            subject=facts.subject,
            severity=Severity.INFO,
        )
    total = len(levels)
    completed = count_at_least(levels, Level.COMPLETED)
    good = count_at_least(levels, Level.GOOD)
    if completed < total:
        return blocks.capped(
            Level.COMPLETED,
            rule="qd132.organization.good.constituent_not_completed",
            citation=citation,
            message=(
                f"Có {total - completed}/{total} {noun} xếp loại không hoàn thành nhiệm vụ "
                f"(yêu cầu 100% {noun} hoàn thành nhiệm vụ trở lên)."
            ),
            subject=facts.subject,
        )
    shares = (
        (Level.COMPLETED, good_good_share, "qd132.organization.good.constituent_good_share"),
        (Level.GOOD, excellent_good_share, "qd132.organization.excellent.constituent_good_share"),
    )
    for cap, share, rule in shares:
        if blocks.share_below(good, total, share):
            return blocks.capped(
                cap,
                rule=rule,
                citation=citation,
                message=(
                    f"Chỉ {blocks.share_text(good, total)} {noun} hoàn thành tốt nhiệm vụ trở lên "
                    f"(yêu cầu từ {format_percent(share)})."
                ),
                subject=facts.subject,
            )
    return blocks.no_cap()


def not_completed_members_rule(
    facts: OrganizationFacts, *, max_percent: Decimal, citation: str
) -> Verdict[Level]:
    """More than `max_percent` % of the members not_completed: not_completed."""
    levels = facts.member_levels
    failed = sum(1 for level in levels if level is Level.NOT_COMPLETED)
    if not blocks.share_above(failed, len(levels), max_percent):
        return blocks.no_cap()
    return blocks.capped(
        Level.NOT_COMPLETED,
        rule="qd132.organization.not_completed.members_not_completed",
        citation=citation,
        message=(
            f"Có {blocks.share_text(failed, len(levels))} đảng viên không hoàn thành nhiệm vụ "
            f"(trên {format_percent(max_percent)})."
        ),
        subject=facts.subject,
    )


# --- member rules --------------------------------------------------------------------------------


def member_criteria(facts: MemberFacts, params: Qd132Params) -> Verdict[Level]:
    """excellent: task-result criteria all xuất sắc, others tốt+; good: task criteria tốt+,
    others trung bình+; completed: every criterion trung bình+. 132-QĐ/TW; HD 16."""
    return blocks.criteria_rule(
        facts.task_grades,
        facts.other_grades,
        rules=blocks.Ids(
            excellent="qd132.member.excellent.criteria",
            good="qd132.member.good.criteria",
            not_completed="qd132.member.not_completed.criteria",
        ),
        not_recorded="qd132.member.criteria.not_recorded",
        citation=CITE_MEMBER_CRITERIA,
        subject=facts.subject,
    )


def member_civil_service(facts: MemberFacts, params: Qd132Params) -> Verdict[Level]:
    """A member who is a civil servant: excellent needs civil-service excellent, good needs
    good+, civil-service not_completed means not_completed; the Party level never exceeds the
    civil-service level. HD 16 as amended by HD 21."""
    return blocks.civil_service_rule(
        facts,
        rules=blocks.Ids(
            excellent="qd132.member.excellent.civil_service_cap",
            good="qd132.member.good.civil_service_cap",
            not_completed="qd132.member.not_completed.civil_service",
        ),
        citation=CITE_MEMBER_CIVIL_SERVICE,
    )


def member_discipline(facts: MemberFacts, params: Qd132Params) -> Verdict[Level]:
    """Disciplined in the year (one violation counts in one year only): not_completed. HD 16."""
    return blocks.member_discipline_rule(
        facts,
        rules=blocks.Ids(
            excellent="qd132.member.excellent.discipline",
            not_completed="qd132.member.not_completed.discipline",
        ),
        citation=CITE_MEMBER_NOT_COMPLETED,
        excused_if_self_remedied=params.member_discipline_excused_if_self_remedied,
    )


def member_degradation(facts: MemberFacts, params: Qd132Params) -> Verdict[Level]:
    """Degradation concluded by a competent body: not_completed. HD 16."""
    return blocks.degradation_rule(
        facts, rule="qd132.member.not_completed.degradation", citation=CITE_MEMBER_NOT_COMPLETED
    )


def member_targets(facts: MemberFacts, params: Qd132Params) -> Verdict[Level]:
    """Under 50 % of the assigned targets met: not_completed. HD 16."""
    return blocks.targets_rule(
        facts.targets_assigned,
        facts.targets_met,
        min_percent=params.member_targets_min_percent,
        rule="qd132.member.not_completed.targets",
        citation=CITE_MEMBER_NOT_COMPLETED,
        subject=facts.subject,
    )


def member_sick_leave(facts: MemberFacts, params: Qd132Params) -> Verdict[Level]:
    """Sick leave of 3 months or more in the year: not good or better (at most completed). HD 16."""
    return blocks.sick_leave_rule(
        facts,
        min_months=params.sick_leave_min_months,
        rule="qd132.member.good.sick_leave",
        citation=CITE_MEMBER_SPECIAL,
    )


def member_maternity(facts: MemberFacts, params: Qd132Params) -> Verdict[Level]:
    """Maternity leave: judged on the time actually worked (a note, no cap). HD 16."""
    return blocks.maternity_note(
        facts, rule="qd132.member.maternity_leave", citation=CITE_MEMBER_SPECIAL
    )


MEMBER_RULES: tuple[Callable[[MemberFacts, Qd132Params], Verdict[Level]], ...] = (
    member_criteria,
    member_civil_service,
    member_discipline,
    member_degradation,
    member_targets,
    member_sick_leave,
    member_maternity,
)


# --- organization rules --------------------------------------------------------------------------


def organization_criteria(facts: OrganizationFacts, params: Qd132Params) -> Verdict[Level]:
    """excellent: task-result criteria xuất sắc, others tốt+; good: task criteria tốt+, others
    trung bình+; completed: every criterion trung bình+. 132-QĐ/TW; HD 16."""
    return blocks.criteria_rule(
        facts.task_grades,
        facts.other_grades,
        rules=blocks.Ids(
            excellent="qd132.organization.excellent.criteria",
            good="qd132.organization.good.criteria",
            not_completed="qd132.organization.not_completed.criteria",
        ),
        not_recorded="qd132.organization.criteria.not_recorded",
        citation=CITE_ORG_CRITERIA,
        subject=facts.subject,
    )


def organization_constituents(facts: OrganizationFacts, params: Qd132Params) -> Verdict[Level]:
    """excellent: 100 % of its members (a cell) or subordinate organizations (a đảng bộ) at
    completed+ and ≥ 80 % good+; good: 100 % completed+ and ≥ 50 % good+. So a cell with a
    member not_completed is never good or better. HD 16."""
    return constituent_share_rule(
        facts,
        excellent_good_share=params.organization_excellent_good_share,
        good_good_share=params.organization_good_good_share,
        citation=CITE_ORG_CRITERIA,
    )


def organization_same_level_bodies(facts: OrganizationFacts, params: Qd132Params) -> Verdict[Level]:
    """excellent: the government and mass organizations at the same level rated good+; good:
    rated completed+. HD 16."""
    return blocks.same_level_bodies_rule(
        facts,
        rules=blocks.Ids(
            excellent="qd132.organization.excellent.same_level_bodies",
            good="qd132.organization.good.same_level_bodies",
        ),
        citation=CITE_ORG_CRITERIA,
    )


def organization_discipline(facts: OrganizationFacts, params: Qd132Params) -> Verdict[Level]:
    """Disciplined in the year: not_completed, unless the organization found and fixed the
    violation itself. HD 16."""
    return blocks.organization_discipline_rule(
        facts,
        rules=blocks.Ids(not_completed="qd132.organization.not_completed.discipline"),
        citation=CITE_ORG_NOT_COMPLETED,
    )


def organization_targets(facts: OrganizationFacts, params: Qd132Params) -> Verdict[Level]:
    """Under 50 % of the targets met, force majeure aside: not_completed. HD 16."""
    return blocks.targets_rule(
        facts.targets_assigned,
        facts.targets_met,
        min_percent=params.organization_targets_min_percent,
        rule="qd132.organization.not_completed.targets",
        citation=CITE_ORG_NOT_COMPLETED,
        subject=facts.subject,
        force_majeure=facts.targets_force_majeure,
        force_majeure_rule="qd132.organization.targets.force_majeure",
    )


def organization_leadership_discipline(
    facts: OrganizationFacts, params: Qd132Params
) -> Verdict[Level]:
    """A leadership member disciplined at cảnh cáo or heavier [?]: not_completed. HD 16."""
    return blocks.leadership_discipline_rule(
        facts,
        threshold=params.leadership_discipline_threshold,
        rules=blocks.Ids(not_completed="qd132.organization.not_completed.leadership_discipline"),
        citation=CITE_ORG_NOT_COMPLETED,
    )


def organization_members_not_completed(
    facts: OrganizationFacts, params: Qd132Params
) -> Verdict[Level]:
    """More than 20 % [?] of its members not_completed: not_completed. HD 16."""
    return not_completed_members_rule(
        facts,
        max_percent=params.organization_not_completed_member_share,
        citation=CITE_ORG_NOT_COMPLETED,
    )


ORGANIZATION_RULES: tuple[Callable[[OrganizationFacts, Qd132Params], Verdict[Level]], ...] = (
    organization_criteria,
    organization_constituents,
    organization_same_level_bodies,
    organization_discipline,
    organization_targets,
    organization_leadership_discipline,
    organization_members_not_completed,
)


# --- the profile ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Qd132Profile(Profile):
    params: Qd132Params = Qd132Params()
    period_rule: ClassVar[str] = "qd132.period.not_allowed"
    not_classified_citation: ClassVar[str] = CITE_NOT_CLASSIFIED
    not_classified_rules: ClassVar[Mapping[NotClassifiedReason, str]] = {
        NotClassifiedReason.SUSPENDED: "qd132.member.not_classified.suspended",
        NotClassifiedReason.EXEMPTED: "qd132.member.not_classified.exempted",
        NotClassifiedReason.JOINED_UNDER_6_MONTHS: (
            "qd132.member.not_classified.joined_under_6_months"
        ),
        NotClassifiedReason.ORGANIZATION_UNDER_6_MONTHS: (
            "qd132.organization.not_classified.organization_under_6_months"
        ),
    }

    member_rule_functions = MEMBER_RULES
    organization_rule_functions = ORGANIZATION_RULES

    def check_decision_order(self, facts: DecisionOrderFacts) -> list[Finding]:
        """132 fixes no order between collectives and members (a cell's level counts its
        members' levels, so members are usually decided first): nothing to refuse."""
        return []

    orders_decisions: ClassVar[bool] = False

    quota_rules: ClassVar[Mapping[SubjectKind, str]] = {
        SubjectKind.MEMBER: "qd132.quota.member.excellent",
        SubjectKind.ORGANIZATION: "qd132.quota.organization.excellent",
    }

    def quota_citation(self, subject_kind: SubjectKind) -> str:
        if subject_kind is SubjectKind.MEMBER:
            return CITE_QUOTA_MEMBER
        return CITE_QUOTA_ORGANIZATION


PROFILE = Qd132Profile(
    id=ID,
    title=(
        "Quy định 132-QĐ/TW ngày 08/3/2018 của Bộ Chính trị về kiểm điểm và đánh giá, xếp loại "
        "chất lượng hằng năm đối với tập thể, cá nhân trong hệ thống chính trị; Hướng dẫn "
        "16-HD/BTCTW ngày 24/9/2018 và Hướng dẫn 21-HD/BTCTW ngày 18/10/2019 của Ban Tổ chức "
        "Trung ương"
    ),
    short_title="Quy định 132-QĐ/TW",
    first_year=2018,
    last_year=2022,
    periods=frozenset({PeriodKind.YEAR}),
)
