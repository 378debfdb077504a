"""Under qd366 the year's evaluation page shows the subject's quarters beside the year (366-QĐ/TW,
Điều 15: quarterly results are the basis of the year's evaluation), to who may read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tongket.evaluation import services
from tongket.evaluation.domain import Level
from tongket.evaluation.models import Cycle, Evaluation

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"


def test_the_year_s_page_of_a_cell_lists_its_decided_and_pending_quarters(
    client_for: Callable[[str], Client],
):
    year = Cycle.objects.get(organization__code=ORG, year=2026, quarter__isnull=True)
    first = services.open_cycle(actor=None, organization_code=ORG, year=2026, quarter=1)
    services.open_cycle(actor=None, organization_code=ORG, year=2026, quarter=2)
    code = f"{ORG}.TTR"
    services.decide(
        actor=None,
        evaluation_id=Evaluation.objects.get(cycle=first, organization__code=code).pk,
        outcome=Level.GOOD,
        number="3-QĐ/ĐU",
        date=dt.date(2026, 3, 20),
    )
    ev = Evaluation.objects.get(cycle=year, organization__code=code)
    html = client_for("vanphong").get(reverse("evaluation:evaluation", args=[ev.pk])).content
    text = html.decode()
    assert "Kết quả các quý trong năm" in text
    assert 'Quý 1</a>: <span class="badge level-good">Hoàn thành tốt nhiệm vụ' in text
    assert "số 3-QĐ/ĐU, 20/03/2026" in text
    assert 'Quý 2</a>: <span class="badge level-pending">Chưa quyết định' in text
    # a quarter's own page does not list the quarters
    quarter_ev = Evaluation.objects.get(cycle=first, organization__code=code)
    page = client_for("vanphong").get(reverse("evaluation:evaluation", args=[quarter_ev.pk]))
    assert "Kết quả các quý trong năm" not in page.content.decode()


def test_the_year_s_dashboard_lists_its_quarters_with_their_decided_counts(
    client_for: Callable[[str], Client],
):
    year = Cycle.objects.get(organization__code=ORG, year=2026, quarter__isnull=True)
    first = services.open_cycle(actor=None, organization_code=ORG, year=2026, quarter=1)
    services.open_cycle(actor=None, organization_code=ORG, year=2026, quarter=2)
    services.decide(
        actor=None,
        evaluation_id=Evaluation.objects.get(cycle=first, organization__code=f"{ORG}.TTR").pk,
        outcome=Level.NOT_COMPLETED,
        number="4-QĐ/ĐU",
        date=dt.date(2026, 3, 20),
    )
    total = Evaluation.objects.filter(cycle=first).count()
    text = client_for("vanphong").get(reverse("evaluation:cycle", args=[year.pk])).content.decode()
    assert "Các quý trong năm" in text
    assert f"Quý 1</a> (đang đánh giá): đã quyết định 1/{total}; " in text
    assert '<span class="badge level-not_completed">KHTNV: 1</span>' in text
    assert f"Quý 2</a> (đang đánh giá): đã quyết định 0/{total}</li>" in text
    # a quarter's own dashboard does not list the quarters
    page = client_for("vanphong").get(reverse("evaluation:cycle", args=[first.pk]))
    assert "Các quý trong năm" not in page.content.decode()
