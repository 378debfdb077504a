"""The self-assessment API (issue 20): a member starts, saves and submits their form; the cell's
secretary lists it, returns it with a comment; the member reads the comment and resubmits. The
accounts and the secretary's grant come from `tongket users` and `tongket grants`; another
organization's office administrator gets 404 on everything."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tongket.evaluation.models import Evaluation
from tongket.people.models import Member
from tongket.selfassessment.demo import DRAFT_POINTS, PART_A
from tongket.selfassessment.models import SelfAssessment

pytestmark = pytest.mark.django_db
ApiFor = Callable[[str], Any]
API = "/api/v1/self-assessments/"


def _client(username: str, user_named: Callable[[str], Any]) -> APIClient:
    client = APIClient()
    client.force_authenticate(user_named(username))
    return client


@pytest.fixture
def member_and_secretary(user_named: Callable[[str], Any]) -> tuple[Evaluation, str]:
    """A member of dangvien's cell given an account, and the cell's new secretary."""
    cell = Member.objects.get(user=user_named("dangvien")).organization
    member = (
        Member.objects.filter(organization=cell, user__isnull=True, party_roles__isnull=True)
        .exclude(evaluations__self_form__isnull=False)
        .order_by("card_number")[0]
    )
    out = io.StringIO()
    call_command("users", "add", "thanhnga", "--member", member.card_number, stdout=out)
    call_command("users", "add", "bithu_khtc", stdout=out)
    call_command(
        "grants", "add", "bithu_khtc", "--org", cell.code, "--role", "cell_secretary", stdout=out
    )
    ev = Evaluation.objects.get(member=member, cycle__year=2026, cycle__quarter__isnull=True)
    return ev, member.card_number


def test_the_member_reads_their_own_submitted_form_with_its_total(api_for: ApiFor) -> None:
    client = api_for("dangvien")
    listed = client.get(f"{API}?mine=1").json()
    assert listed["count"] == 1
    (row,) = listed["results"]
    assert (row["form"], row["status"], row["year"]) == ("2B", "submitted", 2026)
    assert row["proposed_level"] == "excellent"
    detail = client.get(f"{API}{row['id']}/").json()
    assert detail["score"]["total"] == "93.50"
    assert detail["score"]["level"] == "excellent"
    assert detail["annex_counts"] == {
        "total": 10, "on_time": 10, "late": 0, "exceeded": 3, "not_completed": 0,
    }  # fmt: skip
    assert detail["strengths_politics"] == PART_A["strengths_politics"]
    assert detail["can_write"] is False
    assert detail["can_return"] is False
    # Submitted: read-only to its author.
    refused = client.patch(f"{API}{row['id']}/", {"direction": "Sửa"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["rule"] == "selfassessment.status.submitted_read_only"
    # The author may not return their own form.
    assert client.post(f"{API}{row['id']}/return/", {"comment": "x"}).status_code == 403


def test_draft_submit_return_resubmit_through_the_api(
    member_and_secretary: tuple[Evaluation, str], user_named: Callable[[str], Any]
) -> None:
    ev, card = member_and_secretary
    author = _client("thanhnga", user_named)
    started = author.post(
        API,
        {"evaluation": ev.pk, "strengths_duties": "Hoàn thành nhiệm vụ.", "points": {"1.1": "4"}},
        format="json",
    )
    assert started.status_code == 201, started.json()
    form = started.json()
    assert (form["status"], form["form"], form["entered_on_behalf"]) == ("draft", "2B", False)
    assert form["member"]["card_number"] == card
    assert form["score"]["total"] == "4.00"
    url = f"{API}{form['id']}/"

    too_many = author.patch(url, {"points": {"1.1": "40"}}, format="json")
    assert too_many.status_code == 400
    assert too_many.json()["error"]["rule"] == "selfassessment.points.out_of_range"
    half = author.post(f"{url}submit/")
    assert half.status_code == 400
    assert half.json()["error"]["rule"] == "selfassessment.submit.points_missing"

    saved = author.patch(
        url,
        {
            "points": DRAFT_POINTS,
            "proposed_level": "good",
            "tasks": [{"title": "Dự toán 2027", "due_on": "2026-03-25", "done_on": "2026-03-20"}],
        },
        format="json",
    ).json()
    assert saved["strengths_duties"] == "Hoàn thành nhiệm vụ."  # not sent, kept
    assert saved["score"]["total"] == "91.00"
    assert saved["annex_counts"]["on_time"] == 1
    assert author.post(f"{url}submit/").json()["status"] == "submitted"

    secretary = _client("bithu_khtc", user_named)
    seen = secretary.get(f"{API}?status=submitted&year=2026").json()["results"]
    assert form["id"] in {r["id"] for r in seen}
    assert secretary.get(url).json()["can_return"] is True
    blank = secretary.post(f"{url}return/", {"comment": " "}, format="json")
    assert blank.status_code == 400
    returned = secretary.post(f"{url}return/", {"comment": "Bổ sung phụ lục."}, format="json")
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"

    mine = author.get(url).json()
    assert (mine["status"], mine["return_comment"], mine["can_write"]) == (
        "returned",
        "Bổ sung phụ lục.",
        True,
    )
    notices = author.get("/api/v1/notifications/?unread=1").json()["results"]
    assert any(n["kind"] == "self_assessment_returned" for n in notices)
    assert author.post(f"{url}submit/").json()["status"] == "submitted"
    assert SelfAssessment.objects.get(pk=form["id"]).status == "submitted"


def test_the_secretary_enters_on_behalf_through_the_api(
    member_and_secretary: tuple[Evaluation, str], user_named: Callable[[str], Any]
) -> None:
    ev, _ = member_and_secretary
    secretary = _client("bithu_khtc", user_named)
    made = secretary.post(API, {"evaluation": ev.pk}, format="json")
    assert made.status_code == 201
    assert made.json()["entered_on_behalf"] is True


def test_another_organizations_admin_gets_404_everywhere(
    outsider_api: APIClient, api_for: ApiFor
) -> None:
    form = SelfAssessment.objects.get(evaluation__member__user__username="dangvien")
    url = f"{API}{form.pk}/"
    assert outsider_api.get(url).status_code == 404
    assert outsider_api.patch(url, {"direction": "x"}, format="json").status_code == 404
    assert outsider_api.post(f"{url}submit/").status_code == 404
    assert outsider_api.post(f"{url}return/", {"comment": "x"}).status_code == 404
    assert outsider_api.get(API).json()["count"] == 0
    other = Evaluation.objects.filter(
        member__organization=form.evaluation.member.organization,  # type: ignore[union-attr]
        self_form__isnull=True,
    ).first()
    assert other is not None
    refused = outsider_api.post(API, {"evaluation": other.pk}, format="json")
    assert refused.status_code == 404
    assert not SelfAssessment.objects.filter(evaluation=other).exists()
    # The TCCB cell's secretary, in the same department, does not see a KHTC form either.
    assert api_for("bithu").get(url).status_code == 404
