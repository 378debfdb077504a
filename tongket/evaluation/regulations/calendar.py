"""The calendar of an evaluation cycle: the deadline of each step and its defaults (HD 43 §4).

Hướng dẫn 43-HD/BTCTW, mục 4 (DOMAIN.md §5 «Calendar»):
- the year's review and classification finish before 31/12 (`hd43.calendar.year_end`);
- units whose working year ends otherwise: on a date the superior sets, before 15/01 of the next
  year (`hd43.calendar.other_year_end`);
- the draft of the collective's report goes to the participants at least 3 working days before
  the review meeting (`hd43.calendar.draft_report`).

HD 43 orders the steps (Điều 12 of Quy định 366-QĐ/TW: self-assessment, the advisory body's
proposal, the competent level's decision, lower before higher) but gives no date to the steps in
between: their spacing below is a local default the office edits per cycle (`LOCAL_SPACING`).
A deadline is the last day a step may be done: the step is overdue from the day after.

Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from tongket.core.errors import DomainError
from tongket.core.formatting import date_short
from tongket.core.labelled import LabelledStrEnum
from tongket.core.rules import Finding

HD43_CALENDAR = "Hướng dẫn 43-HD/BTCTW (31/10/2025), mục 4 (thời gian kiểm điểm, đánh giá)"
QD366_ORDER = "Quy định 366-QĐ/TW, Điều 12 (trình tự đánh giá, xếp loại)"
QD366_QUARTER = "Quy định 366-QĐ/TW, Điều 15 (đánh giá theo quý)"

DRAFT_REPORT_WORKING_DAYS = 3  # HD 43 §4: at least 3 working days before the meeting


class Step(LabelledStrEnum):
    """The steps of a cycle that have a deadline, in the order they must happen."""

    SELF_ASSESSMENT = (
        "self_assessment",
        "Đảng viên, tập thể tự kiểm điểm, tự đánh giá, xếp loại",
    )
    CELL_PROPOSAL = "cell_proposal", "Chi bộ họp kiểm điểm, nhận xét, đề xuất"
    GRASSROOTS_DECISION = "grassroots_decision", "Cấp ủy cơ sở quyết định xếp loại"
    SUPERIOR_DECISION = (
        "superior_decision",
        "Cấp trên trực tiếp quyết định xếp loại tổ chức cơ sở",
    )

    @property
    def field(self) -> str:
        """The name of the cycle's column (and of the page's input) holding this deadline."""
        return f"{self.value}_due"


STEPS: tuple[Step, ...] = tuple(Step)

# Local defaults (not from HD 43): days before the final deadline for the cell's review meeting
# and the grassroots committee's decision. The self-assessment is due the day the drafts go to
# the meeting's participants (`hd43.calendar.draft_report`), so they are read before it.
LOCAL_SPACING: Mapping[Step, int] = {Step.CELL_PROPOSAL: 14, Step.GRASSROOTS_DECISION: 7}


@dataclass(frozen=True)
class Calendar:
    """The deadline of every step of one cycle."""

    self_assessment: dt.date
    cell_proposal: dt.date
    grassroots_decision: dt.date
    superior_decision: dt.date

    def due(self, step: Step) -> dt.date:
        return getattr(self, step.value)  # type: ignore[no-any-return]

    def as_dict(self) -> dict[Step, dt.date]:
        return {step: self.due(step) for step in STEPS}

    @classmethod
    def of(cls, dates: Mapping[Step, dt.date]) -> Calendar:
        return cls(**{step.value: dates[step] for step in STEPS})

    @property
    def returned_self_assessment_due(self) -> dt.date:
        """`hd43.calendar.returned_self_assessment`: a self-assessment the cell returned for
        correction is due by the cell's own deadline, not by the self-assessment's (a form
        returned on 16/12 is not overdue from 14/12). HD 43 §4 sets no period for a correction
        (a count of working days would be a local rule with no source); the cell returns the
        form within its step (Điều 12 of 366: the advisory body appraises before it proposes)
        and needs it back to propose, so the correction is due when that step is."""
        return max(self.self_assessment, self.cell_proposal)

    @property
    def draft_report_due(self) -> dt.date:
        """The last day the collective's draft report may go to the cell's meeting."""
        return draft_report_due(self.cell_proposal)


def final_deadline(year: int, quarter: int | None, *, year_ends_otherwise: bool = False) -> dt.date:
    """The day the whole review must be finished by.

    `hd43.calendar.year_end`: the year's review and classification finish before 31/12.
    `hd43.calendar.other_year_end`: a unit whose working year ends otherwise, before 15/01 of the
    next year. A quarter (Điều 15 of 366) ends with its last day, the deadline the office moves.
    """
    if quarter is not None:
        next_month = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
        return next_month - dt.timedelta(days=1)
    if year_ends_otherwise:
        return dt.date(year + 1, 1, 15)
    return dt.date(year, 12, 31)


def final_deadline_rule(quarter: int | None, *, year_ends_otherwise: bool) -> tuple[str, str]:
    """The rule id and article behind `final_deadline` for this kind of cycle."""
    if quarter is not None:
        return "qd366.calendar.quarter_end", QD366_QUARTER
    if year_ends_otherwise:
        return "hd43.calendar.other_year_end", HD43_CALENDAR
    return "hd43.calendar.year_end", HD43_CALENDAR


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The date `count` working days (Monday to Friday) before `day`."""
    current = day
    left = count
    while left > 0:
        current -= dt.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def draft_report_due(meeting: dt.date) -> dt.date:
    """`hd43.calendar.draft_report`: the draft of the collective's report goes to the
    participants at least 3 working days before the review meeting (weekends do not count)."""
    return working_days_before(meeting, DRAFT_REPORT_WORKING_DAYS)


def default_calendar(
    year: int, quarter: int | None = None, *, year_ends_otherwise: bool = False
) -> Calendar:
    """HD 43's calendar for a cycle: the superior decides by the final deadline, the grassroots
    committee and the cell before it (local spacing), the self-assessments by the day the
    drafts go to the cell's meeting."""
    end = final_deadline(year, quarter, year_ends_otherwise=year_ends_otherwise)
    if quarter is not None:  # a quarter leaves less room: the same order, compressed
        cell = end - dt.timedelta(days=7)
        grassroots = end - dt.timedelta(days=3)
    else:
        cell = end - dt.timedelta(days=LOCAL_SPACING[Step.CELL_PROPOSAL])
        grassroots = end - dt.timedelta(days=LOCAL_SPACING[Step.GRASSROOTS_DECISION])
    return Calendar(
        self_assessment=draft_report_due(cell),
        cell_proposal=cell,
        grassroots_decision=grassroots,
        superior_decision=end,
    )


def check_calendar(
    dates: Mapping[Step, dt.date | None],
    *,
    year: int,
    quarter: int | None,
    year_ends_otherwise: bool,
) -> list[Finding]:
    """What is wrong with a calendar the office wrote, each finding naming the step (its field):
    a missing date (`calendar.step.missing`), a later step due before an earlier one
    (`qd366.calendar.order`), a date past the final deadline (the rule of `final_deadline`)."""
    findings: list[Finding] = []
    end = final_deadline(year, quarter, year_ends_otherwise=year_ends_otherwise)
    end_rule, end_citation = final_deadline_rule(quarter, year_ends_otherwise=year_ends_otherwise)
    previous: tuple[Step, dt.date] | None = None
    for step in STEPS:
        day = dates.get(step)
        if day is None:
            findings.append(
                Finding(
                    rule="calendar.step.missing",
                    citation=HD43_CALENDAR,
                    message=f"Chưa có hạn của bước «{step.label}».",
                    subject=step.field,
                )
            )
            continue
        if previous is not None and day < previous[1]:
            findings.append(
                Finding(
                    rule="qd366.calendar.order",
                    citation=QD366_ORDER,
                    message=(
                        f"Hạn của bước «{step.label}» ({date_short(day)}) không được trước hạn "
                        f"của bước «{previous[0].label}» ({date_short(previous[1])})."
                    ),
                    subject=step.field,
                )
            )
        if day > end:
            findings.append(
                Finding(
                    rule=end_rule,
                    citation=end_citation,
                    message=(
                        f"Hạn của bước «{step.label}» ({date_short(day)}) quá thời hạn hoàn thành "
                        f"kiểm điểm, xếp loại ({date_short(end)})."
                    ),
                    subject=step.field,
                )
            )
        previous = (step, day)
    return findings


def require_valid_calendar(
    dates: Mapping[Step, dt.date | None],
    *,
    year: int,
    quarter: int | None,
    year_ends_otherwise: bool,
) -> Calendar:
    """The calendar, or a DomainError with the first finding (its field: the step's input)."""
    findings = check_calendar(
        dates, year=year, quarter=quarter, year_ends_otherwise=year_ends_otherwise
    )
    if findings:
        first = findings[0]
        raise DomainError(
            first.message,
            field=first.subject,
            rule=first.rule,
            citation=first.citation,
            findings=tuple(findings),
        )
    return Calendar.of({step: day for step, day in dates.items() if day is not None})
