"""The form page and the criteria pages, as each role sees them: the author reads a submitted
form without a way to change it, the cell returns it, the printed form downloads, an outsider
gets 404 everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tongket.core.demo import DEMO_ORG
from tongket.criteria.models import CriteriaSet
from tongket.people.models import Member
from tongket.selfassessment.models import SelfAssessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(user_named: Callable[[str], Any]) -> SelfAssessment:
    member = Member.objects.get(user=user_named("dangvien"))
    return SelfAssessment.objects.get(evaluation__member=member, evaluation__cycle__year=2026)


@pytest.fixture
def published() -> CriteriaSet:
    """The department's published criteria set (Phụ lục 4), first version."""
    return CriteriaSet.objects.get(organization__code=DEMO_ORG, appendix="PL4", version=1)


def _url(form: SelfAssessment) -> str:
    return f"/tu-kiem-diem/danh-gia/{form.evaluation_id}/"


def test_the_author_reads_the_submitted_form_read_only_with_its_total(
    client_for: Callable[[str], Client], form: SelfAssessment
) -> None:
    page = client_for("dangvien").get(_url(form))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<fieldset disabled>" in body
    assert "Gửi chi bộ</button>" not in body
    assert 'id="total-all">93,5</strong>' in body
    assert "Hoàn thành xuất sắc nhiệm vụ" in body
    assert "Trả lại</button>" not in body


def test_the_office_returns_the_form_and_the_author_sees_the_comment(
    office_web: Client, client_for: Callable[[str], Client], form: SelfAssessment
) -> None:
    assert "Trả lại</button>" in office_web.get(_url(form)).content.decode()
    done = office_web.post(
        _url(form), {"action": "return", "comment": "Bổ sung minh chứng nhiệm vụ 7."}
    )
    assert done.status_code == 302
    body = client_for("dangvien").get(_url(form)).content.decode()
    assert "Bổ sung minh chứng nhiệm vụ 7." in body
    assert "Gửi chi bộ</button>" in body


def test_returning_without_a_comment_is_refused(office_web: Client, form: SelfAssessment) -> None:
    page = office_web.post(_url(form), {"action": "return", "comment": " "})
    assert page.status_code == 422
    assert "Cần ghi ý kiến của chi bộ khi trả lại." in page.content.decode()


def test_the_printed_form_downloads_as_pdf_and_docx(
    client_for: Callable[[str], Client], form: SelfAssessment
) -> None:
    client = client_for("dangvien")
    pdf = client.get(f"{_url(form)}mau.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    docx = client.get(f"{_url(form)}mau.docx")
    assert docx.content.startswith(b"PK")


def test_an_outsider_gets_404_on_the_form_its_download_and_the_criteria_set(
    outsider_web: Client, form: SelfAssessment, published: CriteriaSet
) -> None:
    assert outsider_web.get(_url(form)).status_code == 404
    assert outsider_web.get(f"{_url(form)}mau.pdf").status_code == 404
    assert outsider_web.get(f"/criteria/{published.pk}/").status_code == 404
    assert outsider_web.post(f"/criteria/{published.pk}/ban-hanh/").status_code == 404


def test_a_member_reads_the_set_above_their_cell_but_cannot_change_it(
    client_for: Callable[[str], Client],
    published: CriteriaSet,
) -> None:
    client = client_for("dangvien")
    page = client.get(f"/criteria/{published.pk}/")
    assert page.status_code == 200
    assert "Sửa (tạo phiên bản mới)" not in page.content.decode()
    client.post(f"/criteria/{published.pk}/phien-ban-moi/")
    assert CriteriaSet.objects.filter(organization__code=DEMO_ORG, appendix="PL4").count() == 1


def test_the_office_edits_a_new_version_and_a_wrong_sum_names_the_node(
    office_web: Client,
    published: CriteriaSet,
) -> None:
    moved = office_web.post(f"/criteria/{published.pk}/phien-ban-moi/")
    draft = CriteriaSet.objects.get(organization__code=DEMO_ORG, appendix="PL4", status="draft")
    assert moved["Location"] == f"/criteria/{draft.pk}/"
    page = office_web.get(f"/criteria/{draft.pk}/")
    body = page.content.decode()
    assert 'name="points_0"' in body
    data = {"title": draft.title}
    for i, node in enumerate(draft.nodes.order_by("position")):
        data |= {
            f"code_{i}": node.code,
            f"parent_{i}": node.parent_code,
            f"section_{i}": "chung" if node.section == "general" else "kết quả",
            f"title_{i}": node.title,
            f"points_{i}": str(node.points),
        }
    data["points_1"] = "5"  # 1.1 from 4 to 5: node 1 (8) now has 9 below it
    refused = office_web.post(f"/criteria/{draft.pk}/", data)
    assert refused.status_code == 422
    assert "Tiêu chí 1 «Phẩm chất chính trị, tư tưởng» có 8 điểm" in refused.content.decode()
    data["points_1"] = "4"
    assert office_web.post(f"/criteria/{draft.pk}/", data).status_code == 302
    assert office_web.post(f"/criteria/{draft.pk}/ban-hanh/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"


def test_the_member_lists_their_form_on_the_index(
    client_for: Callable[[str], Client], form: SelfAssessment
) -> None:
    body = client_for("dangvien").get("/tu-kiem-diem/").content.decode()
    assert f"/tu-kiem-diem/danh-gia/{form.evaluation_id}/" in body
    assert "Mẫu 2B: Đã gửi chi bộ" in body
