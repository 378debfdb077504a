"""Profile `qd366`: Quy định 366-QĐ/TW + Kết luận 198-KL/TW + Hướng dẫn 43-HD/BTCTW (2025 on).

DOMAIN.md §5. A subject is scored on a 100-point frame (general criteria 30 + task results 70;
the criteria content is local data, `SAMPLE_FRAME` only shows the shape). The level is the lower
of the level by score (bottoms 90 / 70 / 50, inclusive) and the level by conditions (share of tasks
on time, exceeding, late; discipline; earlier shortcomings remedied; a leader's unit).
`member_level_by_score` and `member_level_by_conditions` (and the organization pair) expose the
two components; `member_level_allowed` is their minimum.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from tongket.core.errors import DomainError
from tongket.core.formatting import format_decimal, format_percent
from tongket.core.rules import Finding, Severity, Verdict
from tongket.evaluation.domain import (
    ZERO,
    CaseFacts,
    CaseGroup,
    DecisionOrderFacts,
    DisciplineForm,
    Enforcement,
    LedUnit,
    Level,
    MemberFacts,
    NotClassifiedReason,
    OrganizationFacts,
    PeriodKind,
    PointCriterion,
    PointFrame,
    PointGroup,
    QuotaBase,
    QuotaPolicy,
    QuotaScope,
    Rounding,
    SubjectKind,
    TaskTally,
    Violation,
    min_level,
)
from tongket.evaluation.regulations import blocks, params, quota
from tongket.evaluation.regulations.base import Profile
from tongket.evaluation.regulations.params import ProfileParams, info
from tongket.evaluation.regulations.quota import QuotaCounts

ID = "qd366"

QD = "Quy định 366-QĐ/TW (30/8/2025)"
HD43 = "Hướng dẫn 43-HD/BTCTW (31/10/2025)"
UNVERIFIED = "DOMAIN.md §5 đánh dấu [?]"
MIRRORED = "theo Quy định 124-QĐ/TW, chưa đối chiếu văn bản 366"

CITE_NOT_CLASSIFIED = (
    f"{QD}, Điều 5; {HD43}, điểm 7: đảng viên không kiểm điểm, không xếp loại chất lượng"
)
CITE_LEAVE = f"{QD}, Điều 5; {HD43}, điểm 7: nghỉ ốm, nghỉ thai sản xếp loại theo kết quả thực tế"
CITE_LEADER_NOT_COMPLETED = (
    f"{QD}, Điều 11, khoản 4: người đứng đầu, cấp phó không hoàn thành nhiệm vụ (đơn vị phụ trách "
    "hoàn thành dưới 70% nhiệm vụ theo kế hoạch; trên 50% đơn vị phụ trách không hoàn thành "
    "nhiệm vụ)"
)
CITE_TEMPORARY = (
    f"{QD}, Điều 5; {HD43}, điểm 7: đảng viên sinh hoạt tạm thời xếp loại tại chi bộ sinh hoạt "
    "chính thức sau khi có nhận xét bằng văn bản của chi bộ sinh hoạt tạm thời"
)
CITE_LEADER = (
    f"{QD}, Điều 11: người đứng đầu, cấp phó chỉ đạt mức xếp loại khi cơ quan, đơn vị, lĩnh vực "
    "do mình phụ trách đạt các điều kiện của mức đó"
)
CITE_FRAME = f"{QD}; {HD43}: khung 100 điểm (tiêu chí chung 30 điểm, kết quả nhiệm vụ 70 điểm)"
CITE_SCORE = f"{QD}; {HD43}: mức xếp loại theo điểm (từ 90, từ 70, từ 50 điểm)"
CITE_CONDITIONS = f"{QD}, Điều 11; {HD43}: điều kiện của từng mức xếp loại"
CITE_NOT_COMPLETED = f"{QD}; {HD43}: các trường hợp không hoàn thành nhiệm vụ"
CITE_MEMBER_CIVIL_SERVICE = (
    f"{HD43}; Nghị định 335/2025/NĐ-CP: xếp loại đảng viên là cán bộ, công chức, viên chức"
)
CITE_ORDER = f"{QD}, Điều 12; {HD43}: trình tự đánh giá, xếp loại chất lượng"
CITE_QUOTA = f"{QD}, Điều 11, điểm 1.5; {HD43}: tỷ lệ hoàn thành xuất sắc nhiệm vụ"
CITE_QUARTERS = f"{QD}, Điều 15: kết quả đánh giá hằng quý là cơ sở đánh giá, xếp loại cả năm"
CITE_QUARTERS_LOCAL = (
    f"{CITE_QUARTERS}; quy định của địa phương, không phải của văn bản trung ương (DOMAIN.md §5)"
)
CITE_DECIDING_BODY = (
    f"{HD43}, mục 3: thẩm quyền quyết định xếp loại (đảng ủy cơ sở quyết định đối với chi bộ "
    "trực thuộc và đảng viên; ban thường vụ cấp ủy cấp trên trực tiếp quyết định đối với tổ chức "
    "cơ sở đảng)"
)


@dataclass(frozen=True)
class Qd366Params(ProfileParams):
    """Parameters of `qd366`; the score bands, frame and task shares come from DOMAIN.md §5."""

    classification_min_months: int = field(
        default=6,
        metadata=params.classification_min_months_info(source=CITE_NOT_CLASSIFIED, verified=True),
    )
    quota_percent: Decimal = field(
        default=Decimal(20),
        metadata=params.quota_percent_info(source=CITE_QUOTA, verified=True),
    )
    grassroots_decides_members: bool = field(
        default=True,
        metadata=info(
            "Đảng ủy cơ sở quyết định xếp loại đảng viên của mình (nếu tắt: không kiểm tra cấp "
            "quyết định đối với đảng viên)",
            source=f"{CITE_DECIDING_BODY}; đối với đảng viên là theo thực tế ({UNVERIFIED})",
            verified=False,
        ),
    )
    quarter_not_completed_bars_excellent: bool = field(
        default=False,
        metadata=info(
            "Quy định của địa phương: có quý xếp loại «Không hoàn thành nhiệm vụ» thì không xếp "
            "loại «Hoàn thành xuất sắc nhiệm vụ» cả năm (tắt theo mặc định)",
            source=f"{CITE_QUARTERS_LOCAL}",
            verified=False,
        ),
    )
    quota_exception_max_percent: Decimal = field(
        default=Decimal(25),
        metadata=params.percent_info(
            "Tỷ lệ tối đa (%) cấp có thẩm quyền được quyết định cho cơ quan, đơn vị có kết quả "
            "nổi trội (quyết định ngoại lệ được ghi nhận: ai, số, ngày, lý do, nhóm nào)",
            source=CITE_QUOTA,
            verified=True,
        ),
    )
    quota_base: QuotaBase = field(
        default=QuotaBase.GOOD,
        metadata=params.quota_base_info(
            source=f"{CITE_QUOTA} (nguyên văn: «số được xếp loại Hoàn thành tốt nhiệm vụ»)",
            verified=True,
        ),
    )
    quota_scope: QuotaScope = field(
        default=QuotaScope.PEER_GROUP,
        metadata=params.quota_scope_info(
            source=f"{CITE_QUOTA} (nhóm có vị trí, vai trò, chức năng, nhiệm vụ tương đồng do "
            "cấp có thẩm quyền xác định)",
            verified=True,
            description="Phạm vi tính tỷ lệ (từng đơn vị, từng nhóm có nhiệm vụ tương đồng)",
        ),
    )
    quota_rounding: Rounding = field(
        default=Rounding.FLOOR,
        metadata=params.quota_rounding_info(
            source=f"{CITE_QUOTA}; văn bản không quy định cách làm tròn ({UNVERIFIED})"
        ),
    )
    quota_small_group_size: int = field(
        default=5,
        metadata=info(
            description="Nhóm có ít hơn số được xếp loại hoàn thành tốt này: vượt tỷ lệ chỉ cảnh "
            "báo (cấp quyết định ghi rõ lý do), không chặn",
            source=f"{CITE_QUOTA}; văn bản không quy định nhóm nhỏ ({UNVERIFIED})",
            verified=False,
            minimum=0,
            maximum=1000,
        ),
    )
    organization_quota_enabled: bool = field(
        default=True,
        metadata=params.organization_quota_enabled_info(
            source=f"{CITE_QUOTA} (áp dụng cho cả tập thể và cá nhân)", verified=True
        ),
    )
    general_max_points: Decimal = field(
        default=Decimal(30),
        metadata=params.percent_info(
            "Điểm tối đa của nhóm tiêu chí chung", source=CITE_FRAME, verified=True
        ),
    )
    tasks_max_points: Decimal = field(
        default=Decimal(70),
        metadata=params.percent_info(
            "Điểm tối đa của nhóm tiêu chí về kết quả thực hiện nhiệm vụ",
            source=CITE_FRAME,
            verified=True,
        ),
    )
    excellent_min_score: Decimal = field(
        default=Decimal(90),
        metadata=params.percent_info(
            "Điểm thấp nhất (tính cả mức này) của mức Hoàn thành xuất sắc nhiệm vụ",
            source=CITE_SCORE,
            verified=True,
        ),
    )
    good_min_score: Decimal = field(
        default=Decimal(70),
        metadata=params.percent_info(
            "Điểm thấp nhất (tính cả mức này) của mức Hoàn thành tốt nhiệm vụ",
            source=CITE_SCORE,
            verified=True,
        ),
    )
    completed_min_score: Decimal = field(
        default=Decimal(50),
        metadata=params.percent_info(
            "Điểm thấp nhất (tính cả mức này) của mức Hoàn thành nhiệm vụ",
            source=CITE_SCORE,
            verified=True,
        ),
    )
    excellent_exceeded_min_percent: Decimal = field(
        default=Decimal(30),
        metadata=params.percent_info(
            "Tỷ lệ tối thiểu (%) nhiệm vụ vượt yêu cầu để được xếp loại xuất sắc",
            source=CITE_CONDITIONS,
            verified=True,
        ),
    )
    completed_late_max_percent: Decimal = field(
        default=Decimal(20),
        metadata=params.percent_info(
            "Tỷ lệ tối đa (%) nhiệm vụ chậm tiến độ để được xếp loại hoàn thành",
            source=CITE_CONDITIONS,
            verified=True,
        ),
    )
    not_completed_cases_from_qd124: bool = field(
        default=True,
        metadata=info(
            description="Áp dụng các trường hợp không hoàn thành nhiệm vụ như Quy định 124 (kỷ "
            "luật, suy thoái, chỉ tiêu, mất đoàn kết, đơn vị trực thuộc bị kỷ luật)",
            source=f"{CITE_NOT_COMPLETED} ({UNVERIFIED}: danh sách tương tự 124 và NĐ 335)",
            verified=False,
        ),
    )
    member_civil_service_cap: bool = field(
        default=True,
        metadata=info(
            description="Mức xếp loại đảng viên không cao hơn mức xếp loại cán bộ, công chức, "
            "viên chức",
            source=f"{CITE_MEMBER_CIVIL_SERVICE} ({MIRRORED})",
            verified=False,
        ),
    )
    member_discipline_excused_if_self_remedied: bool = field(
        default=True,
        metadata=params.member_discipline_excused_info(
            source=f"{CITE_NOT_COMPLETED} ({MIRRORED})",
            verified=False,
            note="(vẫn không được xếp loại xuất sắc)",
        ),
    )
    member_targets_min_percent: Decimal = field(
        default=Decimal(50),
        metadata=params.member_targets_min_percent_info(
            source=f"{CITE_NOT_COMPLETED} ({MIRRORED})", verified=False
        ),
    )
    sick_leave_min_months: Decimal = field(
        default=Decimal(3),
        metadata=info(
            description="Nghỉ ốm từ số tháng này trở lên: xếp loại theo kết quả thực tế trong năm "
            "(ghi chú, không giới hạn mức)",
            source=CITE_LEAVE,
            verified=True,
            minimum=0,
            maximum=12,
        ),
    )
    leadership_discipline_threshold: DisciplineForm = field(
        default=DisciplineForm.WARNING,
        metadata=params.leadership_discipline_threshold_info(
            source=f"{CITE_NOT_COMPLETED} ({MIRRORED})"
        ),
    )
    subordinate_disciplined_max_percent: Decimal = field(
        default=Decimal(20),
        metadata=params.subordinate_disciplined_max_percent_info(
            source=f"{CITE_NOT_COMPLETED} ({MIRRORED})", verified=False
        ),
    )
    leader_unit_tasks_min_percent: Decimal = field(
        default=Decimal(70),
        metadata=params.percent_info(
            "Đơn vị do người đứng đầu phụ trách hoàn thành dưới tỷ lệ nhiệm vụ theo kế hoạch này "
            "(%) thì người đứng đầu không hoàn thành nhiệm vụ",
            source=CITE_LEADER_NOT_COMPLETED,
            verified=True,
        ),
    )
    leader_units_failed_max_percent: Decimal = field(
        default=Decimal(50),
        metadata=params.percent_info(
            "Trên tỷ lệ đơn vị phụ trách không hoàn thành nhiệm vụ này (%) thì người đứng đầu "
            "không hoàn thành nhiệm vụ",
            source=CITE_LEADER_NOT_COMPLETED,
            verified=True,
        ),
    )
    low_confidence_max_percent: Decimal = field(
        default=Decimal(50),
        metadata=params.percent_info(
            "Trên tỷ lệ phiếu tín nhiệm thấp này (%) trong lần lấy phiếu tín nhiệm của năm thì "
            "cán bộ lãnh đạo, quản lý không hoàn thành nhiệm vụ",
            source=f"{QD}, Điều 11, khoản 4 (người đứng đầu, cán bộ lãnh đạo, quản lý)",
            verified=True,
        ),
    )
    member_tasks_not_completed_max_percent: Decimal = field(
        default=Decimal(50),
        metadata=params.percent_info(
            "Trên tỷ lệ nhiệm vụ trong năm không hoàn thành này (%) thì đảng viên không giữ chức "
            "vụ, đảng viên ngoài hệ thống chính trị không hoàn thành nhiệm vụ",
            source=f"{QD}, Điều 11, khoản 4 (đảng viên không giữ chức vụ; ngoài hệ thống chính "
            "trị)",
            verified=True,
        ),
    )
    organization_targets_min_percent: Decimal = field(
        default=Decimal(50),
        metadata=params.organization_targets_min_percent_info(
            source=f"{CITE_NOT_COMPLETED} ({MIRRORED})", verified=False
        ),
    )

    def check(self) -> None:
        if not (self.completed_min_score < self.good_min_score < self.excellent_min_score):
            raise DomainError(
                "Ngưỡng điểm phải tăng dần: hoàn thành < hoàn thành tốt < hoàn thành xuất sắc.",
                field="good_min_score",
                rule="profile.params.invalid",
            )
        if self.general_max_points + self.tasks_max_points != 100:
            raise DomainError(
                "Điểm tối đa của hai nhóm tiêu chí phải cộng lại bằng 100.",
                field="tasks_max_points",
                rule="profile.params.invalid",
            )


DEFAULTS = Qd366Params()


# --- the 100-point frame -------------------------------------------------------------------------


def _criterion(code: str, title: str, points: int, group: PointGroup) -> PointCriterion:
    return PointCriterion(code=code, title=title, max_points=Decimal(points), group=group)


SAMPLE_FRAME = PointFrame(
    code="qd366-mau",
    title="Khung 100 điểm mẫu (mỗi cấp ủy thay bằng tiêu chí cụ thể của mình)",
    criteria=(
        _criterion("1.1", "Chính trị, tư tưởng", 8, PointGroup.GENERAL),
        _criterion("1.2", "Đạo đức, lối sống", 8, PointGroup.GENERAL),
        _criterion("1.3", "Ý thức tổ chức kỷ luật", 7, PointGroup.GENERAL),
        _criterion("1.4", "Tác phong, lề lối làm việc", 7, PointGroup.GENERAL),
        _criterion("2.1", "Kết quả thực hiện nhiệm vụ được giao", 40, PointGroup.TASKS),
        _criterion("2.2", "Tiến độ, chất lượng thực hiện nhiệm vụ", 20, PointGroup.TASKS),
        _criterion("2.3", "Sản phẩm cụ thể, đổi mới, sáng tạo", 10, PointGroup.TASKS),
    ),
)


def check_frame(frame: PointFrame, params: Qd366Params = DEFAULTS) -> list[Finding]:
    """The frame's groups add up to general 30 + task results 70. 366-QĐ/TW; HD 43."""
    expected = {
        PointGroup.GENERAL: params.general_max_points,
        PointGroup.TASKS: params.tasks_max_points,
    }
    return [
        Finding(
            rule="qd366.score.frame",
            citation=CITE_FRAME,
            message=(
                f"Khung «{frame.title}»: {group.label.lower()} có tổng điểm tối đa "
                f"{format_decimal(frame.group_max(group))}, phải là {format_decimal(maximum)}."
            ),
        )
        for group, maximum in expected.items()
        if frame.group_max(group) != maximum
    ]


def score_total(
    frame: PointFrame, points: Mapping[str, Decimal], params: Qd366Params = DEFAULTS
) -> Verdict[Decimal]:
    """The total of `points` on `frame`; every criterion scored within 0..its maximum.

    Errors name the criterion: out of range, not in the frame, or not scored. The value sums
    only the points within range, so it is meaningful for display even when not `ok`.
    """
    findings = check_frame(frame, params)
    total = ZERO
    for criterion in frame.criteria:
        value = points.get(criterion.code)
        name = f"{criterion.code} «{criterion.title}»"
        if value is None:
            findings.append(
                Finding(
                    rule="qd366.score.missing",
                    citation=CITE_FRAME,
                    message=f"Tiêu chí {name} chưa được chấm điểm.",
                )
            )
        elif not ZERO <= value <= criterion.max_points:
            findings.append(
                Finding(
                    rule="qd366.score.out_of_range",
                    citation=CITE_FRAME,
                    message=(
                        f"Tiêu chí {name}: {format_decimal(value)} điểm nằm ngoài khoảng "
                        f"0 đến {format_decimal(criterion.max_points)}."
                    ),
                )
            )
        else:
            total += value
    for code in sorted(set(points) - {c.code for c in frame.criteria}):
        findings.append(
            Finding(
                rule="qd366.score.unknown_criterion",
                citation=CITE_FRAME,
                message=f"Mã tiêu chí «{code}» không có trong khung «{frame.title}».",
            )
        )
    return Verdict(total, tuple(findings))


def level_by_score(points: Decimal, params: Qd366Params = DEFAULTS) -> Level:
    """excellent from 90, good from 70, completed from 50 (bottoms inclusive: 89,99 is good);
    below 50 not_completed. 366-QĐ/TW; HD 43."""
    if points >= params.excellent_min_score:
        return Level.EXCELLENT
    if points >= params.good_min_score:
        return Level.GOOD
    if points >= params.completed_min_score:
        return Level.COMPLETED
    return Level.NOT_COMPLETED


def _score_rule(
    points: Mapping[str, Decimal] | None,
    frame: PointFrame | None,
    *,
    rules: blocks.Ids,
    not_recorded: str,
    subject: str,
    params: Qd366Params,
) -> Verdict[Level]:
    if points is None:
        return blocks.noted(
            rule=not_recorded,
            citation=CITE_SCORE,
            message="Chưa chấm điểm theo khung 100 điểm; mức xếp loại mới chỉ dựa trên điều kiện.",
            subject=subject,
            severity=Severity.WARNING,
        )
    total = score_total(frame or SAMPLE_FRAME, points, params)
    errors = tuple(replace(finding, subject=subject) for finding in total.findings)
    level = level_by_score(total.value, params)
    if level is Level.EXCELLENT:
        return Verdict(level, errors)
    reason = blocks.capped(
        level,
        rule=rules.at(level),
        citation=CITE_SCORE,
        message=f"Tổng điểm {format_decimal(total.value)}/100.",
        subject=subject,
    )
    return Verdict(level, errors + reason.findings)


def _tasks_level(tasks: TaskTally, params: Qd366Params) -> tuple[Level, str, bool]:
    """excellent: 100 % on time with quality and ≥ 30 % exceeding requirements; good: 100 % on
    time; completed: 100 % completed and ≤ 20 % late. With the reason when below excellent, and
    whether the figures fall short of completed's own conditions (the shortfall).

    The shortfall does not make not_completed by itself: Điều 11.4 lists the not_completed
    cases (a member: more than 50 % of the year's tasks not completed; a leader or a collective:
    the led unit under 70 % of its planned tasks), and a task done late is not a task left
    undone. Between the two (say 1 of 2 tasks late) the figures cap at completed and the
    competent level is warned (DOMAIN.md §5: not_completed is "< 50, or one case of the list")."""
    total = tasks.total
    exceeded_pct = params.excellent_exceeded_min_percent
    late_pct = params.completed_late_max_percent
    if tasks.on_time == total:
        if not blocks.share_below(tasks.exceeded, total, exceeded_pct):
            return Level.EXCELLENT, "", False
        return (
            Level.GOOD,
            f"Có {blocks.share_text(tasks.exceeded, total)} nhiệm vụ vượt yêu cầu "
            f"(mức xuất sắc cần từ {format_percent(exceeded_pct)}).",
            False,
        )
    if tasks.completed == total and not blocks.share_above(tasks.late, total, late_pct):
        return (
            Level.COMPLETED,
            f"Chỉ {blocks.share_text(tasks.on_time, total)} nhiệm vụ hoàn thành đúng tiến độ, "
            "bảo đảm chất lượng (mức tốt cần 100%).",
            False,
        )
    if tasks.completed < total:
        message = (
            f"Chỉ hoàn thành {blocks.share_text(tasks.completed, total)} nhiệm vụ "
            "(mức hoàn thành cần 100%)."
        )
    else:
        message = (
            f"Có {blocks.share_text(tasks.late, total)} nhiệm vụ chậm tiến độ "
            f"(mức hoàn thành cho phép không quá {format_percent(late_pct)})."
        )
    return Level.COMPLETED, message, True


def _tasks_rule(
    tasks: TaskTally | None,
    *,
    rules: blocks.Ids,
    shortfall: str,
    not_recorded: str,
    subject: str,
    params: Qd366Params,
) -> Verdict[Level]:
    """The level the task figures allow (`_tasks_level`); no figures: a warning. Short of
    completed's conditions: at most completed and a warning under `shortfall` for the competent
    level, the not_completed cases of Điều 11.4 deciding whether it is not_completed."""
    if tasks is None:
        return blocks.noted(
            rule=not_recorded,
            citation=CITE_CONDITIONS,
            message="Chưa có số liệu nhiệm vụ; chưa kiểm tra điều kiện về tiến độ, chất lượng.",
            subject=subject,
            severity=Severity.WARNING,
        )
    level, message, short = _tasks_level(tasks, params)
    if level is Level.EXCELLENT:
        return blocks.no_cap()
    verdict = blocks.capped(
        level,
        rule=rules.at(level),
        citation=CITE_CONDITIONS,
        message=message,
        subject=subject,
    )
    if not short:
        return verdict
    warning = blocks.noted(
        rule=shortfall,
        citation=f"{CITE_CONDITIONS}; {CITE_CASES}",
        message=f"{message} Chưa đủ điều kiện mức «{Level.COMPLETED.label}» về nhiệm vụ; mức "
        f"«{Level.NOT_COMPLETED.label}» chỉ khi thuộc một trường hợp của Điều 11 khoản 4: cấp có "
        "thẩm quyền xem xét, quyết định.",
        subject=subject,
        severity=Severity.WARNING,
    )
    return blocks.combine((verdict, warning))


def _shortcomings_rule(remedied: bool, *, rule: str, subject: str) -> Verdict[Level]:
    if remedied:
        return blocks.no_cap()
    return blocks.capped(
        Level.GOOD,
        rule=rule,
        citation=CITE_CONDITIONS,
        message="Hạn chế, khuyết điểm đã được chỉ ra chưa được khắc phục hết.",
        subject=subject,
    )


# --- the not_completed cases by group (Điều 11.4) -------------------------------------------------

CITE_CASES = f"{QD}, Điều 11, khoản 4: các trường hợp không hoàn thành nhiệm vụ"
CITE_CASES_COLLECTIVE = f"{CITE_CASES} (tập thể lãnh đạo, quản lý)"
CITE_CASES_LEADER = f"{CITE_CASES} (người đứng đầu, cấp phó, cán bộ lãnh đạo, quản lý)"
CITE_CASES_MEMBER = (
    f"{CITE_CASES} (đảng viên không giữ chức vụ lãnh đạo, quản lý; đảng viên ngoài hệ thống chính "
    "trị)"
)
CITE_CASES_EXCUSE = (
    f"{CITE_CASES}: vi phạm tự phát hiện, khắc phục và trường hợp bất khả kháng do cấp có thẩm "
    "quyền xem xét, quyết định"
)


class Excuse(StrEnum):
    """What the competent level may weigh instead of the case applying by itself."""

    NONE = ""
    SELF_REMEDIED = "self_remedied"  # applies to violations
    FORCE_MAJEURE = "force_majeure"  # applies to tasks and targets


@dataclass(frozen=True)
class Case:
    """One case of Điều 11.4 that applies: its rule id, article and Vietnamese reason, and what
    the competent level may weigh instead (`excuse`)."""

    rule: str
    citation: str
    message: str
    excuse: Excuse = Excuse.NONE


CaseRule = Callable[[CaseFacts, "Qd366Params"], Case | None]


def _counted(facts: CaseFacts) -> list[Violation]:
    """The duty-related violations that count here (khiển trách or above: any Party form)."""
    return [v for v in facts.violations if v.duty_related and facts.counts_here(v)]


def _forms(violations: Sequence[Violation]) -> str:
    return ", ".join(v.form.label.lower() if v.form is not None else "kỷ luật" for v in violations)


def collective_personnel_wrongdoing(facts: CaseFacts, params: Qd366Params) -> Case | None:
    """Wrongdoing in personnel work concluded by the competent level. Điều 11.4 (collective)."""
    if not facts.personnel_wrongdoing:
        return None
    return Case(
        "qd366.not_completed.collective.personnel_wrongdoing",
        CITE_CASES_COLLECTIVE,
        "Có sai phạm trong công tác cán bộ được cấp có thẩm quyền kết luận.",
    )


def collective_disunity(facts: CaseFacts, params: Qd366Params) -> Case | None:
    """Disunity or factions concluded by the competent level. Điều 11.4 (collective)."""
    if not facts.disunity:
        return None
    return Case(
        "qd366.not_completed.collective.disunity",
        CITE_CASES_COLLECTIVE,
        "Mất đoàn kết, bè phái được cấp có thẩm quyền kết luận.",
    )


def collective_member_disciplined(facts: CaseFacts, params: Qd366Params) -> Case | None:
    """A member of the leadership collective disciplined khiển trách or above for a violation in
    performing duties committed in this body in this period (not one from another organization).
    Điều 11.4 (collective)."""
    counted = _counted(facts)
    if not counted:
        return None
    return Case(
        "qd366.not_completed.collective.member_disciplined",
        CITE_CASES_COLLECTIVE,
        f"Thành viên tập thể lãnh đạo bị kỷ luật ({_forms(counted)}) do vi phạm liên quan đến "
        "thực hiện chức trách, nhiệm vụ.",
        Excuse.SELF_REMEDIED,
    )


def collective_member_degraded(facts: CaseFacts, params: Qd366Params) -> Case | None:
    """A member of the leadership collective concluded degraded. Điều 11.4 (collective)."""
    if not facts.degradation_concluded:
        return None
    return Case(
        "qd366.not_completed.collective.member_degraded",
        CITE_CASES_COLLECTIVE,
        "Có thành viên tập thể lãnh đạo bị kết luận suy thoái về tư tưởng chính trị, đạo đức, "
        "lối sống, «tự diễn biến», «tự chuyển hóa».",
    )


def _unit_tasks_reasons(facts: CaseFacts, params: Qd366Params) -> list[str]:
    minimum = params.leader_unit_tasks_min_percent
    return [
        f"{unit.code} chỉ hoàn thành {blocks.share_text(unit.tasks.completed, unit.tasks.total)} "
        f"nhiệm vụ theo kế hoạch (dưới {format_percent(minimum)})"
        for unit in facts.led_units
        if unit.tasks is not None
        and blocks.share_below(unit.tasks.completed, unit.tasks.total, minimum)
    ]


def collective_unit_tasks(facts: CaseFacts, params: Qd366Params) -> Case | None:
    """The body led completes under 70 % of its planned tasks (69 % is not_completed, 70 % is
    not). Điều 11.4 (collective)."""
    reasons = _unit_tasks_reasons(facts, params)
    if not reasons:
        return None
    return Case(
        "qd366.not_completed.collective.unit_tasks",
        CITE_CASES_COLLECTIVE,
        "Cơ quan, đơn vị: " + "; ".join(reasons) + ".",
        Excuse.FORCE_MAJEURE,
    )


def collective_basic_targets(facts: CaseFacts, params: Qd366Params) -> Case | None:
    """The body led misses its 5 basic socio-economic targets. Điều 11.4 (collective)."""
    if not facts.basic_targets_missed:
        return None
    return Case(
        "qd366.not_completed.collective.basic_targets",
        CITE_CASES_COLLECTIVE,
        "Không đạt 5 chỉ tiêu cơ bản về kinh tế - xã hội.",
        Excuse.FORCE_MAJEURE,
    )


def leader_unit_tasks(facts: CaseFacts, params: Qd366Params) -> Case | None:
    """The area or body led completes under 70 % of its planned tasks. Điều 11.4 (leader)."""
    reasons = _unit_tasks_reasons(facts, params)
    if not reasons:
        return None
    return Case(
        "qd366.not_completed.leader.unit_tasks",
        CITE_CASES_LEADER,
        "Lĩnh vực, đơn vị phụ trách: " + "; ".join(reasons) + ".",
        Excuse.FORCE_MAJEURE,
    )


def leader_basic_targets(facts: CaseFacts, params: Qd366Params) -> Case | None:
    """The area led misses its 5 basic socio-economic targets. Điều 11.4 (leader)."""
    if not facts.basic_targets_missed:
        return None
    return Case(
        "qd366.not_completed.leader.basic_targets",
        CITE_CASES_LEADER,
        "Lĩnh vực, đơn vị phụ trách không đạt 5 chỉ tiêu cơ bản về kinh tế - xã hội.",
        Excuse.FORCE_MAJEURE,
    )


def leader_units_not_completed(facts: CaseFacts, params: Qd366Params) -> Case | None:
    """More than 50 % of the units one answers for rated not_completed (exactly half is not).
    Điều 11.4 (leader)."""
    units = facts.led_units
    failed = sum(1 for unit in units if unit.level is Level.NOT_COMPLETED)
    limit = params.leader_units_failed_max_percent
    if not blocks.share_above(failed, len(units), limit):
        return None
    return Case(
        "qd366.not_completed.leader.units_not_completed",
        CITE_CASES_LEADER,
        f"{blocks.share_text(failed, len(units))} cơ quan, đơn vị do đồng chí phụ trách không "
        f"hoàn thành nhiệm vụ (trên {format_percent(limit)}).",
    )


def leader_low_confidence(facts: CaseFacts, params: Qd366Params) -> Case | None:
    """More than 50 % low-confidence votes in a confidence vote of the year (exactly half is
    not). Điều 11.4 (leader)."""
    limit = params.low_confidence_max_percent
    if not blocks.share_above(facts.low_confidence_votes, facts.confidence_votes, limit):
        return None
    return Case(
        "qd366.not_completed.leader.low_confidence",
        CITE_CASES_LEADER,
        f"Lấy phiếu tín nhiệm trong năm: "
        f"{blocks.share_text(facts.low_confidence_votes, facts.confidence_votes)} phiếu tín nhiệm "
        f"thấp (trên {format_percent(limit)}).",
    )


def _disciplined(rule: str, citation: str) -> CaseRule:
    def case(facts: CaseFacts, params: Qd366Params) -> Case | None:
        counted = _counted(facts)
        if not counted:
            return None
        return Case(
            rule,
            citation,
            f"Bị kỷ luật ({_forms(counted)}) do vi phạm liên quan đến thực hiện chức trách, nhiệm "
            "vụ tại đơn vị trong kỳ.",
            Excuse.SELF_REMEDIED,
        )

    return case


def _degraded(rule: str, citation: str) -> CaseRule:
    def case(facts: CaseFacts, params: Qd366Params) -> Case | None:
        if not facts.degradation_concluded:
            return None
        return Case(
            rule,
            citation,
            "Bị cấp có thẩm quyền kết luận suy thoái về tư tưởng chính trị, đạo đức, lối sống, "
            "«tự diễn biến», «tự chuyển hóa».",
        )

    return case


leader_disciplined = _disciplined("qd366.not_completed.leader.disciplined", CITE_CASES_LEADER)
leader_disciplined.__doc__ = """Disciplined khiển trách or above for a duty-related violation
committed here in the period. Điều 11.4 (leader)."""
leader_degraded = _degraded("qd366.not_completed.leader.degraded", CITE_CASES_LEADER)
leader_degraded.__doc__ = "Concluded degraded. Điều 11.4 (leader)."


def leader_corruption(facts: CaseFacts, params: Qd366Params) -> Case | None:
    """Corruption or waste with discipline in a body under one's direct management.
    Điều 11.4 (leader)."""
    if not facts.corruption_under_management:
        return None
    return Case(
        "qd366.not_completed.leader.corruption",
        CITE_CASES_LEADER,
        "Để xảy ra tham nhũng, lãng phí bị xử lý kỷ luật ở cơ quan, đơn vị do mình trực tiếp "
        "quản lý.",
    )


member_disciplined = _disciplined("qd366.not_completed.member.disciplined", CITE_CASES_MEMBER)
member_disciplined.__doc__ = """Disciplined khiển trách or above for a duty-related violation
committed here in the period. Điều 11.4 (members without a post; outside the system)."""
member_degraded = _degraded("qd366.not_completed.member.degraded", CITE_CASES_MEMBER)
member_degraded.__doc__ = "Concluded degraded. Điều 11.4 (members)."


def member_prohibitions(facts: CaseFacts, params: Qd366Params) -> Case | None:
    """A breach of what Party members must not do. Điều 11.4 (members)."""
    if not facts.prohibitions_breached:
        return None
    return Case(
        "qd366.not_completed.member.prohibitions",
        CITE_CASES_MEMBER,
        "Vi phạm những điều đảng viên không được làm.",
    )


def member_tasks_not_completed(facts: CaseFacts, params: Qd366Params) -> Case | None:
    """More than 50 % of the year's tasks not completed (exactly half is not), counted from the
    task counts. Điều 11.4 (members)."""
    tasks = facts.tasks
    limit = params.member_tasks_not_completed_max_percent
    if tasks is None or not blocks.share_above(tasks.total - tasks.completed, tasks.total, limit):
        return None
    return Case(
        "qd366.not_completed.member.tasks",
        CITE_CASES_MEMBER,
        f"{blocks.share_text(tasks.total - tasks.completed, tasks.total)} nhiệm vụ trong năm không "
        f"hoàn thành (trên {format_percent(limit)}).",
        Excuse.FORCE_MAJEURE,
    )


LEADER_CASES: tuple[CaseRule, ...] = (
    leader_unit_tasks,
    leader_basic_targets,
    leader_units_not_completed,
    leader_low_confidence,
    leader_disciplined,
    leader_degraded,
    leader_corruption,
)
MEMBER_CASES: tuple[CaseRule, ...] = (
    member_degraded,
    member_disciplined,
    member_prohibitions,
    member_tasks_not_completed,
)
NOT_COMPLETED_CASES: Mapping[CaseGroup, tuple[CaseRule, ...]] = {
    CaseGroup.COLLECTIVE: (
        collective_personnel_wrongdoing,
        collective_disunity,
        collective_member_disciplined,
        collective_member_degraded,
        collective_unit_tasks,
        collective_basic_targets,
    ),
    # the Politburo/Secretariat-managed group keeps the leaders' list (issue 24, item 4)
    CaseGroup.TOP_LEADER: LEADER_CASES,
    CaseGroup.LEADER: LEADER_CASES,
    CaseGroup.NO_POST: MEMBER_CASES,
    CaseGroup.OUTSIDE: MEMBER_CASES,
}


def _excused(facts: CaseFacts, excuse: Excuse) -> bool:
    return (excuse is Excuse.SELF_REMEDIED and facts.self_remedied) or (
        excuse is Excuse.FORCE_MAJEURE and facts.force_majeure
    )


def not_completed_cases(facts: CaseFacts, params: Qd366Params = DEFAULTS) -> Verdict[Level]:
    """The cases of Điều 11.4 for the subject's group: any case makes the subject not_completed.
    A violation counts for the unit where and when it was committed (`CaseFacts.counts_here`):
    one committed elsewhere, or in another period, is noted and does not count here. A violation
    self-detected and remedied, or tasks and targets missed through force majeure, are weighed by
    the competent level: with its recorded justification the case does not apply by itself (a
    note carries the justification); without one the decision is refused until it is recorded.
    366-QĐ/TW, Điều 11, khoản 4."""
    verdicts: list[Verdict[Level]] = []
    for rule in NOT_COMPLETED_CASES[facts.group]:
        case = rule(facts, params)
        if case is None:
            continue
        if not _excused(facts, case.excuse):
            verdicts.append(
                Verdict(
                    Level.NOT_COMPLETED,
                    (
                        Finding(
                            rule=case.rule,
                            citation=case.citation,
                            message=f"{case.message} Mức cao nhất: «{Level.NOT_COMPLETED.label}».",
                            severity=Severity.INFO,
                            subject=facts.subject,
                        ),
                    ),
                )
            )
            continue
        why = (
            "vi phạm đã tự phát hiện, khắc phục"
            if case.excuse is Excuse.SELF_REMEDIED
            else "do nguyên nhân bất khả kháng"
        )
        justification = facts.competent_justification.strip()
        if justification:
            verdicts.append(
                blocks.noted(
                    rule="qd366.not_completed.excuse.weighed",
                    citation=CITE_CASES_EXCUSE,
                    message=f"{case.message} ({why}): cấp có thẩm quyền đã xem xét — "
                    f"{justification}",
                    subject=facts.subject,
                    severity=Severity.INFO,
                )
            )
        else:
            verdicts.append(
                blocks.noted(
                    rule="qd366.not_completed.excuse.justification_missing",
                    citation=CITE_CASES_EXCUSE,
                    message=f"{case.message} ({why}): cấp có thẩm quyền phải ghi rõ lý do xem "
                    "xét trước khi xếp loại.",
                    subject=facts.subject,
                    severity=Severity.ERROR,
                )
            )
    for violation in facts.violations:
        if violation.duty_related and not facts.counts_here(violation):
            verdicts.append(
                blocks.noted(
                    rule="qd366.not_completed.attribution.elsewhere",
                    citation=CITE_CASES,
                    message=f"Vi phạm tại {violation.unit}"
                    + (f" ngày {violation.committed_on:%d/%m/%Y}" if violation.committed_on else "")
                    + " được tính cho đơn vị, thời điểm xảy ra vi phạm, không tính ở kỳ này.",
                    subject=facts.subject,
                    severity=Severity.INFO,
                )
            )
    return blocks.combine(verdicts)


def member_cases(facts: MemberFacts, params: Qd366Params) -> Verdict[Level]:
    """The member's group's not_completed cases (Điều 11.4); nothing when not built."""
    return blocks.no_cap() if facts.cases is None else not_completed_cases(facts.cases, params)


def organization_cases(facts: OrganizationFacts, params: Qd366Params) -> Verdict[Level]:
    """The leadership collective's not_completed cases (Điều 11.4); nothing when not built."""
    return blocks.no_cap() if facts.cases is None else not_completed_cases(facts.cases, params)


# --- member rules --------------------------------------------------------------------------------


def member_score(facts: MemberFacts, params: Qd366Params) -> Verdict[Level]:
    """The level by score on the 100-point frame: 90 / 70 / 50, bottoms inclusive. HD 43."""
    return _score_rule(
        facts.points,
        facts.frame,
        rules=blocks.Ids(
            excellent="qd366.member.excellent.score",
            good="qd366.member.good.score",
            not_completed="qd366.member.not_completed.score",
        ),
        not_recorded="qd366.member.score.not_recorded",
        subject=facts.subject,
        params=params,
    )


def member_tasks(facts: MemberFacts, params: Qd366Params) -> Verdict[Level]:
    """excellent: 100 % of tasks on time with quality and ≥ 30 % exceeding; good: 100 % on time;
    completed: 100 % completed, ≤ 20 % late; short of that, at most completed with a warning
    (not_completed only by a case of Điều 11.4, e.g. > 50 % of tasks not completed).
    366-QĐ/TW, Điều 11; HD 43."""
    return _tasks_rule(
        facts.tasks,
        rules=blocks.Ids(
            excellent="qd366.member.excellent.tasks",
            good="qd366.member.good.tasks",
        ),
        shortfall="qd366.member.tasks.shortfall",
        not_recorded="qd366.member.tasks.not_recorded",
        subject=facts.subject,
        params=params,
    )


def member_shortcomings(facts: MemberFacts, params: Qd366Params) -> Verdict[Level]:
    """excellent: shortcomings pointed out earlier all remedied. 366-QĐ/TW; HD 43."""
    return _shortcomings_rule(
        facts.earlier_shortcomings_remedied,
        rule="qd366.member.excellent.shortcomings",
        subject=facts.subject,
    )


def led_unit_level(unit: LedUnit, params: Qd366Params = DEFAULTS) -> Level | None:
    """The highest level a led unit lets its leader reach: its decided level, lowered by its task
    figures when recorded (excellent needs 100 % on time and ≥ 30 % exceeded, good 100 % on
    time; figures short of completed's conditions leave completed, the leader's not_completed
    cases of Điều 11.4 deciding the rest). None: the unit is not decided yet. 366-QĐ/TW, Điều 11."""
    if unit.level is None:
        return None
    if unit.tasks is None:
        return unit.level
    by_tasks, _, _ = _tasks_level(unit.tasks, params)
    return min_level(unit.level, by_tasks)


def member_leader_unit(facts: MemberFacts, params: Qd366Params) -> Verdict[Level]:
    """A leader (Bí thư / Phó Bí thư of a Party organization, head or deputy of an agency) reaches
    a level only when every unit he or she leads meets the same conditions: the leader is capped
    at each led unit's level (its decided level and its task figures). A unit not decided yet is
    a warning here; the decision itself is refused by the order (Điều 12). 366-QĐ/TW, Điều 11.

    The "leader" checkbox of older cycles is not read: leaders are derived from Party roles and
    government posts (`facts.led_units`); a ticked box without such a role is flagged.
    """
    if not facts.led_units:
        if not facts.is_leader:
            return blocks.no_cap()
        return blocks.noted(
            rule="qd366.member.leader.no_role",
            citation=CITE_LEADER,
            message="Được đánh dấu là người đứng đầu nhưng chưa có chức vụ Bí thư, Phó Bí thư "
            "hoặc thủ trưởng, cấp phó cơ quan được ghi nhận; hãy ghi nhận chức vụ để đối chiếu "
            "với kết quả của đơn vị.",
            subject=facts.subject,
            severity=Severity.WARNING,
        )
    verdicts: list[Verdict[Level]] = []
    for unit in facts.led_units:
        cap = led_unit_level(unit, params)
        if cap is None:
            verdicts.append(
                blocks.noted(
                    rule="qd366.member.leader.unit_not_decided",
                    citation=CITE_LEADER,
                    message=f"Là {unit.role}: đơn vị {unit.code} chưa được xếp loại.",
                    subject=facts.subject,
                    severity=Severity.WARNING,
                )
            )
            continue
        if cap is Level.EXCELLENT:
            continue
        shown = unit.level.label if unit.level is not None else ""
        lowered = "" if cap is unit.level else f", theo số liệu nhiệm vụ chỉ đạt «{cap.label}»"
        verdicts.append(
            blocks.capped(
                cap,
                rule=blocks.Ids(
                    excellent="qd366.member.excellent.leader_unit",
                    good="qd366.member.good.leader_unit",
                    not_completed="qd366.member.not_completed.leader_unit",
                ).at(cap),
                citation=CITE_LEADER,
                message=(
                    f"Là {unit.role}: đơn vị {unit.code} được xếp loại «{shown}»{lowered}; "
                    "người đứng đầu, cấp phó không được xếp loại cao hơn đơn vị mình phụ trách."
                ),
                subject=facts.subject,
            )
        )
    return blocks.combine(verdicts)


def member_leader_units_not_completed(facts: MemberFacts, params: Qd366Params) -> Verdict[Level]:
    """A leader is not_completed when a led unit completes under 70 % of its planned tasks, or
    when more than 50 % of the units he or she answers for are rated not_completed.
    366-QĐ/TW, Điều 11.4 (leaders)."""
    if facts.cases is not None:  # the Điều 11.4 list (`member_cases`) governs
        return blocks.no_cap()
    units = facts.led_units
    if not units:
        return blocks.no_cap()
    reasons: list[str] = []
    minimum = params.leader_unit_tasks_min_percent
    for unit in units:
        tasks = unit.tasks
        if tasks is not None and blocks.share_below(tasks.completed, tasks.total, minimum):
            share = blocks.share_text(tasks.completed, tasks.total)
            reasons.append(
                f"đơn vị {unit.code} chỉ hoàn thành {share} nhiệm vụ theo kế hoạch "
                f"(dưới {format_percent(minimum)})"
            )
    failed = sum(1 for unit in units if unit.level is Level.NOT_COMPLETED)
    if blocks.share_above(failed, len(units), params.leader_units_failed_max_percent):
        reasons.append(
            f"{blocks.share_text(failed, len(units))} đơn vị do đồng chí phụ trách không hoàn "
            f"thành nhiệm vụ (trên {format_percent(params.leader_units_failed_max_percent)})"
        )
    if not reasons:
        return blocks.no_cap()
    return blocks.capped(
        Level.NOT_COMPLETED,
        rule="qd366.member.not_completed.leader_units",
        citation=CITE_LEADER_NOT_COMPLETED,
        message="Là người đứng đầu, cấp phó: " + "; ".join(reasons) + ".",
        subject=facts.subject,
    )


def member_discipline(facts: MemberFacts, params: Qd366Params) -> Verdict[Level]:
    """Disciplined in the year: never excellent; not_completed unless self-detected and remedied,
    as under 124 [?]. 366-QĐ/TW; HD 43."""
    if facts.cases is not None:  # the Điều 11.4 list (`member_cases`) governs
        return blocks.no_cap()
    if params.not_completed_cases_from_qd124:
        return blocks.member_discipline_rule(
            facts,
            rules=blocks.Ids(
                excellent="qd366.member.excellent.discipline",
                not_completed="qd366.member.not_completed.discipline",
            ),
            citation=CITE_NOT_COMPLETED,
            excused_if_self_remedied=params.member_discipline_excused_if_self_remedied,
        )
    if not facts.disciplined:
        return blocks.no_cap()
    return blocks.capped(
        Level.GOOD,
        rule="qd366.member.excellent.discipline",
        citation=CITE_CONDITIONS,
        message="Bị xử lý kỷ luật trong kỳ đánh giá.",
        subject=facts.subject,
    )


def member_degradation(facts: MemberFacts, params: Qd366Params) -> Verdict[Level]:
    """Degradation concluded by a competent body: not_completed, as under 124 [?]. HD 43."""
    if facts.cases is not None:  # the Điều 11.4 list (`member_cases`) governs
        return blocks.no_cap()
    if not params.not_completed_cases_from_qd124:
        return blocks.no_cap()
    return blocks.degradation_rule(
        facts, rule="qd366.member.not_completed.degradation", citation=CITE_NOT_COMPLETED
    )


def member_targets(facts: MemberFacts, params: Qd366Params) -> Verdict[Level]:
    """Under 50 % of the assigned targets met: not_completed, as under 124 [?]. HD 43."""
    if not params.not_completed_cases_from_qd124:
        return blocks.no_cap()
    return blocks.targets_rule(
        facts.targets_assigned,
        facts.targets_met,
        min_percent=params.member_targets_min_percent,
        rule="qd366.member.not_completed.targets",
        citation=CITE_NOT_COMPLETED,
        subject=facts.subject,
    )


def member_civil_service(facts: MemberFacts, params: Qd366Params) -> Verdict[Level]:
    """The Party level of a civil servant never exceeds the civil-service level [?]. HD 43;
    NĐ 335/2025."""
    if not params.member_civil_service_cap:
        return blocks.no_cap()
    return blocks.civil_service_rule(
        facts,
        rules=blocks.Ids(
            excellent="qd366.member.excellent.civil_service_cap",
            good="qd366.member.good.civil_service_cap",
            not_completed="qd366.member.not_completed.civil_service",
        ),
        citation=CITE_MEMBER_CIVIL_SERVICE,
    )


def member_sick_leave(facts: MemberFacts, params: Qd366Params) -> Verdict[Level]:
    """Sick leave of 3 months or more: classified on the year's actual results, with no cap (the
    `qd132` cap below good is gone); a note only. 366-QĐ/TW, Điều 5; HD 43 point 7."""
    minimum = params.sick_leave_min_months
    if minimum <= 0 or facts.sick_leave_months < minimum:
        return blocks.no_cap()
    return blocks.noted(
        rule="qd366.member.sick_leave.actual_results",
        citation=CITE_LEAVE,
        message=(
            f"Nghỉ ốm {format_decimal(facts.sick_leave_months)} tháng trong năm (từ "
            f"{format_decimal(minimum)} tháng trở lên): xếp loại theo kết quả thực tế, không bị "
            "giới hạn mức."
        ),
        subject=facts.subject,
        severity=Severity.INFO,
    )


def member_maternity(facts: MemberFacts, params: Qd366Params) -> Verdict[Level]:
    """Maternity leave: classified on the year's actual results (a note, no cap).
    366-QĐ/TW, Điều 5; HD 43 point 7."""
    return blocks.maternity_note(facts, rule="qd366.member.maternity_leave", citation=CITE_LEAVE)


NOT_REVIEWED_RULES: Mapping[NotClassifiedReason, str] = {
    NotClassifiedReason.SUSPENDED: "qd366.member.not_reviewed.suspended",
    NotClassifiedReason.EXEMPTED: "qd366.member.not_reviewed.exempted",
    NotClassifiedReason.JOINED_UNDER_6_MONTHS: "qd366.member.not_reviewed.joined_under_6_months",
}


def member_not_reviewed(facts: MemberFacts, params: Qd366Params = DEFAULTS) -> Finding | None:
    """Members admitted less than 6 months before the period ends, exempted members and suspended
    members do not review and are not classified (unlike `qd132`, where new members review): a
    self-assessment from them is refused. 366-QĐ/TW, Điều 5; HD 43 point 7."""
    reason = blocks.member_not_classified_reason(facts, min_months=params.classification_min_months)
    if reason is None:
        return None
    if reason is NotClassifiedReason.JOINED_UNDER_6_MONTHS:
        why = (
            f"Đảng viên mới kết nạp chưa đủ {params.classification_min_months} tháng tính đến "
            "cuối kỳ"
        )
    else:
        why = reason.label
    return Finding(
        rule=NOT_REVIEWED_RULES[reason],
        citation=CITE_NOT_CLASSIFIED,
        message=f"{why}: không kiểm điểm, không xếp loại chất lượng.",
        subject=facts.subject,
    )


def member_temporary_activity(facts: MemberFacts, params: Qd366Params = DEFAULTS) -> list[Finding]:
    """A member in temporary Party activity is classified at the cell of official activity only
    after the temporary cell's written comment, which is recorded: without it, no level.
    366-QĐ/TW, Điều 5; HD 43 point 7."""
    if not facts.temporary_cell or facts.temporary_cell_comment.strip():
        return []
    return [
        Finding(
            rule="qd366.member.temporary_activity.comment_missing",
            citation=CITE_TEMPORARY,
            message=(
                f"Đảng viên sinh hoạt tạm thời tại {facts.temporary_cell}: chưa ghi nhận nhận "
                "xét bằng văn bản của chi bộ sinh hoạt tạm thời, chưa thể xếp loại."
            ),
            subject=facts.subject,
        )
    ]


CITE_SCORED_LEVEL = (
    f"{QD}, Điều 11, khoản 1 (Hoàn thành xuất sắc nhiệm vụ) và khoản 2 (Hoàn thành tốt nhiệm vụ); "
    f"{HD43}: mức xếp loại theo điểm (từ 90, từ 70 điểm)"
)
SCORED_LEVEL_CLAUSE: Mapping[Level, str] = {Level.EXCELLENT: "khoản 1", Level.GOOD: "khoản 2"}


def member_scored_level(facts: MemberFacts, level: Level) -> list[Finding]:
    """A member is proposed or decided `excellent` or `good` only on a score: under 366 these
    levels are read on the 100-point frame (90 and 70 points), so without one the cell may not
    propose them nor the committee decide them. 366-QĐ/TW, Điều 11, khoản 1 and 2; HD 43."""
    clause = SCORED_LEVEL_CLAUSE.get(level)
    if clause is None or facts.points is not None:
        return []
    return [
        Finding(
            rule="qd366.member.score.required_for_level",
            citation=CITE_SCORED_LEVEL,
            message=(
                f"Theo Điều 11, {clause} Quy định 366-QĐ/TW, mức «{level.label}» được xét trên "
                "điểm theo khung 100 điểm: đảng viên chưa được chấm điểm nên chưa thể đề xuất "
                "hoặc quyết định mức này."
            ),
            subject=facts.subject,
            severity=Severity.ERROR,
        )
    ]


MEMBER_SCORE_RULES: tuple[Callable[[MemberFacts, Qd366Params], Verdict[Level]], ...] = (
    member_score,
)
MEMBER_CONDITION_RULES: tuple[Callable[[MemberFacts, Qd366Params], Verdict[Level]], ...] = (
    member_tasks,
    member_shortcomings,
    member_leader_unit,
    member_leader_units_not_completed,
    member_discipline,
    member_degradation,
    member_targets,
    member_civil_service,
    member_sick_leave,
    member_maternity,
    member_cases,
)


def member_level_by_score(facts: MemberFacts, params: Qd366Params = DEFAULTS) -> Verdict[Level]:
    return blocks.combine(rule(facts, params) for rule in MEMBER_SCORE_RULES)


def member_level_by_conditions(
    facts: MemberFacts, params: Qd366Params = DEFAULTS
) -> Verdict[Level]:
    return blocks.combine(rule(facts, params) for rule in MEMBER_CONDITION_RULES)


# --- organization rules --------------------------------------------------------------------------


def organization_score(facts: OrganizationFacts, params: Qd366Params) -> Verdict[Level]:
    """The level by score on the collective's 100-point frame: 90 / 70 / 50. HD 43."""
    return _score_rule(
        facts.points,
        facts.frame,
        rules=blocks.Ids(
            excellent="qd366.organization.excellent.score",
            good="qd366.organization.good.score",
            not_completed="qd366.organization.not_completed.score",
        ),
        not_recorded="qd366.organization.score.not_recorded",
        subject=facts.subject,
        params=params,
    )


def organization_tasks(facts: OrganizationFacts, params: Qd366Params) -> Verdict[Level]:
    """excellent: 100 % of tasks on time and ≥ 30 % exceeding; good: 100 % on time; completed:
    100 % completed, ≤ 20 % late; short of that, at most completed with a warning (not_completed
    only by a case of Điều 11.4, e.g. the led unit under 70 % of its planned tasks).
    366-QĐ/TW, Điều 11; HD 43."""
    return _tasks_rule(
        facts.tasks,
        rules=blocks.Ids(
            excellent="qd366.organization.excellent.tasks",
            good="qd366.organization.good.tasks",
        ),
        shortfall="qd366.organization.tasks.shortfall",
        not_recorded="qd366.organization.tasks.not_recorded",
        subject=facts.subject,
        params=params,
    )


def organization_shortcomings(facts: OrganizationFacts, params: Qd366Params) -> Verdict[Level]:
    """excellent: shortcomings pointed out earlier all remedied. 366-QĐ/TW; HD 43."""
    return _shortcomings_rule(
        facts.earlier_shortcomings_remedied,
        rule="qd366.organization.excellent.shortcomings",
        subject=facts.subject,
    )


def organization_discipline(facts: OrganizationFacts, params: Qd366Params) -> Verdict[Level]:
    """Disciplined: never excellent; not_completed unless self-detected and remedied, as under
    124 [?]. 366-QĐ/TW; HD 43."""
    if params.not_completed_cases_from_qd124:
        return blocks.organization_discipline_rule(
            facts,
            rules=blocks.Ids(
                excellent="qd366.organization.excellent.discipline",
                not_completed="qd366.organization.not_completed.discipline",
            ),
            citation=CITE_NOT_COMPLETED,
            self_remedied_cap=Level.GOOD,
        )
    if not facts.disciplined:
        return blocks.no_cap()
    return blocks.capped(
        Level.GOOD,
        rule="qd366.organization.excellent.discipline",
        citation=CITE_CONDITIONS,
        message="Tổ chức bị xử lý kỷ luật trong kỳ đánh giá.",
        subject=facts.subject,
    )


def organization_subordinate_discipline(
    facts: OrganizationFacts, params: Qd366Params
) -> Verdict[Level]:
    """excellent: no subordinate unit disciplined; more than 20 % of them [?]: not_completed.
    366-QĐ/TW; HD 43."""
    limit = params.subordinate_disciplined_max_percent
    return blocks.subordinate_discipline_rule(
        facts,
        max_percent=limit if params.not_completed_cases_from_qd124 else Decimal(100),
        rules=blocks.Ids(
            excellent="qd366.organization.excellent.subordinate_discipline",
            not_completed="qd366.organization.not_completed.subordinate_discipline",
        ),
        citation=CITE_CONDITIONS,
    )


def organization_leadership_discipline(
    facts: OrganizationFacts, params: Qd366Params
) -> Verdict[Level]:
    """excellent: no leadership member disciplined; at cảnh cáo or heavier [?]: not_completed.
    366-QĐ/TW; HD 43."""
    if params.not_completed_cases_from_qd124:
        return blocks.leadership_discipline_rule(
            facts,
            threshold=params.leadership_discipline_threshold,
            rules=blocks.Ids(
                excellent="qd366.organization.excellent.leadership_discipline",
                not_completed="qd366.organization.not_completed.leadership_discipline",
            ),
            citation=CITE_CONDITIONS,
            any_form_cap=Level.GOOD,
        )
    form = facts.leadership_discipline
    if form is None:
        return blocks.no_cap()
    return blocks.capped(
        Level.GOOD,
        rule="qd366.organization.excellent.leadership_discipline",
        citation=CITE_CONDITIONS,
        message=f"Có thành viên cấp ủy, tập thể lãnh đạo bị kỷ luật hình thức «{form.label}».",
        subject=facts.subject,
    )


def organization_disunity(facts: OrganizationFacts, params: Qd366Params) -> Verdict[Level]:
    """Internal disunity: not_completed, as under 124 [?]. HD 43."""
    if facts.cases is not None:  # the Điều 11.4 list (`member_cases`) governs
        return blocks.no_cap()
    if not params.not_completed_cases_from_qd124:
        return blocks.no_cap()
    return blocks.disunity_rule(
        facts, rule="qd366.organization.not_completed.disunity", citation=CITE_NOT_COMPLETED
    )


def organization_targets(facts: OrganizationFacts, params: Qd366Params) -> Verdict[Level]:
    """Under 50 % of the targets met, force majeure aside: not_completed, as under 124 [?]."""
    if not params.not_completed_cases_from_qd124:
        return blocks.no_cap()
    return blocks.targets_rule(
        facts.targets_assigned,
        facts.targets_met,
        min_percent=params.organization_targets_min_percent,
        rule="qd366.organization.not_completed.targets",
        citation=CITE_NOT_COMPLETED,
        subject=facts.subject,
        force_majeure=facts.targets_force_majeure,
        force_majeure_rule="qd366.organization.targets.force_majeure",
    )


ORGANIZATION_SCORE_RULES: tuple[Callable[[OrganizationFacts, Qd366Params], Verdict[Level]], ...] = (
    organization_score,
)
ORGANIZATION_CONDITION_RULES: tuple[
    Callable[[OrganizationFacts, Qd366Params], Verdict[Level]], ...
] = (
    organization_tasks,
    organization_shortcomings,
    organization_discipline,
    organization_subordinate_discipline,
    organization_leadership_discipline,
    organization_disunity,
    organization_targets,
    organization_cases,
)


def organization_level_by_score(
    facts: OrganizationFacts, params: Qd366Params = DEFAULTS
) -> Verdict[Level]:
    return blocks.combine(rule(facts, params) for rule in ORGANIZATION_SCORE_RULES)


def organization_level_by_conditions(
    facts: OrganizationFacts, params: Qd366Params = DEFAULTS
) -> Verdict[Level]:
    return blocks.combine(rule(facts, params) for rule in ORGANIZATION_CONDITION_RULES)


ORDER_RULES: tuple[tuple[str, str], ...] = (
    (
        "qd366.order.collective_first",
        "Điều 12 quy định xếp loại tập thể lãnh đạo trước, thành viên sau: đồng chí là cấp ủy "
        "viên của {names}, phải xếp loại tổ chức này trước.",
    ),
    (
        "qd366.order.head_after_unit",
        "Điều 12 quy định xếp loại tập thể trước, người đứng đầu sau: đơn vị do đồng chí phụ "
        "trách chưa được xếp loại ({names}).",
    ),
    (
        "qd366.order.lower_first",
        "Điều 12 quy định xếp loại cấp dưới trước, cấp trên sau: chưa xếp loại {names}.",
    ),
    (
        "qd366.order.government_first",
        "Điều 12 quy định xếp loại cơ quan trước tổ chức đảng của cơ quan: chưa ghi nhận kết "
        "quả xếp loại của {names}.",
    ),
    (
        "qd366.order.members_first",
        "Điều 12 quy định xếp loại đảng viên trước, tổ chức đảng sau: chưa xếp loại đảng viên "
        "{names}.",
    ),
)
# How many undecided members a refusal names before it only counts the rest.
ORDER_NAMES_SHOWN = 10


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:ORDER_NAMES_SHOWN])
    rest = len(names) - ORDER_NAMES_SHOWN
    return f"{shown} và {rest:02d} đồng chí khác" if rest > 0 else shown


def decision_order(facts: DecisionOrderFacts) -> list[Finding]:
    """The order of Điều 12: the leadership collective before its members (a member of a unit's
    committee after that unit) and before its head (every unit a leader leads); subordinate
    organizations and members before the Party organization (`qd366.order.members_first`: a
    Party organization only after every ordinary member it classifies, i.e. every member of it
    who reviews and sits neither on its committee nor on one above it, since those are rated
    with that collective, after it; in a year's evaluation, since nothing requires
    quarterly ratings of ordinary members); the agency before its Party organization;
    lower before higher. Refused with the article and what is still undecided.
    366-QĐ/TW, Điều 12; HD 43."""
    pending = (
        facts.undecided_collectives,
        facts.undecided_led_units,
        facts.undecided_subordinates,
        facts.undecided_same_level_bodies,
        facts.undecided_members,
    )
    return [
        Finding(
            rule=rule,
            citation=CITE_ORDER,
            message=template.format(names=_names(names)),
            subject=facts.subject,
        )
        for names, (rule, template) in zip(pending, ORDER_RULES, strict=True)
        if names
    ]


def decision_steps(subject: str, missing: Sequence[str]) -> list[Finding]:
    """The steps of Điều 12 before the competent level decides: the subject's self-assessment
    with score and level, then the advisory body's appraisal and proposal. A decision taken
    while some are missing is not refused (the competent level may have them on paper) but
    carries a warning naming them, stored with the decision for the deciding body.
    366-QĐ/TW, Điều 12; HD 43."""
    if not missing:
        return []
    return [
        Finding(
            rule="qd366.order.steps",
            citation=CITE_ORDER,
            message=(
                "Điều 12 quy định tự đánh giá, xếp loại rồi cơ quan tham mưu thẩm định, đề xuất "
                f"trước khi cấp có thẩm quyền quyết định: chưa có {', '.join(missing)}."
            ),
            severity=Severity.WARNING,
            subject=subject,
        )
    ]


# --- a local rule linking the quarters to the year (off by default) -------------------------------


def year_after_quarters(
    level: Level, quarter_levels: Mapping[int, Level], params: Qd366Params = DEFAULTS
) -> list[Finding]:
    """Local rule, only when the office turns on `quarter_not_completed_bars_excellent`: a
    quarter of the year decided `not_completed` bars `excellent` for the year. Not a rule of
    366-QĐ/TW itself (Điều 15 only makes the quarters the basis of the year's evaluation)."""
    if not params.quarter_not_completed_bars_excellent or level is not Level.EXCELLENT:
        return []
    failed = sorted(q for q, found in quarter_levels.items() if found is Level.NOT_COMPLETED)
    if not failed:
        return []
    return [
        Finding(
            rule="qd366.local.quarter_not_completed_bars_excellent",
            citation=CITE_QUARTERS_LOCAL,
            message=(
                "Theo quy định của địa phương, có quý xếp loại «Không hoàn thành nhiệm vụ» (quý "
                f"{', '.join(str(q) for q in failed)}) thì không được xếp loại «Hoàn thành xuất "
                "sắc nhiệm vụ» cả năm."
            ),
        )
    ]


# --- who decides (HD 43 §3) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Body:
    """A Party committee named in a finding: its code and its name."""

    code: str
    name: str


@dataclass(frozen=True)
class DecidingBodyFacts:
    """Who decides a subject's classification, and the bodies HD 43 §3 could name for it.

    `grassroots`: the grassroots organization the subject belongs to (for a member, the nearest
    đảng bộ cơ sở containing his or her unit, the unit itself included; for an organization, a
    đảng bộ cơ sở strictly above it), None when there is none; `superior`: for an organization,
    its directly superior committee."""

    subject: str
    subject_kind: SubjectKind
    deciding_body: Body
    is_cell: bool = False
    grassroots: Body | None = None
    superior: Body | None = None


def competent_body(facts: DecidingBodyFacts, params: Qd366Params = DEFAULTS) -> list[Finding]:
    """The grassroots committee decides for its cells (and, in practice, its members: parameter
    `grassroots_decides_members`, unverified); the standing committee of the directly superior
    committee decides for a grassroots organization (and any organization not a cell of a
    grassroots one). A decision by any other body is refused. Hướng dẫn 43-HD/BTCTW, mục 3."""
    if facts.subject_kind is SubjectKind.MEMBER:
        if not params.grassroots_decides_members:
            return []
        expected, whom = facts.grassroots, "đảng viên"
    elif facts.is_cell and facts.grassroots is not None:
        expected, whom = facts.grassroots, "chi bộ trực thuộc"
    else:
        expected, whom = facts.superior, "tổ chức đảng"
    if expected is None or expected.code == facts.deciding_body.code:
        return []
    return [
        Finding(
            rule="qd366.decision.competent_body",
            citation=CITE_DECIDING_BODY,
            message=(
                f"Theo Hướng dẫn 43-HD/BTCTW, mục 3, {expected.name} ({expected.code}) quyết định "
                f"xếp loại {whom} {facts.subject}; {facts.deciding_body.name} "
                f"({facts.deciding_body.code}) không có thẩm quyền quyết định."
            ),
            subject=facts.subject,
        )
    ]


# --- the quota per group and its 25 % exception (Điều 11, point 1.5) ------------------------------


@dataclass(frozen=True)
class QuotaException:
    """A recorded decision of the competent level raising the rate for some groups (Điều 11,
    point 1.5): who decided, its number and date, the reason, the rate and the groups."""

    percent: Decimal
    number: str
    date: date
    decided_by: str  # the deciding body's name
    reason: str
    groups: tuple[str, ...]

    @property
    def label(self) -> str:
        return (
            f"Quyết định số {self.number} ngày {self.date:%d/%m/%Y} của {self.decided_by}: "
            f"tỷ lệ {format_percent(self.percent)} ({self.reason})"
        )


def check_quota_exception(
    percent: Decimal,
    *,
    groups: Sequence[str],
    known_groups: Sequence[str],
    reason: str,
    params: Qd366Params = DEFAULTS,
) -> list[Finding]:
    """An exception raises the rate above the usual 20 % up to at most 25 %, for named groups
    of the bodies the competent level manages, with the reason (outstanding results) recorded.
    366-QĐ/TW, Điều 11, point 1.5."""
    found: list[Finding] = []
    maximum = params.quota_exception_max_percent
    if not params.quota_percent < percent <= maximum:
        found.append(
            Finding(
                rule="qd366.quota.exception.percent",
                citation=CITE_QUOTA,
                message=(
                    f"Tỷ lệ ngoại lệ phải lớn hơn {format_percent(params.quota_percent)} và không "
                    f"quá {format_percent(maximum)}; nhận được {format_percent(percent)}."
                ),
            )
        )
    unknown = sorted(set(groups) - set(known_groups))
    if not groups or unknown:
        found.append(
            Finding(
                rule="qd366.quota.exception.groups",
                citation=CITE_QUOTA,
                message=(
                    "Phải chọn nhóm áp dụng trong các nhóm của kỳ đánh giá"
                    + (f"; không có nhóm: {', '.join(unknown)}." if unknown else ".")
                ),
            )
        )
    if not reason.strip():
        found.append(
            Finding(
                rule="qd366.quota.exception.reason",
                citation=CITE_QUOTA,
                message="Phải ghi rõ lý do (kết quả nổi trội) của quyết định nâng tỷ lệ.",
            )
        )
    return found


def group_quota_policy(
    params: Qd366Params = DEFAULTS,
    exception: QuotaException | None = None,
    counts: QuotaCounts | None = None,
) -> QuotaPolicy:
    """The group's policy: the usual rate, or the recorded exception's (never above the maximum);
    a group whose base (those rated `good`) is under the small-group size [?] warns instead of
    refusing. 366-QĐ/TW, Điều 11, point 1.5."""
    policy = params.quota_policy()
    if exception is not None:
        policy = replace(policy, percent=min(exception.percent, params.quota_exception_max_percent))
    if counts is not None and is_small_group(counts, params):
        policy = replace(policy, enforcement=Enforcement.WARN)
    return policy


def is_small_group(counts: QuotaCounts, params: Qd366Params = DEFAULTS) -> bool:
    return quota.base_count(counts, params.quota_base) < params.quota_small_group_size


def group_quota_cap(
    levels: Sequence[Level], params: Qd366Params = DEFAULTS, exception: QuotaException | None = None
) -> int:
    """The most `excellent` a group may hold: rate × the number rated `good` (literal), rounded
    as the parameter says. 366-QĐ/TW, Điều 11, point 1.5."""
    return quota.cap(QuotaCounts.of(levels), group_quota_policy(params, exception))


def group_quota_note(
    group: str,
    exception: QuotaException | None,
    counts: QuotaCounts,
    params: Qd366Params = DEFAULTS,
) -> str:
    """What a quota finding adds under 366: the group, the exception applied, a small group."""
    note = f" Nhóm «{group}»."
    if exception is not None:
        note += f" Áp dụng ngoại lệ: {exception.label}."
    if is_small_group(counts, params):
        note += (
            f" Nhóm có dưới {params.quota_small_group_size} người/tổ chức xếp loại hoàn thành tốt "
            "nhiệm vụ (nhóm nhỏ): chỉ cảnh báo, cấp quyết định ghi rõ lý do."
        )
    return note


def group_quota_findings(
    levels: Sequence[Level],
    *,
    subject_kind: SubjectKind,
    group: str,
    params: Qd366Params = DEFAULTS,
    exception: QuotaException | None = None,
    justification: str = "",
) -> list[Finding]:
    """`excellent` ≤ 20 % of those rated `good` within the group of similar position, role,
    functions and tasks (collectives and individuals alike); up to 25 % only under a recorded
    exception, named in the finding; a small group [?] warns instead of refusing. The state of
    one group as it stands (`quota.judge` from nothing). 366-QĐ/TW, Điều 11, point 1.5."""
    if subject_kind is SubjectKind.ORGANIZATION and not params.organization_quota_enabled:
        return []
    counts = QuotaCounts.of(levels)
    verdict = quota.judge(
        QuotaCounts(),
        counts,
        group_quota_policy(params, exception, counts),
        justification=justification,
        rule=Qd366Profile.quota_rules[subject_kind],
        citation=CITE_QUOTA,
        noun="đảng viên" if subject_kind is SubjectKind.MEMBER else "tổ chức đảng",
        scope_label=group,
    )
    note = group_quota_note(group, exception, counts, params)
    return [replace(f, message=f.message + note) for f in verdict.findings]


# --- the profile ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Qd366Profile(Profile):
    params: Qd366Params = DEFAULTS
    period_rule: ClassVar[str] = "qd366.period.not_allowed"
    not_classified_citation: ClassVar[str] = CITE_NOT_CLASSIFIED
    # members not classified are the members not reviewed (`NOT_REVIEWED_RULES`)
    not_classified_rules: ClassVar[Mapping[NotClassifiedReason, str]] = {
        NotClassifiedReason.ORGANIZATION_UNDER_6_MONTHS: (
            "qd366.organization.not_classified.organization_under_6_months"
        ),
    }

    member_rule_functions = (*MEMBER_SCORE_RULES, *MEMBER_CONDITION_RULES)
    organization_rule_functions = (*ORGANIZATION_SCORE_RULES, *ORGANIZATION_CONDITION_RULES)

    def check_decision_order(self, facts: DecisionOrderFacts) -> list[Finding]:
        return decision_order(facts)

    quota_rules: ClassVar[Mapping[SubjectKind, str]] = {
        SubjectKind.MEMBER: "qd366.quota.member.excellent",
        SubjectKind.ORGANIZATION: "qd366.quota.organization.excellent",
    }

    def group_policy(
        self, counts: QuotaCounts, exception: QuotaException | None = None
    ) -> QuotaPolicy:
        """The policy of one quota group (its exception's rate, small groups warn)."""
        return group_quota_policy(self.params, exception, counts)

    def not_classified(self, facts: MemberFacts | OrganizationFacts) -> Finding | None:
        """Under 366 a member not reviewed is also not classified: the finding says both."""
        if isinstance(facts, MemberFacts):
            found = member_not_reviewed(facts, self.params)
            return None if found is None else replace(found, severity=Severity.INFO)
        return super().not_classified(facts)

    def check_group_quota(
        self,
        levels: Sequence[Level],
        *,
        subject_kind: SubjectKind,
        group: str,
        exception: QuotaException | None = None,
    ) -> list[Finding]:
        return group_quota_findings(
            levels, subject_kind=subject_kind, group=group, params=self.params, exception=exception
        )

    def check_review(self, facts: MemberFacts) -> list[Finding]:
        """Errors when the member does not review at all (a self-assessment is refused)."""
        found = member_not_reviewed(facts, self.params)
        return [] if found is None else [found]

    def check_deciding_body(self, facts: DecidingBodyFacts) -> list[Finding]:
        return competent_body(facts, self.params)

    def check_member_decision(self, facts: MemberFacts, level: Level) -> list[Finding]:
        return [
            *member_temporary_activity(facts, self.params),
            *super().check_member_decision(facts, level),
        ]

    def quota_citation(self, subject_kind: SubjectKind) -> str:
        return CITE_QUOTA

    # qd366's own entry points, bound to this profile's parameters

    def score_total(self, frame: PointFrame, points: Mapping[str, Decimal]) -> Verdict[Decimal]:
        return score_total(frame, points, self.params)

    def level_by_score(self, points: Decimal) -> Level:
        return level_by_score(points, self.params)

    def member_level_by_score(self, facts: MemberFacts) -> Verdict[Level]:
        return member_level_by_score(facts, self.params)

    def member_level_by_conditions(self, facts: MemberFacts) -> Verdict[Level]:
        return member_level_by_conditions(facts, self.params)

    def organization_level_by_score(self, facts: OrganizationFacts) -> Verdict[Level]:
        return organization_level_by_score(facts, self.params)

    def organization_level_by_conditions(self, facts: OrganizationFacts) -> Verdict[Level]:
        return organization_level_by_conditions(facts, self.params)


PROFILE = Qd366Profile(
    id=ID,
    title=(
        "Quy định 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị về kiểm điểm, đánh giá, xếp loại "
        "chất lượng đối với tập thể, cá nhân trong hệ thống chính trị; Kết luận 198-KL/TW; "
        "Hướng dẫn 43-HD/BTCTW ngày 31/10/2025 của Ban Tổ chức Trung ương"
    ),
    short_title="Quy định 366-QĐ/TW",
    first_year=2025,
    last_year=None,
    periods=frozenset({PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.TERM, PeriodKind.AD_HOC}),
)
