"""Scoring pages: who sees what (outsiders get 404), what the pages show, query counts."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tongket.scoring import excel
from tongket.scoring.models import PeerGroup, ScoreSheet
from tongket.scoring.tests.test_services import SGDDT, make_frame

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet() -> ScoreSheet:
    return ScoreSheet.objects.get(unit__code=SGDDT, frame__code="QT-HTNV-SBN-2020")


@pytest.fixture
def group(sheet: ScoreSheet) -> PeerGroup:
    assert sheet.peer_group is not None
    return sheet.peer_group


@pytest.fixture
def nobody(django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_user("ngoai", password="x"))
    return client


@pytest.fixture
def other_department(other_department_user) -> Client:
    """The office of another department's Party organization (Sở Tài chính)."""
    client = Client()
    client.force_login(other_department_user)
    return client


def urls(sheet: ScoreSheet) -> list[str]:
    return [
        reverse("scoring:sheet", args=[sheet.pk]),
        reverse("scoring:sheet_export", args=[sheet.pk]),
        reverse("scoring:targets", args=[SGDDT, 2020]),
        reverse("scoring:history", args=[SGDDT]),
        reverse("scoring:history", args=["QT.KCQDN.SGDDT"]),
    ]


@pytest.mark.parametrize("username", ["vanphong", "bithu", "bithu2", "khoi", "quantri"])
def test_users_of_the_departments_party_organizations_open_its_pages(client_for, sheet, username):
    client = client_for(username)
    for url in urls(sheet):
        assert client.get(url).status_code == 200, url


def test_a_plain_member_and_a_user_without_grants_get_404(client_for, nobody, sheet, group):
    for client in (client_for("dangvien"), nobody):
        for url in [*urls(sheet), reverse("scoring:ranking", args=[group.pk])]:
            assert client.get(url).status_code == 404, url


def test_another_department_sees_the_ranking_but_gets_404_on_our_sheet(
    other_department, sheet, group
):
    assert other_department.get(reverse("scoring:ranking", args=[group.pk])).status_code == 200
    for url in urls(sheet):
        assert other_department.get(url).status_code == 404, url


def test_an_unpublished_ranking_is_404_for_the_units(client_for):
    frame = make_frame()
    from tongket.scoring import services

    unpublished = services.create_peer_group(
        actor=None, frame_id=frame.pk, name="Nhóm", unit_codes=[SGDDT]
    )
    url = reverse("scoring:ranking", args=[unpublished.pk])
    assert client_for("vanphong").get(url).status_code == 404
    assert client_for("quantri").get(url).status_code == 200


def test_anonymous_users_are_sent_to_the_login_page(sheet):
    response = Client().get(reverse("scoring:sheet", args=[sheet.pk]))
    assert response.status_code == 302


@pytest.fixture
def office_page(client_for, django_assert_max_num_queries) -> Callable[[str], str]:
    """Reads a page as the office does, in at most 14 queries."""
    client = client_for("vanphong")

    def read(url: str) -> str:
        with django_assert_max_num_queries(14):
            response = client.get(url)
        return str(response.content.decode())

    return read


def test_the_ranking_page_shows_the_table_and_a_bar_chart_in_few_queries(office_page, group):
    html = office_page(reverse("scoring:ranking", args=[group.pk]))
    assert html.count("<rect") == 20
    assert "326,7" in html
    assert "Sở Giáo dục và Đào tạo Quảng Trị" in html
    assert "style=" not in html


def test_the_sheet_page_highlights_the_appraisers_changes(office_page, sheet):
    html = office_page(reverse("scoring:sheet", args=[sheet.pk]))
    assert html.count('data-differs="true"') == 6  # 1.2, 3.1, 6.2 and their groups 1, 3, 6
    assert "326,7/350" in html
    assert "326,7/350,0" not in html  # one format: the maximum as the points are written
    assert "330,5/350" in html
    assert "style=" not in html


def test_the_targets_page_shows_four_of_four_and_the_history(client_for):
    response = client_for("vanphong").get(reverse("scoring:targets", args=[SGDDT, 2020]))
    html = response.content.decode()
    assert '<span class="stat-value" id="targets-summary">4/4</span>' in html
    assert "Cập nhật kết quả thực hiện cuối năm 2020" in html


def test_the_history_page_shows_the_change_from_2019(client_for):
    html = client_for("khoi").get(reverse("scoring:history", args=[SGDDT])).content.decode()
    assert "2019" in html
    assert "318,5" in html
    assert "+8,2" in html


def test_the_index_lists_rankings_sheets_and_templates(client_for):
    html = client_for("vanphong").get(reverse("scoring:index")).content.decode()
    assert html.count("scoring/ranking/") == 4
    assert "template.xlsx" in html


def test_the_template_download_lists_the_users_units(client_for, group, nobody):
    url = reverse("scoring:frame_template", args=[group.frame_id])
    response = client_for("vanphong").get(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert [ws["B4"].value for ws in book.worksheets] == [SGDDT]
    assert nobody.get(url).status_code == 404


def test_the_import_page_lists_every_error_and_writes_nothing(client_for):
    frame = make_frame()
    data = excel.template_for_frame(frame, [(SGDDT, "Sở")])
    book = load_workbook(io.BytesIO(data))
    ws = book.worksheets[0]
    ws.cell(row=excel.FIRST_ROW + 1, column=5, value="abc")
    ws.cell(row=excel.FIRST_ROW + 2, column=5, value=99)
    out = io.BytesIO()
    book.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "phieu.xlsx"
    response = client_for("vanphong").post(
        reverse("scoring:import"), {"file": upload, "mode": "self"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Trang «{SGDDT}», dòng 9, cột E" in html
    assert f"Trang «{SGDDT}», dòng 10, cột E" in html
    assert not ScoreSheet.objects.filter(frame=frame).exists()


@pytest.mark.parametrize(
    ("username", "shown"),
    [("vanphong", True), ("bithu", True), ("khoi", False), ("dangvien", False)],
)
def test_the_import_button_is_shown_only_to_users_who_may_import(
    client_for: Any, username: str, shown: bool
) -> None:
    target = reverse("scoring:import")
    page = client_for(username).get(reverse("scoring:index")).content.decode()
    assert (f'href="{target}"' in page) is shown
    # The button is shown exactly when following it is allowed.
    assert client_for(username).get(target).status_code == (200 if shown else 403)


def test_equal_totals_split_by_the_tie_break_say_so_and_state_the_rule(client_for, group):
    response = client_for("vanphong").get(reverse("scoring:ranking", args=[group.pk]))
    rows = {r.unit_name: r for r in response.context["ranking"].rows}
    planning, home = rows["Sở Kế hoạch và Đầu tư"], rows["Sở Nội vụ"]
    assert planning.points == home.points  # 318,2 each
    assert (planning.rank, home.rank) == (3, 4)
    assert planning.tie_broken
    assert home.tie_broken
    assert not rows["Sở Tài chính"].tie_broken
    html = response.content.decode()
    assert html.count('href="#tie-break"') == 2
    assert "Khi bằng điểm, đơn vị có điểm tiêu chí 1" in html


def test_the_par_chart_orders_and_measures_its_bars_by_the_percent_it_ranks_on(client_for):
    par = PeerGroup.objects.get(frame__code__startswith="QT-CCHC", year=2020)
    html = client_for("vanphong").get(reverse("scoring:ranking", args=[par.pk])).content.decode()
    widths = [int(w) for w in re.findall(r'<rect x="\d+" y="\d+" width="(\d+)"', html)]
    assert len(widths) == 20
    assert widths == sorted(widths, reverse=True)
    assert "91,31%" in html  # Sở GD&ĐT: 88,57 of its own 97
    assert "Biểu đồ tỷ lệ điểm đạt" in html
