"""REST API of meetings: the demo conference's record, a cell meeting run from convening to closing
through the API alone, the vote rules (Điều lệ Art. 9, QĐ 24 point 9.3) refusing an outcome they
do not support, and scoping like the web (outside scope 404, visible but not writable 403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tongket.core.tests.openapi import documented_paths
from tongket.meetings.models import Meeting, MeetingKind, Vote
from tongket.people.tests.inputs import cards_in
from tongket.programs.models import Program, ProgramKind

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
TTR = f"{ORG}.TTR"
NGA = "45.000038"  # Đoàn Diệu Nga, secretary of the TTR cell (bithu2)
DANGVIEN = "45.000032"  # Lý Thanh Nga, KHTC
TINH = "45.000009"  # Lê Văn Tính, TCCB

ApiFor = Callable[[str], APIClient]


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.json()
    error: dict[str, Any] = response.json()["error"]
    return error


def create_meeting(api: APIClient, org: str = TTR) -> dict[str, Any]:
    response = api.post(
        "/api/v1/meetings/",
        {
            "organization": org,
            "kind": "cell_regular",
            "title": "Sinh hoạt chi bộ thường kỳ tháng 3 năm 2021",
            "held_on": "2021-03-10",
            "starts_at": "14:00",
            "place": "Phòng họp Thanh tra Sở",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def act(api: APIClient, meeting_id: int, step: str, body: dict[str, Any] | None = None) -> Any:
    return api.post(f"/api/v1/meetings/{meeting_id}/{step}/", body or {}, format="json")


def convened_and_present(api: APIClient) -> int:
    meeting_id: int = create_meeting(api)["meeting"]["id"]
    assert act(api, meeting_id, "convene").status_code == 200
    assert act(api, meeting_id, "all-present").status_code == 200
    return meeting_id


def test_the_demo_conference_record_reads_as_the_article_tells_it(
    api_for: ApiFor, django_assert_max_num_queries: Any
) -> None:
    conference = Meeting.objects.get(organization__code=ORG, kind=MeetingKind.YEAR_END)
    with django_assert_max_num_queries(25):
        response = api_for("vanphong").get(f"/api/v1/meetings/{conference.pk}/")
    body = response.json()
    assert response.status_code == 200
    assert body["meeting"]["held_on"] == "2021-02-24"
    assert body["meeting"]["status"] == "closed"
    chairs = {(c["member"]["full_name"], c["title_at_time"]) for c in body["chairs"]}
    assert ("Lê Văn Tính", "Phó Bí thư Đảng ủy") in chairs
    assert len(chairs) == 2
    assert body["guests"][0]["name"] == "Nguyễn Thanh Quang"
    totals = body["attendance_totals"]
    assert (totals["convened"], totals["present"]) == (50, 50)
    assert len(body["attendance_by_organization"]) == 7
    programs = set(Program.objects.filter(organization__code=ORG, year=2021).values_list("pk"))
    adopted = [v for v in body["votes"] if v["adopted"]]
    assert {(v["program"],) for v in adopted} == programs
    assert all(v["votes_for"] > v["body_size"] / 2 and v["quorum_met"] for v in adopted)
    rules = {f["rule"] for f in adopted[0]["findings"]}
    assert "meetings.vote.majority" in rules
    assert any("Giấy khen" in a["text"] for a in body["handed_out_awards"])
    assert "Trong thời gian tới" in body["closing_directions"]
    assert body["can_write"] is False
    listed = api_for("khoi").get("/api/v1/meetings/", {"organization": ORG, "year": "2021"})
    assert {(m["title"], m["present"], m["convened"]) for m in listed.json()["results"]} >= {
        (conference.title, 50, 50)
    }


def test_a_convened_member_reads_the_record_with_only_their_own_card_number(
    api_for: ApiFor,
) -> None:
    conference = Meeting.objects.get(organization__code=ORG, kind=MeetingKind.YEAR_END)
    body = api_for("dangvien").get(f"/api/v1/meetings/{conference.pk}/").json()
    # The roll person by person is the office's (issue 17, finding 2); the member gets the counts.
    assert body["participants"] == []
    assert body["attendance_totals"]["convened"] == 50
    assert TINH not in str(body)
    assert body["chairs"][0]["member"]["card_number"] is None


def test_an_api_client_runs_a_cell_meeting_from_convening_to_closing(api_for: ApiFor) -> None:
    secretary = api_for("bithu2")
    work = Program.objects.get(organization__code=ORG, year=2021, kind=ProgramKind.WORK)
    plan = secretary.post(
        "/api/v1/programs/",
        {
            "organization": TTR,
            "year": 2021,
            "kind": "cell_plan",
            "title": "Kế hoạch năm 2021 của Chi bộ Thanh tra",
            "parent_program": work.pk,
        },
        format="json",
    ).json()
    item = secretary.post(
        "/api/v1/program-items/",
        {"program": plan["id"], "code": "1", "content": "Sinh hoạt chuyên đề", "quarter": 2},
        format="json",
    )
    assert item.status_code == 201, item.json()

    meeting = create_meeting(secretary)
    mid = meeting["meeting"]["id"]
    assert meeting["meeting"]["status"] == "preparing"
    cards = cards_in(TTR)
    others = [c for c in cards if c != NGA]
    chaired = act(secretary, mid, "chairs", {"member": NGA, "title_at_time": "Bí thư Chi bộ"})
    assert chaired.status_code == 201, chaired.json()
    assert chaired.json()["chairs"][0]["member"]["card_number"] == NGA
    act(secretary, mid, "secretary", {"member": others[0], "title": "Chi ủy viên"})
    act(secretary, mid, "guests", {"name": "Nguyễn Văn A", "title": "Đảng ủy Sở"})
    agenda = act(
        secretary,
        mid,
        "agenda",
        {"title": "Thông qua kế hoạch năm 2021", "presenter": NGA, "program": plan["id"]},
    )
    assert agenda.status_code == 201, agenda.json()
    point = agenda.json()["agenda"][0]
    assert (point["program"], point["document_title"]) == (plan["id"], plan["title"])

    motion = {"motion": "Thông qua kế hoạch năm 2021", "votes_for": 5, "program": plan["id"]}
    early = act(secretary, mid, "votes", motion)
    assert _error(early, 400)["rule"] == "meetings.vote.no_participants"
    convened = act(secretary, mid, "convene")
    assert convened.json()["count"]["convened"] == len(cards) == 6
    unmarked = act(secretary, mid, "votes", motion)
    assert _error(unmarked, 400)["rule"] == "meetings.vote.attendance_incomplete"

    away = others[-1]
    no_reason = act(secretary, mid, "attendance", {"member": away, "attendance": "absent_excused"})
    assert _error(no_reason, 400)["rule"] == "meetings.attendance.reason"
    excused = act(
        secretary,
        mid,
        "attendance",
        {"member": away, "attendance": "absent_excused", "reason": "Đi công tác"},
    )
    assert excused.status_code == 200, excused.json()
    row = next(p for p in excused.json()["participants"] if p["member"]["card_number"] == away)
    assert (row["attendance"], row["absence_reason"]) == ("absent_excused", "Đi công tác")
    assert excused.json()["meeting"]["status"] == "held"
    stranger = act(secretary, mid, "attendance", {"member": TINH, "attendance": "present"})
    assert _error(stranger, 400)["rule"] == "meetings.participant.unknown"
    count = act(secretary, mid, "all-present").json()["count"]
    # Point 9.3: a member absent for the whole meeting with an approved reason is not counted.
    assert (count["convened"], count["body_size"], count["present"], count["needed"]) == (
        6,
        5,
        5,
        3,
    )

    refused = act(
        secretary,
        mid,
        "votes",
        {**motion, "votes_for": 2, "votes_against": 3, "claimed_adopted": True},
    )
    error = _error(refused, 400)
    assert error["rule"] == "meetings.outcome.unsupported"
    assert error["findings"][0]["citation"] == "Điều 9, khoản 5, Điều lệ Đảng"
    assert not Vote.objects.filter(meeting_id=mid).exists()

    voted = act(secretary, mid, "votes", {**motion, "claimed_adopted": True})
    assert voted.status_code == 201, voted.json()
    vote = voted.json()["votes"][0]
    assert (vote["adopted"], vote["body_size"], vote["needed"], vote["program"]) == (
        True,
        5,
        3,
        plan["id"],
    )
    sealed = secretary.get(f"/api/v1/programs/{plan['id']}/").json()
    assert (sealed["status"], sealed["adopted_on"]) == ("adopted", "2021-03-10")
    assert sealed["adopted_snapshot"]["items"][0]["quarter"] == 2

    spoke = act(secretary, mid, "discussion", {"speaker": others[1], "summary": "Nhất trí."})
    assert spoke.status_code == 201, spoke.json()
    act(secretary, mid, "awards", {"text": "Giấy khen cho 01 đồng chí", "link": "/awards/"})
    act(secretary, mid, "closing-directions", {"text": "Thực hiện nghiêm kế hoạch."})
    closed = act(secretary, mid, "close")
    assert closed.status_code == 200, closed.json()
    record = closed.json()
    assert record["meeting"]["status"] == "closed"
    assert record["secretary"]["card_number"] == others[0]
    assert [g["name"] for g in record["guests"]] == ["Nguyễn Văn A"]
    assert record["discussion"][0]["summary"] == "Nhất trí."
    assert record["handed_out_awards"] == [
        {"text": "Giấy khen cho 01 đồng chí", "link": "/awards/"}
    ]
    assert record["closing_directions"] == "Thực hiện nghiêm kế hoạch."
    assert record["can_write"] is False
    after = act(secretary, mid, "guests", {"name": "Muộn"})
    assert _error(after, 400)["rule"] == "meetings.closed"


def test_exactly_half_of_the_body_does_not_adopt_and_a_claim_otherwise_is_refused(
    api_for: ApiFor,
) -> None:
    secretary = api_for("bithu2")
    mid = convened_and_present(secretary)
    half = {"motion": "Nghị quyết chuyên đề", "votes_for": 3, "votes_against": 3}
    claimed = act(secretary, mid, "votes", {**half, "claimed_adopted": True})
    assert _error(claimed, 400)["rule"] == "meetings.outcome.unsupported"
    recorded = act(secretary, mid, "votes", half)
    assert recorded.status_code == 201, recorded.json()
    vote = recorded.json()["votes"][0]
    assert (vote["body_size"], vote["needed"], vote["adopted"]) == (6, 4, False)
    assert vote["outcome_label"] == "Không được thông qua"
    majority = act(secretary, mid, "votes", {**half, "votes_for": 4, "votes_against": 2})
    assert majority.json()["votes"][1]["adopted"] is True
    denied = act(
        secretary,
        mid,
        "votes",
        {**half, "votes_for": 4, "votes_against": 2, "claimed_adopted": False},
    )
    assert _error(denied, 400)["rule"] == "meetings.outcome.unsupported"
    too_many = act(secretary, mid, "votes", {**half, "votes_for": 5, "votes_against": 3})
    assert _error(too_many, 400)["rule"] == "meetings.vote.counts"


def test_a_suspended_member_is_left_out_of_the_body(api_for: ApiFor) -> None:
    secretary = api_for("bithu2")
    mid = convened_and_present(secretary)
    member = cards_in(TTR)[0]
    flagged = act(secretary, mid, "participant-flags", {"member": member, "suspended": True})
    assert flagged.status_code == 200, flagged.json()
    assert (flagged.json()["count"]["body_size"], flagged.json()["count"]["needed"]) == (5, 3)
    rules = {f["rule"] for f in flagged.json()["count"]["findings"]}
    assert "meetings.body.excluded" in rules


def test_another_cell_gets_404_on_a_cells_meeting_like_a_missing_one(api_for: ApiFor) -> None:
    mid = convened_and_present(api_for("bithu2"))
    outsider = api_for("bithu")
    for response in (
        outsider.get(f"/api/v1/meetings/{mid}/"),
        act(outsider, mid, "attendance", {"member": NGA, "attendance": "present"}),
        act(outsider, mid, "votes", {"motion": "X", "votes_for": 6}),
        act(outsider, mid, "close"),
        outsider.get("/api/v1/meetings/999999999/"),
        outsider.get("/api/v1/meetings/x1/"),
    ):
        assert _error(response, 404)["rule"] == "access.not_found"
    listed = outsider.get("/api/v1/meetings/", {"limit": 100}).json()["results"]
    assert mid not in {m["id"] for m in listed}
    created = outsider.post(
        "/api/v1/meetings/",
        {"organization": TTR, "kind": "cell_regular", "title": "X", "held_on": "2021-04-01"},
        format="json",
    )
    assert _error(created, 404)["rule"] == "access.not_found"


def test_a_superior_reader_reads_a_meeting_but_gets_403_on_every_write(api_for: ApiFor) -> None:
    mid = convened_and_present(api_for("bithu2"))
    reader = api_for("khoi")
    assert reader.get(f"/api/v1/meetings/{mid}/").json()["can_write"] is False
    for step, body in (
        ("attendance", {"member": NGA, "attendance": "absent_unexcused"}),
        ("attendance", {"member": TINH, "attendance": "present"}),
        ("all-present", {}),
        ("votes", {"motion": "Nghị quyết", "votes_for": 6}),
        ("guests", {"name": "Khách"}),
        ("close", {}),
    ):
        assert _error(act(reader, mid, step, body), 403)["rule"] == "access.denied", step
    created = reader.post(
        "/api/v1/meetings/",
        {"organization": ORG, "kind": "committee", "title": "Họp", "held_on": "2021-04-01"},
        format="json",
    )
    assert _error(created, 403)["rule"] == "access.denied"
    # Refused before the body is read: an empty or invalid body makes no difference.
    for step in ("votes", "attendance", "chairs"):
        assert _error(act(reader, mid, step, {}), 403)["rule"] == "access.denied", step
    empty = reader.post("/api/v1/meetings/", {}, format="json")
    assert _error(empty, 403)["rule"] == "access.denied"
    assert not Vote.objects.filter(meeting_id=mid).exists()


def test_closing_needs_everyone_marked_and_links_must_be_safe(api_for: ApiFor) -> None:
    secretary = api_for("bithu2")
    mid = create_meeting(secretary)["meeting"]["id"]
    act(secretary, mid, "convene")
    assert (
        _error(act(secretary, mid, "close"), 400)["rule"] == "meetings.close.attendance_incomplete"
    )
    unsafe = act(secretary, mid, "awards", {"text": "Khen", "link": "javascript:alert(1)"})
    assert _error(unsafe, 400)["field"] == "link"


def test_the_schema_documents_the_meeting_endpoints(client: Client) -> None:
    steps = (
        "chairs",
        "secretary",
        "guests",
        "agenda",
        "convene",
        "attendance",
        "all-present",
        "participant-flags",
        "discussion",
        "votes",
        "awards",
        "closing-directions",
        "close",
    )
    endpoints = {f"/api/v1/meetings/{{id}}/{step}/" for step in steps} | {"/api/v1/meetings/"}
    documented_paths(client, endpoints)


def _a_convened_members_meeting(writer: APIClient) -> tuple[int, str]:
    """The office convenes the department, the plain member among them, to a new meeting."""
    created = writer.post(
        "/api/v1/meetings/",
        {
            "organization": ORG,
            "kind": "thematic",
            "title": "Học tập nghị quyết",
            "held_on": "2021-05-04",
        },
        format="json",
    ).json()
    roll = writer.post(
        f"/api/v1/meetings/{created['meeting']['id']}/convene/", {}, format="json"
    ).json()["participants"]
    assert DANGVIEN in {p["member"]["card_number"] for p in roll}
    other = next(p for p in roll if p["member"]["card_number"] != DANGVIEN)
    return created["meeting"]["id"], other["member"]["card_number"]


def test_a_convened_member_reads_the_counts_not_the_absence_reasons_or_flags(
    api_for: ApiFor, client_for: Any
) -> None:
    writer, member = api_for("vanphong"), api_for("dangvien")
    meeting, card = _a_convened_members_meeting(writer)
    reason = "Điều trị bệnh dài ngày ở Hà Nội"
    marked = writer.post(
        f"/api/v1/meetings/{meeting}/attendance/",
        {"member": card, "attendance": "absent_excused", "reason": reason},
        format="json",
    )
    assert marked.status_code == 200, marked.content
    flagged = writer.post(
        f"/api/v1/meetings/{meeting}/participant-flags/",
        {"member": card, "suspended": True, "prosecuted_or_detained": True},
        format="json",
    )
    assert flagged.status_code == 200, flagged.content
    # The office keeping the roll sees it, person by person.
    rows = [p for p in flagged.json()["participants"] if p["member"]["card_number"] == card]
    assert rows[0]["absence_reason"] == reason
    assert rows[0]["suspended"]
    for reader in (member, api_for("khoi")):
        response = reader.get(f"/api/v1/meetings/{meeting}/")
        assert response.status_code == 200
        body = response.json()
        assert body["participants"] == []
        text = response.content.decode()
        assert reason not in text
        assert '"suspended"' not in text
        assert '"prosecuted_or_detained"' not in text
        # What the meeting's web page shows: the counts.
        assert body["attendance_totals"]["absent_excused"] >= 1
    # The same as the web shows them.
    page = client_for("dangvien").get(f"/meetings/{meeting}/").content.decode()
    assert reason not in page
