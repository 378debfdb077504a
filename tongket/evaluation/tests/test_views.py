"""Evaluation screens: scoped (outsiders get 404), query counts, the decision flows."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongket.evaluation.models import Cycle, Decision, DecisionStatus, Evaluation, SubjectKind
from tongket.evaluation.tests.points import points_worth
from tongket.people.models import PartyRole

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
ClientFor = Callable[[str], Client]


def cycle(year: int) -> Cycle:
    return Cycle.objects.get(organization__code=ORG, year=year)


def member_in(year: int, cell: str, index: int = 0) -> Evaluation:
    return list(
        Evaluation.objects.filter(
            cycle=cycle(year), subject_kind=SubjectKind.MEMBER, unit__code=f"{ORG}.{cell}"
        ).order_by("member__card_number")
    )[index]


def test_index_lists_the_cycles_of_the_office(client_for: ClientFor):
    page = client_for("vanphong").get(reverse("evaluation:index"))
    assert page.status_code == 200
    assert "Năm 2020" in page.content.decode()
    assert "Năm 2026" in page.content.decode()


def test_index_shows_a_secretary_their_cell_only(client_for: ClientFor):
    text = client_for("bithu").get(reverse("evaluation:index")).content.decode()
    assert "Chi bộ Tổ chức cán bộ" in text
    assert "Chi bộ Thanh tra" not in text


def test_dashboard_shows_progress_quota_and_justified_findings(
    client_for: ClientFor, django_assert_max_num_queries: Any
):
    client = client_for("vanphong")
    with django_assert_max_num_queries(30):
        page = client.get(reverse("evaluation:cycle", args=[cycle(2020).pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert '<progress class="meter meter-over"' in text
    assert "Hội nghị Đảng ủy Sở ngày 12/01/2021" in text
    assert "qd132.quota.organization.excellent" in text


@pytest.mark.parametrize("username", ["bithu", "bithu2", "dangvien"])
def test_dashboard_is_404_for_who_does_not_read_the_whole_organization(
    client_for: ClientFor, username: str
):
    page = client_for(username).get(reverse("evaluation:cycle", args=[cycle(2020).pk]))
    assert page.status_code == 404


def test_superior_reader_sees_the_dashboard(client_for: ClientFor):
    page = client_for("khoi").get(reverse("evaluation:cycle", args=[cycle(2020).pk]))
    assert page.status_code == 200


def test_not_classified_list_is_scoped(client_for: ClientFor):
    url = reverse("evaluation:not_classified", args=[cycle(2020).pk])
    assert client_for("vanphong").get(url).status_code == 200
    assert client_for("bithu2").get(url).status_code == 404


def test_unit_page_for_the_cells_secretary_and_404_for_another_cell(
    client_for: ClientFor, django_assert_max_num_queries: Any
):
    url = reverse("evaluation:unit", args=[cycle(2026).pk, f"{ORG}.TCCB"])
    client = client_for("bithu")
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200
    assert "Ghi đề xuất" in page.content.decode()
    assert client_for("bithu2").get(url).status_code == 404


def test_evaluation_page_is_404_for_an_outsider(client_for: ClientFor):
    ev = member_in(2026, "TCCB")
    url = reverse("evaluation:evaluation", args=[ev.pk])
    assert client_for("bithu").get(url).status_code == 200
    assert client_for("bithu2").get(url).status_code == 404
    assert client_for("dangvien").get(url).status_code == 404


def test_a_member_submits_the_self_assessment_form(client_for: ClientFor, user_named: Any):
    member = user_named("dangvien").member
    ev = Evaluation.objects.get(cycle=cycle(2026), member=member)
    points = points_worth(ev, "0.8")  # 80 of 100, on the frame ev is scored on
    data = {"action": "self", "level": "good", "comment": "Hoàn thành tốt"} | {
        f"points_{k}": v for k, v in points.items()
    }
    page = client_for("dangvien").post(reverse("evaluation:evaluation", args=[ev.pk]), data)
    assert page.status_code == 302
    assert ev.assessments.get(is_current=True).level == "good"


def test_a_member_cannot_post_a_decision(client_for: ClientFor, user_named: Any):
    ev = Evaluation.objects.get(cycle=cycle(2026), member=user_named("dangvien").member)
    data = {"action": "decision", "decision-outcome": "excellent", "decision-number": "1"}
    page = client_for("dangvien").post(reverse("evaluation:evaluation", args=[ev.pk]), data)
    assert page.status_code == 404


def test_bulk_decision_check_shows_the_refusal_inline_and_writes_nothing(client_for: ClientFor):
    c = cycle(2026)
    evs = list(Evaluation.objects.filter(cycle=c, unit__code=f"{ORG}.TTR", subject_kind="member"))
    url = reverse("evaluation:unit_check", args=[c.pk, f"{ORG}.TTR"])
    data = {f"outcome_{ev.pk}": "good" for ev in evs}
    before = Decision.objects.filter(evaluation__cycle=c).count()
    page = client_for("vanphong").post(url, data, HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert page.status_code == 200
    assert "qd366.member.score.required_for_level" in text  # good without a self-assessed score
    assert Decision.objects.filter(evaluation__cycle=c).count() == before


def test_bulk_decision_issues_one_number_for_the_cell(client_for: ClientFor):
    """Điều 12 under qd366: the cell's ordinary members in one batch, then the cell, then its
    committee (the secretary) after it."""
    c = cycle(2026)
    cell = Evaluation.objects.get(cycle=c, organization__code=f"{ORG}.TTR")
    client = client_for("vanphong")
    committee = PartyRole.objects.filter(organization__code=f"{ORG}.TTR").values("member_id")
    evs = list(
        Evaluation.objects.filter(cycle=c, unit__code=f"{ORG}.TTR", subject_kind="member").exclude(
            member_id__in=committee
        )
    )
    # `completed`: `good` would need each member's score under 366 (issue 18).
    data = {"number": "6-QĐ/ĐU", "date": "2027-01-15"} | {
        f"outcome_{ev.pk}": "completed" for ev in evs
    }
    page = client.post(reverse("evaluation:unit", args=[c.pk, f"{ORG}.TTR"]), data)
    assert page.status_code == 302
    assert Decision.objects.filter(
        evaluation__in=evs, status=DecisionStatus.CURRENT, number="6-QĐ/ĐU"
    ).count() == len(evs)
    done = client.post(
        reverse("evaluation:evaluation", args=[cell.pk]),
        {
            "action": "decision",
            "decision-outcome": "good",
            "decision-number": "5-QĐ/ĐU",
            "decision-date": "15/01/2027",
        },
    )
    assert done.status_code == 302
    assert Decision.objects.get(evaluation=cell, status=DecisionStatus.CURRENT).number == "5-QĐ/ĐU"


def test_a_secretary_cannot_post_a_bulk_decision(client_for: ClientFor):
    c = cycle(2026)
    page = client_for("bithu").post(
        reverse("evaluation:unit", args=[c.pk, f"{ORG}.TCCB"]), {"number": "1"}
    )
    assert page.status_code == 404


def test_points_typed_with_a_comma_come_back_with_a_comma(client_for: ClientFor, user_named):
    member = user_named("dangvien").member
    ev = Evaluation.objects.get(cycle=cycle(2026), member=member)
    url = reverse("evaluation:evaluation", args=[ev.pk])
    points = points_worth(ev, "0.8")
    comma, dot = [c for c, v in points.items() if Decimal(v.replace(",", ".")) >= 5][:2]
    points |= {comma: "6,5", dot: "5.5"}
    post = {f"points_{code}": value for code, value in points.items()}
    post |= {"level": "good", "comment": "", "action": "self"}
    client = client_for("dangvien")
    assert client.post(url, post).status_code == 302
    html = client.get(url).content.decode()
    assert 'value="6,5"' in html
    assert 'value="5,5"' in html  # typed with a dot, shown with a comma
    assert 'value="5.5"' not in html


def test_the_facts_form_shows_no_sick_leave_as_zero_not_zero_point_zero(client_for: ClientFor):
    ev = member_in(2020, "TCCB")
    html = client_for("vanphong").get(reverse("evaluation:facts", args=[ev.pk])).content.decode()
    assert 'name="sick_leave_months" value="0"' in html
