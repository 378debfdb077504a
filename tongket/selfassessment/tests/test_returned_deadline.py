"""A self-assessment the cell returns for correction is due by the cell's own deadline
(calendar.py, `hd43.calendar.returned_self_assessment`), not the self-assessment's: testers saw
"Quá hạn" on a form returned on 16/12 because the self-assessment step ended on 14/12."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tongket.core.demo import DEMO_ORG
from tongket.evaluation.models import Cycle
from tongket.notifications.models import Notification
from tongket.people.models import Member
from tongket.selfassessment import services
from tongket.selfassessment.models import SelfAssessment

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _steps(client: Client) -> str:
    page = client.get("/").content.decode()
    start = page.index('data-testid="my-steps"')
    return _text(page[start : page.index("</section>", start)])


def test_a_returned_form_is_due_with_the_cells_step_and_overdue_only_after_it(
    client_for: Callable[[str], Client],
    user_named: Callable[[str], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cycle = Cycle.objects.get(organization__code=DEMO_ORG, year=2026, quarter__isnull=True)
    office = client_for("vanphong")
    saved = office.post(
        f"/evaluation/ky/{cycle.pk}/lich/",
        {
            "self_assessment_due": "14/12/2026",
            "cell_proposal_due": "18/12/2026",
            "grassroots_decision_due": "24/12/2026",
            "superior_decision_due": "31/12/2026",
        },
    )
    assert saved.status_code in (200, 302)
    member = Member.objects.get(user=user_named("dangvien"))
    form = SelfAssessment.objects.get(evaluation__member=member, evaluation__cycle=cycle)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 16))
    services.return_to_author(
        actor=user_named("vanphong"), form_id=form.pk, comment="Bổ sung phụ lục nhiệm vụ."
    )

    author = client_for("dangvien")
    steps = _steps(author)
    assert "Sửa và nộp lại bản tự kiểm điểm (Mẫu 2B) trước 18/12/2026" in steps
    assert "Quá hạn" not in steps
    page = _text(author.get(f"/tu-kiem-diem/danh-gia/{form.evaluation_id}/").content.decode())
    assert "Hạn nộp: 18/12/2026" in page
    told = Notification.objects.filter(user=member.user, url__contains=str(form.evaluation_id))
    assert told.latest("pk").due == dt.date(2026, 12, 18)

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 19))
    assert "Quá hạn" in _steps(author)
