"""Shared vocabulary of evaluation: levels, grades, reasons, the facts rules read, quota policy.

Pure Python, no Django. The rule profiles in `tongket.evaluation.regulations` read these types;
the models and services translate rows into `MemberFacts` / `OrganizationFacts` before asking.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from tongket.core.labelled import LabelledStrEnum

ZERO = Decimal(0)


# --- levels and grades ---------------------------------------------------------------------------


class _Ranked(StrEnum):
    """A choice with a Vietnamese label and a rank, given to its members by `_describe`."""

    _label: str
    _rank: int

    @property
    def label(self) -> str:
        return self._label

    @property
    def rank(self) -> int:
        """Higher is better (excellent 4 … not_completed 1); for discipline forms, heavier."""
        return self._rank


def _describe(table: Mapping[_Ranked, tuple[str, int]]) -> None:
    """Give every member of a choice type its label and rank: (label, rank) by member."""
    for member, (label, rank) in table.items():
        member._label, member._rank = label, rank


class Level(_Ranked):
    """The four classification levels, identical in every regulation (DOMAIN.md §1)."""

    EXCELLENT = "excellent"
    GOOD = "good"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"

    @property
    def short_label(self) -> str:
        """The abbreviation offices write in tables: HTXSNV, HTTNV, HTNV, KHTNV."""
        return _LEVEL_SHORT_LABELS[self]

    @classmethod
    def descending(cls) -> tuple[Level, ...]:
        """Best first: excellent, good, completed, not_completed."""
        return (cls.EXCELLENT, cls.GOOD, cls.COMPLETED, cls.NOT_COMPLETED)


_describe(
    {
        Level.EXCELLENT: ("Hoàn thành xuất sắc nhiệm vụ", 4),
        Level.GOOD: ("Hoàn thành tốt nhiệm vụ", 3),
        Level.COMPLETED: ("Hoàn thành nhiệm vụ", 2),
        Level.NOT_COMPLETED: ("Không hoàn thành nhiệm vụ", 1),
    }
)
_LEVEL_SHORT_LABELS: Mapping[Level, str] = MappingProxyType(
    {
        Level.EXCELLENT: "HTXSNV",
        Level.GOOD: "HTTNV",
        Level.COMPLETED: "HTNV",
        Level.NOT_COMPLETED: "KHTNV",
    }
)


def min_level(first: Level, *others: Level) -> Level:
    """The lowest (worst) of the given levels."""
    return min((first, *others), key=lambda level: level.rank)


def max_level(first: Level, *others: Level) -> Level:
    """The highest (best) of the given levels."""
    return max((first, *others), key=lambda level: level.rank)


def at_least(level: Level, floor: Level) -> bool:
    """True when `level` is `floor` or better (`at_least(GOOD, COMPLETED)` is True)."""
    return level.rank >= floor.rank


def count_at_least(levels: Iterable[Level], floor: Level) -> int:
    return sum(1 for level in levels if at_least(level, floor))


class Grade(_Ranked):
    """The grade of one criterion under qd132 and qd124 (no points): xuất sắc … kém."""

    EXCELLENT = "excellent"
    GOOD = "good"
    AVERAGE = "average"
    POOR = "poor"


_describe(
    {
        Grade.EXCELLENT: ("Xuất sắc", 4),
        Grade.GOOD: ("Tốt", 3),
        Grade.AVERAGE: ("Trung bình", 2),
        Grade.POOR: ("Kém", 1),
    }
)


def all_at_least(grades: Iterable[Grade], floor: Grade) -> bool:
    return all(grade.rank >= floor.rank for grade in grades)


class NotClassifiedReason(LabelledStrEnum):
    """Why a member or organization is listed but not classified (không xếp loại)."""

    JOINED_UNDER_6_MONTHS = "joined_under_6_months", "Đảng viên mới kết nạp chưa đủ 6 tháng"
    ORGANIZATION_UNDER_6_MONTHS = (
        "organization_under_6_months",
        "Tổ chức đảng mới thành lập chưa đủ 6 tháng",
    )
    EXEMPTED = "exempted", "Đảng viên được miễn công tác và sinh hoạt đảng"
    SUSPENDED = "suspended", "Đảng viên bị đình chỉ sinh hoạt đảng"
    OTHER = "other", "Trường hợp khác do cấp có thẩm quyền quyết định"


# Which reasons can apply to which kind of subject (a member cannot be a newly founded
# organization, an organization cannot be exempted from Party activities).
MEMBER_REASONS = frozenset(
    {
        NotClassifiedReason.JOINED_UNDER_6_MONTHS,
        NotClassifiedReason.EXEMPTED,
        NotClassifiedReason.SUSPENDED,
        NotClassifiedReason.OTHER,
    }
)
ORGANIZATION_REASONS = frozenset(
    {NotClassifiedReason.ORGANIZATION_UNDER_6_MONTHS, NotClassifiedReason.OTHER}
)


def reasons_for(*, member: bool) -> tuple[NotClassifiedReason, ...]:
    """The not-classified reasons a form offers for a member or an organization, in order."""
    allowed = MEMBER_REASONS if member else ORGANIZATION_REASONS
    return tuple(r for r in NotClassifiedReason if r in allowed)


class DisciplineForm(_Ranked):
    """Party discipline forms, lightest first (Điều lệ Đảng, Điều 35)."""

    REPRIMAND = "reprimand"  # khiển trách
    WARNING = "warning"  # cảnh cáo
    DISMISSAL = "dismissal"  # cách chức
    EXPULSION = "expulsion"  # khai trừ


_describe(
    {
        DisciplineForm.REPRIMAND: ("Khiển trách", 1),
        DisciplineForm.WARNING: ("Cảnh cáo", 2),
        DisciplineForm.DISMISSAL: ("Cách chức", 3),
        DisciplineForm.EXPULSION: ("Khai trừ", 4),
    }
)


class SubjectKind(LabelledStrEnum):
    MEMBER = "member", "Đảng viên"
    ORGANIZATION = "organization", "Tổ chức đảng"


class OrganizationKind(LabelledStrEnum):
    """Whose levels an organization's classification counts: its members, or its organizations."""

    CELL = "cell", "Chi bộ"  # chi bộ (trực thuộc or cơ sở): counts its members
    PARTY_COMMITTEE = "party_committee", "Đảng bộ"  # with subordinate organizations: counts those

    @property
    def constituents_label(self) -> str:
        return "đảng viên" if self is OrganizationKind.CELL else "tổ chức đảng trực thuộc"


class PeriodKind(LabelledStrEnum):
    YEAR = "year", "Hằng năm"
    QUARTER = "quarter", "Hằng quý"
    TERM = "term", "Theo nhiệm kỳ"
    AD_HOC = "ad_hoc", "Khi cần thiết"


_ROMAN_QUARTERS = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Period:
    """A year, or one quarter of it (quarters only where the profile allows them)."""

    year: int
    quarter: int | None = None

    def __post_init__(self) -> None:
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValueError(f"Quý phải từ 1 đến 4, nhận được {self.quarter}.")

    @property
    def kind(self) -> PeriodKind:
        return PeriodKind.YEAR if self.quarter is None else PeriodKind.QUARTER

    @property
    def label(self) -> str:
        if self.quarter is None:
            return f"Năm {self.year}"
        return f"Quý {_ROMAN_QUARTERS[self.quarter - 1]} năm {self.year}"

    @property
    def end(self) -> date:
        """The last day of the period, the date the 6-month rule counts to."""
        month = 12 if self.quarter is None else self.quarter * 3
        return date(self.year, month, calendar.monthrange(self.year, month)[1])


def add_months(start: date, months: int) -> date:
    """`start` moved by whole calendar months; the 31st of a shorter month becomes its last day."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


# --- qd366 points frame (the criteria content itself is local data) ------------------------------


class PointGroup(LabelledStrEnum):
    GENERAL = "general", "Nhóm tiêu chí chung"  # 30 điểm
    TASKS = "tasks", "Nhóm tiêu chí về kết quả thực hiện nhiệm vụ"  # 70 điểm


@dataclass(frozen=True)
class PointCriterion:
    code: str  # unique within the frame, e.g. "1.2"
    title: str
    max_points: Decimal
    group: PointGroup


@dataclass(frozen=True)
class PointFrame:
    """A committee's 100-point frame: criteria with a maximum each, in two groups.

    Only the group maxima are central (30 + 70 under 366-QĐ/TW); each committee writes the
    criteria content (CV 10072-CV/BTCTW), so a frame is data the caller supplies.
    """

    code: str
    title: str
    criteria: tuple[PointCriterion, ...]

    def __post_init__(self) -> None:
        codes = [criterion.code for criterion in self.criteria]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"Khung điểm có mã tiêu chí trùng: {', '.join(duplicates)}.")
        for criterion in self.criteria:
            if criterion.max_points <= 0:
                raise ValueError(f"Tiêu chí {criterion.code} phải có điểm tối đa lớn hơn 0.")

    def group_max(self, group: PointGroup) -> Decimal:
        return sum((c.max_points for c in self.criteria if c.group is group), ZERO)

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), ZERO)

    def criterion(self, code: str) -> PointCriterion | None:
        return next((c for c in self.criteria if c.code == code), None)


@dataclass(frozen=True)
class TaskTally:
    """Counts of the tasks assigned in the period (qd366 conditions read them as shares).

    `completed` counts tasks finished at all; of those, `on_time` were on time with the required
    quality and `late` were late; `exceeded` counts on-time tasks that exceeded requirements.
    """

    total: int
    completed: int
    on_time: int
    late: int = 0
    exceeded: int = 0

    def __post_init__(self) -> None:
        counts = (self.total, self.completed, self.on_time, self.late, self.exceeded)
        if any(count < 0 for count in counts):
            raise ValueError("Số nhiệm vụ không được âm.")
        if self.completed > self.total:
            raise ValueError("Số nhiệm vụ hoàn thành không được lớn hơn tổng số nhiệm vụ.")
        if self.on_time + self.late > self.completed:
            raise ValueError(
                "Số nhiệm vụ đúng hạn cộng số nhiệm vụ chậm không được lớn hơn số đã hoàn thành."
            )
        if self.exceeded > self.on_time:
            raise ValueError("Số nhiệm vụ vượt yêu cầu không được lớn hơn số nhiệm vụ đúng hạn.")


# --- facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedUnit:
    """A unit a member leads in the period, derived from stored data (qd366, Điều 11): a Party
    organization where they are Bí thư / Phó Bí thư, or an agency they head or deputy-head.

    `level` is the unit's current decided level in the same period (None: not decided yet);
    `tasks` its task figures when recorded.
    """

    code: str
    role: str  # Vietnamese, e.g. "Bí thư Chi bộ Văn phòng"
    level: Level | None = None
    tasks: TaskTally | None = None


@dataclass(frozen=True)
class _SharedFacts:
    """What the rules read of members and organizations alike: the targets assigned and met,
    and what qd366 reads (points, the task tally, the not_completed cases of Điều 11.4)."""

    targets_assigned: int = 0
    targets_met: int = 0
    # qd366
    points: Mapping[str, Decimal] | None = None  # criterion code -> points
    frame: PointFrame | None = None  # None: the profile's sample frame
    tasks: TaskTally | None = None
    earlier_shortcomings_remedied: bool = True
    # qd366: what the not_completed cases of Điều 11.4 read (None: not built, older profiles)
    cases: CaseFacts | None = None

    def __post_init__(self) -> None:
        if self.targets_assigned < 0 or self.targets_met < 0:
            raise ValueError("Số chỉ tiêu không được âm.")
        if self.targets_met > self.targets_assigned:
            raise ValueError("Số chỉ tiêu đạt không được lớn hơn số chỉ tiêu được giao.")


@dataclass(frozen=True)
class MemberFacts(_SharedFacts):
    """What the rules need to know about one member for one period.

    Grades: an empty tuple means "not recorded" (e.g. a past year imported from a report): the
    criteria rule is then skipped with an explanation, it does not read as "all excellent".
    """

    subject: str = ""  # card number or name, copied into findings
    # qd132 / qd124: grades of the criteria on task results, and of the other criteria
    task_grades: tuple[Grade, ...] = ()
    other_grades: tuple[Grade, ...] = ()
    civil_service_level: Level | None = None  # None: not a civil servant (or not rated)
    disciplined: bool = False  # disciplined in the year evaluated
    discipline_self_remedied: bool = False  # the violation was self-detected and remedied
    degradation_concluded: bool = False  # a competent body concluded degradation (suy thoái)
    sick_leave_months: Decimal = ZERO
    maternity_leave: bool = False
    joined_on: date | None = None  # ngày kết nạp
    full_member_on: date | None = None  # ngày công nhận đảng viên chính thức
    period_end: date | None = None  # the 6-month rule counts to this date
    exempted: bool = False  # miễn công tác và sinh hoạt đảng
    suspended: bool = False  # đình chỉ sinh hoạt đảng
    is_leader: bool = False  # heads a unit (người đứng đầu)
    led_unit_level: Level | None = None  # the decided level of the unit they head
    # qd366: every unit the member leads, derived from Party roles and government posts
    led_units: tuple[LedUnit, ...] = ()
    # qd366: Party activity in a temporary cell, and that cell's written comment (HD 43 point 7)
    temporary_cell: str = ""
    temporary_cell_comment: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.sick_leave_months < 0:
            raise ValueError("Số tháng nghỉ ốm không được âm.")
        if (
            self.joined_on is not None
            and self.full_member_on is not None
            and self.full_member_on < self.joined_on
        ):
            raise ValueError("Ngày công nhận chính thức không được trước ngày kết nạp.")


@dataclass(frozen=True)
class OrganizationFacts(_SharedFacts):
    """What the rules need to know about one organization (cell or party committee).

    `member_levels` are the decided levels of its members (all members, for a party committee
    when known); `subordinate_levels` those of its subordinate organizations (party committee
    only). The constituent shares read the members for a cell and the subordinates otherwise.
    """

    kind: OrganizationKind = OrganizationKind.CELL
    subject: str = ""
    task_grades: tuple[Grade, ...] = ()
    other_grades: tuple[Grade, ...] = ()
    member_levels: tuple[Level, ...] = ()
    subordinate_levels: tuple[Level, ...] = ()
    same_level_bodies_level: Level | None = None  # lowest level of the same-level government
    # and mass organizations; None when there is none or it is not known
    disciplined: bool = False
    discipline_self_remedied: bool = False
    leadership_discipline: DisciplineForm | None = None  # heaviest form on a leadership member
    subordinate_units: int = 0
    subordinate_units_disciplined: int = 0
    disunity: bool = False  # mất đoàn kết nội bộ
    targets_force_majeure: bool = False  # shortfall due to force majeure (bất khả kháng)
    age_months: int | None = None  # months since founded, to the period end; None: long-standing

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 <= self.subordinate_units_disciplined <= self.subordinate_units:
            raise ValueError(
                "Số đơn vị trực thuộc bị kỷ luật phải từ 0 đến tổng số đơn vị trực thuộc."
            )
        if self.age_months is not None and self.age_months < 0:
            raise ValueError("Số tháng từ khi thành lập không được âm.")

    @property
    def constituent_levels(self) -> tuple[Level, ...]:
        if self.kind is OrganizationKind.CELL:
            return self.member_levels
        return self.subordinate_levels


@dataclass(frozen=True)
class DecisionOrderFacts:
    """What is still undecided when a decision is proposed (qd124 / qd366 order of decisions).

    Each tuple names the subjects (codes or names) not decided yet; empty means all decided.
    """

    subject_kind: SubjectKind
    subject: str = ""
    undecided_collectives: tuple[str, ...] = ()  # collectives the member belongs to
    undecided_led_units: tuple[str, ...] = ()  # units the member heads
    undecided_subordinates: tuple[str, ...] = ()  # lower organizations of an organization
    undecided_same_level_bodies: tuple[str, ...] = ()  # government / mass bodies, same level
    # qd366: the organization's ordinary members (reviewed, not on its committee) not decided yet
    undecided_members: tuple[str, ...] = ()


# --- quota ---------------------------------------------------------------------------------------


class QuotaBase(LabelledStrEnum):
    """What the percent is taken of."""

    # only those rated good (the literal reading of HD 21)
    GOOD = "good", "số được xếp loại hoàn thành tốt nhiệm vụ"
    # good and excellent together (many local guides)
    GOOD_OR_BETTER = "good_or_better", "số được xếp loại hoàn thành tốt nhiệm vụ trở lên"


class QuotaScope(LabelledStrEnum):
    # within each grassroots organization (HD 21)
    GRASSROOTS = "grassroots", "trong từng tổ chức cơ sở đảng"
    # within each group with similar functions and tasks (124, 366)
    PEER_GROUP = "peer_group", "trong từng nhóm có chức năng, nhiệm vụ tương đồng"


class Rounding(LabelledStrEnum):
    FLOOR = "floor", "làm tròn xuống"
    HALF_UP = "half_up", "làm tròn"
    CEIL = "ceil", "làm tròn lên"


class Enforcement(LabelledStrEnum):
    BLOCK = "block", "chặn quyết định vượt tỷ lệ"  # a decision over the cap is refused
    # allowed, shown, and justified by the deciding body
    WARN = "warn", "cảnh báo, cấp quyết định ghi rõ lý do"


@dataclass(frozen=True)
class QuotaPolicy:
    """How the cap on `excellent` is computed and enforced within one scope."""

    percent: Decimal = Decimal(20)
    base: QuotaBase = QuotaBase.GOOD
    scope: QuotaScope = QuotaScope.GRASSROOTS
    rounding: Rounding = Rounding.FLOOR
    enforcement: Enforcement = Enforcement.BLOCK

    def __post_init__(self) -> None:
        if not isinstance(self.percent, Decimal) or not ZERO <= self.percent <= 100:
            raise ValueError("Tỷ lệ phải là số Decimal từ 0 đến 100.")


# --- qd366: the not_completed cases by group (366-QĐ/TW, Điều 11.4) -----------------------------


class CaseGroup(LabelledStrEnum):
    """The groups of Điều 11.4, each with its own list of not_completed cases."""

    COLLECTIVE = "collective", "Tập thể lãnh đạo, quản lý"  # PL1
    # PL2, the leader's list
    TOP_LEADER = "top_leader", "Cán bộ diện Bộ Chính trị, Ban Bí thư quản lý"
    LEADER = "leader", "Người đứng đầu, cấp phó, cán bộ lãnh đạo, quản lý"  # PL3
    NO_POST = "no_post", "Đảng viên không giữ chức vụ lãnh đạo, quản lý"  # PL4
    OUTSIDE = "outside", "Đảng viên ngoài hệ thống chính trị"  # PL5


@dataclass(frozen=True)
class Violation:
    """A violation disciplined by the Party: its form (khiển trách is the lightest, so any Party
    discipline is "khiển trách or above"), whether it was committed in performing one's duties,
    and where and when it was committed (it counts for that unit and that period only)."""

    form: DisciplineForm | None  # None: disciplined, the form not recorded
    duty_related: bool
    unit: str  # code of the unit where it was committed
    committed_on: date | None = None  # None: in the period evaluated


@dataclass(frozen=True)
class CaseFacts:
    """What the not_completed cases of Điều 11.4 read about one subject in one period.

    For a collective, `violations` and `degradation_concluded` are those of members of the
    leadership collective, and `led_units` holds the collective's own body with its planned
    tasks; for a leader, `led_units` are the units he or she leads or answers for. Self-detected
    and remedied violations (`self_remedied`) and force majeure (`force_majeure`) are weighed by
    the competent level, whose justification is `competent_justification`.
    """

    group: CaseGroup
    unit: str  # code of the unit where the subject is evaluated
    period_start: date
    period_end: date
    subject: str = ""
    violations: tuple[Violation, ...] = ()
    degradation_concluded: bool = False
    prohibitions_breached: bool = False  # vi phạm những điều đảng viên không được làm
    tasks: TaskTally | None = None  # the subject's own tasks of the period
    led_units: tuple[LedUnit, ...] = ()
    basic_targets_missed: bool = False  # the led body misses its 5 basic socio-economic targets
    confidence_votes: int = 0  # votes cast in the year's confidence vote
    low_confidence_votes: int = 0
    corruption_under_management: bool = False  # corruption/waste disciplined in a body under
    # direct management
    personnel_wrongdoing: bool = False  # sai phạm trong công tác cán bộ (concluded)
    disunity: bool = False  # mất đoàn kết, bè phái (concluded)
    self_remedied: bool = False
    force_majeure: bool = False
    competent_justification: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.low_confidence_votes <= self.confidence_votes:
            raise ValueError("Số phiếu tín nhiệm thấp phải từ 0 đến tổng số phiếu.")
        if self.period_end < self.period_start:
            raise ValueError("Ngày cuối kỳ không được trước ngày đầu kỳ.")

    def counts_here(self, violation: Violation) -> bool:
        """A violation counts for the unit where and when it was committed (Điều 11.4)."""
        when = violation.committed_on
        in_period = when is None or self.period_start <= when <= self.period_end
        return violation.unit == self.unit and in_period
