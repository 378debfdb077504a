"""Programs through the services: sealing on adoption, amendments, tracking, overdue, scoping."""

from __future__ import annotations

import datetime as dt

import pytest

from tongket.core.demo import DEMO_ORG
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.programs import selectors, services
from tongket.programs.models import Amendment, Program, ProgramKind, ProgramStatus

pytestmark = pytest.mark.django_db

TCCB = f"{DEMO_ORG}.TCCB"


def _work() -> Program:
    return Program.objects.get(organization__code=DEMO_ORG, year=2021, kind=ProgramKind.WORK)


def _inspection() -> Program:
    return Program.objects.get(organization__code=DEMO_ORG, year=2021, kind=ProgramKind.INSPECTION)


def _draft(year: int = 2022) -> Program:
    program = services.create_program(
        actor=None,
        organization_code=DEMO_ORG,
        year=year,
        kind=ProgramKind.WORK,
        title=f"Chương trình công tác năm {year}",
    )
    services.add_item(
        actor=None,
        program_id=program.pk,
        data=services.ItemInput("1", "Tổng kết công tác năm", month=12),
    )
    return program


def test_the_demo_programs_were_sealed_by_the_conference() -> None:
    for program in (_work(), _inspection()):
        assert program.status == ProgramStatus.ADOPTED
        assert program.adopted_on == dt.date(2021, 2, 24)
        assert program.adopted_snapshot is not None
        assert len(program.adopted_snapshot["items"]) == program.items.count()


def test_a_draft_is_changed_freely_without_an_amendment() -> None:
    program = _draft()
    item = program.items.get()
    services.update_item(
        actor=None,
        item_id=item.pk,
        data=services.ItemInput("1", "Tổng kết công tác xây dựng Đảng năm", month=12),
    )
    assert not Amendment.objects.filter(program=program).exists()


def test_an_adopted_program_refuses_a_change_without_a_reason() -> None:
    item = _work().items.get(code="9")
    with pytest.raises(DomainError) as refused:
        services.update_item(
            actor=None,
            item_id=item.pk,
            data=services.ItemInput("9", "Nội dung khác", month=11),
        )
    assert refused.value.rule == "programs.amendment.reason_required"


def test_an_amendment_with_a_reason_is_recorded_and_the_adopted_snapshot_kept() -> None:
    program = _work()
    snapshot = program.adopted_snapshot
    item = program.items.get(code="9")
    services.update_item(
        actor=None,
        item_id=item.pk,
        data=services.ItemInput(
            "9",
            item.content,
            month=11,
            in_charge_text=item.in_charge_text,
            in_charge_organization_code=DEMO_ORG,
        ),
        reason="Đảng ủy Khối yêu cầu nộp báo cáo sớm hơn một tháng.",
        on=dt.date(2021, 10, 1),
    )
    amendment = Amendment.objects.get(program=program)
    assert amendment.number == 1
    assert amendment.before is not None
    assert amendment.before["month"] == 12
    assert amendment.after is not None
    assert amendment.after["month"] == 11
    program.refresh_from_db()
    assert program.adopted_snapshot == snapshot


def test_adding_an_item_to_an_adopted_program_needs_a_reason() -> None:
    program = _inspection()
    data = services.ItemInput("6", "Giám sát bổ sung", month=11, activity="supervision")
    with pytest.raises(DomainError):
        services.add_item(actor=None, program_id=program.pk, data=data)
    services.add_item(
        actor=None, program_id=program.pk, data=data, reason="Theo chỉ đạo của Đảng ủy Khối."
    )
    assert program.amendments.count() == 1


def test_a_vote_is_the_way_to_adopt_and_a_second_adoption_is_refused() -> None:
    program = _work()
    with pytest.raises(DomainError):
        services.adopt_program(
            actor=None, program_id=program.pk, adopted_on=dt.date(2021, 3, 1), adopted_at="x"
        )


@pytest.mark.parametrize(
    ("status", "reason", "refused"),
    [
        ("postponed", "", True),
        ("postponed", "Dịch bệnh", False),
        ("cancelled", " ", True),
        ("cancelled", "Cấp trên đã tổ chức", False),
        ("in_progress", "", False),
        ("done", "", False),
    ],
)
def test_postponing_or_cancelling_needs_a_reason(status: str, reason: str, refused: bool) -> None:
    item = _work().items.get(code="8")
    if refused:
        with pytest.raises(DomainError):
            services.change_item_status(actor=None, item_id=item.pk, status=status, reason=reason)
    else:
        services.change_item_status(
            actor=None, item_id=item.pk, status=status, reason=reason, on=dt.date(2021, 11, 5)
        )
        item.refresh_from_db()
        assert item.status == status
        assert item.status_changes.count() == 1


def test_a_cancelled_item_cannot_come_back() -> None:
    item = _work().items.get(code="8")
    services.change_item_status(actor=None, item_id=item.pk, status="cancelled", reason="Lý do")
    with pytest.raises(DomainError) as refused:
        services.change_item_status(actor=None, item_id=item.pk, status="planned")
    assert refused.value.rule == "programs.item.transition"


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (dt.date(2021, 12, 31), False),  # item 8 falls due on the last day of quarter IV
        (dt.date(2022, 1, 1), True),
    ],
)
def test_an_open_item_is_overdue_only_after_its_due_date(today: dt.date, overdue: bool) -> None:
    page = selectors.program_page(None, _work().pk, today=today)
    codes = {row.item.code for row in page.overdue}
    assert ("8" in codes) is overdue
    assert "1" not in codes  # done in January


def test_the_demo_program_page_shows_progress_postponement_and_open_remedies() -> None:
    work = selectors.program_page(None, _work().pk, today=dt.date(2021, 10, 31))
    statuses = {value: count for value, _label, count in work.statuses}
    assert statuses["done"] == 5
    assert statuses["postponed"] == 1
    assert work.summary.total == 9
    postponed = next(r for r in work.rows if r.item.status == "postponed")
    assert postponed.item.status_reason
    inspection = selectors.program_page(None, _inspection().pk, today=dt.date(2021, 10, 31))
    open_remedies = list(inspection.open_remedies)
    assert [r.item.code for r in open_remedies] == ["2"]
    assert open_remedies[0].remedy_overdue


def test_a_cell_plan_links_to_its_committees_program() -> None:
    plan = Program.objects.get(organization__code=TCCB, year=2021)
    assert plan.parent_program == _work()
    assert plan.is_adopted


def test_a_cell_plan_cannot_link_to_a_program_of_another_year() -> None:
    with pytest.raises(DomainError) as refused:
        services.create_program(
            actor=None,
            organization_code=f"{DEMO_ORG}.TTR",
            year=2022,
            kind=ProgramKind.CELL_PLAN,
            title="Kế hoạch 2022",
            parent_program_id=_work().pk,
        )
    assert refused.value.field == "parent_program"


def test_a_secretary_of_another_cell_does_not_see_a_cells_plan(user_named) -> None:
    plan = Program.objects.get(organization__code=TCCB, year=2021)
    outsider = user_named("bithu2")
    with pytest.raises(NotFound):
        selectors.get_program(outsider, plan.pk)
    with pytest.raises(NotFound):
        services.change_item_status(
            actor=outsider, item_id=plan.items.get(code="1").pk, status="in_progress"
        )


def test_a_cell_secretary_reads_but_cannot_change_the_committees_program(user_named) -> None:
    bithu2 = user_named("bithu2")
    assert selectors.get_program(bithu2, _work().pk) == _work()
    with pytest.raises(PermissionDenied):
        services.add_item(
            actor=bithu2,
            program_id=_work().pk,
            data=services.ItemInput("10", "X", month=12),
            reason="Lý do",
        )


def test_the_member_in_charge_updates_the_status_of_their_item(user_named) -> None:
    bithu = user_named("bithu")  # Lê Văn Tính, in charge of item 8
    item = _work().items.get(code="8")
    services.change_item_status(actor=bithu, item_id=item.pk, status="in_progress")
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_the_person_in_charge_sees_what_is_due(user_named) -> None:
    due = selectors.due_items_for(user_named("bithu"), dt.date(2021, 10, 15))
    codes = {(d.program_title, d.code) for d in due}
    assert (_work().title, "7") in codes  # in progress, September: overdue
    assert (_work().title, "8") in codes  # quarter IV has started
    assert all(d.program_title != _work().title or d.code != "1" for d in due)  # done
    assert due[0].overdue


def test_the_office_sees_remedies_and_items_of_its_organization(user_named) -> None:
    due = selectors.due_items_for(user_named("vanphong"), dt.date(2021, 10, 15))
    remedies = [d for d in due if d.is_remedy]
    assert [d.code for d in remedies] == ["2"]
    assert remedies[0].overdue


def test_a_plain_member_has_nothing_due(user_named) -> None:
    assert selectors.due_items_for(user_named("dangvien"), dt.date(2021, 10, 15)) == []
