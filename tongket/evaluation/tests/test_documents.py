"""Mẫu 03 (Hướng dẫn 43-HD/BTCTW): the superior's cancel-and-reclassify decision as a Party
document, linked from the evaluation page and readable by who may read the evaluation."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document as DocxDocument

from tongket.evaluation.domain import Level
from tongket.evaluation.models import Cycle, Decision, DecisionStatus, Evaluation
from tongket.evaluation.tests.decisions import decide
from tongket.evaluation.tests.office import reclassify
from tongket.evaluation.tests.order import decide_ordinary_members

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
ClientFor = Callable[[str], Client]


@pytest.fixture
def reclassified(client_for: ClientFor) -> Decision:
    """The 2026 cell Thanh tra decided good by the department's committee, then the committee
    above cancels that and reclassifies it completed through its page."""
    cycle = Cycle.objects.get(organization__code=ORG, year=2026, quarter__isnull=True)
    cell = Evaluation.objects.get(cycle=cycle, organization__code=f"{ORG}.TTR")
    decide_ordinary_members(cycle, f"{ORG}.TTR", date=dt.date(2026, 12, 10))
    decide(cell, Level.GOOD, number="41-QĐ/ĐU", date=dt.date(2026, 12, 10))
    reason = "Kiểm tra phát hiện chi bộ chưa khắc phục hạn chế đã chỉ ra."
    answer = reclassify(client_for("quantri"), cell.pk, "15-QĐ/BTV", "20/12/2026", reason)
    assert answer.status_code == 302
    return Decision.objects.get(evaluation=cell, status=DecisionStatus.CURRENT)


def test_the_reclassification_prints_as_a_decision_with_its_three_articles(
    reclassified: Decision, client_for: ClientFor
):
    client = client_for("vanphong")
    page = client.get(reverse("evaluation:evaluation", args=[reclassified.evaluation_id]))
    url = reverse("evaluation:form_03", args=[reclassified.pk, "md"])
    assert url in page.content.decode()
    text = client.get(url).content.decode()
    assert "QUYẾT ĐỊNH" in text
    assert "Số 15-QĐ/BTV" in text
    assert "BAN THƯỜNG VỤ" in text
    assert "Quy định số 366-QĐ/TW" in text
    assert "Điều 1. Hủy kết quả xếp loại chất lượng năm 2026 của Chi bộ" in text
    assert "Quyết định số 41-QĐ/ĐU ngày 10/12/2026" in text
    assert "Điều 2. Xếp loại lại chất lượng năm 2026" in text
    assert "«Hoàn thành nhiệm vụ»" in text
    assert "chưa khắc phục hạn chế" in text


def test_the_docx_opens_with_the_decision_s_articles(reclassified: Decision, client_for: ClientFor):
    answer = client_for("quantri").get(
        reverse("evaluation:form_03", args=[reclassified.pk, "docx"])
    )
    assert answer.status_code == 200
    assert "mau-03" in answer["Content-Disposition"]
    paragraphs = [p.text for p in DocxDocument(io.BytesIO(answer.content)).paragraphs]
    assert any(p.startswith("Điều 1. Hủy kết quả") for p in paragraphs)


def test_an_outsider_and_an_ordinary_decision_get_404(
    reclassified: Decision, client_for: ClientFor
):
    url = reverse("evaluation:form_03", args=[reclassified.pk, "md"])
    assert client_for("bithu").get(url).status_code == 404  # the secretary of another cell
    assert reclassified.supersedes_id is not None
    ordinary = reverse("evaluation:form_03", args=[reclassified.supersedes_id, "md"])
    assert client_for("vanphong").get(ordinary).status_code == 404
    assert client_for("vanphong").get(url.replace(".md", ".pdf")).status_code == 404


def test_the_report_command_prints_mau_03_as_docx_and_pdf(reclassified: Decision, tmp_path):
    """`tongket report --kind form-03`: the same decision, from the organization and year."""
    from django.core.management import call_command
    from pypdf import PdfReader

    for fmt in ("docx", "pdf"):
        out = tmp_path / f"mau-03.{fmt}"
        call_command(
            "report",
            *("--org", f"{ORG}.TTR", "--year", "2026", "--kind", "form-03"),
            *("--format", fmt, "-o", str(out)),
        )
        if fmt == "docx":
            text = "\n".join(p.text for p in DocxDocument(str(out)).paragraphs)
        else:
            reader = PdfReader(io.BytesIO(out.read_bytes()))
            text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        assert "Điều 1. Hủy kết quả xếp loại chất lượng năm 2026" in text, fmt
        assert "Quyết định số 41-QĐ/ĐU ngày 10/12/2026" in text, fmt
        assert "«Hoàn thành nhiệm vụ»" in text, fmt


def test_the_report_command_refuses_mau_03_without_a_reclassification(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as caught:
        call_command(
            "report",
            *("--org", f"{ORG}.TTR", "--year", "2026", "--kind", "form-03"),
            *("--format", "pdf", "-o", str(tmp_path / "x.pdf")),
        )
    assert "Chưa có quyết định hủy kết quả và xếp loại lại (Mẫu 03) năm 2026" in str(caught.value)
