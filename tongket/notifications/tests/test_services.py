"""Who is told what: the services that make a change tell the people concerned (in their own
transaction), and the daily run tells cell secretaries of overdue steps and members in charge
of program items falling due, once."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from tongket.awards import domain as awards_domain
from tongket.awards import services as awards
from tongket.core.demo import DEMO_ORG
from tongket.evaluation import services as evaluation
from tongket.evaluation.domain import Level
from tongket.evaluation.models import Cycle, Evaluation
from tongket.evaluation.selectors import decided_results
from tongket.notifications import services
from tongket.notifications.domain import Kind
from tongket.notifications.models import Notification
from tongket.people.models import Member, Organization, PartyRole
from tongket.programs.models import ItemStatus, ProgramItem, ProgramStatus
from tongket.programs.services import domain_item

pytestmark = pytest.mark.django_db
UserNamed = Callable[[str], Any]


def _account_for(card: str, username: str) -> Any:
    call_command("users", "add", username, "--member", card, stdout=io.StringIO())
    return Member.objects.get(card_number=card).user


def _notices(user: Any, kind: Kind) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=kind).order_by("pk"))


def test_opening_a_cycle_asks_each_member_with_an_account_to_self_assess_by_its_deadline(
    user_named: UserNamed,
) -> None:
    cycle = evaluation.open_cycle(
        actor=user_named("vanphong"), organization_code=DEMO_ORG, year=2027
    )
    (notice,) = _notices(user_named("dangvien"), Kind.SELF_ASSESS)[-1:]
    # The cycle's calendar (HD 43's defaults): self-assessments 3 working days before the
    # cell's meeting of 17/12/2027.
    assert notice.due == dt.date(2027, 12, 14) == cycle.self_assessment_due
    own = Evaluation.objects.get(cycle=cycle, member__user=user_named("dangvien"))
    assert notice.url == f"/evaluation/danh-gia/{own.pk}/"
    # Accounts without a member (the office) are not asked.
    assert _notices(user_named("vanphong"), Kind.SELF_ASSESS) == []


def test_a_decision_about_a_member_tells_that_member(user_named: UserNamed) -> None:
    cycle = Cycle.objects.get(organization__code=DEMO_ORG, year=2026, quarter__isnull=True)
    ev = (
        Evaluation.objects.filter(cycle=cycle, unit__code=f"{DEMO_ORG}.GDTRH", decisions=None)
        .exclude(member=None)
        # the cell's committee waits for the cell (qd366, Điều 12); an ordinary member does not
        .exclude(
            member_id__in=PartyRole.objects.filter(organization__code=f"{DEMO_ORG}.GDTRH").values(
                "member_id"
            )
        )
        .order_by("member__card_number")
        .first()
    )
    assert ev is not None
    assert ev.member is not None
    member_user = _account_for(ev.member.card_number, "thanhvien")
    evaluation.decide(
        actor=user_named("vanphong"),
        evaluation_id=ev.pk,
        outcome=Level.COMPLETED,
        number="40-QĐ/ĐU",
        date=dt.date(2026, 12, 20),
    )
    (notice,) = _notices(member_user, Kind.DECISION)
    assert "số 40-QĐ/ĐU ngày 20/12/2026" in notice.text
    assert "«Hoàn thành nhiệm vụ» năm 2026" in notice.text


def test_an_award_recorded_for_a_member_tells_that_member(user_named: UserNamed) -> None:
    org = Organization.objects.get(code=DEMO_ORG)
    card = sorted(
        r.card_number or ""
        for r in decided_results(org, 2020)
        if r.subject_kind == "member" and r.level is Level.EXCELLENT
    )[-1]
    member_user = _account_for(card, "khenthuong")
    awards.record_award(
        actor=user_named("vanphong"),
        data=awards.RecordInput(
            form_code=awards_domain.PARTY_BLOC_INDIVIDUAL_THEMATIC,
            issuer_code="QT.KCQDN",
            year=2020,
            achievement="trong công tác chuyển đổi số năm 2020",
            member_card=card,
            decision=awards.DecisionInput(
                number="9-QĐ/ĐUK", date=dt.date(2021, 3, 1), signer_title="Bí thư"
            ),
            justification="Thành tích chuyển đổi số, khác các thành tích đã khen",
        ),
    )
    (notice,) = _notices(member_user, Kind.AWARD)
    assert "quyết định số 9-QĐ/ĐUK ngày 01/03/2021" in notice.text
    assert notice.url == f"/awards/member/{card}/"


def test_a_cell_secretary_is_told_of_overdue_steps_once_a_week_and_not_before_the_deadline(
    user_named: UserNamed,
) -> None:
    secretary = user_named("bithu")  # cell secretary of the TCCB cell, 2026 cycle still open
    # The cycle's calendar (HD 43's defaults): the cell proposes by 17/12/2026.
    services.notify_due(today=dt.date(2026, 12, 17))
    assert _notices(secretary, Kind.OVERDUE_STEPS) == []
    services.notify_due(today=dt.date(2026, 12, 21))
    services.notify_due(today=dt.date(2026, 12, 22))  # same week: not again
    (notice,) = _notices(secretary, Kind.OVERDUE_STEPS)
    assert "đã quá hạn 17/12/2026" in notice.text
    assert "chưa có nhận xét, đề xuất của chi bộ trong kỳ đánh giá năm 2026" in notice.text
    assert notice.url.endswith(f"/chi-bo/{DEMO_ORG}.TCCB/")
    # Another cell's secretary is told of her own cell only.
    others = _notices(user_named("bithu2"), Kind.OVERDUE_STEPS)
    assert all(f"{DEMO_ORG}.TTR" in n.url for n in others)


def test_the_member_in_charge_of_a_program_item_is_told_when_it_falls_due(
    user_named: UserNamed,
) -> None:
    item = (
        ProgramItem.objects.filter(
            program__status=ProgramStatus.ADOPTED,
            status__in=[ItemStatus.PLANNED, ItemStatus.IN_PROGRESS],
            in_charge_member__isnull=False,
        )
        .select_related("in_charge_member", "program")
        .order_by("pk")
        .first()
    )
    assert item is not None
    assert item.in_charge_member is not None
    member = item.in_charge_member
    person = member.user or _account_for(member.card_number, "chutri")
    due = domain_item(item).timing.due_date()
    early = due - dt.timedelta(days=30)
    services.notify_due(today=early)
    assert not [n for n in _notices(person, Kind.PROGRAM_ITEM_DUE) if n.due == due]
    services.notify_due(today=due - dt.timedelta(days=3))
    services.notify_due(today=due - dt.timedelta(days=2))
    found = [n for n in _notices(person, Kind.PROGRAM_ITEM_DUE) if n.due == due]
    assert len(found) >= 1
    assert any(f"nội dung {item.code}" in n.text and "sắp đến hạn" in n.text for n in found)
    assert len({n.key for n in found}) == len(found)  # told once per item


def test_opening_a_cycle_does_not_ask_a_member_who_does_not_review(
    user_named: UserNamed,
) -> None:
    """366-QĐ/TW Điều 5: a member admitted under 6 months before the period ends does not review;
    his account, made before the cycle, gets no invitation (finding a5)."""
    from tongket.people import services as people_services
    from tongket.people.services import MemberInput

    cell = Organization.objects.filter(path__startswith=Organization.objects.get(
        code=DEMO_ORG).path, kind="cell").order_by("code").first()  # fmt: skip
    assert cell is not None
    people_services.create_member(
        actor=None,
        data=MemberInput(
            card_number="45.009902", full_name="Nguyễn Văn Mới", gender="male",
            joined_on=dt.date(2026, 9, 10), status="probationary", organization_code=cell.code,
        ),
    )  # fmt: skip
    newcomer = _account_for("45.009902", "dangvienmoi")
    evaluation.open_cycle(
        actor=user_named("vanphong"), organization_code=DEMO_ORG, year=2026, quarter=4
    )
    assert Evaluation.objects.filter(member__user=newcomer, cycle__quarter=4).exists()
    assert _notices(newcomer, Kind.SELF_ASSESS) == []
    assert _notices(user_named("dangvien"), Kind.SELF_ASSESS) != []
