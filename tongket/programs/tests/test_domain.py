"""Program items: timing and deadlines, status changes, progress and amendments, without a DB."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.core.errors import DomainError
from tongket.core.rules import Severity
from tongket.programs import domain as d
from tongket.programs.domain import (
    ALLOWED_TRANSITIONS,
    ItemStatus,
    ProgramItem,
    ProgramKind,
    Timing,
    check_amendment,
    check_item,
    check_transition,
    is_overdue,
    progress,
)

PLANNED = ItemStatus.PLANNED
IN_PROGRESS = ItemStatus.IN_PROGRESS
DONE = ItemStatus.DONE
POSTPONED = ItemStatus.POSTPONED
CANCELLED = ItemStatus.CANCELLED


def item(code: str, timing: Timing, status: ItemStatus = PLANNED, **facts: date) -> ProgramItem:
    return ProgramItem(code=code, title=f"Nội dung {code}", timing=timing, status=status, **facts)


# --- timing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timing", "due"),
    [
        (Timing.of_month(2021, 1), date(2021, 1, 31)),
        (Timing.of_month(2021, 2), date(2021, 2, 28)),
        (Timing.of_month(2024, 2), date(2024, 2, 29)),
        (Timing.of_month(2021, 4), date(2021, 4, 30)),
        (Timing.of_month(2021, 12), date(2021, 12, 31)),
        (Timing.of_quarter(2021, 1), date(2021, 3, 31)),
        (Timing.of_quarter(2021, 2), date(2021, 6, 30)),
        (Timing.of_quarter(2021, 3), date(2021, 9, 30)),
        (Timing.of_quarter(2021, 4), date(2021, 12, 31)),
    ],
)
def test_an_item_is_due_on_the_last_day_of_its_month_or_quarter(timing, due):
    assert timing.due_date() == due


@pytest.mark.parametrize(
    ("timing", "label"),
    [
        (Timing.of_month(2021, 3), "Tháng 03/2021"),
        (Timing.of_month(2021, 11), "Tháng 11/2021"),
        (Timing.of_quarter(2021, 1), "Quý I/2021"),
        (Timing.of_quarter(2021, 4), "Quý IV/2021"),
    ],
)
def test_timings_read_as_offices_write_them(timing, label):
    assert timing.label == label


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"year": 2021}, "timing"),
        ({"year": 2021, "month": 3, "quarter": 1}, "timing"),
        ({"year": 2021, "month": 0}, "month"),
        ({"year": 2021, "month": 13}, "month"),
        ({"year": 2021, "quarter": 5}, "quarter"),
        ({"year": 0, "month": 1}, "year"),
    ],
)
def test_a_timing_is_one_month_or_one_quarter_of_a_year(kwargs, field):
    with pytest.raises(DomainError) as raised:
        Timing(**kwargs)
    assert raised.value.field == field


@given(st.integers(1, 9998), st.integers(1, 12))
def test_the_day_after_a_month_is_due_is_the_first_of_the_next_month(year, month):
    due = Timing.of_month(year, month).due_date()
    assert (due.year, due.month) == (year, month)
    assert (due + timedelta(days=1)).day == 1


@given(st.integers(1, 9998), st.integers(1, 4))
def test_a_quarter_is_due_with_its_last_month(year, quarter):
    timing = Timing.of_quarter(year, quarter)
    assert timing.due_date() == Timing.of_month(year, quarter * 3).due_date()
    assert timing.start_date() == date(year, quarter * 3 - 2, 1)


# --- overdue ------------------------------------------------------------------------------------

MARCH = Timing.of_month(2021, 3)


@pytest.mark.parametrize(
    ("status", "today", "overdue"),
    [
        (PLANNED, date(2021, 3, 31), False),  # on the due date
        (PLANNED, date(2021, 4, 1), True),  # the day after
        (IN_PROGRESS, date(2021, 3, 31), False),
        (IN_PROGRESS, date(2021, 4, 1), True),
        (DONE, date(2021, 4, 1), False),
        (POSTPONED, date(2021, 4, 1), False),
        (CANCELLED, date(2021, 4, 1), False),
        (PLANNED, date(2021, 3, 1), False),
    ],
)
def test_an_open_item_is_overdue_from_the_day_after_its_due_date(status, today, overdue):
    assert is_overdue(item("1", MARCH, status), today) is overdue


@given(
    st.sampled_from(ItemStatus),
    st.dates(date(2020, 1, 1), date(2022, 12, 31)),
    st.integers(0, 400),
)
def test_an_overdue_item_stays_overdue_as_time_passes(status, today, days):
    overdue_item = item("1", MARCH, status)
    if is_overdue(overdue_item, today):
        assert is_overdue(overdue_item, today + timedelta(days=days))


# --- status changes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "new", "reason", "rule"),
    [
        (PLANNED, IN_PROGRESS, "", None),
        (PLANNED, DONE, "", None),
        (IN_PROGRESS, DONE, "", None),
        (PLANNED, POSTPONED, "Chờ hướng dẫn của cấp trên", None),
        (PLANNED, POSTPONED, "", d.RULE_REASON),
        (IN_PROGRESS, CANCELLED, "   ", d.RULE_REASON),
        (IN_PROGRESS, CANCELLED, "Đã lồng ghép vào nội dung 5", None),
        (POSTPONED, PLANNED, "", None),
        (POSTPONED, POSTPONED, "Hoãn tiếp sang quý IV", None),
        (DONE, IN_PROGRESS, "", d.RULE_REASON),
        (DONE, IN_PROGRESS, "Ghi nhầm hoàn thành", None),
        (DONE, PLANNED, "Ghi nhầm", d.RULE_TRANSITION),
        (DONE, CANCELLED, "Lý do", d.RULE_TRANSITION),
        (CANCELLED, PLANNED, "Khôi phục", d.RULE_TRANSITION),
        (PLANNED, PLANNED, "", d.RULE_TRANSITION),
        (IN_PROGRESS, PLANNED, "", d.RULE_TRANSITION),
    ],
)
def test_status_changes_follow_the_allowed_transitions(current, new, reason, rule):
    findings = check_transition(current, new, reason)
    assert [f.rule for f in findings] == ([rule] if rule else [])


@given(st.sampled_from(ItemStatus), st.sampled_from([POSTPONED, CANCELLED]))
def test_postponing_or_cancelling_is_never_allowed_without_a_reason(current, new):
    assert check_transition(current, new, "")
    assert check_transition(current, new, " \t")


def test_cancelled_is_final():
    assert ALLOWED_TRANSITIONS[CANCELLED] == frozenset()


def test_status_labels_are_vietnamese():
    assert [s.label for s in ItemStatus] == [
        "Chưa thực hiện",
        "Đang thực hiện",
        "Đã hoàn thành",
        "Tạm hoãn",
        "Hủy bỏ",
    ]
    assert ProgramKind.INSPECTION.label == "Chương trình kiểm tra, giám sát"


# --- progress -----------------------------------------------------------------------------------

Q1 = Timing.of_quarter(2021, 1)
APRIL = Timing.of_month(2021, 4)
TODAY = date(2021, 4, 15)

ITEMS = [
    item("1", MARCH, DONE, completed_on=date(2021, 3, 20)),
    item("2", MARCH, DONE, completed_on=date(2021, 4, 2)),
    item("3", Q1, IN_PROGRESS),
    item("4", APRIL, PLANNED),
    item("5", APRIL, CANCELLED),
    item("6", MARCH, POSTPONED),
    item(
        "7",
        Q1,
        DONE,
        completed_on=date(2021, 3, 10),
        remedy_deadline=date(2021, 4, 10),
    ),
    item(
        "8",
        Q1,
        DONE,
        completed_on=date(2021, 3, 10),
        remedy_deadline=date(2021, 4, 10),
        remedy_done_on=date(2021, 4, 9),
    ),
]


def test_progress_counts_items_by_status():
    summary = progress(ITEMS, today=TODAY)
    assert summary.total == 8
    assert dict(summary.by_status) == {
        PLANNED: 1,
        IN_PROGRESS: 1,
        DONE: 4,
        POSTPONED: 1,
        CANCELLED: 1,
    }


def test_progress_counts_items_by_the_month_they_fall_due():
    summary = progress(ITEMS, today=TODAY)
    assert list(summary.by_month) == [(2021, 3), (2021, 4)]
    assert summary.by_month[(2021, 3)][DONE] == 4  # a quarter falls due in its last month
    assert summary.by_month[(2021, 4)][PLANNED] == 1
    assert sum(sum(c.values()) for c in summary.by_month.values()) == summary.total


def test_percent_done_leaves_cancelled_items_out():
    summary = progress(ITEMS, today=TODAY)
    assert summary.percent_done == Decimal("57.14")  # 4 of the 7 not cancelled


def test_percent_done_is_none_when_nothing_remains():
    assert progress([], today=TODAY).percent_done is None
    assert progress([item("1", MARCH, CANCELLED)], today=TODAY).percent_done is None


def test_progress_lists_overdue_items_and_overdue_remedies_with_warnings():
    summary = progress(ITEMS, today=TODAY)
    assert [i.code for i in summary.overdue] == ["3"]
    assert [i.code for i in summary.done_late] == ["2"]
    assert [i.code for i in summary.remedies_overdue] == ["7"]
    by_rule = {(f.rule, f.subject) for f in summary.findings}
    assert by_rule == {(d.RULE_OVERDUE, "3"), (d.RULE_REMEDY_OVERDUE, "7")}
    assert all(f.severity is Severity.WARNING for f in summary.findings)
    overdue_message = next(f.message for f in summary.findings if f.rule == d.RULE_OVERDUE)
    assert "31/03/2021" in overdue_message
    assert "Quý I/2021" in overdue_message


def test_a_remedy_is_not_overdue_on_its_deadline():
    on_deadline = progress(ITEMS, today=date(2021, 4, 10))
    assert on_deadline.remedies_overdue == ()


@given(
    st.lists(
        st.builds(
            ProgramItem,
            code=st.text(min_size=1, max_size=3),
            title=st.just("Nội dung"),
            timing=st.one_of(
                st.builds(Timing.of_month, st.just(2021), st.integers(1, 12)),
                st.builds(Timing.of_quarter, st.just(2021), st.integers(1, 4)),
            ),
            status=st.sampled_from(ItemStatus),
        ),
        max_size=30,
    ),
    st.dates(date(2021, 1, 1), date(2022, 1, 31)),
)
def test_progress_adds_up(items, today):
    summary = progress(items, today=today)
    assert sum(summary.by_status.values()) == summary.total == len(items)
    if summary.percent_done is not None:
        assert Decimal(0) <= summary.percent_done <= Decimal(100)
    assert all(i.status in d.OPEN_STATUSES for i in summary.overdue)


# --- items and amendments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "program_item", "subject"),
    [
        (ProgramKind.WORK, item("1", Timing.of_month(2022, 1)), "timing"),
        (
            ProgramKind.WORK,
            item("1", MARCH, remedy_deadline=date(2021, 5, 1)),
            "remedy_deadline",
        ),
        (
            ProgramKind.INSPECTION,
            item("1", MARCH, remedy_done_on=date(2021, 5, 1)),
            "remedy_deadline",
        ),
        (
            ProgramKind.INSPECTION,
            item("1", MARCH, IN_PROGRESS, completed_on=date(2021, 3, 5)),
            "completed_on",
        ),
    ],
)
def test_an_inconsistent_item_is_refused_naming_the_field(kind, program_item, subject):
    findings = check_item(kind, 2021, program_item)
    assert [f.subject for f in findings] == [subject]
    assert findings[0].rule == d.RULE_ITEM_DATA


def test_an_inspection_item_may_carry_a_remedy_deadline():
    inspection = item(
        "1", Q1, DONE, completed_on=date(2021, 3, 1), remedy_deadline=date(2021, 6, 30)
    )
    assert check_item(ProgramKind.INSPECTION, 2021, inspection) == []


@pytest.mark.parametrize(
    ("adopted", "reason", "refused"),
    [
        (False, "", False),
        (True, "", True),
        (True, "  \n ", True),
        (True, "Bổ sung nội dung kiểm tra theo chỉ đạo của Đảng ủy Khối", False),
    ],
)
def test_an_adopted_program_changes_only_by_an_amendment_with_a_reason(adopted, reason, refused):
    findings = check_amendment(adopted, reason)
    assert bool(findings) is refused
    if refused:
        assert findings[0].rule == d.RULE_AMENDMENT


def test_timings_sort_by_when_they_fall_due_with_a_quarter_before_its_last_month():
    timings = [APRIL, Q1, Timing.of_month(2021, 1), MARCH]
    assert sorted(timings, key=lambda t: t.sort_key) == [Timing.of_month(2021, 1), Q1, MARCH, APRIL]
