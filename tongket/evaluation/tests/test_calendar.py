"""The calendar rules of HD 43 §4 (regulations/calendar.py), without a database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.core.errors import DomainError
from tongket.evaluation.regulations.calendar import (
    STEPS,
    Step,
    check_calendar,
    default_calendar,
    draft_report_due,
    final_deadline,
    require_valid_calendar,
    working_days_before,
)

D = dt.date


@pytest.mark.parametrize(
    ("year", "quarter", "otherwise", "final"),
    [
        (2026, None, False, D(2026, 12, 31)),  # hd43.calendar.year_end
        (2026, None, True, D(2027, 1, 15)),  # hd43.calendar.other_year_end
        (2025, None, False, D(2025, 12, 31)),
        (2027, 1, False, D(2027, 3, 31)),
        (2027, 2, False, D(2027, 6, 30)),
        (2027, 4, False, D(2027, 12, 31)),
    ],
)
def test_the_final_deadline_is_31_12_or_15_01_where_the_year_ends_otherwise(
    year: int, quarter: int | None, otherwise: bool, final: dt.date
) -> None:
    assert final_deadline(year, quarter, year_ends_otherwise=otherwise) == final
    assert default_calendar(year, quarter, year_ends_otherwise=otherwise).superior_decision == final


@pytest.mark.parametrize(
    ("meeting", "draft_by"),
    [
        (D(2026, 12, 17), D(2026, 12, 14)),  # Thursday: Mon 14 (Wed, Tue, Mon)
        (D(2026, 12, 15), D(2026, 12, 10)),  # Tuesday: back over the weekend to Thu 10
        (D(2026, 12, 14), D(2026, 12, 9)),  # Monday: Fri, Thu, Wed
        (D(2026, 12, 16), D(2026, 12, 11)),  # Wednesday: Tue, Mon, Fri
        (D(2026, 12, 19), D(2026, 12, 16)),  # a Saturday meeting: Fri, Thu, Wed
        (D(2027, 1, 4), D(2026, 12, 30)),  # across the new year
    ],
)
def test_the_draft_report_goes_out_three_working_days_before_the_meeting(
    meeting: dt.date, draft_by: dt.date
) -> None:
    assert draft_report_due(meeting) == draft_by


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)))
def test_three_working_days_never_end_on_a_weekend_and_span_three_to_five_days(
    meeting: dt.date,
) -> None:
    draft = working_days_before(meeting, 3)
    assert draft.weekday() < 5
    assert 3 <= (meeting - draft).days <= 5


def test_the_2026_defaults_put_the_steps_in_order_before_31_12() -> None:
    cal = default_calendar(2026)
    assert cal.as_dict() == {
        Step.SELF_ASSESSMENT: D(2026, 12, 14),
        Step.CELL_PROPOSAL: D(2026, 12, 17),
        Step.GRASSROOTS_DECISION: D(2026, 12, 24),
        Step.SUPERIOR_DECISION: D(2026, 12, 31),
    }
    assert cal.self_assessment == cal.draft_report_due  # read before the cell's meeting
    assert check_calendar(cal.as_dict(), year=2026, quarter=None, year_ends_otherwise=False) == []


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2030])
@pytest.mark.parametrize("quarter", [None, 1, 2, 3, 4])
@pytest.mark.parametrize("otherwise", [False, True])
def test_every_default_calendar_passes_its_own_checks(
    year: int, quarter: int | None, otherwise: bool
) -> None:
    cal = default_calendar(year, quarter, year_ends_otherwise=otherwise)
    dates = [cal.due(step) for step in STEPS]
    assert dates == sorted(dates)
    assert not check_calendar(
        cal.as_dict(), year=year, quarter=quarter, year_ends_otherwise=otherwise
    )


def test_a_later_step_due_before_an_earlier_one_is_refused_naming_the_step() -> None:
    dates = default_calendar(2026).as_dict()
    dates[Step.GRASSROOTS_DECISION] = D(2026, 12, 10)  # before the cell's proposal (17/12)
    with pytest.raises(DomainError) as caught:
        require_valid_calendar(dates, year=2026, quarter=None, year_ends_otherwise=False)
    assert caught.value.field == "grassroots_decision_due"
    assert caught.value.rule == "qd366.calendar.order"
    assert "Cấp ủy cơ sở quyết định xếp loại" in caught.value.message
    assert "10/12/2026" in caught.value.message
    assert "17/12/2026" in caught.value.message


def test_the_same_day_for_two_steps_is_allowed() -> None:
    dates = default_calendar(2026).as_dict()
    dates[Step.CELL_PROPOSAL] = dates[Step.SELF_ASSESSMENT]
    assert not check_calendar(dates, year=2026, quarter=None, year_ends_otherwise=False)


@pytest.mark.parametrize(
    ("otherwise", "last", "rule"),
    [
        (False, D(2026, 12, 31), "hd43.calendar.year_end"),
        (True, D(2027, 1, 15), "hd43.calendar.other_year_end"),
    ],
)
def test_no_step_may_fall_after_the_final_deadline(
    otherwise: bool, last: dt.date, rule: str
) -> None:
    dates = default_calendar(2026, year_ends_otherwise=otherwise).as_dict()
    dates[Step.SUPERIOR_DECISION] = last
    assert not check_calendar(dates, year=2026, quarter=None, year_ends_otherwise=otherwise)
    dates[Step.SUPERIOR_DECISION] = last + dt.timedelta(days=1)
    (finding,) = check_calendar(dates, year=2026, quarter=None, year_ends_otherwise=otherwise)
    assert finding.rule == rule
    assert finding.subject == "superior_decision_due"
    assert "Hướng dẫn 43-HD/BTCTW" in finding.citation


def test_a_missing_date_names_its_step() -> None:
    dates: dict[Step, dt.date | None] = dict(default_calendar(2026).as_dict())
    dates[Step.CELL_PROPOSAL] = None
    (finding,) = check_calendar(dates, year=2026, quarter=None, year_ends_otherwise=False)
    assert finding.rule == "calendar.step.missing"
    assert finding.subject == "cell_proposal_due"
