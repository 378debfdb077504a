"""Rule blocks several regulations share: each is a small, parameterised rule returning a
`Verdict[Level]` (the highest level it allows, with the reasons); a regulation's module calls them
with its own citation and the rule ids written out (`Ids`), so that searching an id a user sees
finds the regulation that defines it (see `base.py` for how findings read).

Blocks only one regulation uses live in that regulation's module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from tongket.core.formatting import format_decimal, format_percent
from tongket.core.rules import Finding, Severity, Verdict
from tongket.evaluation.domain import (
    DecisionOrderFacts,
    DisciplineForm,
    Grade,
    Level,
    MemberFacts,
    NotClassifiedReason,
    OrganizationFacts,
    add_months,
    all_at_least,
    min_level,
)

# --- shared rule blocks --------------------------------------------------------------------------


def no_cap() -> Verdict[Level]:
    """A rule the facts do not engage: it allows every level."""
    return Verdict(Level.EXCELLENT)


@dataclass(frozen=True)
class Ids:
    """A level rule's ids, written out where the rule is defined, one per level the rule may
    refuse: `excellent` (it caps at good), `good` (it caps at completed), `not_completed` (it caps
    at not_completed). Each reads `<profile>.<subject>.<level refused>.<condition>`, e.g.
    `qd132.member.excellent.civil_service_cap`."""

    excellent: str = ""
    good: str = ""
    not_completed: str = ""

    def at(self, cap: Level) -> str:
        """The id of the rule when it allows at most `cap`."""
        if cap is Level.NOT_COMPLETED:
            rule = self.not_completed
        elif cap is Level.COMPLETED:
            rule = self.good
        else:
            rule = self.excellent
        if not rule:
            raise ValueError(f"no rule id for a cap at {cap.value}: {self}")
        return rule


def capped(
    cap: Level, *, rule: str, citation: str, message: str, subject: str = ""
) -> Verdict[Level]:
    """A rule that allows at most `cap`, with the reason as an INFO finding."""
    finding = Finding(
        rule=rule,
        citation=citation,
        message=f"{message} Mức cao nhất: «{cap.label}».",
        severity=Severity.INFO,
        subject=subject,
    )
    return Verdict(cap, (finding,))


def noted(
    *, rule: str, citation: str, message: str, subject: str = "", severity: Severity
) -> Verdict[Level]:
    """A rule that does not cap the level but has something to say (a warning or a note)."""
    return Verdict(
        Level.EXCELLENT,
        (
            Finding(
                rule=rule, citation=citation, message=message, severity=severity, subject=subject
            ),
        ),
    )


def combine(verdicts: Iterable[Verdict[Level]]) -> Verdict[Level]:
    """The lowest cap, with every rule's findings in order."""
    level = Level.EXCELLENT
    findings: list[Finding] = []
    for verdict in verdicts:
        level = min_level(level, verdict.value)
        findings.extend(verdict.findings)
    return Verdict(level, tuple(findings))


def share_below(part: int, whole: int, percent: Decimal) -> bool:
    """part/whole < percent %, exactly (False when whole is 0)."""
    return whole > 0 and Decimal(part) * 100 < percent * whole


def share_above(part: int, whole: int, percent: Decimal) -> bool:
    """part/whole > percent %, exactly (False when whole is 0)."""
    return whole > 0 and Decimal(part) * 100 > percent * whole


def share_text(part: int, whole: int) -> str:
    if whole == 0:
        return f"{part}/0"
    return f"{part}/{whole} ({format_percent(Decimal(part) * 100 / whole)})"


def grades_level(task_grades: Sequence[Grade], other_grades: Sequence[Grade]) -> Level:
    """The level the criteria grades reach under 132/124 (DOMAIN.md §3).

    excellent: task criteria all xuất sắc, the others tốt or better; good: task criteria tốt or
    better, the others trung bình or better; completed: every criterion trung bình or better.
    """
    everything = (*task_grades, *other_grades)
    if all_at_least(task_grades, Grade.EXCELLENT) and all_at_least(other_grades, Grade.GOOD):
        return Level.EXCELLENT
    if all_at_least(task_grades, Grade.GOOD) and all_at_least(other_grades, Grade.AVERAGE):
        return Level.GOOD
    if all_at_least(everything, Grade.AVERAGE):
        return Level.COMPLETED
    return Level.NOT_COMPLETED


_GRADES_SHORTFALL = {
    Level.GOOD: (
        "Chưa đạt: các tiêu chí về kết quả thực hiện nhiệm vụ đều «Xuất sắc», "
        "các tiêu chí khác từ «Tốt» trở lên."
    ),
    Level.COMPLETED: (
        "Chưa đạt: các tiêu chí về kết quả thực hiện nhiệm vụ từ «Tốt» trở lên, "
        "các tiêu chí khác từ «Trung bình» trở lên."
    ),
    Level.NOT_COMPLETED: "Có tiêu chí bị đánh giá «Kém».",
}


def criteria_rule(
    task_grades: Sequence[Grade],
    other_grades: Sequence[Grade],
    *,
    rules: Ids,
    not_recorded: str,
    citation: str,
    subject: str,
) -> Verdict[Level]:
    """The grade ladder as a cap; no grades recorded means the rule is skipped, with a note."""
    if not task_grades and not other_grades:
        return noted(
            rule=not_recorded,
            citation=citation,
            message="Chưa ghi nhận mức đạt của từng tiêu chí; chưa kiểm tra theo tiêu chí.",
            subject=subject,
            severity=Severity.INFO,
        )
    level = grades_level(task_grades, other_grades)
    if level is Level.EXCELLENT:
        return no_cap()
    return capped(
        level,
        rule=rules.at(level),
        citation=citation,
        message=_GRADES_SHORTFALL[level],
        subject=subject,
    )


def civil_service_rule(facts: MemberFacts, *, rules: Ids, citation: str) -> Verdict[Level]:
    """A member who is a civil servant is classified no higher than their civil-service level."""
    level = facts.civil_service_level
    if level is None or level is Level.EXCELLENT:
        return no_cap()
    return capped(
        level,
        rule=rules.at(level),
        citation=citation,
        message=(
            f"Đảng viên là cán bộ, công chức, viên chức được xếp loại «{level.label}»; "
            "mức xếp loại đảng viên không được cao hơn mức xếp loại cán bộ, công chức, viên chức."
        ),
        subject=facts.subject,
    )


def member_discipline_rule(
    facts: MemberFacts, *, rules: Ids, citation: str, excused_if_self_remedied: bool
) -> Verdict[Level]:
    """Disciplined in the year: not_completed; where the regulation excuses a self-detected and
    remedied violation, the member is still not excellent."""
    if not facts.disciplined:
        return no_cap()
    if excused_if_self_remedied and facts.discipline_self_remedied:
        return capped(
            Level.GOOD,
            rule=rules.at(Level.GOOD),
            citation=citation,
            message="Bị xử lý kỷ luật trong năm (vi phạm đã tự phát hiện và khắc phục).",
            subject=facts.subject,
        )
    return capped(
        Level.NOT_COMPLETED,
        rule=rules.at(Level.NOT_COMPLETED),
        citation=citation,
        message="Bị xử lý kỷ luật trong năm (mỗi vi phạm chỉ tính một lần khi xếp loại).",
        subject=facts.subject,
    )


def degradation_rule(facts: MemberFacts, *, rule: str, citation: str) -> Verdict[Level]:
    """Degradation concluded by a competent body: not_completed."""
    if not facts.degradation_concluded:
        return no_cap()
    return capped(
        Level.NOT_COMPLETED,
        rule=rule,
        citation=citation,
        message=(
            "Cấp có thẩm quyền kết luận suy thoái về tư tưởng chính trị, đạo đức, lối sống, "
            "«tự diễn biến», «tự chuyển hóa»."
        ),
        subject=facts.subject,
    )


def targets_rule(
    assigned: int,
    met: int,
    *,
    min_percent: Decimal,
    rule: str,
    citation: str,
    subject: str,
    force_majeure: bool = False,
    force_majeure_rule: str = "",
) -> Verdict[Level]:
    """Fewer than `min_percent` % of the assigned targets met: not_completed; a warning only
    (`force_majeure_rule`) when the shortfall had a cause beyond control."""
    if not share_below(met, assigned, min_percent):
        return no_cap()
    if force_majeure:
        return noted(
            rule=force_majeure_rule,
            citation=citation,
            message=(
                f"Đạt {share_text(met, assigned)} chỉ tiêu, dưới {format_percent(min_percent)}, "
                "nhưng do nguyên nhân bất khả kháng nên không bị xếp loại không hoàn thành."
            ),
            subject=subject,
            severity=Severity.WARNING,
        )
    return capped(
        Level.NOT_COMPLETED,
        rule=rule,
        citation=citation,
        message=(
            f"Chỉ đạt {share_text(met, assigned)} chỉ tiêu được giao, "
            f"dưới {format_percent(min_percent)}."
        ),
        subject=subject,
    )


def sick_leave_rule(
    facts: MemberFacts, *, min_months: Decimal, rule: str, citation: str
) -> Verdict[Level]:
    """Sick leave of `min_months` or more in the period: at most completed."""
    if min_months <= 0 or facts.sick_leave_months < min_months:
        return no_cap()
    return capped(
        Level.COMPLETED,
        rule=rule,
        citation=citation,
        message=(
            f"Nghỉ ốm {format_decimal(facts.sick_leave_months)} tháng trong năm "
            f"(từ {format_decimal(min_months)} tháng trở lên)."
        ),
        subject=facts.subject,
    )


def maternity_note(facts: MemberFacts, *, rule: str, citation: str) -> Verdict[Level]:
    """Maternity leave: no cap; the member is judged on the time actually worked."""
    if not facts.maternity_leave:
        return no_cap()
    return noted(
        rule=rule,
        citation=citation,
        message="Nghỉ chế độ thai sản: đánh giá theo thời gian công tác thực tế trong năm.",
        subject=facts.subject,
        severity=Severity.INFO,
    )


def leader_unit_rule(
    facts: MemberFacts,
    *,
    rules: Ids,
    not_decided: str,
    citation: str,
    floor: Level = Level.NOT_COMPLETED,
) -> Verdict[Level]:
    """A head of a unit is classified no higher than the unit (never below `floor` by this rule)."""
    if not facts.is_leader:
        return no_cap()
    unit = facts.led_unit_level
    if unit is None:
        return noted(
            rule=not_decided,
            citation=citation,
            message="Người đứng đầu: chưa có kết quả xếp loại của đơn vị do mình phụ trách.",
            subject=facts.subject,
            severity=Severity.WARNING,
        )
    cap = unit if unit.rank >= floor.rank else floor
    if cap is Level.EXCELLENT:
        return no_cap()
    return capped(
        cap,
        rule=rules.at(cap),
        citation=citation,
        message=(
            f"Là người đứng đầu; đơn vị do mình phụ trách được xếp loại «{unit.label}», "
            "người đứng đầu không được xếp loại cao hơn."
        ),
        subject=facts.subject,
    )


def same_level_bodies_rule(
    facts: OrganizationFacts, *, rules: Ids, citation: str
) -> Verdict[Level]:
    """excellent needs the same-level government and mass bodies good+; good needs completed+."""
    bodies = facts.same_level_bodies_level
    if bodies is None or bodies.rank >= Level.GOOD.rank:
        return no_cap()
    cap = Level.GOOD if bodies is Level.COMPLETED else Level.COMPLETED
    return capped(
        cap,
        rule=rules.at(cap),
        citation=citation,
        message=(f"Chính quyền, cơ quan, đoàn thể cùng cấp được xếp loại «{bodies.label}»."),
        subject=facts.subject,
    )


def organization_discipline_rule(
    facts: OrganizationFacts,
    *,
    rules: Ids,
    citation: str,
    self_remedied_cap: Level = Level.EXCELLENT,
) -> Verdict[Level]:
    """Disciplined in the year: not_completed unless the organization found and fixed the
    violation itself; then at most `self_remedied_cap`."""
    if not facts.disciplined:
        return no_cap()
    if facts.discipline_self_remedied:
        if self_remedied_cap is Level.EXCELLENT:
            return no_cap()
        return capped(
            self_remedied_cap,
            rule=rules.at(self_remedied_cap),
            citation=citation,
            message="Tổ chức bị xử lý kỷ luật trong năm (vi phạm đã tự phát hiện và khắc phục).",
            subject=facts.subject,
        )
    return capped(
        Level.NOT_COMPLETED,
        rule=rules.at(Level.NOT_COMPLETED),
        citation=citation,
        message="Tổ chức bị xử lý kỷ luật trong năm.",
        subject=facts.subject,
    )


def leadership_discipline_rule(
    facts: OrganizationFacts,
    *,
    threshold: DisciplineForm,
    rules: Ids,
    citation: str,
    any_form_cap: Level = Level.EXCELLENT,
) -> Verdict[Level]:
    """A leadership member disciplined at `threshold` or heavier: not_completed; a lighter form
    caps the organization at `any_form_cap`."""
    form = facts.leadership_discipline
    if form is None:
        return no_cap()
    if form.rank >= threshold.rank:
        return capped(
            Level.NOT_COMPLETED,
            rule=rules.at(Level.NOT_COMPLETED),
            citation=citation,
            message=(
                f"Có thành viên cấp ủy, tập thể lãnh đạo bị kỷ luật hình thức «{form.label}» "
                f"(từ «{threshold.label}» trở lên)."
            ),
            subject=facts.subject,
        )
    if any_form_cap is Level.EXCELLENT:
        return no_cap()
    return capped(
        any_form_cap,
        rule=rules.at(any_form_cap),
        citation=citation,
        message=f"Có thành viên cấp ủy, tập thể lãnh đạo bị kỷ luật hình thức «{form.label}».",
        subject=facts.subject,
    )


def subordinate_discipline_rule(
    facts: OrganizationFacts,
    *,
    max_percent: Decimal,
    rules: Ids,
    citation: str,
    any_cap: Level = Level.GOOD,
) -> Verdict[Level]:
    """More than `max_percent` % of subordinate units disciplined: not_completed; any at all:
    at most `any_cap` (no excellent with a disciplined subordinate unit)."""
    part, whole = facts.subordinate_units_disciplined, facts.subordinate_units
    if part == 0:
        return no_cap()
    if share_above(part, whole, max_percent):
        return capped(
            Level.NOT_COMPLETED,
            rule=rules.at(Level.NOT_COMPLETED),
            citation=citation,
            message=(
                f"Có {share_text(part, whole)} đơn vị trực thuộc bị xử lý kỷ luật "
                f"(trên {format_percent(max_percent)})."
            ),
            subject=facts.subject,
        )
    return capped(
        any_cap,
        rule=rules.at(any_cap),
        citation=citation,
        message=f"Có {share_text(part, whole)} đơn vị trực thuộc bị xử lý kỷ luật.",
        subject=facts.subject,
    )


def disunity_rule(facts: OrganizationFacts, *, rule: str, citation: str) -> Verdict[Level]:
    """Internal disunity: not_completed."""
    if not facts.disunity:
        return no_cap()
    return capped(
        Level.NOT_COMPLETED,
        rule=rule,
        citation=citation,
        message="Nội bộ mất đoàn kết.",
        subject=facts.subject,
    )


def member_not_classified_reason(
    facts: MemberFacts, *, min_months: int
) -> NotClassifiedReason | None:
    """Suspended, then exempted, then joined less than `min_months` before the period end."""
    if facts.suspended:
        return NotClassifiedReason.SUSPENDED
    if facts.exempted:
        return NotClassifiedReason.EXEMPTED
    if (
        facts.joined_on is not None
        and facts.period_end is not None
        and add_months(facts.joined_on, min_months) > facts.period_end
    ):
        return NotClassifiedReason.JOINED_UNDER_6_MONTHS
    return None


def organization_not_classified_reason(
    facts: OrganizationFacts, *, min_months: int
) -> NotClassifiedReason | None:
    if facts.age_months is not None and facts.age_months < min_months:
        return NotClassifiedReason.ORGANIZATION_UNDER_6_MONTHS
    return None


def not_classified_finding(
    reason: NotClassifiedReason, *, rule: str, citation: str, subject: str, min_months: int
) -> Finding:
    """The INFO finding that lists a subject as not classified, with its reason."""
    if reason is NotClassifiedReason.JOINED_UNDER_6_MONTHS:
        message = (
            f"Đảng viên mới kết nạp chưa đủ {min_months} tháng tính đến cuối kỳ: "
            "tham gia kiểm điểm nhưng không xếp loại."
        )
    elif reason is NotClassifiedReason.ORGANIZATION_UNDER_6_MONTHS:
        message = f"Tổ chức đảng mới thành lập chưa đủ {min_months} tháng: không xếp loại."
    else:
        message = f"{reason.label}: không đánh giá, xếp loại."
    return Finding(
        rule=rule,
        citation=citation,
        message=message,
        severity=Severity.INFO,
        subject=subject,
    )


@dataclass(frozen=True)
class OrderIds:
    """The ids of the order-of-decisions rules, written out in the regulation that states them."""

    collective_first: str
    head_after_unit: str
    lower_first: str
    government_first: str


def order_findings(facts: DecisionOrderFacts, *, rules: OrderIds, citation: str) -> list[Finding]:
    """The order of decisions under 124 and 366 as errors naming what is still undecided."""
    checks = (
        (
            facts.undecided_collectives,
            rules.collective_first,
            "Phải xếp loại tập thể trước cá nhân; chưa xếp loại: {names}.",
        ),
        (
            facts.undecided_led_units,
            rules.head_after_unit,
            "Người đứng đầu chỉ được xếp loại sau đơn vị do mình phụ trách; chưa xếp loại: "
            "{names}.",
        ),
        (
            facts.undecided_subordinates,
            rules.lower_first,
            "Phải xếp loại cấp dưới trước cấp trên; chưa xếp loại: {names}.",
        ),
        (
            facts.undecided_same_level_bodies,
            rules.government_first,
            "Phải xếp loại chính quyền, cơ quan chuyên môn, đoàn thể trước tổ chức đảng; "
            "chưa xếp loại: {names}.",
        ),
    )
    return [
        Finding(
            rule=rule,
            citation=citation,
            message=template.format(names=", ".join(names)),
            subject=facts.subject,
        )
        for names, rule, template in checks
        if names
    ]
