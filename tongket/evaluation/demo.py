"""Demo step: the 2020 results of the seed article under qd132, and an open 2026 cycle (qd366).

The article (Đảng ủy Sở GD&ĐT Quảng Trị, 24/02/2021): the department's Party organization rated
«Hoàn thành tốt nhiệm vụ» by the bloc committee; 02 cells excellent and 05 good; 10 members
excellent. Which members and which second cell are excellent, the decision numbers and the
justification text are sample data. The other 40 members are `good`: 10 excellent of 50 fits the
quota only under the `good_or_better` base (DOMAIN.md §3), which the 2020 cycle uses; the 2 cells
excellent against 5 good exceed it under any base, so the cycle runs under `warn` and the decision
records the Party committee's justification, shown by `tongket findings`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from tongket.core.demo import DEMO_ORG, DemoContext
from tongket.evaluation import services
from tongket.evaluation.domain import Level
from tongket.evaluation.models import Cycle, Evaluation, SubjectKind
from tongket.evaluation.selectors import Outcome
from tongket.people.models import Organization

BLOC = "QT.KCQDN"
EXCELLENT_CELLS = ("TCCB", "VP")
# Excellent members per cell (the first ones by card number); 10 in all, as the article says.
EXCELLENT_MEMBERS = {"VP": 3, "TCCB": 3, "GDMNTH": 1, "GDTRH": 1, "KHTC": 1, "KTQLCL": 1}
MEMBERS_DECISION = ("125-QĐ/ĐU", dt.date(2021, 1, 15))
CELLS_DECISION = ("126-QĐ/ĐU", dt.date(2021, 1, 15))
BLOC_DECISION = ("412-QĐ/ĐUK", dt.date(2021, 1, 28))
CELL_JUSTIFICATION = (
    "Hội nghị Đảng ủy Sở ngày 12/01/2021 thống nhất: Chi bộ Văn phòng có 100% đảng viên hoàn "
    "thành tốt nhiệm vụ trở lên, lãnh đạo cơ quan hoàn thành xuất sắc nhiệm vụ tham mưu tổng kết "
    "năm học 2019-2020 và tổ chức Kỳ thi tốt nghiệp THPT năm 2020 an toàn; đề nghị xếp loại hoàn "
    "thành xuất sắc nhiệm vụ dù vượt tỷ lệ 20%."
)
# 2026 (qd366): self-assessments entered in the TCCB cell so a user can try the workflow.
POINTS_2026 = (
    {"1.1": "8", "1.2": "8", "1.3": "7", "1.4": "6.5", "2.1": "38", "2.2": "18", "2.3": "8"},
    {"1.1": "7.5", "1.2": "8", "1.3": "6", "1.4": "6", "2.1": "32", "2.2": "15", "2.3": "5"},
    {"1.1": "7", "1.2": "7", "1.3": "6", "1.4": "6", "2.1": "30", "2.2": "14", "2.3": "4"},
)


def load(ctx: DemoContext) -> None:
    if not Organization.objects.filter(code=DEMO_ORG).exists():
        return
    org = Organization.objects.get(code=DEMO_ORG)
    if not Cycle.objects.filter(organization=org, year=2020, quarter__isnull=True).exists():
        _load_2020()
        ctx.notes.append(
            "Kỳ đánh giá năm 2020 (Quy định 132-QĐ/TW): 10/50 đảng viên, 02/07 chi bộ hoàn thành "
            "xuất sắc nhiệm vụ; Đảng bộ Sở hoàn thành tốt nhiệm vụ (theo bài viết)."
        )
    if not Cycle.objects.filter(organization=org, year=2026, quarter__isnull=True).exists():
        _load_2026()
        ctx.notes.append("Kỳ đánh giá năm 2026 (Quy định 366-QĐ/TW) đang mở để dùng thử.")
        ctx.notes.append(_load_2026_season())


@transaction.atomic
def _load_2020() -> None:
    bloc_cycle = Cycle.objects.filter(
        organization__code=BLOC, year=2020, quarter__isnull=True
    ).first() or services.open_cycle(actor=None, organization_code=BLOC, year=2020)
    cycle = services.open_cycle(
        actor=None,
        organization_code=DEMO_ORG,
        year=2020,
        params={"quota_base": "good_or_better", "quota_enforcement": "warn"},
    )
    members = list(
        Evaluation.objects.filter(cycle=cycle, subject_kind=SubjectKind.MEMBER)
        .select_related("unit", "member")
        .order_by("unit__sort_order", "member__card_number")
    )
    by_cell: dict[str, list[Evaluation]] = {}
    for ev in members:
        by_cell.setdefault(ev.unit.code.rsplit(".", 1)[1], []).append(ev)
    excellent: dict[str, list[int]] = {
        suffix: [ev.pk for ev in evs[: EXCELLENT_MEMBERS.get(suffix, 0)]]
        for suffix, evs in by_cell.items()
    }
    number, date = MEMBERS_DECISION
    # The good decisions first: the quota's base counts decided levels, so the excellent ones
    # are checked against the whole grassroots organization, as the committee did.
    for want_excellent in (False, True):
        for suffix, evs in by_cell.items():
            outcomes: dict[int, Outcome] = {
                ev.pk: Level.EXCELLENT if ev.pk in excellent[suffix] else Level.GOOD
                for ev in evs
                if (ev.pk in excellent[suffix]) is want_excellent
            }
            if outcomes:
                services.decide_many(
                    actor=None,
                    cycle_id=cycle.pk,
                    unit_code=f"{DEMO_ORG}.{suffix}",
                    items=[services.DecisionItem(pk, outcomes[pk]) for pk in sorted(outcomes)],
                    number=number,
                    date=date,
                )
    cells = list(
        Evaluation.objects.filter(cycle=cycle, subject_kind=SubjectKind.ORGANIZATION)
        .select_related("organization")
        .order_by("organization__sort_order")
    )
    number, date = CELLS_DECISION
    ordered = sorted(cells, key=lambda ev: _cell_rank(ev))
    for ev in ordered:
        assert ev.organization is not None
        suffix = ev.organization.code.rsplit(".", 1)[1]
        is_excellent = suffix in EXCELLENT_CELLS
        services.decide(
            actor=None,
            evaluation_id=ev.pk,
            outcome=Level.EXCELLENT if is_excellent else Level.GOOD,
            number=number,
            date=date,
            justification=CELL_JUSTIFICATION if suffix == EXCELLENT_CELLS[-1] else "",
        )
    own = Evaluation.objects.get(cycle=bloc_cycle, organization__code=DEMO_ORG)
    number, date = BLOC_DECISION
    services.decide(actor=None, evaluation_id=own.pk, outcome=Level.GOOD, number=number, date=date)


def _record_tasks(
    ev: Evaluation, tally: tuple[int, int, int, int, int], *, sick_leave_months: Decimal
) -> None:
    """The office records a member's task counts (total, completed, on time, late, exceeded)
    and months of sick leave."""
    total, completed, on_time, late, exceeded = tally
    services.record_facts(
        actor=None,
        evaluation_id=ev.pk,
        facts=services.FactsInput(
            tasks_total=total,
            tasks_completed=completed,
            tasks_on_time=on_time,
            tasks_late=late,
            tasks_exceeded=exceeded,
            sick_leave_months=sick_leave_months,
        ),
    )


def _self_assess(
    ev: Evaluation,
    tally: tuple[int, int, int, int, int],
    level: Level,
    points: dict[str, str],
    form: str,
) -> None:
    """The member's task counts (total, completed, on time, late, exceeded), then the
    self-assessment with its points and level, as the office enters a paper form."""
    _record_tasks(ev, tally, sick_leave_months=Decimal(0))
    services.submit_self_assessment(
        actor=None,
        evaluation_id=ev.pk,
        level=level,
        points=points,
        comment=f"Tự đánh giá theo {form} (Hướng dẫn 43-HD/BTCTW).",
    )


def _cell_rank(ev: Evaluation) -> int:
    assert ev.organization is not None
    suffix = ev.organization.code.rsplit(".", 1)[1]
    if suffix not in EXCELLENT_CELLS:
        return 0
    return 1 + EXCELLENT_CELLS.index(suffix)


@transaction.atomic
def _load_2026() -> None:
    cycle = services.open_cycle(actor=None, organization_code=DEMO_ORG, year=2026)
    tccb = list(
        Evaluation.objects.filter(
            cycle=cycle, subject_kind=SubjectKind.MEMBER, unit__code=f"{DEMO_ORG}.TCCB"
        )
        .select_related("member")
        .order_by("member__card_number")
    )
    tallies = ((10, 10, 10, 0, 4), (8, 8, 8, 0, 1), (9, 9, 8, 1, 0))
    levels = (Level.EXCELLENT, Level.GOOD, Level.GOOD)
    for ev, points, tally, level in zip(tccb, POINTS_2026, tallies, levels, strict=False):
        allowed = level if tally[2] == tally[0] else Level.COMPLETED
        _self_assess(ev, tally, allowed, points, "Mẫu 2C")
    if tccb:
        services.record_proposal(
            actor=None,
            evaluation_id=tccb[0].pk,
            outcome=Level.EXCELLENT,
            comment="Chi bộ thống nhất đề nghị xếp loại hoàn thành xuất sắc nhiệm vụ.",
        )


# 2026 under 366-QĐ/TW as verified (issue 24): the quota groups and a recorded 25 % exception, a
# member not reviewed, a member on long sick leave judged on results, a cell secretary capped by
# the cell. Sample data; the cells and members chosen are not those the workflow sample uses.
EXCEPTION_2026 = ("30-QĐ/ĐU", dt.date(2026, 12, 1))
LEADER_CELL = "KTQLCL"
EXEMPTED_CELL = "GDMNTH"
SICK_CELL = "GDTRH"


@transaction.atomic
def _load_2026_season() -> str:
    from tongket.people.models import PartyRole, PartyRoleKind

    cycle = Cycle.objects.get(organization__code=DEMO_ORG, year=2026, quarter__isnull=True)
    services.assign_quota_groups(
        actor=None, cycle_id=cycle.pk, subject_kind=SubjectKind.ORGANIZATION, basis="org_kind"
    )
    services.assign_quota_groups(
        actor=None, cycle_id=cycle.pk, subject_kind=SubjectKind.MEMBER, basis="post"
    )
    number, date = EXCEPTION_2026
    services.record_quota_exception(
        actor=None,
        cycle_id=cycle.pk,
        subject_kind=SubjectKind.ORGANIZATION,
        groups=["Chi bộ"],
        percent=Decimal(25),
        number=number,
        date=date,
        reason="Các chi bộ trực thuộc có kết quả nổi trội: tham mưu tổ chức Kỳ thi tốt nghiệp "
        "THPT năm 2026 an toàn, đúng quy chế",
    )

    def members_of(cell: str) -> list[Evaluation]:
        return list(
            Evaluation.objects.filter(
                cycle=cycle, subject_kind=SubjectKind.MEMBER, unit__code=f"{DEMO_ORG}.{cell}"
            )
            .select_related("member")
            .order_by("member__card_number")
        )

    exempted = members_of(EXEMPTED_CELL)[-1]
    services.record_facts(
        actor=None, evaluation_id=exempted.pk, facts=services.FactsInput(exempted=True)
    )
    sick = members_of(SICK_CELL)[-1]
    _record_tasks(sick, (8, 8, 8, 0, 3), sick_leave_months=Decimal(4))
    cell_code = f"{DEMO_ORG}.{LEADER_CELL}"
    secretary = PartyRole.objects.get(
        organization__code=cell_code, role=PartyRoleKind.SECRETARY
    ).member
    head = Evaluation.objects.get(cycle=cycle, member=secretary)
    # Under 366 `good` is decided on a score (issue 18): both members self-assess with one.
    for ev in (sick, head):
        services.submit_self_assessment(
            actor=None,
            evaluation_id=ev.pk,
            level=Level.GOOD,
            points=POINTS_2026[1],
            comment="Tự đánh giá theo Mẫu 2C (Hướng dẫn 43-HD/BTCTW).",
        )
    # Long sick leave under 366: judged on the year's actual results (no cap below good). An
    # ordinary member is decided before the cell (Điều 12: members before the organization).
    services.decide(
        actor=None, evaluation_id=sick.pk, outcome=Level.GOOD, number="32-QĐ/ĐU", date=date
    )
    # The cell after its ordinary members, its secretary after the cell (Điều 12).
    services.decide_many(
        actor=None,
        cycle_id=cycle.pk,
        unit_code=cell_code,
        items=[
            services.DecisionItem(ev.pk, Level.COMPLETED)
            for ev in members_of(LEADER_CELL)
            if ev.pk != head.pk
        ],
        number="32-QĐ/ĐU",
        date=date,
    )
    cell = Evaluation.objects.get(cycle=cycle, organization__code=cell_code)
    services.decide(
        actor=None, evaluation_id=cell.pk, outcome=Level.GOOD, number="31-QĐ/ĐU", date=date
    )
    services.decide(
        actor=None, evaluation_id=head.pk, outcome=Level.GOOD, number="32-QĐ/ĐU", date=date
    )
    star = _decide_five_year_member(cycle.pk, members_of(FIVE_YEAR_CELL), date)
    assert exempted.member is not None
    assert sick.member is not None
    return (
        "Năm 2026: nhóm tính tỷ lệ theo loại tổ chức và theo chức vụ; Quyết định số "
        f"{number} nâng tỷ lệ của nhóm «Chi bộ» lên 25%; {exempted.member.full_name} được miễn "
        f"sinh hoạt đảng (không kiểm điểm, không xếp loại); {sick.member.full_name} nghỉ ốm 4 "
        "tháng, xếp loại hoàn thành tốt theo kết quả thực tế; "
        f"{secretary.full_name}, Bí thư chi bộ {LEADER_CELL} (hoàn thành tốt nhiệm vụ), không "
        "được xếp loại cao hơn chi bộ. "
        f"Chi bộ {FIVE_YEAR_CELL}: {star}"
    )


# The member of the 5-year award (issue 24, point 8): excellent in 2026 here, the four years
# before entered from the records by the awards step. An ordinary member (no Party role), so
# neither a unit's level nor the committee's order bears on the decision; the cell's other
# ordinary members are rated good first, so the group's quota (20 % of those rated good,
# Điều 11, point 1.5) allows one excellent.
FIVE_YEAR_CELL = "VP"
FIVE_YEAR_DECISION = "33-QĐ/ĐU"


def five_year_member(cell_members: list[Evaluation]) -> list[Evaluation]:
    """The cell's ordinary members by card number (no Party role in the organization)."""
    from tongket.people.models import PartyRole

    leaders = set(PartyRole.objects.filter(end__isnull=True).values_list("member_id", flat=True))
    return [ev for ev in cell_members if ev.member_id not in leaders]


def _decide_five_year_member(cycle_id: int, cell_members: list[Evaluation], date: dt.date) -> str:
    ordinary = five_year_member(cell_members)
    star, others = ordinary[0], ordinary[1:]
    plans = [(ev, Level.GOOD, POINTS_2026[1], (8, 8, 8, 0, 1)) for ev in others]
    plans.append((star, Level.EXCELLENT, POINTS_2026[0], (10, 10, 10, 0, 4)))
    for ev, level, points, tally in plans:
        _self_assess(ev, tally, level, points, "Mẫu 2B")
    services.decide_many(
        actor=None,
        cycle_id=cycle_id,
        unit_code=f"{DEMO_ORG}.{FIVE_YEAR_CELL}",
        items=[services.DecisionItem(ev.pk, Level.GOOD) for ev in others],
        number=FIVE_YEAR_DECISION,
        date=date,
    )
    services.decide(
        actor=None,
        evaluation_id=star.pk,
        outcome=Level.EXCELLENT,
        number=FIVE_YEAR_DECISION,
        date=date,
    )
    assert star.member is not None
    return (
        f"{len(others):02d} đảng viên hoàn thành tốt nhiệm vụ, {star.member.full_name} hoàn "
        "thành xuất sắc nhiệm vụ (xét Giấy khen 5 năm liền)."
    )
