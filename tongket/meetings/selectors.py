"""Every read of meetings, starting from what the user may see; the minutes' facts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from tongket.accounts.scope import User, scope_for
from tongket.core.errors import NotFound
from tongket.core.lookups import first_or_not_found
from tongket.meetings.models import (
    AgendaItem,
    Attendance,
    Chair,
    DiscussionEntry,
    Guest,
    Meeting,
    MeetingKind,
    Participant,
    Vote,
)
from tongket.meetings.services import BodyCount, attendance_rule, body_count
from tongket.people.models import Organization
from tongket.programs.models import Program

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def visible_meetings(user: User | None) -> QuerySet[Meeting]:
    """Meetings of the user's subtrees, and any meeting the user's member record was convened to."""
    scope = scope_for(user)
    query = scope.path_q("organization__path")
    if scope.own_member_id is not None:
        query |= Q(
            Exists(
                Participant.objects.filter(meeting=OuterRef("pk"), member_id=scope.own_member_id)
            )
        )
    return Meeting.objects.filter(query).select_related("organization")


def get_meeting(user: User | None, meeting_id: int, *, write: bool = False) -> Meeting:
    meeting = visible_meetings(user).filter(pk=meeting_id).first()
    if meeting is None or (write and not scope_for(user).writes(meeting.organization.path)):
        raise NotFound("Không tìm thấy hội nghị.")
    return meeting


def get_participant(user: User | None, participant_id: int) -> Participant:
    return first_or_not_found(
        Participant.objects.filter(
            pk=participant_id, meeting__in=visible_meetings(user)
        ).select_related("member", "organization", "meeting__organization"),
        "Không tìm thấy đảng viên được triệu tập.",
    )


def can_write(user: User | None, meeting: Meeting) -> bool:
    return scope_for(user).writes(meeting.organization.path) and not meeting.is_closed


def can_see_attendance(user: User | None, meeting: Meeting) -> bool:
    """Who was convened, who came and why someone was absent, with the suspended and the
    prosecuted or detained: only those who keep the meeting's roll (who write its organization).
    Everyone else who sees the meeting (a convened member, a superior reader) sees the counts."""
    return scope_for(user).writes(meeting.organization.path)


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    convened: int
    present: int


class _MeetingCounts(TypedDict):
    n_convened: int
    n_present: int


def counted_meetings(user: User | None) -> QuerySet[WithAnnotations[Meeting, _MeetingCounts]]:
    """The meetings the user sees, each with how many were convened (`n_convened`) and how many
    of them were present (`n_present`)."""
    return visible_meetings(user).annotate(
        n_convened=Count("participants", distinct=True),
        n_present=Count(
            "participants",
            filter=Q(participants__attendance=Attendance.PRESENT),
            distinct=True,
        ),
    )


def meeting_list(user: User | None) -> list[MeetingRow]:
    meetings = counted_meetings(user).order_by("-held_on", "organization__path")
    return [MeetingRow(m, m.n_convened, m.n_present) for m in meetings]


@dataclass(frozen=True)
class OrgAttendance:
    """Attendance of the members convened from one organization (a cell)."""

    organization: Organization
    convened: int
    present: int
    absent_excused: int
    absent_unexcused: int
    unmarked: int


@dataclass(frozen=True)
class VoteRow:
    vote: Vote
    messages: tuple[str, ...]
    citations: tuple[str, ...]


@dataclass(frozen=True)
class MeetingPage:
    meeting: Meeting
    chairs: tuple[Chair, ...]
    guests: tuple[Guest, ...]
    participants: tuple[Participant, ...]
    by_organization: tuple[OrgAttendance, ...]
    totals: OrgAttendance | None
    agenda: tuple[AgendaItem, ...]
    discussion: tuple[DiscussionEntry, ...]
    votes: tuple[VoteRow, ...]
    count: BodyCount
    programs_to_vote: tuple[Program, ...]
    can_write: bool


def _attendance_by_org(
    participants: list[Participant],
) -> tuple[tuple[OrgAttendance, ...], OrgAttendance | None]:
    groups: dict[int, list[Participant]] = defaultdict(list)
    orgs: dict[int, Organization] = {}
    for p in participants:
        groups[p.organization_id].append(p)
        orgs[p.organization_id] = p.organization

    def summarize(org: Organization, rows: list[Participant]) -> OrgAttendance:
        return OrgAttendance(
            organization=org,
            convened=len(rows),
            present=sum(1 for r in rows if r.attendance == Attendance.PRESENT),
            absent_excused=sum(1 for r in rows if r.attendance == Attendance.ABSENT_EXCUSED),
            absent_unexcused=sum(1 for r in rows if r.attendance == Attendance.ABSENT_UNEXCUSED),
            unmarked=sum(1 for r in rows if not r.attendance),
        )

    rows = tuple(
        summarize(orgs[pk], groups[pk])
        for pk in sorted(groups, key=lambda pk: (orgs[pk].sort_order, orgs[pk].path))
    )
    if not participants:
        return rows, None
    return rows, OrgAttendance(
        organization=participants[0].meeting.organization,
        convened=sum(r.convened for r in rows),
        present=sum(r.present for r in rows),
        absent_excused=sum(r.absent_excused for r in rows),
        absent_unexcused=sum(r.absent_unexcused for r in rows),
        unmarked=sum(r.unmarked for r in rows),
    )


def _vote_row(vote: Vote) -> VoteRow:
    findings = [f for f in vote.findings if isinstance(f, dict)]
    return VoteRow(
        vote=vote,
        messages=tuple(str(f.get("message", "")) for f in findings),
        citations=tuple(dict.fromkeys(str(f.get("citation", "")) for f in findings)),
    )


def _participants(meeting: Meeting) -> list[Participant]:
    """Those convened, by organization then name, each holding `meeting` (no query back to it)."""
    participants = list(
        meeting.participants.select_related("member", "organization").order_by(
            "organization__sort_order", "organization__path", "member__sort_name"
        )
    )
    for p in participants:
        p.meeting = meeting
    return participants


def meeting_page(user: User | None, meeting_id: int) -> MeetingPage:
    """Everything the preparation, running and record pages show, in a fixed number of queries."""
    meeting = get_meeting(user, meeting_id)
    participants = _participants(meeting)
    by_org, totals = _attendance_by_org(participants)
    writable = can_write(user, meeting)
    return MeetingPage(
        meeting=meeting,
        chairs=tuple(meeting.chairs.select_related("member")),
        guests=tuple(meeting.guests.all()),
        participants=tuple(participants),
        by_organization=by_org,
        totals=totals,
        agenda=tuple(meeting.agenda_items.select_related("presenter", "program")),
        discussion=tuple(meeting.discussion.select_related("speaker", "agenda_item")),
        votes=tuple(_vote_row(v) for v in meeting.votes.select_related("program")),
        count=body_count(meeting),
        programs_to_vote=tuple(
            Program.objects.filter(organization=meeting.organization, status="draft").order_by(
                "kind"
            )
        )
        if writable
        else (),
        can_write=writable,
    )


# --- minutes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonLine:
    name: str
    title: str


@dataclass(frozen=True)
class AbsenceLine:
    name: str
    organization: str
    excused: bool
    reason: str


@dataclass(frozen=True)
class AttendanceLine:
    organization: str
    convened: int
    present: int
    absent: int


@dataclass(frozen=True)
class AgendaLine:
    title: str
    presenter: str
    presenter_title: str
    document_title: str


@dataclass(frozen=True)
class SpeechLine:
    speaker: str
    summary: str


@dataclass(frozen=True)
class VoteLine:
    motion: str
    votes_for: int
    votes_against: int
    abstain: int
    convened: int
    body_size: int
    present: int
    needed: int
    quorum_met: bool
    adopted: bool
    citations: tuple[str, ...]
    explanation: tuple[str, ...]


@dataclass(frozen=True)
class ResolutionFacts:
    """A document the meeting adopted by vote, for the resolution record (nghị quyết)."""

    document_title: str
    program_id: int | None
    year: int | None
    adopted_on: dt.date
    votes_for: int
    body_size: int
    citation: str


@dataclass(frozen=True)
class MinutesFacts:
    """What the minutes (biên bản) of a meeting state, for the documents app to render."""

    meeting_id: int
    organization_code: str
    organization_name: str
    superior_name: str
    issuer_code: str
    place_name: str
    kind: str
    kind_label: str
    title: str
    held_on: dt.date
    starts_at: dt.time | None
    place: str
    closed: bool
    chairs: tuple[PersonLine, ...]
    secretary: PersonLine | None
    guests: tuple[PersonLine, ...]
    convened: int
    present: int
    attendance: tuple[AttendanceLine, ...]
    absences: tuple[AbsenceLine, ...]
    attendance_rule: str
    attendance_citation: str
    agenda: tuple[AgendaLine, ...]
    discussion: tuple[SpeechLine, ...]
    votes: tuple[VoteLine, ...]
    resolutions: tuple[ResolutionFacts, ...]
    handed_out_awards: tuple[str, ...]
    closing_directions: str


def minutes_facts(meeting: Meeting) -> MinutesFacts:
    """The facts of `meeting`'s minutes; the caller has already checked the user may see it
    (use `get_meeting`)."""
    org = meeting.organization
    participants = _participants(meeting)
    by_org, totals = _attendance_by_org(participants)
    votes = list(meeting.votes.select_related("program"))
    vote_lines = tuple(
        VoteLine(
            motion=v.motion,
            votes_for=v.votes_for,
            votes_against=v.votes_against,
            abstain=v.abstain,
            convened=v.convened,
            body_size=v.body_size,
            present=v.present,
            needed=v.needed,
            quorum_met=v.quorum_met,
            adopted=v.adopted,
            citations=_vote_row(v).citations,
            explanation=_vote_row(v).messages,
        )
        for v in votes
    )
    resolutions = tuple(
        ResolutionFacts(
            document_title=v.program.title if v.program else v.motion,
            program_id=v.program_id,
            year=v.program.year if v.program else None,
            adopted_on=meeting.held_on,
            votes_for=v.votes_for,
            body_size=v.body_size,
            citation="Điều 9, khoản 5, Điều lệ Đảng",
        )
        for v in votes
        if v.adopted
    )
    rule = attendance_rule(meeting.kind)
    secretary = (
        PersonLine(meeting.secretary.full_name, meeting.secretary_title)
        if meeting.secretary
        else None
    )
    parent = org.parent
    return MinutesFacts(
        meeting_id=meeting.pk,
        organization_code=org.code,
        organization_name=org.name,
        superior_name=parent.name if parent else "",
        issuer_code=org.issuer_code,
        place_name=org.place,
        kind=meeting.kind,
        kind_label=MeetingKind(meeting.kind).label,
        title=meeting.title,
        held_on=meeting.held_on,
        starts_at=meeting.starts_at,
        place=meeting.place,
        closed=meeting.is_closed,
        chairs=tuple(
            PersonLine(c.member.full_name, c.title_at_time)
            for c in meeting.chairs.select_related("member")
        ),
        secretary=secretary,
        guests=tuple(PersonLine(g.name, g.title) for g in meeting.guests.all()),
        convened=totals.convened if totals else 0,
        present=totals.present if totals else 0,
        attendance=tuple(
            AttendanceLine(r.organization.name, r.convened, r.present, r.convened - r.present)
            for r in by_org
        ),
        absences=tuple(
            AbsenceLine(
                p.member.full_name,
                p.organization.name,
                p.attendance == Attendance.ABSENT_EXCUSED,
                p.absence_reason,
            )
            for p in participants
            if p.attendance in (Attendance.ABSENT_EXCUSED, Attendance.ABSENT_UNEXCUSED)
        ),
        attendance_rule=rule.words,
        attendance_citation=rule.citation,
        agenda=tuple(
            AgendaLine(
                a.title,
                a.presenter.full_name if a.presenter else "",
                a.presenter_title,
                a.document_title,
            )
            for a in meeting.agenda_items.select_related("presenter")
        ),
        discussion=tuple(
            SpeechLine(d.speaker.full_name if d.speaker else d.speaker_name, d.summary)
            for d in meeting.discussion.select_related("speaker")
        ),
        votes=vote_lines,
        resolutions=resolutions,
        handed_out_awards=tuple(
            str(a.get("text", "")) if isinstance(a, dict) else str(a)
            for a in meeting.handed_out_awards
        ),
        closing_directions=meeting.closing_directions,
    )


def organizations_for_new_meeting(user: User | None) -> QuerySet[Organization]:
    return (
        Organization.objects.filter(scope_for(user).path_q("path", write=True))
        .exclude(kind="agency")
        .order_by("path")
    )
