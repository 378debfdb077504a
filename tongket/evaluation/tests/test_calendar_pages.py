"""The cycle's calendar as people use it: the office edits it on its page (a service, audited,
refusals naming the step), the home pages show what is overdue (office, cell) and what the
member must do by when, and the daily notices read the same calendar."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tongket.audit.models import AuditEvent
from tongket.core.demo import DEMO_ORG
from tongket.core.errors import DomainError, NotFound
from tongket.evaluation import deadlines, services
from tongket.evaluation.models import Cycle, DecisionStatus, Evaluation, SubjectKind, Tier
from tongket.evaluation.regulations.calendar import Step
from tongket.evaluation.tests.members import cycle_members
from tongket.notifications import services as notifications
from tongket.notifications.domain import Kind
from tongket.notifications.models import Notification
from tongket.people.models import Member

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
UserNamed = Callable[[str], Any]
D = dt.date


@pytest.fixture
def cycle() -> Cycle:
    return Cycle.objects.get(organization__code=DEMO_ORG, year=2026, quarter__isnull=True)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.date], None]:
    """The day the pages believe it is (the home pages read `timezone.localdate()`)."""

    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_day


def _dates(**changes: dt.date) -> dict[Step, dt.date | None]:
    dates: dict[Step, dt.date | None] = {
        Step.SELF_ASSESSMENT: D(2026, 12, 14),
        Step.CELL_PROPOSAL: D(2026, 12, 17),
        Step.GRASSROOTS_DECISION: D(2026, 12, 24),
        Step.SUPERIOR_DECISION: D(2026, 12, 31),
    }
    dates.update({Step(name): day for name, day in changes.items()})
    return dates


def _form(**changes: str) -> dict[str, str]:
    data = {
        "self_assessment_due": "14/12/2026",
        "cell_proposal_due": "17/12/2026",
        "grassroots_decision_due": "24/12/2026",
        "superior_decision_due": "31/12/2026",
    }
    data.update(changes)
    return data


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _section(page: str, testid: str) -> str:
    start = page.find(f'data-testid="{testid}"')
    if start < 0:
        return ""
    return _text(page[start : page.index("</section>", start)])


# --- the service ---------------------------------------------------------------------------


def test_a_cycle_opens_with_hd43s_default_calendar(cycle: Cycle) -> None:
    assert cycle.self_assessment_due == D(2026, 12, 14)
    assert cycle.cell_proposal_due == D(2026, 12, 17)
    assert cycle.grassroots_decision_due == D(2026, 12, 24)
    assert cycle.superior_decision_due == D(2026, 12, 31)


def test_the_office_sets_the_calendar_and_it_is_audited(
    cycle: Cycle, user_named: UserNamed
) -> None:
    services.set_calendar(
        actor=user_named("vanphong"),
        cycle_id=cycle.pk,
        dates=_dates(self_assessment=D(2026, 12, 10), cell_proposal=D(2026, 12, 15)),
    )
    cycle.refresh_from_db()
    assert cycle.self_assessment_due == D(2026, 12, 10)
    assert cycle.cell_proposal_due == D(2026, 12, 15)
    event = AuditEvent.objects.filter(action="evaluation.cycle.calendar").latest("pk")
    before, after = event.before or {}, event.after or {}
    assert before["self_assessment_due"] == "2026-12-14"
    assert after["self_assessment_due"] == "2026-12-10"
    assert after["cell_proposal_due"] == "2026-12-15"


def test_a_later_step_before_an_earlier_one_is_refused_naming_the_step(
    cycle: Cycle, user_named: UserNamed
) -> None:
    with pytest.raises(DomainError) as caught:
        services.set_calendar(
            actor=user_named("vanphong"),
            cycle_id=cycle.pk,
            dates=_dates(cell_proposal=D(2026, 12, 12)),  # before the self-assessment (14/12)
        )
    assert caught.value.field == "cell_proposal_due"
    assert caught.value.rule == "qd366.calendar.order"
    assert "Chi bộ họp kiểm điểm, nhận xét, đề xuất" in caught.value.message
    cycle.refresh_from_db()
    assert cycle.cell_proposal_due == D(2026, 12, 17)  # nothing written
    assert not AuditEvent.objects.filter(action="evaluation.cycle.calendar").exists()


def test_past_31_12_is_refused_unless_the_units_year_ends_otherwise(
    cycle: Cycle, user_named: UserNamed
) -> None:
    late = _dates(superior_decision=D(2027, 1, 10))
    with pytest.raises(DomainError) as caught:
        services.set_calendar(actor=user_named("vanphong"), cycle_id=cycle.pk, dates=late)
    assert caught.value.rule == "hd43.calendar.year_end"
    assert caught.value.field == "superior_decision_due"
    services.set_calendar(
        actor=user_named("vanphong"), cycle_id=cycle.pk, dates=late, year_ends_otherwise=True
    )
    cycle.refresh_from_db()
    assert cycle.superior_decision_due == D(2027, 1, 10)
    assert cycle.year_ends_otherwise


def test_a_cell_secretary_and_an_outsider_cannot_set_the_calendar(
    cycle: Cycle, user_named: UserNamed, outsider: Any
) -> None:
    for actor in (user_named("bithu"), outsider):
        with pytest.raises(NotFound):
            services.set_calendar(actor=actor, cycle_id=cycle.pk, dates=_dates())


# --- the page ------------------------------------------------------------------------------


def test_the_calendar_page_shows_dates_as_dd_mm_yyyy_and_saves_them(
    cycle: Cycle, client_for: ClientFor
) -> None:
    office = client_for("vanphong")
    url = f"/evaluation/ky/{cycle.pk}/lich/"
    page = office.get(url).content.decode()
    assert "14/12/2026" in _section(page, "calendar")
    assert 'value="17/12/2026"' in page
    response = office.post(url, _form(self_assessment_due="11/12/2026"))
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.self_assessment_due == D(2026, 12, 11)


def test_the_calendar_page_refuses_a_bad_order_next_to_the_step(
    cycle: Cycle, client_for: ClientFor
) -> None:
    response = client_for("vanphong").post(
        f"/evaluation/ky/{cycle.pk}/lich/", _form(grassroots_decision_due="16/12/2026")
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == ["grassroots_decision_due"]
    assert (
        "không được trước hạn của bước «Chi bộ họp kiểm điểm"
        in errors["grassroots_decision_due"][0]
    )
    bad_date = client_for("vanphong").post(
        f"/evaluation/ky/{cycle.pk}/lich/", _form(self_assessment_due="32/12/2026")
    )
    assert bad_date.status_code == 422
    assert "self_assessment_due" in bad_date.context["form"].errors


def test_only_readers_of_the_whole_cycle_see_the_calendar_page_and_only_its_office_saves(
    cycle: Cycle, client_for: ClientFor, outsider_web: Client
) -> None:
    url = f"/evaluation/ky/{cycle.pk}/lich/"
    secretary = client_for("bithu")  # reads the TCCB cell only: the cell page shows its dates
    assert secretary.get(url).status_code == 404
    assert secretary.post(url, _form(self_assessment_due="01/12/2026")).status_code == 404
    assert outsider_web.get(url).status_code == 404
    assert outsider_web.post(url, _form(self_assessment_due="01/12/2026")).status_code == 404
    cycle.refresh_from_db()
    assert cycle.self_assessment_due == D(2026, 12, 14)
    unit_page = secretary.get(f"/evaluation/ky/{cycle.pk}/chi-bo/{DEMO_ORG}.TCCB/")
    dates = _section(unit_page.content.decode(), "unit-calendar")
    assert "17/12/2026" in dates  # the cell's proposal
    assert "14/12/2026" in dates  # the draft report, 3 working days before


# --- the home pages ------------------------------------------------------------------------


def _member_without_self_assessment(cycle: Cycle) -> Member:
    """A member of the 2026 cycle with no post or Party role (appendix PL4: Mẫu 2B), no account
    and no self-assessment yet."""
    ev = (
        cycle_members(
            cycle,
            member__user__isnull=True,
            member__posts__isnull=True,
            member__party_roles__isnull=True,
        )
        .exclude(assessments__tier=Tier.SELF)
        .select_related("member")
        .order_by("member__card_number")
        .first()
    )
    assert ev is not None
    assert ev.member is not None
    return ev.member


def test_the_member_home_says_what_to_do_and_by_when(
    cycle: Cycle, client_for: ClientFor, today: Callable[[dt.date], None]
) -> None:
    member = _member_without_self_assessment(cycle)
    call_command("users", "add", "tukiemdiem", "--member", member.card_number, stdout=io.StringIO())
    today(D(2026, 12, 7))
    steps = _section(client_for("tukiemdiem").get("/").content.decode(), "my-steps")
    assert "Nộp bản tự kiểm điểm (Mẫu 2B) trước 14/12/2026" in steps
    assert "Quá hạn" not in steps
    own = Evaluation.objects.get(cycle=cycle, member=member)
    form_page = client_for("tukiemdiem").get(f"/tu-kiem-diem/danh-gia/{own.pk}/")
    assert "Hạn nộp: 14/12/2026" in _text(form_page.content.decode())
    # The office moves the deadline: the member's home follows (one source).
    client_for("vanphong").post(
        f"/evaluation/ky/{cycle.pk}/lich/", _form(self_assessment_due="04/12/2026")
    )
    steps = _section(client_for("tukiemdiem").get("/").content.decode(), "my-steps")
    assert "Nộp bản tự kiểm điểm (Mẫu 2B) trước 04/12/2026" in steps
    assert "Quá hạn" in steps


def test_the_office_home_counts_the_overdue_steps_with_a_link(
    cycle: Cycle, client_for: ClientFor, today: Callable[[dt.date], None]
) -> None:
    today(D(2026, 12, 14))  # the last day of the self-assessment: nothing overdue yet
    assert _section(client_for("vanphong").get("/").content.decode(), "overdue-steps") == ""
    today(D(2026, 12, 18))
    page = client_for("vanphong").get("/").content.decode()
    overdue = _section(page, "overdue-steps")
    undecided = Evaluation.objects.filter(cycle=cycle).exclude(
        decisions__status=DecisionStatus.CURRENT
    )
    without_self = undecided.exclude(
        assessments__tier=Tier.SELF, assessments__is_current=True
    ).count()
    without_cell = (
        undecided.filter(subject_kind=SubjectKind.MEMBER)
        .exclude(assessments__tier=Tier.CELL, assessments__is_current=True)
        .count()
    )
    assert "Quá hạn 14/12/2026" in overdue
    assert f"{without_self} đối tượng chưa tự kiểm điểm, tự đánh giá" in overdue
    assert "Quá hạn 17/12/2026" in overdue
    assert f"{without_cell} đảng viên chưa có nhận xét, đề xuất của chi bộ" in overdue
    assert "Cấp ủy cơ sở quyết định" not in overdue  # due 24/12
    assert f'href="/evaluation/ky/{cycle.pk}/"' in page


def test_the_home_counts_the_latest_overdue_cycles_only(
    cycle: Cycle,
    client_for: ClientFor,
    user_named: UserNamed,
    today: Callable[[dt.date], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An older cycle still open, every step of it long overdue (its default calendar is 2021's).
    older = services.open_cycle(actor=user_named("vanphong"), organization_code=DEMO_ORG, year=2021)
    today(D(2026, 12, 18))
    page = client_for("vanphong").get("/").content.decode()
    both = _section(page, "overdue-steps")
    assert f'href="/evaluation/ky/{older.pk}/"' in page
    assert f'href="/evaluation/ky/{cycle.pk}/"' in page
    waiting = Evaluation.objects.filter(cycle=older).count()  # none assessed, none decided
    assert f"{waiting} đối tượng chưa tự kiểm điểm, tự đánh giá" in both
    # Bounded to the latest cycle: the older one is neither listed nor counted, and the latest
    # keeps its figures.
    monkeypatch.setattr(deadlines, "OVERDUE_CYCLES", 1)
    page = client_for("vanphong").get("/").content.decode()
    latest = _section(page, "overdue-steps")
    assert f'href="/evaluation/ky/{older.pk}/"' not in page
    assert f'href="/evaluation/ky/{cycle.pk}/"' in page
    assert f"{waiting} đối tượng chưa tự kiểm điểm, tự đánh giá" not in latest
    assert latest in both


def test_the_cell_home_counts_its_own_cell_only(
    cycle: Cycle, client_for: ClientFor, today: Callable[[dt.date], None]
) -> None:
    today(D(2026, 12, 18))
    page = client_for("bithu").get("/").content.decode()
    overdue = _section(page, "overdue-steps")
    cell = f"{DEMO_ORG}.TCCB"
    waiting = (
        cycle_members(cycle, unit__code=cell)
        .exclude(decisions__status=DecisionStatus.CURRENT)
        .exclude(assessments__tier=Tier.CELL, assessments__is_current=True)
        .count()
    )
    assert f"{waiting} đảng viên chưa có nhận xét, đề xuất của chi bộ" in overdue
    assert f'href="/evaluation/ky/{cycle.pk}/chi-bo/{cell}/"' in page
    assert "Thanh tra" not in overdue


# --- the daily notices read the same calendar ------------------------------------------------


def test_the_overdue_notice_uses_the_cycles_calendar(cycle: Cycle, user_named: UserNamed) -> None:
    services.set_calendar(
        actor=user_named("vanphong"),
        cycle_id=cycle.pk,
        dates=_dates(self_assessment=D(2026, 12, 4), cell_proposal=D(2026, 12, 8)),
    )
    notifications.notify_due(today=D(2026, 12, 8))
    assert not Notification.objects.filter(kind=Kind.OVERDUE_STEPS).exists()
    notifications.notify_due(today=D(2026, 12, 9))
    notice = Notification.objects.get(user=user_named("bithu"), kind=Kind.OVERDUE_STEPS)
    assert "đã quá hạn 08/12/2026" in notice.text
    assert notice.due == D(2026, 12, 8)


@pytest.mark.usefixtures("pages_built_afresh")
@pytest.mark.parametrize(
    ("user", "ceiling", "shown"),
    [
        ("vanphong", 9, "Quá hạn 24/12/2026"),
        ("bithu", 18, "Quá hạn 17/12/2026"),
        ("dangvien", 13, "Đã nộp bản tự kiểm điểm (Mẫu 2B); chi bộ nhận xét, đề xuất trước"),
    ],
)
def test_the_homes_with_overdue_steps_stay_within_their_query_ceilings(
    client_for: ClientFor,
    today: Callable[[dt.date], None],
    django_assert_max_num_queries: Any,
    user: str,
    ceiling: int,
    shown: str,
) -> None:
    today(D(2026, 12, 28))  # every step but the superior's decision overdue
    client = client_for(user)
    with django_assert_max_num_queries(ceiling):
        page = client.get("/").content.decode()
    assert shown in _text(page)
