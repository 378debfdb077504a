"""Profile `qd124`: Quy định 124-QĐ/TW + Hướng dẫn 25-HD/BTCTW (years 2023-2024).

DOMAIN.md §4 lists what changes from 132: collectives are decided before their members (so a
collective's level no longer counts its members' levels), excellent collectives need no
disciplined subordinate unit or leadership member, disunity and > 20 % disciplined subordinate
units mean not_completed, and the quota counts within groups of similar functions and tasks.
Rules 124 keeps from 132 carry parameters flagged `verified=False` where DOMAIN.md does not restate
them for 124.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from tongket.core.rules import Finding, Verdict
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
)
from tongket.evaluation.regulations import blocks, params
from tongket.evaluation.regulations.base import Profile
from tongket.evaluation.regulations.params import ProfileParams, info

ID = "qd124"

QD = "Quy định 124-QĐ/TW (04/10/2023)"
HD25 = "Hướng dẫn 25-HD/BTCTW (10/11/2023)"
KEPT = "giữ như Quy định 132-QĐ/TW, chưa đối chiếu văn bản 124"

CITE_NOT_CLASSIFIED = f"{HD25}: các trường hợp không xếp loại chất lượng"
CITE_MEMBER_CRITERIA = f"{QD}; {HD25}: tiêu chuẩn các mức chất lượng đảng viên"
CITE_MEMBER_CIVIL_SERVICE = (
    f"{HD25}: xếp loại đảng viên là cán bộ, công chức, viên chức không cao hơn mức xếp loại "
    "cán bộ, công chức, viên chức"
)
CITE_MEMBER_NOT_COMPLETED = f"{QD}; {HD25}: cá nhân không hoàn thành nhiệm vụ"
CITE_MEMBER_SPECIAL = f"{HD25}: một số trường hợp cụ thể (nghỉ ốm, thai sản)"
CITE_LEADER = f"{QD}; {HD25}: gắn xếp loại người đứng đầu với kết quả của đơn vị"
CITE_ORG_CRITERIA = f"{QD}; {HD25}: tiêu chuẩn các mức chất lượng tập thể"
CITE_ORG_NOT_COMPLETED = f"{QD}; {HD25}: tập thể không hoàn thành nhiệm vụ"
CITE_ORDER = f"{QD}; {HD25}: trình tự đánh giá, xếp loại chất lượng"
CITE_QUOTA = f"{QD}; {HD25}: tỷ lệ hoàn thành xuất sắc nhiệm vụ trong nhóm có chức năng tương đồng"


@dataclass(frozen=True)
class Qd124Params(ProfileParams):
    """Parameters of `qd124`."""

    classification_min_months: int = field(
        default=6,
        metadata=params.classification_min_months_info(
            source=f"{CITE_NOT_CLASSIFIED} ({KEPT})", verified=False
        ),
    )
    quota_percent: Decimal = field(
        default=Decimal(20), metadata=params.quota_percent_info(source=CITE_QUOTA, verified=True)
    )
    quota_base: QuotaBase = field(
        default=QuotaBase.GOOD, metadata=params.quota_base_info(source=CITE_QUOTA, verified=True)
    )
    quota_scope: QuotaScope = field(
        default=QuotaScope.PEER_GROUP,
        metadata=params.quota_scope_info(source=CITE_QUOTA, verified=True),
    )
    organization_quota_enabled: bool = field(
        default=True,
        metadata=params.organization_quota_enabled_info(
            source=f"{CITE_QUOTA} (DOMAIN.md §4 không tách tập thể và cá nhân)", verified=False
        ),
    )
    member_targets_min_percent: Decimal = field(
        default=Decimal(50),
        metadata=params.member_targets_min_percent_info(
            source=f"{CITE_MEMBER_NOT_COMPLETED} ({KEPT})", verified=False
        ),
    )
    member_discipline_excused_if_self_remedied: bool = field(
        default=True,
        metadata=params.member_discipline_excused_info(
            source=f"{CITE_MEMBER_NOT_COMPLETED} (DOMAIN.md §4 nêu ngoại lệ này cho tập thể)",
            verified=False,
            note="(vẫn không được xếp loại xuất sắc)",
        ),
    )
    sick_leave_min_months: Decimal = field(
        default=Decimal(3),
        metadata=params.sick_leave_min_months_info(
            source=f"{CITE_MEMBER_SPECIAL} ({KEPT})", verified=False
        ),
    )
    leader_capped_by_unit: bool = field(
        default=True,
        metadata=info(
            description="Người đứng đầu không được xếp loại cao hơn đơn vị do mình phụ trách",
            source=f"{CITE_LEADER} (suy ra từ trình tự «người đứng đầu sau đơn vị»)",
            verified=False,
        ),
    )
    organization_targets_min_percent: Decimal = field(
        default=Decimal(50),
        metadata=params.organization_targets_min_percent_info(
            source=f"{CITE_ORG_NOT_COMPLETED} ({KEPT})", verified=False
        ),
    )
    leadership_discipline_threshold: DisciplineForm = field(
        default=DisciplineForm.WARNING,
        metadata=params.leadership_discipline_threshold_info(
            source=f"{CITE_ORG_NOT_COMPLETED} ({KEPT}; DOMAIN.md §3 đánh dấu [?])"
        ),
    )
    subordinate_disciplined_max_percent: Decimal = field(
        default=Decimal(20),
        metadata=params.subordinate_disciplined_max_percent_info(
            source=CITE_ORG_NOT_COMPLETED, verified=True
        ),
    )


# --- member rules --------------------------------------------------------------------------------


def member_criteria(facts: MemberFacts, params: Qd124Params) -> Verdict[Level]:
    """excellent: task-result criteria all xuất sắc, others tốt+; good: task criteria tốt+,
    others trung bình+; completed: every criterion trung bình+. 124-QĐ/TW; HD 25."""
    return blocks.criteria_rule(
        facts.task_grades,
        facts.other_grades,
        rules=blocks.Ids(
            excellent="qd124.member.excellent.criteria",
            good="qd124.member.good.criteria",
            not_completed="qd124.member.not_completed.criteria",
        ),
        not_recorded="qd124.member.criteria.not_recorded",
        citation=CITE_MEMBER_CRITERIA,
        subject=facts.subject,
    )


def member_civil_service(facts: MemberFacts, params: Qd124Params) -> Verdict[Level]:
    """The Party level of a civil servant never exceeds the civil-service level (NĐ 90 as
    amended by NĐ 48/2023). HD 25."""
    return blocks.civil_service_rule(
        facts,
        rules=blocks.Ids(
            excellent="qd124.member.excellent.civil_service_cap",
            good="qd124.member.good.civil_service_cap",
            not_completed="qd124.member.not_completed.civil_service",
        ),
        citation=CITE_MEMBER_CIVIL_SERVICE,
    )


def member_discipline(facts: MemberFacts, params: Qd124Params) -> Verdict[Level]:
    """Disciplined in the year: not_completed, unless self-detected and remedied [?]; then
    still not excellent. 124-QĐ/TW; HD 25."""
    return blocks.member_discipline_rule(
        facts,
        rules=blocks.Ids(
            excellent="qd124.member.excellent.discipline",
            not_completed="qd124.member.not_completed.discipline",
        ),
        citation=CITE_MEMBER_NOT_COMPLETED,
        excused_if_self_remedied=params.member_discipline_excused_if_self_remedied,
    )


def member_degradation(facts: MemberFacts, params: Qd124Params) -> Verdict[Level]:
    """Degradation concluded by a competent body: not_completed. 124-QĐ/TW; HD 25."""
    return blocks.degradation_rule(
        facts, rule="qd124.member.not_completed.degradation", citation=CITE_MEMBER_NOT_COMPLETED
    )


def member_targets(facts: MemberFacts, params: Qd124Params) -> Verdict[Level]:
    """Under 50 % [?] of the assigned targets met: not_completed. HD 25."""
    return blocks.targets_rule(
        facts.targets_assigned,
        facts.targets_met,
        min_percent=params.member_targets_min_percent,
        rule="qd124.member.not_completed.targets",
        citation=CITE_MEMBER_NOT_COMPLETED,
        subject=facts.subject,
    )


def member_sick_leave(facts: MemberFacts, params: Qd124Params) -> Verdict[Level]:
    """Sick leave of 3 months [?] or more: at most completed. HD 25."""
    return blocks.sick_leave_rule(
        facts,
        min_months=params.sick_leave_min_months,
        rule="qd124.member.good.sick_leave",
        citation=CITE_MEMBER_SPECIAL,
    )


def member_maternity(facts: MemberFacts, params: Qd124Params) -> Verdict[Level]:
    """Maternity leave: judged on the time actually worked (a note, no cap). HD 25."""
    return blocks.maternity_note(
        facts, rule="qd124.member.maternity_leave", citation=CITE_MEMBER_SPECIAL
    )


def member_leader_unit(facts: MemberFacts, params: Qd124Params) -> Verdict[Level]:
    """A head is classified no higher than the unit he or she leads [?]. 124-QĐ/TW; HD 25."""
    if not params.leader_capped_by_unit:
        return blocks.no_cap()
    return blocks.leader_unit_rule(
        facts,
        rules=blocks.Ids(
            excellent="qd124.member.excellent.leader_unit",
            good="qd124.member.good.leader_unit",
            not_completed="qd124.member.not_completed.leader_unit",
        ),
        not_decided="qd124.member.leader.unit_not_decided",
        citation=CITE_LEADER,
    )


MEMBER_RULES: tuple[Callable[[MemberFacts, Qd124Params], Verdict[Level]], ...] = (
    member_criteria,
    member_civil_service,
    member_discipline,
    member_degradation,
    member_targets,
    member_sick_leave,
    member_maternity,
    member_leader_unit,
)


# --- organization rules --------------------------------------------------------------------------


def organization_criteria(facts: OrganizationFacts, params: Qd124Params) -> Verdict[Level]:
    """excellent: every criterion tốt+ and the year's results xuất sắc with concrete products;
    good: task criteria tốt+, others trung bình+; completed: every criterion trung bình+.
    124-QĐ/TW; HD 25."""
    return blocks.criteria_rule(
        facts.task_grades,
        facts.other_grades,
        rules=blocks.Ids(
            excellent="qd124.organization.excellent.criteria",
            good="qd124.organization.good.criteria",
            not_completed="qd124.organization.not_completed.criteria",
        ),
        not_recorded="qd124.organization.criteria.not_recorded",
        citation=CITE_ORG_CRITERIA,
        subject=facts.subject,
    )


def organization_same_level_bodies(facts: OrganizationFacts, params: Qd124Params) -> Verdict[Level]:
    """excellent: the same-level government and mass bodies rated good+; good: completed+.
    Those bodies are decided before the Party body. 124-QĐ/TW; HD 25."""
    return blocks.same_level_bodies_rule(
        facts,
        rules=blocks.Ids(
            excellent="qd124.organization.excellent.same_level_bodies",
            good="qd124.organization.good.same_level_bodies",
        ),
        citation=CITE_ORG_CRITERIA,
    )


def organization_discipline(facts: OrganizationFacts, params: Qd124Params) -> Verdict[Level]:
    """Disciplined in the year: not_completed, unless self-detected and remedied; even then not
    excellent (excellent needs no discipline at all). 124-QĐ/TW; HD 25."""
    return blocks.organization_discipline_rule(
        facts,
        rules=blocks.Ids(
            excellent="qd124.organization.excellent.discipline",
            not_completed="qd124.organization.not_completed.discipline",
        ),
        citation=CITE_ORG_NOT_COMPLETED,
        self_remedied_cap=Level.GOOD,
    )


def organization_subordinate_discipline(
    facts: OrganizationFacts, params: Qd124Params
) -> Verdict[Level]:
    """Any subordinate unit disciplined: not excellent; more than 20 % of them: not_completed.
    124-QĐ/TW; HD 25."""
    return blocks.subordinate_discipline_rule(
        facts,
        max_percent=params.subordinate_disciplined_max_percent,
        rules=blocks.Ids(
            excellent="qd124.organization.excellent.subordinate_discipline",
            not_completed="qd124.organization.not_completed.subordinate_discipline",
        ),
        citation=CITE_ORG_NOT_COMPLETED,
    )


def organization_leadership_discipline(
    facts: OrganizationFacts, params: Qd124Params
) -> Verdict[Level]:
    """Any leadership member disciplined: not excellent; at cảnh cáo or heavier [?]:
    not_completed. 124-QĐ/TW; HD 25."""
    return blocks.leadership_discipline_rule(
        facts,
        threshold=params.leadership_discipline_threshold,
        rules=blocks.Ids(
            excellent="qd124.organization.excellent.leadership_discipline",
            not_completed="qd124.organization.not_completed.leadership_discipline",
        ),
        citation=CITE_ORG_NOT_COMPLETED,
        any_form_cap=Level.GOOD,
    )


def organization_disunity(facts: OrganizationFacts, params: Qd124Params) -> Verdict[Level]:
    """Internal disunity: not_completed. 124-QĐ/TW; HD 25."""
    return blocks.disunity_rule(
        facts, rule="qd124.organization.not_completed.disunity", citation=CITE_ORG_NOT_COMPLETED
    )


def organization_targets(facts: OrganizationFacts, params: Qd124Params) -> Verdict[Level]:
    """Under 50 % [?] of the targets met, force majeure aside: not_completed. HD 25."""
    return blocks.targets_rule(
        facts.targets_assigned,
        facts.targets_met,
        min_percent=params.organization_targets_min_percent,
        rule="qd124.organization.not_completed.targets",
        citation=CITE_ORG_NOT_COMPLETED,
        subject=facts.subject,
        force_majeure=facts.targets_force_majeure,
        force_majeure_rule="qd124.organization.targets.force_majeure",
    )


ORGANIZATION_RULES: tuple[Callable[[OrganizationFacts, Qd124Params], Verdict[Level]], ...] = (
    organization_criteria,
    organization_same_level_bodies,
    organization_discipline,
    organization_subordinate_discipline,
    organization_leadership_discipline,
    organization_disunity,
    organization_targets,
)


def decision_order(facts: DecisionOrderFacts) -> list[Finding]:
    """Government, professional and mass bodies before the Party body; lower before higher;
    collectives before their members; a head only after his or her unit. 124-QĐ/TW; HD 25."""
    return blocks.order_findings(
        facts,
        rules=blocks.OrderIds(
            collective_first="qd124.order.collective_first",
            head_after_unit="qd124.order.head_after_unit",
            lower_first="qd124.order.lower_first",
            government_first="qd124.order.government_first",
        ),
        citation=CITE_ORDER,
    )


# --- the profile ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Qd124Profile(Profile):
    params: Qd124Params = Qd124Params()
    period_rule: ClassVar[str] = "qd124.period.not_allowed"
    not_classified_citation: ClassVar[str] = CITE_NOT_CLASSIFIED
    not_classified_rules: ClassVar[Mapping[NotClassifiedReason, str]] = {
        NotClassifiedReason.SUSPENDED: "qd124.member.not_classified.suspended",
        NotClassifiedReason.EXEMPTED: "qd124.member.not_classified.exempted",
        NotClassifiedReason.JOINED_UNDER_6_MONTHS: (
            "qd124.member.not_classified.joined_under_6_months"
        ),
        NotClassifiedReason.ORGANIZATION_UNDER_6_MONTHS: (
            "qd124.organization.not_classified.organization_under_6_months"
        ),
    }

    member_rule_functions = MEMBER_RULES
    organization_rule_functions = ORGANIZATION_RULES

    def check_decision_order(self, facts: DecisionOrderFacts) -> list[Finding]:
        return decision_order(facts)

    quota_rules: ClassVar[Mapping[SubjectKind, str]] = {
        SubjectKind.MEMBER: "qd124.quota.member.excellent",
        SubjectKind.ORGANIZATION: "qd124.quota.organization.excellent",
    }

    def quota_citation(self, subject_kind: SubjectKind) -> str:
        return CITE_QUOTA


PROFILE = Qd124Profile(
    id=ID,
    title=(
        "Quy định 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị về kiểm điểm và đánh giá, xếp loại "
        "chất lượng hằng năm đối với tập thể, cá nhân trong hệ thống chính trị; Hướng dẫn "
        "25-HD/BTCTW ngày 10/11/2023 của Ban Tổ chức Trung ương"
    ),
    short_title="Quy định 124-QĐ/TW",
    first_year=2023,
    last_year=2024,
    periods=frozenset({PeriodKind.YEAR}),
)
