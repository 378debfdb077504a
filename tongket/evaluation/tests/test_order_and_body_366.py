"""qd366: a Party organization only after its ordinary members (Điều 12), and only the body HD 43
§3 names decides (the grassroots committee for its cells and members, the directly superior
committee for an organization), through the services, the web page, the API and the workbook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tongket.core.errors import DomainError
from tongket.core.rules import Finding
from tongket.evaluation import services
from tongket.evaluation.domain import DecisionOrderFacts, Level, SubjectKind
from tongket.evaluation.models import Cycle, Decision, Evaluation
from tongket.evaluation.regulations import qd366
from tongket.evaluation.regulations.qd366 import Body, DecidingBodyFacts, Qd366Params
from tongket.evaluation.sheets import EvaluationResultSheet
from tongket.evaluation.tests.decisions import decide_batch
from tongket.evaluation.tests.members import enter_member
from tongket.exchange.importer import run_import
from tongket.exchange.workbook import write_workbook
from tongket.people import services as people_services
from tongket.people.models import PartyRole, PartyRoleKind
from tongket.people.services import OrganizationInput

ORG = "QT.KCQDN.SGDDT"
CELL = f"{ORG}.KHTC"
DAY = dt.date(2026, 12, 20)
MEMBERS_FIRST = "qd366.order.members_first"
COMPETENT = "qd366.decision.competent_body"


# --- the rules, without a database ---------------------------------------------------------------


def only_finding(found: list[Finding], rule: str, cited: str) -> Finding:
    """The one finding of a check, by `rule`, citing `cited`."""
    (finding,) = found
    assert finding.rule == rule
    assert cited in finding.citation
    return finding


@pytest.mark.parametrize(
    ("count", "tail"),
    [
        (0, None),
        (1, "M01."),
        (10, "M10."),
        (11, "M10 và 01 đồng chí khác."),
        (12, "và 02 đồng chí"),
    ],
)
def test_an_organization_waits_for_its_undecided_ordinary_members(count: int, tail: str | None):
    names = tuple(f"M{n:02d}" for n in range(1, count + 1))
    facts = DecisionOrderFacts(
        subject_kind=SubjectKind.ORGANIZATION, subject="CB", undecided_members=names
    )
    found = qd366.decision_order(facts)
    if tail is None:
        assert found == []
        return
    finding = only_finding(found, MEMBERS_FIRST, "Điều 12")
    assert finding.message.startswith("Điều 12 quy định xếp loại đảng viên trước, tổ chức đảng sau")
    assert tail in finding.message
    assert "M11" not in finding.message


GR = Body("GR", "Đảng ủy cơ sở A")
NESTED = Body("GR.B", "Đảng ủy B")
BLOC = Body("KHOI", "Đảng ủy Khối")


@pytest.mark.parametrize(
    ("facts", "refused_in_favour_of"),
    [
        (DecidingBodyFacts("45.1", SubjectKind.MEMBER, GR, grassroots=GR), None),
        (DecidingBodyFacts("45.1", SubjectKind.MEMBER, GR, grassroots=NESTED), NESTED),
        (DecidingBodyFacts("45.1", SubjectKind.MEMBER, GR, grassroots=None), None),
        (DecidingBodyFacts("CB", SubjectKind.ORGANIZATION, GR, is_cell=True, grassroots=GR), None),
        (
            DecidingBodyFacts("CB", SubjectKind.ORGANIZATION, GR, is_cell=True, grassroots=NESTED),
            NESTED,
        ),
        # A chi bộ cơ sở (no grassroots above it) is decided by its superior committee.
        (
            DecidingBodyFacts("CB", SubjectKind.ORGANIZATION, BLOC, is_cell=True, superior=BLOC),
            None,
        ),
        (DecidingBodyFacts("GR", SubjectKind.ORGANIZATION, BLOC, superior=BLOC), None),
        (DecidingBodyFacts("GR", SubjectKind.ORGANIZATION, GR, superior=BLOC), BLOC),
    ],
)
def test_the_body_hd43_names_decides_and_any_other_is_refused(
    facts: DecidingBodyFacts, refused_in_favour_of: Body | None
):
    found = qd366.competent_body(facts)
    if refused_in_favour_of is None:
        assert found == []
        return
    finding = only_finding(found, COMPETENT, "Hướng dẫn 43-HD/BTCTW (31/10/2025), mục 3")
    assert (
        f"{refused_in_favour_of.name} ({refused_in_favour_of.code}) quyết định" in finding.message
    )
    assert f"{facts.deciding_body.name} ({facts.deciding_body.code}) không có thẩm quyền" in (
        finding.message
    )


def test_the_members_part_of_the_deciding_body_rule_is_an_unverified_parameter():
    facts = DecidingBodyFacts("45.1", SubjectKind.MEMBER, GR, grassroots=NESTED)
    assert qd366.competent_body(facts, Qd366Params(grassroots_decides_members=False)) == []
    row = next(r for r in Qd366Params().rows() if r.name == "grassroots_decides_members")
    assert row.verified is False


# --- through the services and the interfaces -----------------------------------------------------


@pytest.fixture
def cycle() -> Cycle:
    return Cycle.objects.get(organization__code=ORG, year=2026, quarter__isnull=True)


def cell_ev(cycle: Cycle, code: str = CELL) -> Evaluation:
    return Evaluation.objects.get(cycle=cycle, organization__code=code)


def members(cycle: Cycle, code: str = CELL) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(cycle=cycle, subject_kind="member", unit__code=code)
        .select_related("member")
        .order_by("member__card_number")
    )


def committee_ids(code: str = CELL) -> set[int]:
    return set(
        PartyRole.objects.filter(organization__code=code).values_list("member_id", flat=True)
    )


def decide(ev: Evaluation, level: Level = Level.GOOD, number: str = "40-QĐ/ĐU") -> Decision:
    return services.decide(actor=None, evaluation_id=ev.pk, outcome=level, number=number, date=DAY)


def refusal(call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def decide_ordinary(cycle: Cycle, evs: list[Evaluation]) -> None:
    completed = [(ev, Level.COMPLETED) for ev in evs]
    decide_batch(cycle, completed, number="41-QĐ/ĐU", date=DAY, unit_code=CELL)


@pytest.mark.django_db
def test_the_cell_is_refused_until_its_ordinary_members_are_decided_then_its_secretary(
    cycle: Cycle,
):
    on_committee = committee_ids()
    ordinary = [ev for ev in members(cycle) if ev.member_id not in on_committee]
    secretary = [ev for ev in members(cycle) if ev.member_id in on_committee]
    assert len(ordinary) >= 2
    assert secretary
    error = refusal(lambda: decide(cell_ev(cycle)))
    assert error.rule == MEMBERS_FIRST
    assert "Điều 12" in error.citation
    for ev in ordinary:
        assert ev.member is not None
        assert ev.member.full_name in error.message
    for ev in secretary:
        assert ev.member is not None
        assert ev.member.full_name not in error.message
    # One ordinary member left: still refused, naming only that one.
    decide_ordinary(cycle, ordinary[:-1])
    error = refusal(lambda: decide(cell_ev(cycle)))
    last = ordinary[-1].member
    assert last is not None
    assert error.message.endswith(f"chưa xếp loại đảng viên {last.full_name}.")
    assert not Decision.objects.filter(evaluation=cell_ev(cycle)).exists()
    decide_ordinary(cycle, ordinary[-1:])
    assert decide(cell_ev(cycle)).level == Level.GOOD
    # The secretary (on the cell's committee) after the cell: no deadlock either way.
    assert decide(secretary[0], Level.COMPLETED).level == Level.COMPLETED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        PartyRoleKind.DEPUTY_SECRETARY,
        PartyRoleKind.STANDING_COMMITTEE,
        PartyRoleKind.COMMITTEE_MEMBER,
    ],
)
def test_a_cell_member_on_the_grassroots_committee_is_rated_with_it_not_before_the_cell(
    cycle: Cycle, role: PartyRoleKind
):
    """Điều 12 without a cycle (a5): a member of the cell who sits on the grassroots committee
    above it waits for that committee (which waits for the cell), so the cell does not wait for
    him or her as for an ordinary member; the cell is decided after its truly ordinary ones."""
    on_committee = committee_ids()
    ordinary = [ev for ev in members(cycle) if ev.member_id not in on_committee]
    seated = ordinary[0].member
    assert seated is not None
    people_services.assign_party_role(
        actor=None,
        card_number=seated.card_number,
        organization_code=ORG,
        role=role,
        start=dt.date(2026, 1, 1),
    )
    error = refusal(lambda: decide(cell_ev(cycle)))
    assert error.rule == MEMBERS_FIRST
    assert seated.full_name not in error.message
    decide_ordinary(cycle, ordinary[1:])
    assert decide(cell_ev(cycle)).level == Level.GOOD


@pytest.mark.django_db
def test_one_batch_decides_the_cell_after_its_members_as_one_decision_after_another(
    cycle: Cycle,
):
    """A batch's checks see the decisions accepted before them in the same batch (they are
    written before a check reads decisions): the cell after its ordinary members passes, the
    cell before them is refused as a lone decision would be, and nothing is written."""
    on_committee = committee_ids()
    ordinary = [ev for ev in members(cycle) if ev.member_id not in on_committee]
    cell = cell_ev(cycle)

    def batch(evs: list[tuple[Evaluation, Level]]) -> list[Decision]:
        return decide_batch(cycle, evs, number="42-QĐ/ĐU", date=DAY)

    in_members = [(ev, Level.COMPLETED) for ev in ordinary]
    written = Decision.objects.filter(evaluation__cycle=cycle)
    before = written.count()
    with pytest.raises(services.BatchRefused) as caught:
        batch([(cell, Level.GOOD), *in_members])
    assert [(r.evaluation_id, r.finding.rule) for r in caught.value.refusals] == [
        (cell.pk, MEMBERS_FIRST)
    ]
    assert written.count() == before
    done = batch([*in_members, (cell, Level.GOOD)])
    assert [(d.evaluation_id, d.level) for d in done] == [
        *((ev.pk, Level.COMPLETED) for ev in ordinary),
        (cell.pk, Level.GOOD),
    ]
    assert written.count() == before + len(done)


@pytest.mark.django_db
@pytest.mark.parametrize("fact", ["exempted", "suspended"])
def test_a_member_who_does_not_review_is_not_waited_for(cycle: Cycle, fact: str):
    on_committee = committee_ids()
    ordinary = [ev for ev in members(cycle) if ev.member_id not in on_committee]
    apart = ordinary[0]
    facts = (
        services.FactsInput(exempted=True)
        if fact == "exempted"
        else services.FactsInput(suspended=True)
    )
    services.record_facts(actor=None, evaluation_id=apart.pk, facts=facts)
    decide_ordinary(cycle, ordinary[1:])
    assert decide(cell_ev(cycle)).level == Level.GOOD


@pytest.mark.django_db
def test_six_months_before_the_period_end_is_the_boundary_of_who_is_waited_for():
    """Điều 5: admitted 30/6/2025 is reviewed in the year ending 31/12/2025 (the cell waits),
    admitted 01/7/2025 is not (less than 6 months): the cell does not wait for that member."""

    def admitted(card: str, name: str, day: dt.date) -> None:
        enter_member(CELL, card, name, "female", day, status="probationary")

    admitted("45.009911", "Nguyễn Thị Đủ Sáu Tháng", dt.date(2025, 6, 30))
    admitted("45.009912", "Nguyễn Thị Chưa Đủ", dt.date(2025, 7, 1))
    year = services.open_cycle(actor=None, organization_code=ORG, year=2025)
    assert year.profile_id == "qd366"
    error = refusal(lambda: decide(cell_ev(year)))
    assert error.rule == MEMBERS_FIRST
    assert "Nguyễn Thị Đủ Sáu Tháng" in error.message
    assert "Nguyễn Thị Chưa Đủ" not in error.message


@pytest.mark.django_db
def test_a_quarter_s_cell_does_not_wait_for_ordinary_members_who_need_no_quarterly_rating():
    quarter = services.open_cycle(actor=None, organization_code=ORG, year=2026, quarter=4)
    assert decide(cell_ev(quarter)).level == Level.GOOD


@pytest.mark.django_db
def test_older_cycles_keep_their_order_the_cell_before_its_members():
    """qd124 (2023) rates every collective before its individuals: no members-first rule."""
    old = services.open_cycle(actor=None, organization_code=ORG, year=2023)
    assert decide(cell_ev(old)).level == Level.GOOD


@pytest.mark.django_db
def test_the_web_page_refuses_the_cell_naming_the_rule_and_article(
    cycle: Cycle, client_for: Callable[[str], Client]
):
    ev = cell_ev(cycle)
    response = client_for("vanphong").post(
        f"/evaluation/danh-gia/{ev.pk}/",
        {
            "action": "decision",
            "decision-outcome": "good",
            "decision-number": "42-QĐ/ĐU",
            "decision-date": "2026-12-20",
        },
    )
    body = response.content.decode()
    assert MEMBERS_FIRST in body
    assert "Điều 12 quy định xếp loại đảng viên trước, tổ chức đảng sau" in body
    assert not Decision.objects.filter(evaluation=ev).exists()


@pytest.mark.django_db
def test_the_api_refuses_the_cell_naming_the_rule(cycle: Cycle, api_for: Callable[[str], Any]):
    ev = cell_ev(cycle)
    response = api_for("vanphong").post(
        f"/api/v1/evaluations/{ev.pk}/decision/",
        {"outcome": "good", "number": "43-QĐ/ĐU", "date": "2026-12-20"},
        format="json",
    )
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["rule"] == MEMBERS_FIRST
    assert "Điều 12" in error["message"]
    assert not Decision.objects.filter(evaluation=ev).exists()


def _row(*, card: str = "", org: str = "", body: str = "", level: str = "Hoàn thành nhiệm vụ"):
    return [card, org, "", 2026, level, "", body, "44-QĐ/ĐU", "20/12/2026", "", ""]


@pytest.mark.django_db
def test_the_workbook_refuses_the_cell_first_and_accepts_it_after_its_members(
    cycle: Cycle, user_named: Callable[[str], Any]
):
    user = user_named("vanphong")
    refused = run_import(
        write_workbook([(EvaluationResultSheet(), [_row(org=CELL)])]), actor=user, dry_run=False
    )
    assert [p.rule for p in refused.errors] == [MEMBERS_FIRST]
    on_committee = committee_ids()
    rows = [
        _row(card=ev.member.card_number)
        for ev in members(cycle)
        if ev.member is not None and ev.member_id not in on_committee
    ]
    report = run_import(
        write_workbook([(EvaluationResultSheet(), [*rows, _row(org=CELL)])]),
        actor=user,
        dry_run=False,
    )
    assert report.ok, report.problems
    assert Decision.objects.get(evaluation=cell_ev(cycle)).level == Level.COMPLETED


# --- the deciding body, through the services ------------------------------------------------------


def _nested_grassroots() -> tuple[str, str]:
    """A đảng bộ cơ sở placed under the department's (as an office may record it), with one cell
    and one member: their grassroots committee is the nested one."""
    nested, cell = f"{ORG}.BP", f"{ORG}.BP.CB1"
    people_services.create_organization(
        actor=None,
        data=OrganizationInput(
            code=nested, name="Đảng bộ Trường THPT Mẫu", kind="grassroots", parent_code=ORG
        ),
    )
    people_services.create_organization(
        actor=None,
        data=OrganizationInput(code=cell, name="Chi bộ Giáo viên", kind="cell", parent_code=nested),
    )
    enter_member(
        cell,
        "45.009921",
        "Phan Văn Lồng",
        "male",
        dt.date(2015, 3, 2),
        full_member_on=dt.date(2016, 3, 2),
        status="full",
    )
    return nested, cell


@pytest.mark.django_db
def test_the_outer_committee_deciding_a_member_of_a_nested_grassroots_is_refused():
    nested, cell = _nested_grassroots()
    outer = services.open_cycle(actor=None, organization_code=ORG, year=2026, quarter=4)
    member = Evaluation.objects.get(cycle=outer, member__card_number="45.009921")
    error = refusal(lambda: decide(member, Level.COMPLETED))
    assert error.rule == COMPETENT
    assert "Hướng dẫn 43-HD/BTCTW (31/10/2025), mục 3" in error.citation
    assert f"({nested}) quyết định xếp loại đảng viên 45.009921" in error.message
    assert f"({ORG}) không có thẩm quyền" in error.message
    # The outer committee may not decide the nested one's cell either.
    error = refusal(lambda: decide(cell_ev(outer, cell), Level.COMPLETED))
    assert error.rule == COMPETENT
    # The nested committee decides its own member, then its cell.
    own = services.open_cycle(actor=None, organization_code=nested, year=2026, quarter=4)
    ev = Evaluation.objects.get(cycle=own, member__card_number="45.009921")
    assert decide(ev, Level.COMPLETED).deciding_body.code == nested
    assert decide(cell_ev(own, cell), Level.COMPLETED).deciding_body.code == nested


@pytest.mark.django_db
def test_the_grassroots_committee_decides_its_own_cells_and_members(cycle: Cycle):
    """The usual case: no refusal, and the decision records the grassroots committee."""
    ev = members(cycle)[0]
    on_committee = committee_ids()
    if ev.member_id in on_committee:
        ev = members(cycle)[1]
    assert decide(ev, Level.COMPLETED).deciding_body.code == ORG


# --- the local rule linking the quarters to the year (off by default) ---------------------------

LOCAL_QUARTERS = "qd366.local.quarter_not_completed_bars_excellent"
ON = Qd366Params(quarter_not_completed_bars_excellent=True)


@pytest.mark.parametrize(
    ("params", "level", "quarters", "refused"),
    [
        (Qd366Params(), Level.EXCELLENT, {1: Level.NOT_COMPLETED}, False),  # off by default
        (ON, Level.EXCELLENT, {1: Level.NOT_COMPLETED, 3: Level.NOT_COMPLETED}, True),
        (ON, Level.EXCELLENT, {1: Level.COMPLETED, 2: Level.GOOD}, False),
        (ON, Level.GOOD, {1: Level.NOT_COMPLETED}, False),
        (ON, Level.EXCELLENT, {}, False),
    ],
)
def test_the_local_quarter_rule_bars_excellent_only_when_turned_on(
    params: Qd366Params, level: Level, quarters: dict[int, Level], refused: bool
):
    found = qd366.year_after_quarters(level, quarters, params)
    assert [f.rule for f in found] == ([LOCAL_QUARTERS] if refused else [])
    if refused:
        assert "quý 1, 3" in found[0].message
        assert "quy định của địa phương" in found[0].citation


def test_the_local_quarter_rule_is_an_unverified_parameter_off_by_default():
    row = next(r for r in Qd366Params().rows() if r.name == "quarter_not_completed_bars_excellent")
    assert (row.value, row.verified) == (False, False)
    assert "địa phương" in row.source


@pytest.mark.django_db
def test_a_year_decision_reads_the_quarters_when_the_office_turns_the_local_rule_on():
    """2027: quarter 1 decided not_completed; the year's `excellent` is refused with the local
    rule in a cycle that turns it on, and the rule is silent in the demo's cycle (off)."""
    first = services.open_cycle(actor=None, organization_code=ORG, year=2027, quarter=1)
    ev_q1 = members(first)[1]
    assert ev_q1.member is not None
    decide(ev_q1, Level.NOT_COMPLETED, number="1-QĐ/ĐU")
    year = services.open_cycle(
        actor=None,
        organization_code=ORG,
        year=2027,
        params={"quarter_not_completed_bars_excellent": True},
    )
    ev = Evaluation.objects.get(cycle=year, member=ev_q1.member)
    error = refusal(lambda: decide(ev, Level.EXCELLENT, number="9-QĐ/ĐU"))
    local = next(f for f in error.findings if f.rule == LOCAL_QUARTERS)
    assert "quý 1" in local.message
    assert local.subject == ev_q1.member.card_number
    # the same subject without a failed quarter (another member): no local finding
    other = members(year)[2]
    error = refusal(lambda: decide(other, Level.EXCELLENT, number="9-QĐ/ĐU"))
    assert LOCAL_QUARTERS not in {f.rule for f in error.findings}
