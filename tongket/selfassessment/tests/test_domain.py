"""The task annex's counts (the facts qd366 reads), the form per appendix, the steps."""

from __future__ import annotations

import datetime as dt

import pytest

from tongket.core.errors import DomainError
from tongket.selfassessment.domain import (
    FormKind,
    RemedyState,
    Status,
    TaskLine,
    all_remedied,
    annex_counts,
    check_task,
    form_for_appendix,
    require_editable,
    require_returnable,
)

DUE = dt.date(2026, 6, 30)


def task(done: dt.date | None, *, quality: bool = True, exceeded: bool = False) -> TaskLine:
    return TaskLine("Nhiệm vụ", DUE, done, quality_ok=quality, exceeded=exceeded)


def test_counts_on_time_late_exceeded_and_not_completed() -> None:
    counts = annex_counts(
        [
            task(dt.date(2026, 6, 1), exceeded=True),
            task(DUE),
            task(dt.date(2026, 7, 2)),
            task(dt.date(2026, 7, 2), exceeded=True),  # late: its «exceeded» does not count
            task(dt.date(2026, 6, 1), quality=False),  # done, neither on time with quality nor late
            task(None),
        ]
    )
    assert (counts.total, counts.on_time, counts.late, counts.exceeded) == (6, 2, 2, 1)
    assert (counts.completed, counts.not_completed) == (5, 1)
    tally = counts.tally()
    assert (tally.total, tally.completed, tally.on_time, tally.late, tally.exceeded) == (
        6,
        5,
        2,
        2,
        1,
    )


def test_an_empty_annex_counts_nothing() -> None:
    assert annex_counts([]).total == 0


@pytest.mark.parametrize(
    ("appendix", "form"),
    [("PL1", FormKind.F01), ("PL3", FormKind.F2A), ("PL4", FormKind.F2B), ("PL5", FormKind.F2C)],
)
def test_each_appendix_has_its_form(appendix: str, form: FormKind) -> None:
    assert form_for_appendix(appendix) is form


def test_a_submitted_form_is_read_only_and_a_returned_one_editable() -> None:
    with pytest.raises(DomainError) as caught:
        require_editable(Status.SUBMITTED)
    assert caught.value.rule == "selfassessment.status.submitted_read_only"
    require_editable(Status.RETURNED)
    require_editable(Status.DRAFT)


def test_returning_needs_a_submitted_form_and_a_comment() -> None:
    with pytest.raises(DomainError):
        require_returnable(Status.DRAFT, "Sửa lại")
    with pytest.raises(DomainError) as caught:
        require_returnable(Status.SUBMITTED, "  ")
    assert caught.value.rule == "selfassessment.return.comment_required"
    require_returnable(Status.SUBMITTED, "Bổ sung minh chứng")


def test_a_task_not_done_cannot_exceed() -> None:
    with pytest.raises(DomainError) as caught:
        check_task(3, task(None, exceeded=True))
    assert "dòng 3" in caught.value.message


def test_excellent_asks_every_earlier_shortcoming_fixed() -> None:
    assert all_remedied([RemedyState.FIXED, RemedyState.FIXED])
    assert not all_remedied([RemedyState.FIXED, RemedyState.FIXING])
