"""The rule-profile interface every regulation implements, its parameters, and shared rule blocks.

A profile answers five questions about one subject (member or organization) and one period:
is it classified at all (`not_classified`), what is the highest level the facts allow
(`member_level_allowed` / `organization_level_allowed`), is a proposed level allowed
(`check_member_decision` / `check_organization_decision`), does a quota scope stay within the cap
on `excellent` (`check_quota`), and may this decision be taken now (`check_decision_order`).

How a profile computes a level: each rule of the regulation module is a function returning a
`Verdict[Level]` whose value is the highest level that rule allows (EXCELLENT when the rule does
not constrain the facts) and whose findings say why. The allowed level is the lowest of those caps;
a proposed level is refused by exactly the rules whose cap is below it. So a caller can show
every reason, and the regulation modules stay a flat list of small, cited functions.

Rule ids read `<profile>.<member|organization>.<level refused>.<condition>`: the level named is the
lowest level the condition refuses, or `not_completed` for a condition that forces that level
(e.g. `qd132.member.excellent.civil_service_cap`, `qd132.member.not_completed.discipline`).
Notes that cap nothing read `<profile>.<subject>.<topic>.<note>` (e.g.
`qd366.member.score.not_recorded`); the quota reads `<profile>.quota.<subject>.excellent`, the
order `<profile>.order.<condition>`, and a subject not classified
`<profile>.<subject>.not_classified.<reason>`.

Findings inside a `Verdict[Level]`: INFO explains a cap (it becomes an ERROR in `check_*_decision`
when the proposed level is above that cap), WARNING is shown but never blocks (data not recorded,
a head's unit not decided yet), ERROR is invalid data (points out of range) and always blocks.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, ClassVar, Self

from tongket.core.errors import DomainError
from tongket.core.formatting import format_decimal, format_percent
from tongket.core.rules import Finding, Severity, Verdict
from tongket.evaluation.domain import (
    DecisionOrderFacts,
    DisciplineForm,
    Enforcement,
    Grade,
    Level,
    MemberFacts,
    NotClassifiedReason,
    OrganizationFacts,
    Period,
    PeriodKind,
    QuotaBase,
    QuotaPolicy,
    QuotaScope,
    Rounding,
    SubjectKind,
    add_months,
    all_at_least,
    count_at_least,
    min_level,
)

# --- parameters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParamInfo:
    """What an admin screen shows beside a parameter's value."""

    description: str  # Vietnamese
    source: str  # the document it comes from, or why it is a local choice
    verified: bool  # False: DOMAIN.md marks it [?] or it was not checked against the text
    minimum: Decimal | None = None
    maximum: Decimal | None = None


def info(
    description: str,
    *,
    source: str,
    verified: bool,
    minimum: int | None = None,
    maximum: int | None = None,
) -> dict[str, ParamInfo]:
    """The metadata of a parameter field: what `params_table()` shows beside its value.

    Use as `name: Decimal = field(default=Decimal(20), metadata=info("…", source=…, verified=…))`.
    """
    return {
        "param": ParamInfo(
            description=description,
            source=source,
            verified=verified,
            minimum=None if minimum is None else Decimal(minimum),
            maximum=None if maximum is None else Decimal(maximum),
        )
    }


def display_value(value: object) -> str:
    """A parameter value as Vietnamese text: `20`, `Có`, an enum's label."""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, Decimal | int):
        return format_decimal(value)
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return label
    return str(value)


@dataclass(frozen=True)
class ParamRow:
    """One row of `Profile.params_table()`."""

    name: str
    value: object
    default: object
    description: str
    source: str
    verified: bool

    @property
    def display_value(self) -> str:
        return display_value(self.value)

    @property
    def display_default(self) -> str:
        return display_value(self.default)

    @property
    def changed(self) -> bool:
        return self.value != self.default


# --- parameter descriptions shared by the profiles -----------------------------------------------
# Several regulations carry the same parameter (same meaning and bounds). Each profile still
# declares the field with its own default, `source` and `verified`, so a regulation's module shows
# what it says; these only keep the Vietnamese description and the bounds in one place.

Metadata = dict[str, ParamInfo]


def percent_info(description: str, *, source: str, verified: bool) -> Metadata:
    """A percentage (or a score on the 100-point frame), 0 to 100."""
    return info(description, source=source, verified=verified, minimum=0, maximum=100)


def classification_min_months_info(*, source: str, verified: bool) -> Metadata:
    return info(
        "Số tháng tối thiểu (tính đến cuối kỳ) để đảng viên, tổ chức đảng được xếp loại",
        source=source,
        verified=verified,
        minimum=0,
        maximum=24,
    )


def quota_percent_info(*, source: str, verified: bool) -> Metadata:
    return percent_info(
        "Tỷ lệ tối đa xếp loại Hoàn thành xuất sắc nhiệm vụ (%)", source=source, verified=verified
    )


def quota_base_info(*, source: str, verified: bool) -> Metadata:
    return info(
        "Cơ sở tính tỷ lệ: số hoàn thành tốt nhiệm vụ, hay số hoàn thành tốt trở lên",
        source=source,
        verified=verified,
    )


def quota_scope_info(
    *, source: str, verified: bool, description: str = "Phạm vi tính tỷ lệ"
) -> Metadata:
    return info(description, source=source, verified=verified)


def quota_rounding_info(*, source: str) -> Metadata:
    """No regulation says how to round, so the rounding is never verified."""
    return info(
        "Cách làm tròn số tối đa được xếp loại Hoàn thành xuất sắc nhiệm vụ",
        source=source,
        verified=False,
    )


def organization_quota_enabled_info(*, source: str, verified: bool) -> Metadata:
    return info(
        "Áp dụng tỷ lệ Hoàn thành xuất sắc nhiệm vụ cho tổ chức đảng",
        source=source,
        verified=verified,
    )


def member_targets_min_percent_info(*, source: str, verified: bool) -> Metadata:
    return percent_info(
        "Đảng viên đạt dưới tỷ lệ chỉ tiêu này (%) thì không hoàn thành nhiệm vụ",
        source=source,
        verified=verified,
    )


def member_discipline_excused_info(*, source: str, verified: bool, note: str = "") -> Metadata:
    """`note` is appended to the description (e.g. what an excused member still cannot reach)."""
    description = (
        "Đảng viên bị kỷ luật nhưng tự phát hiện, khắc phục thì không bị xếp loại "
        "không hoàn thành nhiệm vụ"
    )
    return info(_noted(description, note), source=source, verified=verified)


def sick_leave_min_months_info(*, source: str, verified: bool, note: str = "") -> Metadata:
    description = "Nghỉ ốm từ số tháng này trở lên thì không xếp loại từ hoàn thành tốt trở lên"
    return info(_noted(description, note), source=source, verified=verified, minimum=0, maximum=12)


def organization_targets_min_percent_info(*, source: str, verified: bool) -> Metadata:
    return percent_info(
        "Tổ chức đảng đạt dưới tỷ lệ chỉ tiêu này (%) thì không hoàn thành nhiệm vụ "
        "(trừ nguyên nhân bất khả kháng)",
        source=source,
        verified=verified,
    )


def leadership_discipline_threshold_info(*, source: str) -> Metadata:
    """DOMAIN.md marks the threshold [?] under every regulation, so it is never verified."""
    return info(
        "Thành viên cấp ủy bị kỷ luật từ hình thức này trở lên thì tổ chức đảng "
        "không hoàn thành nhiệm vụ",
        source=source,
        verified=False,
    )


def subordinate_disciplined_max_percent_info(*, source: str, verified: bool) -> Metadata:
    return percent_info(
        "Trên tỷ lệ này (%) đơn vị trực thuộc bị kỷ luật thì tổ chức đảng "
        "không hoàn thành nhiệm vụ",
        source=source,
        verified=verified,
    )


def _noted(description: str, note: str) -> str:
    return f"{description} {note}" if note else description


@dataclass(frozen=True)
class ProfileParams:
    """Parameters every profile has; each regulation's subclass adds its own and sets sources.

    Every value DOMAIN.md marks [?] is a parameter here with `verified=False`.
    """

    classification_min_months: int = field(
        default=6,
        metadata=classification_min_months_info(source="Hướng dẫn 16-HD/BTCTW", verified=True),
    )
    quota_percent: Decimal = field(
        default=Decimal(20),
        metadata=quota_percent_info(source="Hướng dẫn 21-HD/BTCTW", verified=True),
    )
    quota_base: QuotaBase = field(
        default=QuotaBase.GOOD,
        metadata=quota_base_info(
            source="Hướng dẫn 21-HD/BTCTW (đọc theo câu chữ); nhiều hướng dẫn địa phương tính cả "
            "HTXSNV",
            verified=True,
        ),
    )
    quota_scope: QuotaScope = field(
        default=QuotaScope.GRASSROOTS,
        metadata=quota_scope_info(source="Hướng dẫn 21-HD/BTCTW", verified=True),
    )
    quota_rounding: Rounding = field(
        default=Rounding.FLOOR,
        metadata=quota_rounding_info(source="DOMAIN.md §3; văn bản không quy định cách làm tròn"),
    )
    quota_enforcement: Enforcement = field(
        default=Enforcement.BLOCK,
        metadata=info(
            description="Khi vượt tỷ lệ: chặn quyết định, hay cảnh báo và ghi lý do",
            source="Lựa chọn áp dụng của đơn vị (không phải nội dung văn bản)",
            verified=True,
        ),
    )
    organization_quota_enabled: bool = field(
        default=True,
        metadata=organization_quota_enabled_info(
            source="Hướng dẫn 21-HD/BTCTW (câu chữ về tổ chức đảng chưa đối chiếu)", verified=False
        ),
    )

    def quota_policy(self) -> QuotaPolicy:
        return QuotaPolicy(
            percent=self.quota_percent,
            base=self.quota_base,
            scope=self.quota_scope,
            rounding=self.quota_rounding,
            enforcement=self.quota_enforcement,
        )

    def rows(self) -> list[ParamRow]:
        defaults = type(self)()
        rows = []
        for item in dataclasses.fields(self):
            info: ParamInfo = item.metadata["param"]
            rows.append(
                ParamRow(
                    name=item.name,
                    value=getattr(self, item.name),
                    default=getattr(defaults, item.name),
                    description=info.description,
                    source=info.source,
                    verified=info.verified,
                )
            )
        return rows

    def validated(self, **overrides: object) -> Self:
        """A copy with `overrides` applied, each coerced to its parameter's type and checked.

        Raises DomainError naming the parameter for an unknown name or a bad value.
        """
        fields_by_name = {item.name: item for item in dataclasses.fields(self)}
        coerced: dict[str, Any] = {}
        for name, value in overrides.items():
            item = fields_by_name.get(name)
            if item is None:
                raise DomainError(
                    f"Không có tham số «{name}» trong bộ quy tắc.",
                    field=name,
                    rule="profile.params.unknown",
                )
            coerced[name] = _coerce(name, getattr(self, name), value, item.metadata["param"])
        result = dataclasses.replace(self, **coerced)
        result.check()
        return result

    def check(self) -> None:
        """Cross-parameter checks; a subclass extends it and raises DomainError."""


def _coerce(name: str, current: object, value: object, info: ParamInfo) -> object:
    def bad(expected: str) -> DomainError:
        return DomainError(
            f"Tham số «{name}» cần {expected}, nhận được «{value}».",
            field=name,
            rule="profile.params.invalid",
        )

    result: object
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise bad("giá trị Có/Không")
        return value
    if isinstance(current, StrEnum):
        try:
            return type(current)(str(value))
        except ValueError:
            allowed = ", ".join(member.value for member in type(current))
            raise bad(f"một trong: {allowed}") from None
    if isinstance(current, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("một số nguyên")
        result = value
        number = Decimal(value)
    elif isinstance(current, Decimal):
        if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
            raise bad("một số")
        try:
            number = Decimal(value.replace(",", ".")) if isinstance(value, str) else Decimal(value)
        except InvalidOperation:
            raise bad("một số") from None
        if not number.is_finite():
            raise bad("một số hữu hạn")
        result = number
    else:  # pragma: no cover - every parameter type is handled above
        raise bad(type(current).__name__)
    if info.minimum is not None and number < info.minimum:
        raise bad(f"giá trị từ {format_decimal(info.minimum)} trở lên")
    if info.maximum is not None and number > info.maximum:
        raise bad(f"giá trị không quá {format_decimal(info.maximum)}")
    return result


# --- shared rule blocks --------------------------------------------------------------------------


def no_cap() -> Verdict[Level]:
    """A rule the facts do not engage: it allows every level."""
    return Verdict(Level.EXCELLENT)


def level_above(level: Level) -> Level:
    order = Level.descending()
    return order[max(order.index(level) - 1, 0)]


def rule_id(prefix: str, cap: Level, condition: str) -> str:
    """`<prefix>.<level refused>.<condition>`; see the module docstring."""
    refused = "not_completed" if cap is Level.NOT_COMPLETED else level_above(cap).value
    return f"{prefix}.{refused}.{condition}"


def capped(
    cap: Level, *, prefix: str, condition: str, citation: str, message: str, subject: str = ""
) -> Verdict[Level]:
    """A rule that allows at most `cap`, with the reason as an INFO finding."""
    finding = Finding(
        rule=rule_id(prefix, cap, condition),
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
    prefix: str,
    citation: str,
    subject: str,
) -> Verdict[Level]:
    """The grade ladder as a cap; no grades recorded means the rule is skipped, with a note."""
    if not task_grades and not other_grades:
        return noted(
            rule=f"{prefix}.criteria.not_recorded",
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
        prefix=prefix,
        condition="criteria",
        citation=citation,
        message=_GRADES_SHORTFALL[level],
        subject=subject,
    )


def civil_service_rule(facts: MemberFacts, *, prefix: str, citation: str) -> Verdict[Level]:
    """A member who is a civil servant is classified no higher than their civil-service level."""
    level = facts.civil_service_level
    if level is None or level is Level.EXCELLENT:
        return no_cap()
    condition = "civil_service" if level is Level.NOT_COMPLETED else "civil_service_cap"
    return capped(
        level,
        prefix=prefix,
        condition=condition,
        citation=citation,
        message=(
            f"Đảng viên là cán bộ, công chức, viên chức được xếp loại «{level.label}»; "
            "mức xếp loại đảng viên không được cao hơn mức xếp loại cán bộ, công chức, viên chức."
        ),
        subject=facts.subject,
    )


def member_discipline_rule(
    facts: MemberFacts, *, prefix: str, citation: str, excused_if_self_remedied: bool
) -> Verdict[Level]:
    """Disciplined in the year: not_completed; where the regulation excuses a self-detected and
    remedied violation, the member is still not excellent."""
    if not facts.disciplined:
        return no_cap()
    if excused_if_self_remedied and facts.discipline_self_remedied:
        return capped(
            Level.GOOD,
            prefix=prefix,
            condition="discipline",
            citation=citation,
            message="Bị xử lý kỷ luật trong năm (vi phạm đã tự phát hiện và khắc phục).",
            subject=facts.subject,
        )
    return capped(
        Level.NOT_COMPLETED,
        prefix=prefix,
        condition="discipline",
        citation=citation,
        message="Bị xử lý kỷ luật trong năm (mỗi vi phạm chỉ tính một lần khi xếp loại).",
        subject=facts.subject,
    )


def degradation_rule(facts: MemberFacts, *, prefix: str, citation: str) -> Verdict[Level]:
    """Degradation concluded by a competent body: not_completed."""
    if not facts.degradation_concluded:
        return no_cap()
    return capped(
        Level.NOT_COMPLETED,
        prefix=prefix,
        condition="degradation",
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
    prefix: str,
    citation: str,
    subject: str,
    force_majeure: bool = False,
) -> Verdict[Level]:
    """Fewer than `min_percent` % of the assigned targets met: not_completed."""
    if not share_below(met, assigned, min_percent):
        return no_cap()
    if force_majeure:
        return noted(
            rule=f"{prefix}.targets.force_majeure",
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
        prefix=prefix,
        condition="targets",
        citation=citation,
        message=(
            f"Chỉ đạt {share_text(met, assigned)} chỉ tiêu được giao, "
            f"dưới {format_percent(min_percent)}."
        ),
        subject=subject,
    )


def sick_leave_rule(
    facts: MemberFacts, *, min_months: Decimal, prefix: str, citation: str
) -> Verdict[Level]:
    """Sick leave of `min_months` or more in the period: at most completed."""
    if min_months <= 0 or facts.sick_leave_months < min_months:
        return no_cap()
    return capped(
        Level.COMPLETED,
        prefix=prefix,
        condition="sick_leave",
        citation=citation,
        message=(
            f"Nghỉ ốm {format_decimal(facts.sick_leave_months)} tháng trong năm "
            f"(từ {format_decimal(min_months)} tháng trở lên)."
        ),
        subject=facts.subject,
    )


def maternity_note(facts: MemberFacts, *, prefix: str, citation: str) -> Verdict[Level]:
    """Maternity leave: no cap; the member is judged on the time actually worked."""
    if not facts.maternity_leave:
        return no_cap()
    return noted(
        rule=f"{prefix}.maternity_leave",
        citation=citation,
        message="Nghỉ chế độ thai sản: đánh giá theo thời gian công tác thực tế trong năm.",
        subject=facts.subject,
        severity=Severity.INFO,
    )


def leader_unit_rule(
    facts: MemberFacts, *, prefix: str, citation: str, floor: Level = Level.NOT_COMPLETED
) -> Verdict[Level]:
    """A head of a unit is classified no higher than the unit (never below `floor` by this rule)."""
    if not facts.is_leader:
        return no_cap()
    unit = facts.led_unit_level
    if unit is None:
        return noted(
            rule=f"{prefix}.leader.unit_not_decided",
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
        prefix=prefix,
        condition="leader_unit",
        citation=citation,
        message=(
            f"Là người đứng đầu; đơn vị do mình phụ trách được xếp loại «{unit.label}», "
            "người đứng đầu không được xếp loại cao hơn."
        ),
        subject=facts.subject,
    )


def constituent_share_rule(
    facts: OrganizationFacts,
    *,
    excellent_good_share: Decimal,
    good_good_share: Decimal,
    prefix: str,
    citation: str,
) -> Verdict[Level]:
    """excellent: all constituents completed+ and ≥ `excellent_good_share` % good+; good: all
    completed+ and ≥ `good_good_share` % good+. No decided constituents: skipped, with a note."""
    levels = facts.constituent_levels
    noun = facts.kind.constituents_label
    if not levels:
        return noted(
            rule=f"{prefix}.constituents.not_recorded",
            citation=citation,
            message=f"Chưa có kết quả xếp loại của {noun}; chưa kiểm tra tỷ lệ.",
            subject=facts.subject,
            severity=Severity.INFO,
        )
    total = len(levels)
    completed = count_at_least(levels, Level.COMPLETED)
    good = count_at_least(levels, Level.GOOD)
    if completed < total:
        return capped(
            Level.COMPLETED,
            prefix=prefix,
            condition="constituent_not_completed",
            citation=citation,
            message=(
                f"Có {total - completed}/{total} {noun} xếp loại không hoàn thành nhiệm vụ "
                f"(yêu cầu 100% {noun} hoàn thành nhiệm vụ trở lên)."
            ),
            subject=facts.subject,
        )
    if share_below(good, total, good_good_share):
        return capped(
            Level.COMPLETED,
            prefix=prefix,
            condition="constituent_good_share",
            citation=citation,
            message=(
                f"Chỉ {share_text(good, total)} {noun} hoàn thành tốt nhiệm vụ trở lên "
                f"(yêu cầu từ {format_percent(good_good_share)})."
            ),
            subject=facts.subject,
        )
    if share_below(good, total, excellent_good_share):
        return capped(
            Level.GOOD,
            prefix=prefix,
            condition="constituent_good_share",
            citation=citation,
            message=(
                f"Chỉ {share_text(good, total)} {noun} hoàn thành tốt nhiệm vụ trở lên "
                f"(yêu cầu từ {format_percent(excellent_good_share)})."
            ),
            subject=facts.subject,
        )
    return no_cap()


def same_level_bodies_rule(
    facts: OrganizationFacts, *, prefix: str, citation: str
) -> Verdict[Level]:
    """excellent needs the same-level government and mass bodies good+; good needs completed+."""
    bodies = facts.same_level_bodies_level
    if bodies is None or bodies.rank >= Level.GOOD.rank:
        return no_cap()
    cap = Level.GOOD if bodies is Level.COMPLETED else Level.COMPLETED
    return capped(
        cap,
        prefix=prefix,
        condition="same_level_bodies",
        citation=citation,
        message=(f"Chính quyền, cơ quan, đoàn thể cùng cấp được xếp loại «{bodies.label}»."),
        subject=facts.subject,
    )


def organization_discipline_rule(
    facts: OrganizationFacts,
    *,
    prefix: str,
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
            prefix=prefix,
            condition="discipline",
            citation=citation,
            message="Tổ chức bị xử lý kỷ luật trong năm (vi phạm đã tự phát hiện và khắc phục).",
            subject=facts.subject,
        )
    return capped(
        Level.NOT_COMPLETED,
        prefix=prefix,
        condition="discipline",
        citation=citation,
        message="Tổ chức bị xử lý kỷ luật trong năm.",
        subject=facts.subject,
    )


def leadership_discipline_rule(
    facts: OrganizationFacts,
    *,
    threshold: DisciplineForm,
    prefix: str,
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
            prefix=prefix,
            condition="leadership_discipline",
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
        prefix=prefix,
        condition="leadership_discipline",
        citation=citation,
        message=f"Có thành viên cấp ủy, tập thể lãnh đạo bị kỷ luật hình thức «{form.label}».",
        subject=facts.subject,
    )


def not_completed_members_rule(
    facts: OrganizationFacts, *, max_percent: Decimal, prefix: str, citation: str
) -> Verdict[Level]:
    """More than `max_percent` % of the members not_completed: not_completed."""
    levels = facts.member_levels
    failed = sum(1 for level in levels if level is Level.NOT_COMPLETED)
    if not share_above(failed, len(levels), max_percent):
        return no_cap()
    return capped(
        Level.NOT_COMPLETED,
        prefix=prefix,
        condition="members_not_completed",
        citation=citation,
        message=(
            f"Có {share_text(failed, len(levels))} đảng viên không hoàn thành nhiệm vụ "
            f"(trên {format_percent(max_percent)})."
        ),
        subject=facts.subject,
    )


def subordinate_discipline_rule(
    facts: OrganizationFacts,
    *,
    max_percent: Decimal,
    prefix: str,
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
            prefix=prefix,
            condition="subordinate_discipline",
            citation=citation,
            message=(
                f"Có {share_text(part, whole)} đơn vị trực thuộc bị xử lý kỷ luật "
                f"(trên {format_percent(max_percent)})."
            ),
            subject=facts.subject,
        )
    return capped(
        any_cap,
        prefix=prefix,
        condition="subordinate_discipline",
        citation=citation,
        message=f"Có {share_text(part, whole)} đơn vị trực thuộc bị xử lý kỷ luật.",
        subject=facts.subject,
    )


def disunity_rule(facts: OrganizationFacts, *, prefix: str, citation: str) -> Verdict[Level]:
    """Internal disunity: not_completed."""
    if not facts.disunity:
        return no_cap()
    return capped(
        Level.NOT_COMPLETED,
        prefix=prefix,
        condition="disunity",
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
    reason: NotClassifiedReason, *, prefix: str, citation: str, subject: str, min_months: int
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
        rule=f"{prefix}.not_classified.{reason.value}",
        citation=citation,
        message=message,
        severity=Severity.INFO,
        subject=subject,
    )


# --- quota ---------------------------------------------------------------------------------------

_ROUNDING_MODES = {
    Rounding.FLOOR: ROUND_FLOOR,
    Rounding.HALF_UP: ROUND_HALF_UP,
    Rounding.CEIL: ROUND_CEILING,
}


def quota_base_count(levels: Sequence[Level], base: QuotaBase) -> int:
    """How many decisions the percent is taken of: `good` only, or `good` and `excellent`."""
    if base is QuotaBase.GOOD:
        return sum(1 for level in levels if level is Level.GOOD)
    return count_at_least(levels, Level.GOOD)


def compute_quota_cap(levels: Sequence[Level], policy: QuotaPolicy) -> int:
    """The most `excellent` decisions the scope may hold: round(percent / 100 × base count).

    The base count is taken over the scope's decided levels, the proposed one included:
    - base `good` (HD 21 read literally): the number of `good` decisions only;
    - base `good_or_better` (many local guides): `good` + `excellent` decisions.
    `completed` and `not_completed` never count. The product is exact (Decimal) and then rounded
    as the policy says: `floor` (default), `half_up` (x,5 goes up) or `ceil`.

    The seed (2020): 10 of 50 members excellent, the other 40 good. Base `good`: 20 % × 40 = 8,
    so 10 exceeds; base `good_or_better`: 20 % × 50 = 10, so 10 fits. The 7 cells, 2 excellent
    and 5 good: base `good` gives 20 % × 5 = 1, base `good_or_better` 20 % × 7 = 1,4 → 1 with
    `floor` or `half_up`; 2 exceeds under either base (only `ceil` over `good_or_better` gives 2).
    """
    raw = policy.percent * quota_base_count(levels, policy.base) / 100
    return int(raw.to_integral_value(rounding=_ROUNDING_MODES[policy.rounding]))


def quota_findings(
    levels: Sequence[Level],
    policy: QuotaPolicy,
    *,
    rule: str,
    citation: str,
    subject_kind: SubjectKind,
    scope_label: str,
) -> list[Finding]:
    excellent = sum(1 for level in levels if level is Level.EXCELLENT)
    cap = compute_quota_cap(levels, policy)
    if excellent <= cap:
        return []
    noun = "đảng viên" if subject_kind is SubjectKind.MEMBER else "tổ chức đảng"
    base = quota_base_count(levels, policy.base)
    message = (
        f"Có {excellent} {noun} xếp loại «{Level.EXCELLENT.label}», vượt tỷ lệ "
        f"{format_percent(policy.percent)} của {policy.base.label} ({base}) "
        f"{policy.scope.label}: tối đa {cap} ({policy.rounding.label})."
    )
    if policy.enforcement is Enforcement.WARN:
        message += " Cấp quyết định phải ghi rõ lý do."
        severity = Severity.WARNING
    else:
        severity = Severity.ERROR
    return [
        Finding(
            rule=rule, citation=citation, message=message, severity=severity, subject=scope_label
        )
    ]


# --- the profile ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile(ABC):
    """One regulation's rules, with its parameters. Immutable: `with_params` returns a copy.

    A cycle stores `id` and keeps its profile forever, so rule ids are prefixed with it.
    """

    id: str
    title: str  # Vietnamese, the regulations in full
    short_title: str
    first_year: int
    last_year: int | None  # None: still in force
    periods: frozenset[PeriodKind]
    params: ProfileParams

    # -- identity and parameters

    @property
    def years(self) -> tuple[int, int | None]:
        return (self.first_year, self.last_year)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    def params_table(self) -> list[ParamRow]:
        """Every parameter with value, default, Vietnamese description, source and `verified`."""
        return self.params.rows()

    def with_params(self, **overrides: object) -> Self:
        """A copy of this profile with validated parameter overrides (DomainError if invalid)."""
        return dataclasses.replace(self, params=self.params.validated(**overrides))

    def quota_policy(self) -> QuotaPolicy:
        return self.params.quota_policy()

    def check_period(self, period: Period) -> list[Finding]:
        """An error when the period kind (e.g. a quarter) is not one this profile evaluates."""
        if period.kind in self.periods:
            return []
        return [
            Finding(
                rule=f"{self.id}.period.not_allowed",
                citation=self.title,
                message=(
                    f"{self.short_title} không đánh giá, xếp loại theo kỳ "
                    f"«{period.kind.label.lower()}» ({period.label})."
                ),
            )
        ]

    # -- what each regulation module supplies

    # The module's rule functions, in the order the regulation states them; each is called with
    # the facts and this profile's parameters.
    member_rule_functions: ClassVar[tuple[Callable[[MemberFacts, Any], Verdict[Level]], ...]] = ()
    organization_rule_functions: ClassVar[
        tuple[Callable[[OrganizationFacts, Any], Verdict[Level]], ...]
    ] = ()

    def member_rules(self, facts: MemberFacts) -> list[Verdict[Level]]:
        """Every member rule's cap, in the order the regulation states them."""
        return [rule(facts, self.params) for rule in self.member_rule_functions]

    def organization_rules(self, facts: OrganizationFacts) -> list[Verdict[Level]]:
        """Every organization rule's cap, in the order the regulation states them."""
        return [rule(facts, self.params) for rule in self.organization_rule_functions]

    # The guide's article on who is not classified; each profile names its own.
    not_classified_citation: ClassVar[str] = ""

    def not_classified(self, facts: MemberFacts | OrganizationFacts) -> Finding | None:
        """The reason the subject is listed but not classified, or None."""
        reason = self.not_classified_reason(facts)
        if reason is None:
            return None
        kind = "member" if isinstance(facts, MemberFacts) else "organization"
        return not_classified_finding(
            reason,
            prefix=f"{self.id}.{kind}",
            citation=self.not_classified_citation,
            subject=facts.subject,
            min_months=self.params.classification_min_months,
        )

    def not_classified_reason(
        self, facts: MemberFacts | OrganizationFacts
    ) -> NotClassifiedReason | None:
        """The reason as a code, for the list of subjects not classified.

        The cases are the same under 132, 124 and 366 (suspended, exempted, a member joined or an
        organization founded under `classification_min_months` before the period end); each
        profile cites its own guide in `not_classified_citation`.
        """
        min_months = self.params.classification_min_months
        if isinstance(facts, MemberFacts):
            return member_not_classified_reason(facts, min_months=min_months)
        return organization_not_classified_reason(facts, min_months=min_months)

    @abstractmethod
    def check_decision_order(self, facts: DecisionOrderFacts) -> list[Finding]:
        """Errors when a decision comes before the decisions it must follow."""

    @abstractmethod
    def quota_citation(self, subject_kind: SubjectKind) -> str:
        """The article the quota on `excellent` comes from."""

    # -- the entry points, the same for every profile

    def member_level_allowed(self, facts: MemberFacts) -> Verdict[Level]:
        """The highest level the member's facts allow, with every reason.

        When the member is not to be classified, the not-classified reason comes first as an
        ERROR so `verdict.ok` is False; the level is still computed for information.
        """
        return self._allowed(self.member_rules(facts), self.not_classified(facts))

    def organization_level_allowed(self, facts: OrganizationFacts) -> Verdict[Level]:
        """The highest level the organization's facts allow, with every reason."""
        return self._allowed(self.organization_rules(facts), self.not_classified(facts))

    def check_member_decision(self, facts: MemberFacts, level: Level) -> list[Finding]:
        """Errors for every rule that refuses `level` for this member, plus the warnings.

        Accepts (no ERROR) exactly the levels at or below `member_level_allowed(facts).value`
        when the member is classified; refuses every level when not.
        """
        return self._check(self.member_rules(facts), self.not_classified(facts), level)

    def check_organization_decision(self, facts: OrganizationFacts, level: Level) -> list[Finding]:
        """Errors for every rule that refuses `level` for this organization, plus the warnings."""
        return self._check(self.organization_rules(facts), self.not_classified(facts), level)

    def quota_cap(self, levels: Sequence[Level], policy: QuotaPolicy | None = None) -> int:
        """The most `excellent` decisions the scope may hold; see `compute_quota_cap`."""
        return compute_quota_cap(levels, policy or self.quota_policy())

    def check_quota(
        self,
        levels: Sequence[Level],
        policy: QuotaPolicy | None = None,
        subject: SubjectKind = SubjectKind.MEMBER,
        *,
        scope_label: str = "",
    ) -> list[Finding]:
        """The quota on `excellent` over one scope's decided levels, INCLUDING the proposed one.

        Over the cap: an ERROR under `block`, a WARNING under `warn` (the deciding body then
        records a justification in `Finding.justification`). Empty when within the cap, and for
        organizations when the profile's `organization_quota_enabled` is off. `scope_label`
        names the grassroots organization or peer group in the finding.
        """
        if subject is SubjectKind.ORGANIZATION and not self.params.organization_quota_enabled:
            return []
        return quota_findings(
            levels,
            policy or self.quota_policy(),
            rule=f"{self.id}.quota.{subject.value}.excellent",
            citation=self.quota_citation(subject),
            subject_kind=subject,
            scope_label=scope_label,
        )

    # -- helpers

    @staticmethod
    def _allowed(verdicts: list[Verdict[Level]], excluded: Finding | None) -> Verdict[Level]:
        result = combine(verdicts)
        if excluded is None:
            return result
        first = dataclasses.replace(excluded, severity=Severity.ERROR)
        return Verdict(result.value, (first, *result.findings))

    @staticmethod
    def _check(
        verdicts: list[Verdict[Level]], excluded: Finding | None, level: Level
    ) -> list[Finding]:
        if excluded is not None:
            return [
                dataclasses.replace(
                    excluded,
                    severity=Severity.ERROR,
                    message=f"Không xếp loại: {excluded.message}",
                )
            ]
        out: list[Finding] = []
        for verdict in verdicts:
            refuses = verdict.value.rank < level.rank
            for finding in verdict.findings:
                if finding.severity is Severity.INFO:
                    if refuses:
                        out.append(
                            dataclasses.replace(
                                finding,
                                severity=Severity.ERROR,
                                message=f"Không thể xếp loại «{level.label}»: {finding.message}",
                            )
                        )
                else:
                    out.append(finding)
        return out


def order_findings(facts: DecisionOrderFacts, *, prefix: str, citation: str) -> list[Finding]:
    """The order of decisions under 124 and 366 as errors naming what is still undecided."""
    checks = (
        (
            facts.undecided_collectives,
            "collective_first",
            "Phải xếp loại tập thể trước cá nhân; chưa xếp loại: {names}.",
        ),
        (
            facts.undecided_led_units,
            "head_after_unit",
            "Người đứng đầu chỉ được xếp loại sau đơn vị do mình phụ trách; chưa xếp loại: "
            "{names}.",
        ),
        (
            facts.undecided_subordinates,
            "lower_first",
            "Phải xếp loại cấp dưới trước cấp trên; chưa xếp loại: {names}.",
        ),
        (
            facts.undecided_same_level_bodies,
            "government_first",
            "Phải xếp loại chính quyền, cơ quan chuyên môn, đoàn thể trước tổ chức đảng; "
            "chưa xếp loại: {names}.",
        ),
    )
    return [
        Finding(
            rule=f"{prefix}.order.{condition}",
            citation=citation,
            message=template.format(names=", ".join(names)),
            subject=facts.subject,
        )
        for names, condition, template in checks
        if names
    ]
