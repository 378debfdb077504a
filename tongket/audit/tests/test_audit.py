"""`tongket audit verify` on the database: exits non-zero and names the broken event."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tongket.audit.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db


def run_verify() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("audit", "verify", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing_verify() -> str:
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert "KHÔNG toàn vẹn" in str(caught.value)
    return err.getvalue()


def test_the_demo_log_verifies() -> None:
    out, err = run_verify()
    assert f"{AuditEvent.objects.count()} sự kiện" in out
    assert err == ""


def test_an_altered_event_fails_and_is_named() -> None:
    event = AuditEvent.objects.get(seq=5)
    AuditEvent.objects.filter(pk=event.pk).update(summary="Sửa lén")
    assert "#5: Nội dung sự kiện #5 đã bị sửa." in failing_verify()


def test_an_altered_actor_fails() -> None:
    AuditEvent.objects.filter(seq=7).update(actor_label="kẻ khác")
    assert "#7" in failing_verify()


def test_a_removed_event_fails_and_is_named() -> None:
    AuditEvent.objects.filter(seq=4).delete()
    assert "mong đợi #4, gặp #5" in failing_verify()


def test_a_removed_last_event_fails() -> None:
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").first()
    assert last is not None
    last.delete()
    assert f"#{(last.seq or 0) - 1}" in failing_verify()


def test_reordered_events_fail_and_are_named() -> None:
    first = AuditEvent.objects.get(seq=3)
    second = AuditEvent.objects.get(seq=4)
    # Swap through a free number: seq is unique.
    AuditEvent.objects.filter(pk=first.pk).update(seq=10**9)
    AuditEvent.objects.filter(pk=second.pk).update(seq=3)
    AuditEvent.objects.filter(pk=first.pk).update(seq=4)
    err = failing_verify()
    assert "#3:" in err
    assert "#4:" in err


def test_a_rewritten_head_fails() -> None:
    AuditHead.objects.filter(id=1).update(last_hash="f" * 64)
    assert "đầu chuỗi" in failing_verify()
