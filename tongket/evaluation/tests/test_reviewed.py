"""Who is reviewed under qd366 (Điều 5; HD 43 point 7), through the services and the page:
new, exempted and suspended members do not review and are listed apart; long sick leave is
classified on results; temporary activity waits for the temporary cell's written comment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongket.core.errors import DomainError
from tongket.core.rules import Severity
from tongket.evaluation import checks, selectors, services
from tongket.evaluation.demo import POINTS_2026
from tongket.evaluation.domain import Level, NotClassifiedReason
from tongket.evaluation.models import Cycle, Evaluation
from tongket.evaluation.tests.members import cycle_members, enter_member

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
DAY = dt.date(2026, 12, 20)


@pytest.fixture
def cycle() -> Cycle:
    return Cycle.objects.get(organization__code=ORG, year=2026, quarter__isnull=True)


def member_in(cycle: Cycle, cell: str, index: int) -> Evaluation:
    return list(
        cycle_members(cycle, unit__code=f"{ORG}.{cell}")
        .select_related("member")
        .order_by("member__card_number")
    )[index]


def record(ev: Evaluation, **facts: Any) -> None:
    services.record_facts(actor=None, evaluation_id=ev.pk, facts=services.FactsInput(**facts))


def refusal(call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def scored(ev: Evaluation) -> None:
    """A self-assessment with a score: under 366 `good` is decided on one (issue 18)."""
    services.submit_self_assessment(
        actor=None, evaluation_id=ev.pk, level=None, points=POINTS_2026[1]
    )


def self_assess(ev: Evaluation) -> object:
    return services.submit_self_assessment(
        actor=None, evaluation_id=ev.pk, level=None, points={}, comment=""
    )


@pytest.mark.parametrize(
    ("fact", "reason"),
    [("exempted", NotClassifiedReason.EXEMPTED), ("suspended", NotClassifiedReason.SUSPENDED)],
)
def test_an_exempted_or_suspended_member_does_not_review_and_is_listed_apart(
    cycle: Cycle, fact: str, reason: NotClassifiedReason
):
    ev = member_in(cycle, "TTR", 1)
    record(ev, **{fact: True})
    error = refusal(lambda: self_assess(ev))
    assert error.rule == f"qd366.member.not_reviewed.{reason.value}"
    assert "Điều 5" in error.citation
    assert not ev.assessments.exists()
    listed = {item.row.evaluation.pk: item for item in selectors.not_reviewed_rows(None, cycle)}
    assert listed[ev.pk].finding.rule == error.rule
    # the demo's exempted member is listed too; nobody else
    assert {item.finding.rule for item in listed.values()} <= {
        error.rule,
        "qd366.member.not_reviewed.exempted",
    }
    # not classified: a level is refused, the reason is accepted (an ordinary member: before
    # the cell, Điều 12)
    refused = refusal(
        lambda: services.decide(
            actor=None, evaluation_id=ev.pk, outcome=Level.GOOD, number="2-QĐ/ĐU", date=DAY
        )
    )
    assert refused.rule == f"qd366.member.not_reviewed.{reason.value}"
    decision = services.decide(
        actor=None, evaluation_id=ev.pk, outcome=reason, number="2-QĐ/ĐU", date=DAY
    )
    assert decision.not_classified_reason == reason.value


def test_a_member_admitted_under_six_months_before_the_quarter_ends_does_not_review():
    member = enter_member(
        f"{ORG}.TTR",
        "45.009901",
        "Nguyễn Thị Mới",
        "female",
        dt.date(2026, 7, 2),
        status="probationary",
    )
    quarter = services.open_cycle(actor=None, organization_code=ORG, year=2026, quarter=4)
    ev = Evaluation.objects.get(cycle=quarter, member=member)
    error = refusal(lambda: self_assess(ev))
    assert error.rule == "qd366.member.not_reviewed.joined_under_6_months"
    assert "không kiểm điểm" in error.message
    assert [item.row.code for item in selectors.not_reviewed_rows(None, quarter)] == ["45.009901"]


def test_the_page_lists_members_not_reviewed_with_the_rule(
    cycle: Cycle, client_for: Callable[[str], Client]
):
    ev = member_in(cycle, "TTR", 2)
    record(ev, exempted=True)
    page = client_for("vanphong").get(reverse("evaluation:not_classified", args=[cycle.pk]))
    html = page.content.decode()
    assert "Đảng viên không kiểm điểm, không xếp loại" in html
    assert ev.member is not None
    assert ev.member.full_name in html
    assert "qd366.member.not_reviewed.exempted" in html
    assert "Điều 5" in html


def test_a_member_on_long_sick_leave_is_classified_on_actual_results(cycle: Cycle):
    ev = member_in(cycle, "TTR", 3)
    record(
        ev,
        sick_leave_months=Decimal(4),
        tasks_total=6,
        tasks_completed=6,
        tasks_on_time=6,
        tasks_late=0,
        tasks_exceeded=2,
    )
    ev.refresh_from_db()
    assert [
        f for f in checks.level_findings(ev, Level.EXCELLENT) if f.severity is Severity.ERROR
    ] == []
    allowed = selectors.profile_of(cycle).member_level_allowed(checks.member_facts(ev))
    assert allowed.value is Level.EXCELLENT
    note = next(f for f in allowed.findings if f.rule == "qd366.member.sick_leave.actual_results")
    assert "không bị giới hạn mức" in note.message
    assert "Điều 5" in note.citation
    scored(ev)
    decision = services.decide(
        actor=None, evaluation_id=ev.pk, outcome=Level.GOOD, number="3-QĐ/ĐU", date=DAY
    )
    assert decision.level == Level.GOOD


def test_temporary_activity_is_classified_after_the_temporary_cells_written_comment(
    cycle: Cycle,
):
    ev = member_in(cycle, "TTR", 4)
    record(ev, temporary_cell="Chi bộ Trường THPT Đông Hà")
    error = refusal(
        lambda: services.decide(
            actor=None, evaluation_id=ev.pk, outcome=Level.GOOD, number="4-QĐ/ĐU", date=DAY
        )
    )
    assert error.rule == "qd366.member.temporary_activity.comment_missing"
    assert "Chi bộ Trường THPT Đông Hà" in error.message
    record(ev, temporary_cell_comment="Đồng chí chấp hành tốt nội quy sinh hoạt tạm thời.")
    scored(ev)
    assert (
        services.decide(
            actor=None, evaluation_id=ev.pk, outcome=Level.GOOD, number="4-QĐ/ĐU", date=DAY
        ).level
        == Level.GOOD
    )
    ev.refresh_from_db()
    assert ev.temporary_cell_comment.startswith("Đồng chí chấp hành")
