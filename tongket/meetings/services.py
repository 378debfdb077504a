"""Every write to meetings: preparation, attendance, discussion, votes, closing; audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tongket.accounts.scope import User
from tongket.audit.recorders import EventRecorder
from tongket.audit.services import record_event
from tongket.core.actors import author, require_write
from tongket.core.errors import DomainError, NotFound
from tongket.core.formatting import date_short
from tongket.core.locking import locked
from tongket.core.lookups import first_or_not_found
from tongket.core.required import require_text
from tongket.core.rules import Finding, Severity
from tongket.meetings import domain
from tongket.meetings.models import (
    AgendaItem,
    Attendance,
    Chair,
    DiscussionEntry,
    Guest,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    Vote,
)
from tongket.people.models import Member, Organization, OrganizationKind
from tongket.people.selectors import visible_members
from tongket.programs import services as program_services
from tongket.programs.models import Program

# Which attendance rule of the domain applies to each kind of meeting. A year-end review
# conference convenes every member of the organization, like a members' congress, so it takes
# that rule (2/3 of those convened); a thematic meeting is a cell meeting on one subject.
ATTENDANCE_RULE_KIND: Mapping[str, domain.MeetingKind] = MappingProxyType(
    {
        MeetingKind.YEAR_END: domain.MeetingKind.MEMBERS_CONGRESS,
        MeetingKind.CELL_REGULAR: domain.MeetingKind.CELL_REGULAR,
        MeetingKind.COMMITTEE: domain.MeetingKind.COMMITTEE,
        MeetingKind.THEMATIC: domain.MeetingKind.CELL_REGULAR,
    }
)


def attendance_rule(kind: str) -> domain.AttendanceRule:
    return domain.DEFAULT_ATTENDANCE_RULES[ATTENDANCE_RULE_KIND[kind]]


def _meeting_for_update(actor: User | None, meeting_id: int, *, open_only: bool = True) -> Meeting:
    meeting = locked(Meeting, meeting_id, "organization", missing="Không tìm thấy hội nghị.")
    require_write(actor, meeting.organization.path, "Không tìm thấy hội nghị.")
    if open_only and meeting.is_closed:
        raise DomainError(
            "Hội nghị đã kết thúc, biên bản đã chốt: không sửa được.",
            field="meeting",
            rule="meetings.closed",
        )
    return meeting


def _member(actor: User | None, card: str, field: str) -> Member:
    """A member named in the meeting's record, among those the actor reads: a card number
    outside their scope reads exactly like one that does not exist (card numbers are
    sequential: answering with the name would let anyone look up the whole country)."""
    member = visible_members(actor).filter(card_number=card.strip()).first()
    if member is None:
        raise DomainError(
            f"Không có đảng viên số thẻ «{card}».", field=field, rule="meetings.unknown_member"
        )
    return member


def _next_position(meeting: Meeting, related: str) -> int:
    manager = getattr(meeting, related)
    current: int | None = manager.aggregate(n=Max("position"))["n"]
    return (current or 0) + 1


_MEETINGS = EventRecorder[Meeting]("meeting", lambda meeting: meeting.organization.path)


def _audit(
    actor: User | None,
    meeting: Meeting,
    action: str,
    summary: str,
    before: dict[str, object] | None = None,
    **after: object,
) -> None:
    _MEETINGS.record(
        actor, f"meetings.{action}", meeting, summary, before=before, after=after or None
    )


def _required(value: str, field: str, label: str) -> str:
    require_text(value, f"{label} không được để trống.", field=field, rule="meetings.required")
    return value.strip()


@transaction.atomic
def create_meeting(
    *,
    actor: User | None,
    organization_code: str,
    kind: str,
    title: str,
    held_on: dt.date,
    place: str = "",
    starts_at: dt.time | None = None,
) -> Meeting:
    org = first_or_not_found(
        Organization.objects.filter(code=organization_code.strip()), "Không tìm thấy tổ chức."
    )
    # a hidden organization is answered as an unknown code (no oracle of which codes exist)
    require_write(actor, org.path, "Không tìm thấy tổ chức.")
    if org.kind == OrganizationKind.AGENCY:
        raise DomainError(
            "Hội nghị thuộc về tổ chức đảng.", field="organization", rule="meetings.organization"
        )
    if kind not in MeetingKind.values:
        raise DomainError("Loại hội nghị không hợp lệ.", field="kind", rule="meetings.kind")
    meeting = Meeting.objects.create(
        organization=org,
        kind=kind,
        title=_required(title, "title", "Tên hội nghị"),
        held_on=held_on,
        place=place.strip(),
        starts_at=starts_at,
    )
    _audit(actor, meeting, "create", meeting.title, held_on=held_on.isoformat(), kind=kind)
    return meeting


def create_meeting_of(*, actor: User | None, data: Mapping[str, Any]) -> Meeting:
    """create_meeting with the fields under the names the API and the meeting form share (the
    organization by code); the place and the starting time may be left out."""
    return create_meeting(
        actor=actor,
        organization_code=data["organization"],
        kind=data["kind"],
        title=data["title"],
        held_on=data["held_on"],
        place=data.get("place", ""),
        starts_at=data.get("starts_at"),
    )


@transaction.atomic
def set_secretary(
    *, actor: User | None, meeting_id: int, member_card: str, title: str = ""
) -> Meeting:
    meeting = _meeting_for_update(actor, meeting_id)
    meeting.secretary = _member(actor, member_card, "secretary")
    meeting.secretary_title = title.strip()
    meeting.version += 1
    meeting.save()
    _audit(actor, meeting, "secretary", "Thư ký hội nghị", card=member_card)
    return meeting


@transaction.atomic
def add_chair(
    *, actor: User | None, meeting_id: int, member_card: str, title_at_time: str
) -> Chair:
    """A chair of the meeting, with the title they hold on the day (titles change later)."""
    meeting = _meeting_for_update(actor, meeting_id)
    member = _member(actor, member_card, "member")
    if meeting.chairs.filter(member=member).exists():
        raise DomainError(
            f"Đồng chí {member.full_name} đã có trong đoàn chủ trì.",
            field="member",
            rule="meetings.chair.unique",
        )
    chair = Chair.objects.create(
        meeting=meeting,
        member=member,
        title_at_time=_required(title_at_time, "title_at_time", "Chức vụ"),
        position=_next_position(meeting, "chairs"),
    )
    _audit(actor, meeting, "chair", f"Chủ trì: {member.full_name}", card=member.card_number)
    return chair


@transaction.atomic
def add_guest(*, actor: User | None, meeting_id: int, name: str, title: str = "") -> Guest:
    meeting = _meeting_for_update(actor, meeting_id)
    guest = Guest.objects.create(
        meeting=meeting,
        name=_required(name, "name", "Họ và tên khách mời"),
        title=title.strip(),
        position=_next_position(meeting, "guests"),
    )
    _audit(actor, meeting, "guest", f"Khách mời: {guest.label}")
    return guest


@transaction.atomic
def convene_members(
    *, actor: User | None, meeting_id: int, organization_codes: Sequence[str] = ()
) -> int:
    """Invite every member of the meeting's organization (or of the listed organizations within
    it), each under the organization they belong to. Returns how many were newly convened."""
    meeting = _meeting_for_update(actor, meeting_id)
    root = meeting.organization
    if organization_codes:
        orgs = list(Organization.objects.filter(code__in=organization_codes))
        if len(orgs) != len(set(organization_codes)) or any(
            not o.path.startswith(root.path) for o in orgs
        ):
            raise DomainError(
                "Chỉ triệu tập được đảng viên thuộc tổ chức của hội nghị.",
                field="organizations",
                rule="meetings.convene.scope",
            )
        paths = [o.path for o in orgs]
    else:
        paths = [root.path]
    already = set(meeting.participants.values_list("member_id", flat=True))
    new: list[Participant] = []
    for path in paths:
        for member in Member.objects.filter(org_path__startswith=path).order_by("sort_name"):
            if member.pk not in already:
                already.add(member.pk)
                new.append(
                    Participant(
                        meeting=meeting, member=member, organization_id=member.organization_id
                    )
                )
    Participant.objects.bulk_create(new)
    _audit(actor, meeting, "convene", f"Triệu tập {len(new)} đảng viên", count=len(new))
    return len(new)


def _participant_for_update(actor: User | None, participant_id: int) -> Participant:
    participant = (
        Participant.objects.select_related("meeting", "member").filter(pk=participant_id).first()
    )
    if participant is None:
        raise NotFound("Không tìm thấy đảng viên được triệu tập.")
    _meeting_for_update(actor, participant.meeting_id)
    return participant


@transaction.atomic
def mark_attendance(
    *, actor: User | None, participant_id: int, attendance: str, reason: str = ""
) -> Participant:
    """Mark one convened member present or absent; an excused absence needs its reason."""
    participant = _participant_for_update(actor, participant_id)
    if attendance not in Attendance.values:
        raise DomainError("Điểm danh không hợp lệ.", field="attendance", rule="meetings.attendance")
    if attendance == Attendance.ABSENT_EXCUSED and not reason.strip():
        raise DomainError(
            "Vắng mặt có lý do phải ghi rõ lý do.",
            field="reason",
            rule="meetings.attendance.reason",
            citation=domain.BODY_CITATION,
        )
    before = participant.attendance
    participant.attendance = attendance
    participant.absence_reason = "" if attendance == Attendance.PRESENT else reason.strip()
    participant.save(update_fields=["attendance", "absence_reason"])
    meeting = participant.meeting
    if meeting.status == MeetingStatus.PREPARING:
        Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)
    record_event(
        actor=actor,
        action="meetings.attendance",
        object_type="participant",
        object_id=participant.pk,
        org_path=participant.member.org_path,
        summary=f"{participant.member.full_name}: {Attendance(attendance).label}",
        before={"attendance": before},
        after={"attendance": attendance, "reason": participant.absence_reason},
    )
    return participant


@transaction.atomic
def mark_all_present(
    *, actor: User | None, meeting_id: int, organization_code: str | None = None
) -> int:
    """Mark every member not yet marked as present (of one organization, if given)."""
    meeting = _meeting_for_update(actor, meeting_id)
    rows = meeting.participants.filter(attendance="")
    if organization_code:
        rows = rows.filter(organization__code=organization_code)
    count = rows.update(attendance=Attendance.PRESENT, absence_reason="")
    if meeting.status == MeetingStatus.PREPARING:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])
    _audit(actor, meeting, "attendance.all", f"Điểm danh có mặt {count} đảng viên", count=count)
    return count


@transaction.atomic
def set_participant_flags(
    *,
    actor: User | None,
    participant_id: int,
    exempted: bool = False,
    suspended: bool = False,
    prosecuted_or_detained: bool = False,
) -> Participant:
    """What point 9.3 of QĐ 24 needs to leave a convened member out of the body's count."""
    participant = _participant_for_update(actor, participant_id)
    participant.exempted = exempted
    participant.suspended = suspended
    participant.prosecuted_or_detained = prosecuted_or_detained
    participant.save(update_fields=["exempted", "suspended", "prosecuted_or_detained"])
    record_event(
        actor=actor,
        action="meetings.participant.flags",
        object_type="participant",
        object_id=participant.pk,
        org_path=participant.member.org_path,
        summary=participant.member.full_name,
        after={
            "exempted": exempted,
            "suspended": suspended,
            "prosecuted_or_detained": prosecuted_or_detained,
        },
    )
    return participant


def _program_of(meeting: Meeting, program_id: int | None) -> Program | None:
    if program_id is None:
        return None
    program = Program.objects.filter(pk=program_id, organization=meeting.organization).first()
    if program is None:
        raise DomainError(
            "Chỉ trình được chương trình của chính tổ chức họp.",
            field="program",
            rule="meetings.program.organization",
        )
    return program


@transaction.atomic
def add_agenda_item(
    *,
    actor: User | None,
    meeting_id: int,
    title: str,
    presenter_card: str | None = None,
    presenter_title: str = "",
    document_title: str = "",
    program_id: int | None = None,
) -> AgendaItem:
    meeting = _meeting_for_update(actor, meeting_id)
    program = _program_of(meeting, program_id)
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=_next_position(meeting, "agenda_items"),
        title=_required(title, "title", "Nội dung chương trình hội nghị"),
        presenter=_member(actor, presenter_card, "presenter") if presenter_card else None,
        presenter_title=presenter_title.strip(),
        document_title=document_title.strip() or (program.title if program else ""),
        program=program,
    )
    _audit(actor, meeting, "agenda", item.title)
    return item


def _agenda_item(meeting: Meeting, agenda_item_id: int | None) -> AgendaItem | None:
    """The item of `meeting`'s agenda a discussion or a vote is about (None: none named)."""
    if agenda_item_id is None:
        return None
    agenda_item = meeting.agenda_items.filter(pk=agenda_item_id).first()
    if agenda_item is None:
        raise DomainError(
            "Nội dung không thuộc hội nghị này.", field="agenda_item", rule="meetings.agenda"
        )
    return agenda_item


@transaction.atomic
def add_discussion(
    *,
    actor: User | None,
    meeting_id: int,
    summary: str,
    speaker_card: str | None = None,
    speaker_name: str = "",
    agenda_item_id: int | None = None,
) -> DiscussionEntry:
    """Record a speaker and the gist of what they said."""
    meeting = _meeting_for_update(actor, meeting_id)
    speaker = _member(actor, speaker_card, "speaker") if speaker_card else None
    if speaker is None and not speaker_name.strip():
        raise DomainError(
            "Phải ghi người phát biểu.", field="speaker", rule="meetings.discussion.speaker"
        )
    agenda_item = _agenda_item(meeting, agenda_item_id)
    entry = DiscussionEntry.objects.create(
        meeting=meeting,
        agenda_item=agenda_item,
        position=_next_position(meeting, "discussion"),
        speaker=speaker,
        speaker_name=speaker_name.strip(),
        summary=_required(summary, "summary", "Tóm tắt ý kiến"),
    )
    if meeting.status == MeetingStatus.PREPARING:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])
    _audit(actor, meeting, "discussion", speaker.full_name if speaker else speaker_name)
    return entry


@dataclass(frozen=True)
class BodyCount:
    """The count a vote is judged against right now: who is convened, who counts (point 9.3),
    who is present, and what the rules need."""

    convened: int
    unmarked: int
    body_size: int
    present: int  # the body's members present
    needed: int  # votes for needed: more than half of body_size
    quorum_needed: int
    quorum_met: bool
    rule_words: str
    rule_citation: str
    findings: tuple[Finding, ...]


def _domain_participants(meeting: Meeting) -> list[domain.Participant]:
    rows = meeting.participants.select_related("member").order_by("id")
    return [
        domain.Participant(
            subject=p.member.card_number,
            name=p.member.full_name,
            attendance=domain.Attendance(p.attendance or Attendance.ABSENT_UNEXCUSED),
            exempted=p.exempted,
            suspended=p.suspended,
            prosecuted_or_detained=p.prosecuted_or_detained,
        )
        for p in rows
    ]


def body_count(meeting: Meeting) -> BodyCount:
    """Count the voting body of `meeting` (Quy định 24-QĐ/TW point 9.3) and its quorum."""
    participants = _domain_participants(meeting)
    unmarked = meeting.participants.filter(attendance="").count()
    body = domain.voting_body_size(participants)
    present = sum(
        1
        for p in participants
        if p.attendance is domain.Attendance.PRESENT and domain.exclusion_reason(p) is None
    )
    rule = attendance_rule(meeting.kind)
    convened = len(participants)
    return BodyCount(
        convened=convened,
        unmarked=unmarked,
        body_size=body.value,
        present=present,
        needed=domain.votes_needed(body.value),
        quorum_needed=rule.required(convened),
        quorum_met=convened > 0 and present >= rule.required(convened),
        rule_words=rule.words,
        rule_citation=rule.citation,
        findings=body.findings,
    )


@transaction.atomic
def record_vote(
    *,
    actor: User | None,
    meeting_id: int,
    motion: str,
    votes_for: int,
    votes_against: int,
    abstain: int,
    program_id: int | None = None,
    agenda_item_id: int | None = None,
    claimed_adopted: bool | None = None,
) -> Vote:
    """Record a vote and the outcome the rules give: adopted only when more than half of the
    body's members (point 9.3 of QĐ 24) vote for at a meeting with its quorum (Điều lệ Đảng,
    Article 9, clause 5). A `claimed_adopted` (what the minutes say) the rules do not support is
    refused. A vote that adopts a program seals the program's adopted version."""
    meeting = _meeting_for_update(actor, meeting_id)
    motion_text = _required(motion, "motion", "Nội dung biểu quyết")
    count = body_count(meeting)
    if count.convened == 0:
        raise DomainError(
            "Chưa triệu tập đảng viên nào: chưa thể biểu quyết.",
            field="convened",
            rule="meetings.vote.no_participants",
        )
    if count.unmarked:
        raise DomainError(
            f"Còn {count.unmarked} đồng chí chưa điểm danh: điểm danh xong mới biểu quyết.",
            field="attendance",
            rule="meetings.vote.attendance_incomplete",
        )
    data_errors = [f for f in count.findings if f.severity is Severity.ERROR]
    if data_errors:
        raise DomainError.from_findings(data_errors, field="attendance")
    rule_kind = ATTENDANCE_RULE_KIND[meeting.kind]
    if claimed_adopted is not None:
        refused = domain.check_recorded_outcome(
            claimed_adopted,
            votes_for=votes_for,
            votes_against=votes_against,
            abstain=abstain,
            body_size=count.body_size,
            present=count.present,
            kind=rule_kind,
            convened=count.convened,
        )
        if refused:
            raise DomainError.from_findings(refused, field=refused[-1].subject or "votes_for")
    outcome = domain.resolution_outcome(
        votes_for, votes_against, abstain, count.body_size, count.present
    )
    if not outcome.ok:
        raise DomainError.from_findings(
            outcome.errors, field=outcome.errors[0].subject or "votes_for"
        )
    quorum = domain.check_attendance(
        rule_kind, count.present, count.convened, meeting_name=meeting.get_kind_display()
    )
    adopted = outcome.value and quorum.value
    program = _program_of(meeting, program_id)
    if program is not None and program.is_adopted:
        raise DomainError(
            f"{program.title} đã được thông qua ngày {date_short(program.adopted_on)}"
            if program.adopted_on
            else f"{program.title} đã được thông qua.",
            field="program",
            rule="meetings.vote.program_adopted",
        )
    agenda_item = _agenda_item(meeting, agenda_item_id)
    findings = (*quorum.findings, *outcome.findings)
    vote = Vote.objects.create(
        meeting=meeting,
        agenda_item=agenda_item,
        position=_next_position(meeting, "votes"),
        motion=motion_text,
        program=program,
        votes_for=votes_for,
        votes_against=votes_against,
        abstain=abstain,
        convened=count.convened,
        body_size=count.body_size,
        present=count.present,
        needed=domain.votes_needed(count.body_size),
        quorum_met=quorum.value,
        adopted=adopted,
        findings=[f.as_dict() for f in findings],
        recorded_by=author(actor),
    )
    if meeting.status == MeetingStatus.PREPARING:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])
    if adopted and program is not None:
        program_services.adopt_program(
            actor=actor,
            program_id=program.pk,
            adopted_on=meeting.held_on,
            adopted_at=f"{meeting.title}, ngày {date_short(meeting.held_on)}",
        )
    _audit(
        actor,
        meeting,
        "vote",
        f"{motion_text}: {'thông qua' if adopted else 'không thông qua'}",
        votes_for=votes_for,
        votes_against=votes_against,
        abstain=abstain,
        body_size=count.body_size,
        present=count.present,
        adopted=adopted,
        program=program.pk if program else None,
    )
    return vote


@transaction.atomic
def add_award_handout(*, actor: User | None, meeting_id: int, text: str, link: str = "") -> Meeting:
    """An award handed out at the meeting, as text (the award register links it later)."""
    meeting = _meeting_for_update(actor, meeting_id)
    if not domain.is_safe_link(link.strip()):
        raise DomainError(
            "Liên kết phải là đường dẫn trong hệ thống (bắt đầu bằng «/») hoặc địa chỉ "
            "«http://», «https://».",
            field="link",
            rule=domain.RULE_SAFE_LINK,
        )
    entry = {"text": _required(text, "text", "Nội dung khen thưởng"), "link": link.strip()}
    meeting.handed_out_awards = [*meeting.handed_out_awards, entry]
    meeting.version += 1
    meeting.save()
    _audit(actor, meeting, "award", entry["text"][:200])
    return meeting


@transaction.atomic
def set_closing_directions(*, actor: User | None, meeting_id: int, text: str) -> Meeting:
    meeting = _meeting_for_update(actor, meeting_id)
    before = meeting.closing_directions
    meeting.closing_directions = text.strip()
    meeting.version += 1
    meeting.save()
    _audit(
        actor,
        meeting,
        "closing",
        "Kết luận bế mạc",
        {"text": before},
        text=meeting.closing_directions,
    )
    return meeting


@transaction.atomic
def close_meeting(*, actor: User | None, meeting_id: int) -> Meeting:
    """End the meeting and seal its record: every convened member must be marked."""
    meeting = _meeting_for_update(actor, meeting_id)
    unmarked = meeting.participants.filter(attendance="").count()
    if unmarked:
        raise DomainError(
            f"Còn {unmarked} đồng chí chưa điểm danh.",
            field="attendance",
            rule="meetings.close.attendance_incomplete",
        )
    meeting.status = MeetingStatus.CLOSED
    meeting.closed_at = timezone.now()
    meeting.version += 1
    meeting.save()
    _audit(actor, meeting, "close", f"Kết thúc {meeting.title}")
    return meeting
