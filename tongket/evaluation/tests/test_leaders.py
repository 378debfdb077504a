"""Leaders and their units under qd366 (Điều 11, 12): derived from stored roles and posts, capped by
the units they lead, decided only after them; the agency before its Party organization."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from tongket.core.errors import DomainError
from tongket.evaluation import leaders, services
from tongket.evaluation.demo import POINTS_2026
from tongket.evaluation.domain import Level
from tongket.evaluation.models import Cycle, Decision, Evaluation, SubjectKind
from tongket.evaluation.selectors import Outcome
from tongket.evaluation.tests.order import decide_ordinary_members
from tongket.people import services as people_services
from tongket.people.models import Member, PartyRole, PartyRoleKind, PostTitle

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
BLOC = "QT.KCQDN"
AGENCY = "UBND.QT.SGDDT"
DAY = dt.date(2026, 12, 20)


@pytest.fixture
def cycle() -> Cycle:
    return Cycle.objects.get(organization__code=ORG, year=2026, quarter__isnull=True)


def secretary_of(cell: str) -> Member:
    role = PartyRole.objects.get(organization__code=f"{ORG}.{cell}", role=PartyRoleKind.SECRETARY)
    return role.member


def evaluation_of(cycle: Cycle, member: Member) -> Evaluation:
    return Evaluation.objects.get(cycle=cycle, member=member)


def cell_of(cycle: Cycle, cell: str) -> Evaluation:
    return Evaluation.objects.get(cycle=cycle, organization__code=f"{ORG}.{cell}")


def decide(ev: Evaluation, outcome: Outcome, number: str = "12-QĐ/ĐU") -> Decision:
    return services.decide(
        actor=None, evaluation_id=ev.pk, outcome=outcome, number=number, date=DAY
    )


def refusal(call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def test_a_cell_secretary_leads_the_cell_from_the_stored_party_role(cycle: Cycle):
    secretary = secretary_of("KHTC")
    (unit,) = leaders.led_units(secretary, cycle)
    assert unit.code == f"{ORG}.KHTC"
    assert unit.role.startswith("Bí thư ")
    assert unit.level is None
    decide_ordinary_members(cycle, f"{ORG}.KHTC")
    decide(cell_of(cycle, "KHTC"), Level.GOOD)
    assert leaders.led_units(secretary, cycle)[0].level is Level.GOOD


def test_the_director_who_is_also_secretary_leads_each_of_his_units(cycle: Cycle):
    director = Member.objects.get(full_name="Trần Quốc Hưng")
    codes = {unit.code for unit in leaders.led_units(director, cycle)}
    assert codes == {ORG, f"{ORG}.VP", AGENCY}


def test_a_role_ended_before_the_period_end_leads_nothing(cycle: Cycle):
    secretary = secretary_of("KHTC")
    role = PartyRole.objects.get(member=secretary, role=PartyRoleKind.SECRETARY)
    people_services.end_party_role(actor=None, role_id=role.pk, end=dt.date(2026, 6, 30))
    assert leaders.led_units(secretary, cycle) == ()


def test_the_secretary_decided_before_the_cell_is_refused_citing_article_12(cycle: Cycle):
    ev = evaluation_of(cycle, secretary_of("KHTC"))
    error = refusal(lambda: decide(ev, Level.GOOD))
    rules = {f.rule for f in error.findings}
    assert "qd366.order.head_after_unit" in rules
    head = next(f for f in error.findings if f.rule == "qd366.order.head_after_unit")
    assert "Điều 12" in head.citation
    assert "Điều 12" in head.message
    assert f"{ORG}.KHTC" in head.message
    assert not ev.decisions.exists()


def test_the_secretary_of_a_good_cell_cannot_be_excellent_but_can_be_good(cycle: Cycle):
    decide_ordinary_members(cycle, f"{ORG}.KHTC")
    decide(cell_of(cycle, "KHTC"), Level.GOOD)
    ev = evaluation_of(cycle, secretary_of("KHTC"))
    error = refusal(lambda: decide(ev, Level.EXCELLENT))
    leader = next(f for f in error.findings if f.rule == "qd366.member.excellent.leader_unit")
    assert "Điều 11" in leader.citation
    assert "Hoàn thành tốt nhiệm vụ" in leader.message
    # `good` is decided on a score under 366 (issue 18): the secretary's self-assessment has one.
    services.submit_self_assessment(
        actor=None, evaluation_id=ev.pk, level=None, points=POINTS_2026[1]
    )
    assert decide(ev, Level.GOOD).level == Level.GOOD


def test_the_office_sees_the_unit_cap_before_deciding(cycle: Cycle):
    """The cell's proposal for its secretary is checked against the cell's level too."""
    decide_ordinary_members(cycle, f"{ORG}.KHTC")
    decide(cell_of(cycle, "KHTC"), Level.COMPLETED)
    ev = evaluation_of(cycle, secretary_of("KHTC"))
    error = refusal(
        lambda: services.record_proposal(actor=None, evaluation_id=ev.pk, outcome=Level.GOOD)
    )
    assert error.rule == "qd366.member.good.leader_unit"


def test_the_agency_is_recorded_before_its_party_organization():
    bloc = services.open_cycle(actor=None, organization_code=BLOC, year=2026)
    own = Evaluation.objects.get(cycle=bloc, organization__code=ORG)
    grassroots = Cycle.objects.get(organization__code=ORG, year=2026, quarter__isnull=True)
    error = refusal(lambda: decide(own, Level.GOOD, number="5-QĐ/ĐUK"))
    agency_first = next(f for f in error.findings if f.rule == "qd366.order.government_first")
    assert AGENCY in agency_first.message
    # The agency's result recorded first: then its heads (a deputy director is an ordinary
    # member of his cell), the cells after their members, and the Party organization last.
    services.record_facts(
        actor=None,
        evaluation_id=own.pk,
        facts=services.FactsInput(same_level_bodies_level=Level.GOOD),
    )
    undecided = Evaluation.objects.filter(
        cycle=grassroots, subject_kind=SubjectKind.ORGANIZATION
    ).exclude(decisions__status="current")
    for ev in undecided:
        assert ev.organization is not None
        decide_ordinary_members(grassroots, ev.organization.code)
        decide(ev, Level.GOOD)
    assert decide(own, Level.GOOD, number="5-QĐ/ĐUK").level == Level.GOOD
    director = Member.objects.get(full_name="Trần Quốc Hưng")
    by_code = {unit.code: unit.level for unit in leaders.led_units(director, grassroots)}
    assert by_code == {ORG: Level.GOOD, f"{ORG}.VP": Level.GOOD, AGENCY: Level.GOOD}


def test_a_deputy_director_leads_the_agency_through_the_stored_post(cycle: Cycle):
    deputy = Member.objects.get(full_name="Võ Văn Minh")
    units = leaders.led_units(deputy, cycle)
    assert [(u.code, u.role.split(" ")[0]) for u in units] == [(AGENCY, "Phó")]
    assert PostTitle.DEPUTY_DIRECTOR.label in units[0].role


def test_older_cycles_keep_the_leader_checkbox_and_their_order():
    """qd124 (2023): a cell secretary decided after the cell, without the 366 leader rules."""
    old = services.open_cycle(actor=None, organization_code=ORG, year=2023)
    cell = Evaluation.objects.get(cycle=old, organization__code=f"{ORG}.KHTC")
    decide(cell, Level.GOOD)
    ev = Evaluation.objects.get(cycle=old, member=secretary_of("KHTC"))
    grades = {str(n): "excellent" for n in range(1, 7)}
    services.record_appraisal(actor=None, evaluation_id=ev.pk, outcome=Level.GOOD, grades=grades)
    assert decide(ev, Level.GOOD).level == Level.GOOD
