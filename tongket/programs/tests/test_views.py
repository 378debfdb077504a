"""Programs screens: scoped pages, status change with reason, query counts, the due partial."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from tongket.core.demo import DEMO_ORG
from tongket.programs.models import Program, ProgramKind

pytestmark = pytest.mark.django_db


def _work() -> Program:
    return Program.objects.get(organization__code=DEMO_ORG, year=2021, kind=ProgramKind.WORK)


def _cell_plan() -> Program:
    return Program.objects.get(organization__code=f"{DEMO_ORG}.TCCB", year=2021)


def test_the_index_lists_the_programs_the_user_sees(client_for) -> None:
    html = client_for("vanphong").get(reverse("programs:index")).content.decode()
    assert "Chương trình kiểm tra, giám sát của Đảng ủy Sở" in html
    assert "Kế hoạch công tác xây dựng Đảng năm 2021 của Chi bộ Tổ chức cán bộ" in html
    other = client_for("bithu2").get(reverse("programs:index")).content.decode()
    assert "Kế hoạch công tác xây dựng Đảng năm 2021 của Chi bộ Tổ chức cán bộ" not in other


def test_the_program_page_shows_progress_and_overdue(client_for, django_assert_max_num_queries):
    client = client_for("vanphong")
    with django_assert_max_num_queries(16):
        response = client.get(reverse("programs:detail", args=[_work().pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="progress-by-month"' in html
    assert "Tháng 01/2021" in html
    assert "Tạm hoãn" in html
    assert "Quá hạn" in html  # the open 2021 items are long past due


def test_an_outsider_gets_404_on_a_cells_plan_and_its_items(client_for) -> None:
    client = client_for("bithu2")
    plan = _cell_plan()
    item = plan.items.get(code="1")
    assert client.get(reverse("programs:detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("programs:item", args=[item.pk])).status_code == 404
    response = client.post(
        reverse("programs:item_status", args=[item.pk]),
        {"status": "done", "on": "2021-12-01"},
    )
    assert response.status_code == 404
    assert client.get(reverse("programs:item_create", args=[plan.pk])).status_code == 404


def test_a_reader_of_the_committees_program_cannot_open_its_forms(client_for) -> None:
    client = client_for("bithu2")
    assert client.get(reverse("programs:detail", args=[_work().pk])).status_code == 200
    # It sees the program but may not change it: 403, not 404.
    assert client.get(reverse("programs:item_create", args=[_work().pk])).status_code == 403


def test_postponing_from_the_item_page_requires_a_reason(client_for) -> None:
    client = client_for("vanphong")
    item = _work().items.get(code="8")
    url = reverse("programs:item_status", args=[item.pk])
    refused = client.post(url, {"status": "postponed", "on": "2021-11-01", "reason": ""})
    assert refused.status_code == 422
    assert "phải ghi rõ lý do" in refused.content.decode()
    done = client.post(url, {"status": "postponed", "on": "2021-11-01", "reason": "Chờ hướng dẫn"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.status_reason) == ("postponed", "Chờ hướng dẫn")


def test_changing_an_adopted_item_from_the_form_needs_a_reason(client_for) -> None:
    client = client_for("vanphong")
    item = _work().items.get(code="9")
    url = reverse("programs:item_edit", args=[item.pk])
    data = {"code": "9", "activity": "task", "content": item.content, "month": "11"}
    assert client.post(url, data).status_code == 200  # form shown again with the error
    item.refresh_from_db()
    assert item.month == 12
    assert client.post(url, {**data, "reason": "Theo yêu cầu cấp trên"}).status_code == 302
    item.refresh_from_db()
    assert item.month == 11


def test_a_new_draft_program_can_be_created(client_for) -> None:
    response = client_for("vanphong").post(
        reverse("programs:create"),
        {
            "organization": DEMO_ORG,
            "year": "2022",
            "kind": "work",
            "title": "Chương trình công tác năm 2022",
        },
    )
    assert response.status_code == 302
    assert Program.objects.filter(organization__code=DEMO_ORG, year=2022).exists()


def test_a_plain_member_cannot_create_programs(client_for) -> None:
    assert client_for("dangvien").get(reverse("programs:create")).status_code == 403


def test_the_due_partial_lists_the_person_in_charges_items(user_named) -> None:
    request = RequestFactory().get("/")
    request.user = user_named("bithu")
    html = Template("{% load programs_tags %}{% programs_due %}").render(
        Context({"request": request})
    )
    assert "Việc đến hạn trong chương trình" in html
    assert "Quá hạn" in html


def test_the_due_page_answers(client_for) -> None:
    response = client_for("bithu").get(reverse("programs:due"))
    assert response.status_code == 200
