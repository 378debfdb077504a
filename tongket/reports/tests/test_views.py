"""Report pages: the organization's dashboard, downloads and narrative editing, and outsiders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongket.reports.models import ReportNarrative

ORG = "QT.KCQDN.SGDDT"
TTR = f"{ORG}.TTR"


def page(code: str = ORG) -> str:
    return reverse("reports:organization", kwargs={"code": code, "year": 2020})


@pytest.mark.django_db
def test_the_index_lists_the_organizations_the_user_may_report_on(
    client_for: Callable[[str], Client],
):
    body = client_for("bithu2").get(reverse("reports:index")).content.decode()
    assert "Chi bộ Thanh tra" in body
    assert "Chi bộ Văn phòng" not in body


@pytest.mark.django_db
def test_the_organization_page_shows_figures_and_svg_charts_without_inline_styles(
    client_for: Callable[[str], Client], django_assert_max_num_queries: Any
):
    client = client_for("vanphong")
    with django_assert_max_num_queries(120):
        response = client.get(page())
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<svg") == 4
    assert "326,7 điểm/350 điểm" in body
    assert " style=" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["bithu2", "dangvien"])
def test_an_outsider_gets_404_on_the_party_committee_report(
    client_for: Callable[[str], Client], username: str
):
    client = client_for(username)
    assert client.get(page()).status_code == 404
    url = reverse(
        "reports:download", kwargs={"code": ORG, "year": 2020, "kind": "year-end", "fmt": "md"}
    )
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_cell_secretary_sees_the_own_cell_report(client_for: Callable[[str], Client]):
    body = client_for("bithu2").get(page(TTR)).content.decode()
    assert "Chi bộ Thanh tra" in body
    assert "326,7" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("docx", "wordprocessingml"), ("pdf", "pdf"), ("md", "markdown"), ("xlsx", "spreadsheetml")],
)
def test_the_report_downloads_in_each_format(
    client_for: Callable[[str], Client], fmt: str, content_type: str
):
    url = reverse(
        "reports:download", kwargs={"code": ORG, "year": 2020, "kind": "year-end", "fmt": fmt}
    )
    response = client_for("vanphong").get(url)
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    assert f"year-end-{ORG}-2020.{fmt}" in response["Content-Disposition"]


@pytest.mark.django_db
def test_the_office_edits_a_narrative_and_an_outsider_cannot(
    client_for: Callable[[str], Client],
):
    url = reverse("reports:narrative", kwargs={"code": ORG, "year": 2020, "section": "limitations"})
    assert client_for("bithu2").post(url, {"text": "x"}).status_code == 404
    assert client_for("khoi").post(url, {"text": "x"}).status_code == 403  # reads, cannot write
    response = client_for("vanphong").post(url, {"text": "Còn {so_chi_bo_tot} chi bộ tốt."})
    assert response.status_code == 302
    saved = ReportNarrative.objects.get(organization__code=ORG, year=2020, section="limitations")
    assert saved.text == "Còn {so_chi_bo_tot} chi bộ tốt."
    bad = client_for("vanphong").post(url, {"text": "{khong_co}"})
    assert bad.status_code == 400
