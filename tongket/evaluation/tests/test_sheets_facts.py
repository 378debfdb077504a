"""The «Dữ kiện đánh giá» workbook sheet: the facts through `services.record_facts` (the same
checks and audit as the facts page and the API), refusals naming row and column, round trip."""

from __future__ import annotations

from typing import Any

import pytest

from tongket.audit.models import AuditEvent
from tongket.evaluation.models import Cycle, Evaluation
from tongket.evaluation.sheets import FACT_BOOLS, FACT_INTS, EvaluationFactsSheet
from tongket.exchange.exporter import export_workbook
from tongket.exchange.importer import run_import
from tongket.exchange.workbook import write_workbook

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
COLUMNS = [c.key for c in EvaluationFactsSheet.columns]


def member_2026(cell: str = "TTR", index: int = 1) -> Evaluation:
    cycle = Cycle.objects.get(organization__code=ORG, year=2026, quarter__isnull=True)
    return Evaluation.objects.filter(
        cycle=cycle, subject_kind="member", unit__code=f"{ORG}.{cell}"
    ).order_by("member__card_number")[index]


def row(card: str, **values: Any) -> list[Any]:
    cells = {"card_number": card, "year": 2026, **values}
    return [cells.get(key, "") for key in COLUMNS]


def book(*rows: list[Any]) -> bytes:
    return write_workbook([(EvaluationFactsSheet(), rows)])


def test_the_office_imports_task_counts_discipline_and_a_confidence_vote_with_audit(user_named):
    ev = member_2026()
    assert ev.member is not None
    data = book(
        row(
            ev.member.card_number,
            tasks_total=10,
            tasks_completed=10,
            tasks_on_time=9,
            tasks_late=1,
            disciplined="Có",
            discipline_form="Khiển trách",
            discipline_date="04/05/2026",
            confidence_votes=20,
            low_confidence_votes=3,
            sick_leave_months="3,5",
        )
    )
    report = run_import(data, actor=user_named("vanphong"), dry_run=False)
    assert report.ok, report.problems
    ev.refresh_from_db()
    assert (ev.tasks_total, ev.tasks_on_time, ev.tasks_late) == (10, 9, 1)
    assert (ev.disciplined, ev.discipline_form, str(ev.discipline_date)) == (
        True,
        "reprimand",
        "2026-05-04",
    )
    assert (ev.confidence_votes, ev.low_confidence_votes) == (20, 3)
    assert str(ev.sick_leave_months) == "3.5"
    assert AuditEvent.objects.filter(
        action="evaluation.facts.record", object_id=str(ev.pk)
    ).exists()


def test_counts_that_do_not_add_up_are_refused_naming_the_row_and_nothing_is_written(user_named):
    first, second = member_2026(index=1), member_2026(index=2)
    assert first.member is not None
    assert second.member is not None
    data = book(
        row(first.member.card_number, tasks_total=5),
        row(second.member.card_number, tasks_total=5, tasks_completed=6),
    )
    report = run_import(data, actor=user_named("vanphong"), dry_run=False)
    assert not report.ok
    assert [(p.row, p.rule) for p in report.errors] == [(3, "evaluation.facts.invalid")]
    first.refresh_from_db()
    assert first.tasks_total is None  # one transaction: the good row is not written either


def test_a_subject_without_a_yearly_cycle_is_refused_with_its_rule(user_named):
    report = run_import(book(row("99.999999")), actor=user_named("vanphong"), dry_run=True)
    assert [(p.row, p.column, p.rule) for p in report.errors] == [
        (2, "Số thẻ", "import.evaluation.not_in_cycle")
    ]


def test_a_cell_secretary_cannot_record_facts_through_the_workbook(user_named):
    ev = member_2026(cell="TCCB")
    assert ev.member is not None
    report = run_import(
        book(row(ev.member.card_number, tasks_total=3)), actor=user_named("bithu"), dry_run=False
    )
    assert not report.ok
    ev.refresh_from_db()
    assert ev.tasks_total != 3


@pytest.mark.parametrize("username", ["vanphong", "bithu", "khoi"])
def test_exported_facts_import_back_without_any_change(username, user_named):
    user = user_named(username)
    report = run_import(export_workbook(user, ["evaluation_facts"]), actor=user, dry_run=False)
    assert report.ok, report.problems
    assert report.changes == 0


def test_the_sheet_has_a_column_for_every_fact_the_rules_read():
    keys = set(COLUMNS)
    assert {key for key, _h in (*FACT_INTS, *FACT_BOOLS)} <= keys
    assert {"discipline_form", "discipline_date", "discipline_unit", "civil_service_level"} <= keys
