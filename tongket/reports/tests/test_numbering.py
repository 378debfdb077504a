"""Documents: numbered per issuer, type and year without gaps or reuse; issued ones are sealed."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tongket.audit.models import AuditEvent
from tongket.core.errors import DomainError, NotFound
from tongket.reports import services
from tongket.reports.models import Document, DocumentStatus
from tongket.reports.tests.issuing import DAY, ORG, issue


@pytest.mark.django_db
def test_numbers_run_one_two_three_per_issuer_type_and_year():
    assert [issue().number for _ in range(3)] == [1, 2, 3]
    assert issue(kind="QĐ").number == 1
    assert issue(year=2022).number == 1
    assert issue(org=f"{ORG}.TTR").number == 1
    assert issue().number == 4


@pytest.mark.django_db
def test_a_draft_has_no_number_until_it_is_issued():
    draft = services.create_draft(
        actor=None, organization_code=ORG, kind="TB", year=2021, title="Thông báo", date=DAY
    )
    assert draft.number is None
    assert draft.status == DocumentStatus.DRAFT
    other = issue(kind="TB")
    issued = services.issue_draft(actor=None, document_id=draft.pk)
    assert (other.number, issued.number) == (1, 2)


@pytest.mark.django_db
def test_an_issued_document_is_sealed():
    doc = issue()
    with pytest.raises(DomainError) as refused:
        services.update_draft(actor=None, document_id=doc.pk, title="Sửa lại")
    assert refused.value.rule == "documents.sealed"
    with pytest.raises(DomainError):
        services.issue_draft(actor=None, document_id=doc.pk)


@pytest.mark.django_db
def test_a_superseding_document_takes_a_new_number_and_needs_a_reason():
    old = issue()
    with pytest.raises(DomainError) as refused:
        issue(supersedes_id=old.pk)
    assert refused.value.field == "reason"
    new = issue(supersedes_id=old.pk, reason="Sai số liệu ở phụ lục")
    old.refresh_from_db()
    assert (old.number, new.number, old.status) == (1, 2, DocumentStatus.ISSUED)
    assert old.superseded_by == new
    with pytest.raises(DomainError) as twice:
        issue(supersedes_id=old.pk, reason="Lần nữa")
    assert twice.value.rule == "documents.supersede.once"


@pytest.mark.django_db
def test_an_unknown_type_code_is_refused():
    with pytest.raises(DomainError) as refused:
        issue(kind="XX")
    assert refused.value.field == "kind"


@pytest.mark.django_db
def test_a_cell_secretary_cannot_issue_for_the_party_committee(user_named: Callable[[str], Any]):
    with pytest.raises(NotFound):
        issue(user_named("bithu2"))
    assert issue(user_named("bithu2"), org=f"{ORG}.TTR").number == 1


@pytest.mark.django_db
def test_issuing_is_audited(user_named: Callable[[str], Any]):
    doc = issue(user_named("vanphong"))
    event = AuditEvent.objects.filter(action="document.issue", object_id=str(doc.pk)).get()
    assert event.actor_label == "vanphong"
    assert event.after is not None
    assert event.after["number"] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_every_number_once_without_gaps(demo_loaded: None):
    assert connection.vendor == "postgresql"
    threads_count, per_thread = 8, 5
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                issue(kind="TB", year=2031)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    issued = Document.objects.filter(kind="TB", year=2031).values_list("number", flat=True)
    numbers = sorted(n for n in issued if n is not None)
    assert numbers == list(range(1, threads_count * per_thread + 1))


@pytest.mark.django_db
def test_from_2026_numbers_run_through_the_committees_term_not_the_year():
    first = issue(year=2026, title="Báo cáo", date=dt.date(2026, 3, 5))
    second = issue(year=2027, title="Báo cáo", date=dt.date(2027, 1, 8))
    assert (first.number, second.number) == (1, 2)
    # Before 2026 each calendar year starts again at 1, whatever was issued since.
    assert issue(year=2022).number == 1
