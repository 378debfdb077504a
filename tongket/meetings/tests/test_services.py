"""Meetings through the services: the voting body, majority and quorum, refused outcomes,
sealing programs by vote, closing, scoping, and the demo conference's minutes."""

from __future__ import annotations

import datetime as dt

import pytest

from tongket.core.demo import DEMO_ORG
from tongket.core.errors import DomainError, NotFound
from tongket.meetings import selectors, services
from tongket.meetings.models import Attendance, Meeting, MeetingKind, Participant
from tongket.programs import services as program_services
from tongket.programs.models import Program, ProgramKind

pytestmark = pytest.mark.django_db

TTR = f"{DEMO_ORG}.TTR"  # 6 members


def _cell_meeting(kind: str = MeetingKind.CELL_REGULAR) -> Meeting:
    meeting = services.create_meeting(
        actor=None,
        organization_code=TTR,
        kind=kind,
        title="Sinh hoạt chi bộ tháng 11",
        held_on=dt.date(2021, 11, 5),
    )
    services.convene_members(actor=None, meeting_id=meeting.pk)
    return meeting


def _participants(meeting: Meeting) -> list[Participant]:
    return list(meeting.participants.order_by("member__card_number"))


def _mark(meeting: Meeting, absences: dict[int, str]) -> None:
    """Mark participants by index: "excused", "unexcused"; everyone else present."""
    for index, p in enumerate(_participants(meeting)):
        kind = absences.get(index)
        if kind == "excused":
            services.mark_attendance(
                actor=None,
                participant_id=p.pk,
                attendance=Attendance.ABSENT_EXCUSED,
                reason="Đi công tác",
            )
        elif kind == "unexcused":
            services.mark_attendance(
                actor=None, participant_id=p.pk, attendance=Attendance.ABSENT_UNEXCUSED
            )
    services.mark_all_present(actor=None, meeting_id=meeting.pk)


def _vote(meeting: Meeting, votes_for: int, **kwargs: object) -> object:
    return services.record_vote(
        actor=None,
        meeting_id=meeting.pk,
        motion="Thông qua nghị quyết tháng",
        votes_for=votes_for,
        votes_against=kwargs.pop("votes_against", 0),  # type: ignore[arg-type]
        abstain=kwargs.pop("abstain", 0),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("absences", "votes_for", "body", "needed", "adopted"),
    [
        ({}, 3, 6, 4, False),  # exactly half of 6 is not enough
        ({}, 4, 6, 4, True),
        ({0: "excused"}, 3, 5, 3, True),  # away with reason: left out of the body (9.3)
        ({0: "unexcused"}, 3, 6, 4, False),  # away without reason still counts
        ({0: "excused", 1: "excused"}, 2, 4, 3, False),  # 2 of 4: exactly half again
    ],
)
def test_a_resolution_needs_more_than_half_of_the_body(
    absences: dict[int, str], votes_for: int, body: int, needed: int, adopted: bool
) -> None:
    meeting = _cell_meeting()
    _mark(meeting, absences)
    vote = _vote(meeting, votes_for)
    assert vote.body_size == body  # type: ignore[attr-defined]
    assert vote.needed == needed  # type: ignore[attr-defined]
    assert vote.adopted is adopted  # type: ignore[attr-defined]


def test_a_suspended_member_is_left_out_of_the_body() -> None:
    meeting = _cell_meeting()
    first = _participants(meeting)[0]
    services.set_participant_flags(actor=None, participant_id=first.pk, suspended=True)
    services.mark_attendance(
        actor=None, participant_id=first.pk, attendance=Attendance.ABSENT_UNEXCUSED
    )
    _mark(meeting, {})
    vote = _vote(meeting, 3)
    assert (vote.body_size, vote.adopted) == (5, True)  # type: ignore[attr-defined]


def test_a_recorded_outcome_the_rules_do_not_support_is_refused() -> None:
    meeting = _cell_meeting()
    _mark(meeting, {})
    with pytest.raises(DomainError) as refused:
        _vote(meeting, 3, votes_against=3, claimed_adopted=True)
    assert refused.value.rule == "meetings.outcome.unsupported"
    with pytest.raises(DomainError):
        _vote(meeting, 5, votes_against=1, claimed_adopted=False)
    assert not meeting.votes.exists()


def test_more_ballots_than_members_present_are_refused() -> None:
    meeting = _cell_meeting()
    _mark(meeting, {0: "unexcused"})
    with pytest.raises(DomainError) as refused:
        _vote(meeting, 5, votes_against=1)
    assert refused.value.rule == "meetings.vote.counts"


def test_a_majority_at_a_meeting_without_quorum_adopts_nothing() -> None:
    meeting = _cell_meeting()
    _mark(meeting, {0: "excused", 1: "excused", 2: "excused"})  # 3 of 6 present, needs 4
    with pytest.raises(DomainError):
        _vote(meeting, 3, claimed_adopted=True)
    vote = _vote(meeting, 3)
    assert vote.body_size == 3  # type: ignore[attr-defined]
    assert not vote.quorum_met  # type: ignore[attr-defined]
    assert not vote.adopted  # type: ignore[attr-defined]


def test_a_vote_waits_until_everyone_is_marked() -> None:
    meeting = _cell_meeting()
    with pytest.raises(DomainError) as refused:
        _vote(meeting, 6)
    assert refused.value.rule == "meetings.vote.attendance_incomplete"


def test_adopting_a_program_by_vote_seals_it_and_a_failed_vote_does_not() -> None:
    program = program_services.create_program(
        actor=None, organization_code=TTR, year=2022, kind=ProgramKind.CELL_PLAN, title="KH 2022"
    )
    program_services.add_item(
        actor=None,
        program_id=program.pk,
        data=program_services.ItemInput("1", "Sinh hoạt chuyên đề", quarter=1),
    )
    meeting = _cell_meeting()
    _mark(meeting, {})
    _vote(meeting, 3, votes_against=3, program_id=program.pk)
    program.refresh_from_db()
    assert not program.is_adopted
    _vote(meeting, 6, program_id=program.pk)
    program.refresh_from_db()
    assert program.is_adopted
    assert program.adopted_on == meeting.held_on
    assert program.adopted_snapshot["items"][0]["content"] == "Sinh hoạt chuyên đề"
    with pytest.raises(DomainError):
        _vote(meeting, 6, program_id=program.pk)


def test_a_closed_meeting_refuses_changes() -> None:
    meeting = _cell_meeting()
    _mark(meeting, {})
    services.close_meeting(actor=None, meeting_id=meeting.pk)
    with pytest.raises(DomainError) as refused:
        services.add_discussion(actor=None, meeting_id=meeting.pk, speaker_name="A", summary="B")
    assert refused.value.rule == "meetings.closed"


def test_an_excused_absence_needs_a_reason() -> None:
    meeting = _cell_meeting()
    with pytest.raises(DomainError):
        services.mark_attendance(
            actor=None,
            participant_id=_participants(meeting)[0].pk,
            attendance=Attendance.ABSENT_EXCUSED,
        )


def test_a_secretary_of_another_cell_neither_sees_nor_runs_the_meeting(user_named) -> None:
    meeting = _cell_meeting()
    outsider = user_named("bithu")  # secretary of TCCB
    with pytest.raises(NotFound):
        selectors.get_meeting(outsider, meeting.pk)
    with pytest.raises(NotFound):
        services.mark_all_present(actor=outsider, meeting_id=meeting.pk)


def test_a_convened_member_sees_the_conference_but_not_other_cells_meetings(user_named) -> None:
    conference = Meeting.objects.get(organization__code=DEMO_ORG, kind=MeetingKind.YEAR_END)
    cell_meeting = Meeting.objects.get(organization__code=f"{DEMO_ORG}.TCCB")
    member = user_named("dangvien")
    assert selectors.get_meeting(member, conference.pk) == conference
    with pytest.raises(NotFound):
        selectors.get_meeting(member, cell_meeting.pk)


def test_the_demo_conference_minutes_tell_the_article() -> None:
    conference = Meeting.objects.get(organization__code=DEMO_ORG, kind=MeetingKind.YEAR_END)
    facts = selectors.minutes_facts(conference)
    assert facts.held_on == dt.date(2021, 2, 24)
    assert [c.name for c in facts.chairs] == ["Lê Văn Tính", "Võ Văn Minh"]
    assert facts.chairs[1].title == "Ủy viên Ban Thường vụ Đảng ủy, Phó Giám đốc Sở"
    assert facts.guests[0].name == "Nguyễn Thanh Quang"
    assert (facts.convened, facts.present, len(facts.attendance)) == (50, 50, 7)
    assert facts.absences == ()
    assert facts.agenda[0].presenter == "Lê Văn Tính"
    adopted = {r.document_title for r in facts.resolutions}
    assert adopted == {
        p.title for p in Program.objects.filter(organization__code=DEMO_ORG, year=2021)
    }
    assert all(v.adopted and v.body_size == 50 and v.needed == 26 for v in facts.votes)
    assert any("Giấy khen" in a for a in facts.handed_out_awards)
    assert facts.closing_directions.startswith("Trong thời gian tới")
    assert facts.closed


def test_the_demo_cell_meeting_leaves_the_excused_member_out() -> None:
    meeting = Meeting.objects.get(organization__code=f"{DEMO_ORG}.TCCB")
    vote = meeting.votes.get()
    assert (vote.convened, vote.body_size, vote.present, vote.needed) == (7, 6, 6, 4)
    assert vote.adopted
