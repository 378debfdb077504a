"""Meeting screens: the demo conference's record, preparation, htmx attendance, votes, scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tongket.core.demo import DEMO_ORG
from tongket.meetings import services
from tongket.meetings.models import Attendance, Meeting, MeetingKind

pytestmark = pytest.mark.django_db


def _conference() -> Meeting:
    return Meeting.objects.get(organization__code=DEMO_ORG, kind=MeetingKind.YEAR_END)


def open_meeting() -> Meeting:
    """A regular meeting of Chi bộ Thanh tra in November 2021, its members convened."""
    meeting = services.create_meeting(
        actor=None,
        organization_code=f"{DEMO_ORG}.TTR",
        kind=MeetingKind.CELL_REGULAR,
        title="Sinh hoạt chi bộ tháng 11",
        held_on=dt.date(2021, 11, 5),
    )
    services.convene_members(actor=None, meeting_id=meeting.pk)
    return meeting


def test_the_demo_conference_page_tells_the_article(client_for, django_assert_max_num_queries):
    client = client_for("vanphong")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("meetings:detail", args=[_conference().pk]))
    html = response.content.decode()
    assert "Đồng chí Lê Văn Tính — Phó Bí thư Đảng ủy" in html
    assert "Đồng chí Võ Văn Minh — Ủy viên Ban Thường vụ Đảng ủy, Phó Giám đốc Sở" in html
    assert "Nguyễn Thanh Quang - Chủ tịch Công đoàn Giáo dục tỉnh" in html
    assert "có mặt 50/50 đồng chí đang sinh hoạt tại 07 chi bộ" in html
    assert html.count("Được thông qua") == 2
    assert "Thông qua Chương trình công tác của Đảng ủy Sở Giáo dục và Đào tạo năm 2021" in html
    assert (
        "Thông qua Chương trình kiểm tra, giám sát của Đảng ủy Sở Giáo dục và Đào tạo năm 2021"
        in html
    )
    assert "Giấy khen của Đảng ủy Sở tặng 10 đồng chí" in html
    assert "Trong thời gian tới" in html


def test_the_list_shows_the_conference(client_for) -> None:
    html = client_for("khoi").get(reverse("meetings:index")).content.decode()
    assert "50/50" in html


def test_an_outsider_gets_404_on_a_cells_meeting(client_for) -> None:
    meeting = open_meeting()
    client = client_for("bithu")
    participant = meeting.participants.order_by("id")[0]
    for name in ("detail", "prepare", "run"):
        assert client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 404
    assert (
        client.post(
            reverse("meetings:attendance", args=[participant.pk]), {"attendance": "present"}
        ).status_code
        == 404
    )
    assert client.post(reverse("meetings:vote_add", args=[meeting.pk]), {}).status_code == 404


def test_a_closed_meeting_has_no_working_pages(client_for) -> None:
    client = client_for("vanphong")
    assert client.get(reverse("meetings:run", args=[_conference().pk])).status_code == 404


def test_marking_attendance_with_htmx_answers_the_row_and_the_count(client_for) -> None:
    meeting = open_meeting()
    participant = meeting.participants.order_by("id")[0]
    response = client_for("bithu2").post(
        reverse("meetings:attendance", args=[participant.pk]),
        {"attendance": "absent_excused", "reason": "Ốm"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert f'id="participant-{participant.pk}"' in html
    assert 'hx-swap-oob="true"' in html
    participant.refresh_from_db()
    assert participant.absence_reason == "Ốm"


def test_the_run_page_shows_the_body_and_refuses_an_unsupported_outcome(
    client_for, django_assert_max_num_queries
) -> None:
    meeting = open_meeting()
    services.mark_all_present(actor=None, meeting_id=meeting.pk)
    client = client_for("bithu2")
    with django_assert_max_num_queries(20):
        page = client.get(reverse("meetings:run", args=[meeting.pk]))
    assert 'data-count="body">6<' in page.content.decode()
    refused = client.post(
        reverse("meetings:vote_add", args=[meeting.pk]),
        {
            "motion": "Nghị quyết",
            "votes_for": 3,
            "votes_against": 3,
            "abstain": 0,
            "claimed": "adopted",
        },
    )
    assert refused.status_code == 422
    assert "Biên bản ghi nghị quyết" in refused.content.decode()
    accepted = client.post(
        reverse("meetings:vote_add", args=[meeting.pk]),
        {"motion": "Nghị quyết", "votes_for": 4, "votes_against": 2, "abstain": 0},
    )
    assert accepted.status_code == 302
    assert meeting.votes.get().adopted


def test_preparing_a_meeting(client_for) -> None:
    client = client_for("bithu2")
    response = client.post(
        reverse("meetings:create"),
        {
            "organization": f"{DEMO_ORG}.TTR",
            "kind": "thematic",
            "title": "Chuyên đề",
            "held_on": "2021-12-10",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Chuyên đề")
    assert client.post(reverse("meetings:convene", args=[meeting.pk])).status_code == 302
    assert meeting.participants.count() == 6
    client.post(
        reverse("meetings:guest_add", args=[meeting.pk]), {"name": "Nguyễn Văn A", "title": "Khách"}
    )
    client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"title": "Học tập chuyên đề"})
    html = client.get(reverse("meetings:prepare", args=[meeting.pk])).content.decode()
    assert "Nguyễn Văn A - Khách" in html
    assert "Học tập chuyên đề" in html


def test_the_buttons_without_a_form_say_how_many_members_they_touched(client_for) -> None:
    client = client_for("bithu2")
    meeting = open_meeting()  # all six members of the cell convened
    again = client.post(reverse("meetings:convene", args=[meeting.pk]), follow=True)
    assert again.redirect_chain[-1][0] == reverse("meetings:prepare", args=[meeting.pk])
    assert "Đã triệu tập thêm 0 đảng viên." in again.content.decode()
    present = client.post(reverse("meetings:attendance_all", args=[meeting.pk]), follow=True)
    assert present.redirect_chain[-1][0] == reverse("meetings:run", args=[meeting.pk])
    assert "Đã điểm danh có mặt 6 đảng viên." in present.content.decode()
    assert meeting.participants.filter(attendance=Attendance.PRESENT).count() == 6
