"""Pure rules for programs: item timing and deadlines, status changes, progress, amendments.

The yearly work program ("Chương trình công tác") and inspection and supervision program
("Chương trình kiểm tra, giám sát") a committee adopts at its conference (DOMAIN.md §1; the seed:
"Hội nghị đã thông qua Chương trình công tác … và Chương trình kiểm tra, giám sát"). No Django here.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from tongket.core.errors import DomainError
from tongket.core.formatting import date_short, percent
from tongket.core.labelled import LabelledStrEnum
from tongket.core.rules import Finding, Severity

PROGRAM_RULES_CITATION = (
    "Chương trình do hội nghị cấp ủy thông qua; điều chỉnh, bổ sung theo quy chế làm việc "
    "của cấp ủy"
)
INSPECTION_CITATION = (
    "Quy định 22-QĐ/TW ngày 28/7/2021 về công tác kiểm tra, giám sát và kỷ luật của Đảng"
)

RULE_TRANSITION = "programs.item.transition"
RULE_REASON = "programs.item.reason_required"
RULE_OVERDUE = "programs.item.overdue"
RULE_REMEDY_OVERDUE = "programs.remedy.overdue"
RULE_ITEM_DATA = "programs.item.data"
RULE_AMENDMENT = "programs.amendment.reason_required"

_ROMAN_QUARTERS = ("I", "II", "III", "IV")


class ProgramKind(LabelledStrEnum):
    WORK = "work", "Chương trình công tác"
    INSPECTION = "inspection", "Chương trình kiểm tra, giám sát"


class ItemStatus(LabelledStrEnum):
    PLANNED = "planned", "Chưa thực hiện"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    DONE = "done", "Đã hoàn thành"
    POSTPONED = "postponed", "Tạm hoãn"
    CANCELLED = "cancelled", "Hủy bỏ"


# An item may be postponed again (to a later date); a done item may be reopened with a reason,
# since a wrong "done" must be correctable without hiding that it was once recorded.
ALLOWED_TRANSITIONS: Mapping[ItemStatus, frozenset[ItemStatus]] = MappingProxyType(
    {
        ItemStatus.PLANNED: frozenset(
            {ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.POSTPONED, ItemStatus.CANCELLED}
        ),
        ItemStatus.IN_PROGRESS: frozenset(
            {ItemStatus.DONE, ItemStatus.POSTPONED, ItemStatus.CANCELLED}
        ),
        ItemStatus.POSTPONED: frozenset(
            {
                ItemStatus.PLANNED,
                ItemStatus.IN_PROGRESS,
                ItemStatus.DONE,
                ItemStatus.POSTPONED,
                ItemStatus.CANCELLED,
            }
        ),
        ItemStatus.DONE: frozenset({ItemStatus.IN_PROGRESS}),
        ItemStatus.CANCELLED: frozenset(),
    }
)
OPEN_STATUSES = frozenset({ItemStatus.PLANNED, ItemStatus.IN_PROGRESS})


def reason_required(current: ItemStatus, new: ItemStatus) -> bool:
    """Postponing, cancelling and reopening a done item each need a recorded reason."""
    return new in {ItemStatus.POSTPONED, ItemStatus.CANCELLED} or current is ItemStatus.DONE


def check_transition(current: ItemStatus, new: ItemStatus, reason: str = "") -> list[Finding]:
    """An item's status changes only along `ALLOWED_TRANSITIONS`; postponing, cancelling or
    reopening needs a reason. Returns the errors, empty when the change is allowed."""
    if new not in ALLOWED_TRANSITIONS[current]:
        return [
            Finding(
                rule=RULE_TRANSITION,
                citation=PROGRAM_RULES_CITATION,
                message=(f"Không chuyển được nội dung từ «{current.label}» sang «{new.label}»."),
                subject="status",
            )
        ]
    if reason_required(current, new) and not reason.strip():
        return [
            Finding(
                rule=RULE_REASON,
                citation=PROGRAM_RULES_CITATION,
                message=f"Chuyển sang «{new.label}» phải ghi rõ lý do.",
                subject="reason",
            )
        ]
    return []


@dataclass(frozen=True)
class Timing:
    """When an item is scheduled: one month, or one quarter, of a year. Build with
    `Timing.of_month(2021, 3)` or `Timing.of_quarter(2021, 1)`."""

    year: int
    month: int | None = None
    quarter: int | None = None

    def __post_init__(self) -> None:
        if (self.month is None) == (self.quarter is None):
            raise DomainError("Thời gian thực hiện phải là một tháng hoặc một quý.", field="timing")
        if self.month is not None and not 1 <= self.month <= 12:
            raise DomainError(f"Tháng {self.month} không hợp lệ.", field="month")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise DomainError(f"Quý {self.quarter} không hợp lệ.", field="quarter")
        if not 1 <= self.year <= 9999:
            raise DomainError(f"Năm {self.year} không hợp lệ.", field="year")

    @classmethod
    def of_month(cls, year: int, month: int) -> Timing:
        return cls(year, month=month)

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Timing:
        return cls(year, quarter=quarter)

    @property
    def due_month(self) -> int:
        """The month the item falls due: the month itself, or the quarter's last month."""
        if self.month is not None:
            return self.month
        assert self.quarter is not None
        return self.quarter * 3

    @property
    def first_month(self) -> int:
        if self.month is not None:
            return self.month
        assert self.quarter is not None
        return self.quarter * 3 - 2

    def start_date(self) -> date:
        return date(self.year, self.first_month, 1)

    def due_date(self) -> date:
        """The last day of the month or of the quarter."""
        last_day = calendar.monthrange(self.year, self.due_month)[1]
        return date(self.year, self.due_month, last_day)

    @property
    def sort_key(self) -> tuple[date, date]:
        """Items sort by when they fall due, then by when they start: a quarter comes just
        before its own last month."""
        return self.due_date(), self.start_date()

    @property
    def label(self) -> str:
        """`Tháng 03/2021` or `Quý I/2021`."""
        if self.month is not None:
            return f"Tháng {self.month:02d}/{self.year}"
        assert self.quarter is not None
        return f"Quý {_ROMAN_QUARTERS[self.quarter - 1]}/{self.year}"


@dataclass(frozen=True)
class ProgramItem:
    """One item of a program. `remedy_deadline` and `remedy_done_on` belong to inspection items:
    the date by which the inspected must remedy the shortcomings concluded, and when they did."""

    code: str  # the item's number in the program, e.g. "3" or "II.2"
    title: str
    timing: Timing
    status: ItemStatus = ItemStatus.PLANNED
    completed_on: date | None = None
    remedy_deadline: date | None = None
    remedy_done_on: date | None = None


def is_overdue(item: ProgramItem, today: date) -> bool:
    """An item still planned or in progress after its due date (the last day of its month or
    quarter) is overdue; on the due date itself it is not yet."""
    return item.status in OPEN_STATUSES and today > item.timing.due_date()


def is_remedy_overdue(item: ProgramItem, today: date) -> bool:
    """Shortcomings found by an inspection not remedied by the deadline the conclusion set."""
    return (
        item.remedy_deadline is not None
        and item.remedy_done_on is None
        and today > item.remedy_deadline
    )


def is_done_late(item: ProgramItem) -> bool:
    return (
        item.status is ItemStatus.DONE
        and item.completed_on is not None
        and item.completed_on > item.timing.due_date()
    )


def check_item(kind: ProgramKind, program_year: int, item: ProgramItem) -> list[Finding]:
    """An item is scheduled within its program's year; only inspection items carry a remedy
    deadline; a completion date goes with the `done` status only."""
    findings: list[Finding] = []

    def error(message: str, subject: str) -> None:
        findings.append(
            Finding(
                rule=RULE_ITEM_DATA,
                citation=PROGRAM_RULES_CITATION,
                message=f"Nội dung {item.code}: {message}",
                subject=subject,
            )
        )

    if item.timing.year != program_year:
        error(
            f"thời gian «{item.timing.label}» không thuộc chương trình năm {program_year}.",
            "timing",
        )
    if kind is ProgramKind.WORK and (item.remedy_deadline or item.remedy_done_on):
        error("chỉ nội dung kiểm tra, giám sát mới có thời hạn khắc phục.", "remedy_deadline")
    if item.remedy_done_on is not None and item.remedy_deadline is None:
        error("có ngày khắc phục xong nhưng chưa có thời hạn khắc phục.", "remedy_deadline")
    if item.completed_on is not None and item.status is not ItemStatus.DONE:
        error(f"có ngày hoàn thành nhưng đang ở trạng thái «{item.status.label}».", "completed_on")
    return findings


@dataclass(frozen=True)
class ProgressSummary:
    """Where a program stands on `today`. `by_month` counts items by the month they fall due;
    `percent_done` is done items over items not cancelled, None when none remain."""

    today: date
    total: int
    by_status: Mapping[ItemStatus, int]
    by_month: Mapping[tuple[int, int], Mapping[ItemStatus, int]]  # (year, month) it falls due
    percent_done: Decimal | None
    overdue: tuple[ProgramItem, ...]
    done_late: tuple[ProgramItem, ...]
    remedies_overdue: tuple[ProgramItem, ...]
    findings: tuple[Finding, ...]


def _count_statuses(items: Sequence[ProgramItem]) -> Mapping[ItemStatus, int]:
    counts = dict.fromkeys(ItemStatus, 0)
    for item in items:
        counts[item.status] += 1
    return MappingProxyType(counts)


def _month_key(item: ProgramItem) -> tuple[int, int]:
    return item.timing.year, item.timing.due_month


def progress(items: Sequence[ProgramItem], *, today: date) -> ProgressSummary:
    """Counts by status and by month, the percent done, and what is late on `today`: open items
    past their due date, and inspection remedies not done by their deadline (each also reported
    as a warning finding for the report and the dashboard)."""
    months = sorted({_month_key(item) for item in items})
    by_month = MappingProxyType(
        {month: _count_statuses([i for i in items if _month_key(i) == month]) for month in months}
    )
    by_status = _count_statuses(items)
    active = len(items) - by_status[ItemStatus.CANCELLED]
    percent_done = (
        percent(by_status[ItemStatus.DONE], active).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if active
        else None
    )
    overdue = tuple(item for item in items if is_overdue(item, today))
    remedies_overdue = tuple(item for item in items if is_remedy_overdue(item, today))
    findings = [
        Finding(
            rule=RULE_OVERDUE,
            citation=PROGRAM_RULES_CITATION,
            message=(
                f"Nội dung {item.code} «{item.title}» đến hạn {date_short(item.timing.due_date())} "
                f"({item.timing.label}) nhưng chưa hoàn thành."
            ),
            severity=Severity.WARNING,
            subject=item.code,
        )
        for item in overdue
    ]
    findings.extend(
        Finding(
            rule=RULE_REMEDY_OVERDUE,
            citation=INSPECTION_CITATION,
            message=(
                f"Nội dung {item.code} «{item.title}»: quá thời hạn khắc phục "
                f"{date_short(item.remedy_deadline)} nhưng chưa khắc phục xong."
            ),
            severity=Severity.WARNING,
            subject=item.code,
        )
        for item in remedies_overdue
        if item.remedy_deadline is not None
    )
    return ProgressSummary(
        today=today,
        total=len(items),
        by_status=by_status,
        by_month=by_month,
        percent_done=percent_done,
        overdue=overdue,
        done_late=tuple(item for item in items if is_done_late(item)),
        remedies_overdue=remedies_overdue,
        findings=tuple(findings),
    )


def check_amendment(adopted: bool, reason: str) -> list[Finding]:
    """A draft program is edited freely; once the conference has adopted it, it changes only by
    an amendment that records its reason. Returns the errors, empty when the change may go on."""
    if adopted and not reason.strip():
        return [
            Finding(
                rule=RULE_AMENDMENT,
                citation=PROGRAM_RULES_CITATION,
                message=(
                    "Chương trình đã được thông qua: mọi thay đổi phải là điều chỉnh, bổ sung "
                    "có ghi rõ lý do."
                ),
                subject="reason",
            )
        ]
    return []
