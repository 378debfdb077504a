"""Shapes of the meetings API: output serializers (over the selectors' page: its rows as they are,
or the plain dict built by meeting_detail) and input serializers that only parse (every rule is
in tongket.meetings.services)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tongket.accounts.scope import Scope
from tongket.exchange.api import MAX_ID
from tongket.meetings import selectors
from tongket.meetings.domain import shown_link
from tongket.meetings.models import Attendance, Meeting, MeetingKind, Participant
from tongket.people.serializers import PersonSerializer, person


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind = serializers.CharField(
        read_only=True, help_text="year_end, cell_regular, committee hoặc thematic."
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.CharField(read_only=True, help_text="preparing, held hoặc closed.")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # A plain "08:00:00": JSON Schema's "time" format would demand a UTC offset.
    starts_at = serializers.CharField(
        read_only=True, allow_null=True, help_text="Giờ bắt đầu (giờ Việt Nam), «08:00:00»."
    )
    convened = serializers.IntegerField(source="n_convened", read_only=True)
    present = serializers.IntegerField(source="n_present", read_only=True)

    class Meta:
        model = Meeting
        fields = (
            "id",
            "organization",
            "organization_name",
            "kind",
            "kind_label",
            "title",
            "held_on",
            "starts_at",
            "place",
            "status",
            "status_label",
            "convened",
            "present",
            "closed_at",
            "version",
        )
        read_only_fields = fields


class ChairSerializer(serializers.Serializer[Any]):
    member = PersonSerializer()
    title_at_time = serializers.CharField(help_text="Chức vụ khi chủ trì.")


class GuestSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    title = serializers.CharField()


class AgendaSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    presenter = PersonSerializer(allow_null=True)
    presenter_title = serializers.CharField()
    document_title = serializers.CharField()
    program = serializers.IntegerField(allow_null=True, help_text="Chương trình trình hội nghị.")


class ParticipantSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    member = PersonSerializer()
    organization = serializers.CharField(help_text="Chi bộ nơi đảng viên sinh hoạt.")
    organization_name = serializers.CharField()
    attendance = serializers.CharField(
        help_text="present, absent_excused, absent_unexcused; rỗng nếu chưa điểm danh."
    )
    attendance_label = serializers.CharField()
    absence_reason = serializers.CharField()
    exempted = serializers.BooleanField(help_text="Miễn công tác và sinh hoạt đảng.")
    suspended = serializers.BooleanField(help_text="Đình chỉ sinh hoạt đảng.")
    prosecuted_or_detained = serializers.BooleanField()


class OrgAttendanceSerializer(serializers.Serializer[Any]):
    organization = serializers.CharField(source="organization.code")
    organization_name = serializers.CharField(source="organization.name")
    convened = serializers.IntegerField()
    present = serializers.IntegerField()
    absent_excused = serializers.IntegerField()
    absent_unexcused = serializers.IntegerField()
    unmarked = serializers.IntegerField()


class FindingOutSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField()
    citation = serializers.CharField()
    severity = serializers.CharField()
    subject = serializers.CharField()
    message = serializers.CharField()


class BodyCountSerializer(serializers.Serializer[Any]):
    convened = serializers.IntegerField(help_text="Số đảng viên được triệu tập.")
    unmarked = serializers.IntegerField(help_text="Số chưa điểm danh.")
    body_size = serializers.IntegerField(
        help_text="Tổng số tính biểu quyết (điểm 9.3, Quy định 24-QĐ/TW)."
    )
    present = serializers.IntegerField(help_text="Số trong tổng số đó có mặt.")
    needed = serializers.IntegerField(
        help_text="Số tán thành cần để thông qua: quá nửa (Điều 9, khoản 5, Điều lệ Đảng)."
    )
    quorum_needed = serializers.IntegerField(help_text="Số có mặt cần để hội nghị hợp lệ.")
    quorum_met = serializers.BooleanField()
    quorum_rule = serializers.CharField()
    quorum_citation = serializers.CharField()
    findings = FindingOutSerializer(many=True)


class VoteSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    motion = serializers.CharField()
    agenda_item = serializers.IntegerField(source="agenda_item_id", allow_null=True)
    program = serializers.IntegerField(
        source="program_id", allow_null=True, help_text="Chương trình được biểu quyết."
    )
    votes_for = serializers.IntegerField()
    votes_against = serializers.IntegerField()
    abstain = serializers.IntegerField()
    convened = serializers.IntegerField()
    body_size = serializers.IntegerField()
    present = serializers.IntegerField()
    needed = serializers.IntegerField()
    quorum_met = serializers.BooleanField()
    adopted = serializers.BooleanField(help_text="Kết quả theo quy định: được thông qua hay không.")
    outcome_label = serializers.CharField()
    findings = FindingOutSerializer(many=True, help_text="Lý do của kết quả, kèm điều khoản.")


class DiscussionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    agenda_item = serializers.IntegerField(allow_null=True)
    speaker = PersonSerializer(allow_null=True)
    speaker_name = serializers.CharField()
    summary = serializers.CharField()


class AwardHandoutSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    link = serializers.CharField()


class MeetingDetailSerializer(serializers.Serializer[Any]):
    meeting = MeetingSerializer()
    chairs = ChairSerializer(many=True)
    secretary = PersonSerializer(allow_null=True)
    secretary_title = serializers.CharField()
    guests = GuestSerializer(many=True)
    agenda = AgendaSerializer(many=True)
    participants = ParticipantSerializer(
        many=True,
        help_text="Danh sách điểm danh từng người (lý do vắng, đình chỉ, bị truy tố/tạm giam): "
        "chỉ người ghi được cho tổ chức họp; người khác thấy danh sách rỗng và các số đếm.",
    )
    attendance_by_organization = OrgAttendanceSerializer(many=True)
    attendance_totals = OrgAttendanceSerializer(allow_null=True)
    count = BodyCountSerializer(help_text="Tổng số tính biểu quyết và số lượng cần có, lúc này.")
    discussion = DiscussionSerializer(many=True)
    votes = VoteSerializer(many=True)
    handed_out_awards = AwardHandoutSerializer(many=True)
    closing_directions = serializers.CharField()
    can_write = serializers.BooleanField(
        help_text="Người dùng được ghi vào hội nghị (chưa kết thúc)."
    )


def _findings(raw: Any) -> list[dict[str, str]]:
    keys = ("rule", "citation", "severity", "subject", "message")
    return [{k: str(f.get(k, "")) for k in keys} for f in raw if isinstance(f, dict)]


def _participant(p: Participant, scope: Scope) -> dict[str, Any]:
    return {
        "id": p.pk,
        "member": person(p.member, scope),
        "organization": p.organization.code,
        "organization_name": p.organization.name,
        "attendance": p.attendance,
        "attendance_label": p.get_attendance_display() if p.attendance else "Chưa điểm danh",
        "absence_reason": p.absence_reason,
        "exempted": p.exempted,
        "suspended": p.suspended,
        "prosecuted_or_detained": p.prosecuted_or_detained,
    }


def meeting_detail(
    page: selectors.MeetingPage, meeting: Meeting, scope: Scope, user: Any
) -> dict[str, Any]:
    """The whole record of a meeting as the user may see it (card numbers only where they may
    read the member)."""
    count = page.count
    awards = [a for a in meeting.handed_out_awards if isinstance(a, dict)]
    return {
        "meeting": meeting,
        "chairs": [
            {"member": person(c.member, scope), "title_at_time": c.title_at_time}
            for c in page.chairs
        ],
        "secretary": person(meeting.secretary, scope),
        "secretary_title": meeting.secretary_title,
        "guests": [{"name": g.name, "title": g.title} for g in page.guests],
        "agenda": [
            {
                "id": a.pk,
                "position": a.position,
                "title": a.title,
                "presenter": person(a.presenter, scope),
                "presenter_title": a.presenter_title,
                "document_title": a.document_title,
                "program": a.program_id,
            }
            for a in page.agenda
        ],
        # The roll, person by person, only to whom the web shows it (the running page); the
        # others get the counts below, as on the meeting's page.
        "participants": [_participant(p, scope) for p in page.participants]
        if selectors.can_see_attendance(user, meeting)
        else [],
        "attendance_by_organization": page.by_organization,
        "attendance_totals": page.totals,
        "count": {
            "convened": count.convened,
            "unmarked": count.unmarked,
            "body_size": count.body_size,
            "present": count.present,
            "needed": count.needed,
            "quorum_needed": count.quorum_needed,
            "quorum_met": count.quorum_met,
            "quorum_rule": count.rule_words,
            "quorum_citation": count.rule_citation,
            "findings": _findings(f.as_dict() for f in count.findings),
        },
        "discussion": [
            {
                "id": d.pk,
                "agenda_item": d.agenda_item_id,
                "speaker": person(d.speaker, scope),
                "speaker_name": d.speaker_name,
                "summary": d.summary,
            }
            for d in page.discussion
        ],
        "votes": [row.vote for row in page.votes],
        "handed_out_awards": [
            {"text": str(a.get("text", "")), "link": shown_link(a.get("link"))} for a in awards
        ],
        "closing_directions": meeting.closing_directions,
        "can_write": page.can_write,
    }


# --- inputs (parse only; every rule is in the services) -----------------------------------------

CARD_HELP = "Số thẻ đảng viên."


def _optional_text(max_length: int, help_text: str = "") -> serializers.CharField:
    """A text the client may leave out or blank."""
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, help_text=help_text or None
    )


def _id_field(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, help_text=help_text
    )


class MeetingCreateInput(serializers.Serializer[Any]):
    organization = serializers.CharField(max_length=64, help_text="Mã tổ chức đảng họp.")
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    title = serializers.CharField(max_length=255)
    held_on = serializers.DateField()
    starts_at = serializers.TimeField(required=False, allow_null=True)
    place = _optional_text(255)


class ChairInput(serializers.Serializer[Any]):
    member = serializers.CharField(max_length=20, help_text=CARD_HELP)
    title_at_time = serializers.CharField(max_length=255, help_text="Chức vụ khi chủ trì.")


class SecretaryInput(serializers.Serializer[Any]):
    member = serializers.CharField(max_length=20, help_text=CARD_HELP)
    title = _optional_text(255)


class GuestInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    title = _optional_text(255)


class AgendaInput(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=255)
    presenter = serializers.CharField(
        max_length=20, required=False, allow_blank=True, allow_null=True, help_text=CARD_HELP
    )
    presenter_title = _optional_text(255)
    document_title = _optional_text(255)
    program = _id_field("Mã số chương trình của tổ chức họp, trình hội nghị.")


class ConveneInput(serializers.Serializer[Any]):
    organizations = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        max_length=500,
        help_text="Mã các tổ chức trong tổ chức họp; bỏ trống: triệu tập toàn bộ đảng viên.",
    )


class AttendanceInput(serializers.Serializer[Any]):
    member = serializers.CharField(max_length=20, help_text="Số thẻ đảng viên được triệu tập.")
    attendance = serializers.ChoiceField(choices=Attendance.choices)
    reason = _optional_text(255, "Lý do vắng mặt: bắt buộc khi vắng có lý do.")


class AllPresentInput(serializers.Serializer[Any]):
    organization = _optional_text(
        64, "Chỉ đảng viên của tổ chức này; bỏ trống: mọi người chưa điểm danh."
    )


class FlagsInput(serializers.Serializer[Any]):
    member = serializers.CharField(max_length=20, help_text="Số thẻ đảng viên được triệu tập.")
    exempted = serializers.BooleanField(default=False)
    suspended = serializers.BooleanField(default=False)
    prosecuted_or_detained = serializers.BooleanField(default=False)


class DiscussionInput(serializers.Serializer[Any]):
    summary = serializers.CharField(max_length=10000)
    speaker = serializers.CharField(
        max_length=20, required=False, allow_blank=True, allow_null=True, help_text=CARD_HELP
    )
    speaker_name = _optional_text(255, "Người phát biểu ngoài danh sách.")
    agenda_item = _id_field("Mã số nội dung hội nghị.")


VOTE_MAX = 1_000_000


class VoteInput(serializers.Serializer[Any]):
    motion = serializers.CharField(max_length=255)
    votes_for = serializers.IntegerField(min_value=0, max_value=VOTE_MAX)
    votes_against = serializers.IntegerField(min_value=0, max_value=VOTE_MAX, default=0)
    abstain = serializers.IntegerField(min_value=0, max_value=VOTE_MAX, default=0)
    program = _id_field("Chương trình được biểu quyết; thông qua thì niêm phong chương trình.")
    agenda_item = _id_field("Mã số nội dung hội nghị.")
    claimed_adopted = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Kết quả biên bản ghi (true: thông qua, false: không thông qua); kết quả quy "
        "định không ủng hộ thì bị từ chối. Bỏ trống: hệ thống tự xác định.",
    )


class AwardInput(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=2000)
    link = _optional_text(
        255, "Liên kết sổ khen thưởng (đường dẫn trong hệ thống hoặc địa chỉ http/https)."
    )


class ClosingInput(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=20000, help_text="Kết luận, chỉ đạo bế mạc.")
