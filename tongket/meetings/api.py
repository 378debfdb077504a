"""REST API v1 for meetings: the record (chairs, guests, agenda, attendance, discussion, votes,
awards, closing) read through the meetings selectors, every step written through the meetings
services (the same checks as the web: scope, the vote rules, a closed record is sealed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Count, Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tongket.accounts.scope import Scope
from tongket.core.errors import DomainError
from tongket.exchange.api import (
    ERRORS,
    ID_PARAM,
    MAX_ID,
    ORG_PARAM,
    READ_ERRORS,
    YEAR_PARAM,
    ApiViewSet,
    PersonSerializer,
    parse_id,
    person,
    require,
    require_a_write_grant,
)
from tongket.meetings import selectors, services
from tongket.meetings.models import Attendance, Meeting, MeetingKind, Participant, Vote

NOT_FOUND = "Không tìm thấy hội nghị."

# --- serializers (outputs read plain dicts built from the selectors' page) ----------------------


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
    organization = serializers.CharField()
    organization_name = serializers.CharField()
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
    agenda_item = serializers.IntegerField(allow_null=True)
    program = serializers.IntegerField(allow_null=True, help_text="Chương trình được biểu quyết.")
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


def _attendance(row: selectors.OrgAttendance) -> dict[str, Any]:
    return {
        "organization": row.organization.code,
        "organization_name": row.organization.name,
        "convened": row.convened,
        "present": row.present,
        "absent_excused": row.absent_excused,
        "absent_unexcused": row.absent_unexcused,
        "unmarked": row.unmarked,
    }


def _findings(raw: Any) -> list[dict[str, str]]:
    keys = ("rule", "citation", "severity", "subject", "message")
    return [{k: str(f.get(k, "")) for k in keys} for f in raw if isinstance(f, dict)]


def vote_dict(vote: Vote) -> dict[str, Any]:
    return {
        "id": vote.pk,
        "position": vote.position,
        "motion": vote.motion,
        "agenda_item": vote.agenda_item_id,
        "program": vote.program_id,
        "votes_for": vote.votes_for,
        "votes_against": vote.votes_against,
        "abstain": vote.abstain,
        "convened": vote.convened,
        "body_size": vote.body_size,
        "present": vote.present,
        "needed": vote.needed,
        "quorum_met": vote.quorum_met,
        "adopted": vote.adopted,
        "outcome_label": "Được thông qua" if vote.adopted else "Không được thông qua",
        "findings": _findings(vote.findings),
    }


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
        "attendance_by_organization": [_attendance(r) for r in page.by_organization],
        "attendance_totals": _attendance(page.totals) if page.totals else None,
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
        "votes": [vote_dict(row.vote) for row in page.votes],
        "handed_out_awards": [
            {"text": str(a.get("text", "")), "link": str(a.get("link", ""))} for a in awards
        ],
        "closing_directions": meeting.closing_directions,
        "can_write": page.can_write,
    }


# --- inputs (parse only; every rule is in the services) -----------------------------------------

CARD_HELP = "Số thẻ đảng viên."


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
    place = serializers.CharField(max_length=255, required=False, allow_blank=True)


class ChairInput(serializers.Serializer[Any]):
    member = serializers.CharField(max_length=20, help_text=CARD_HELP)
    title_at_time = serializers.CharField(max_length=255, help_text="Chức vụ khi chủ trì.")


class SecretaryInput(serializers.Serializer[Any]):
    member = serializers.CharField(max_length=20, help_text=CARD_HELP)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)


class GuestInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)


class AgendaInput(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=255)
    presenter = serializers.CharField(
        max_length=20, required=False, allow_blank=True, allow_null=True, help_text=CARD_HELP
    )
    presenter_title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    document_title = serializers.CharField(max_length=255, required=False, allow_blank=True)
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
    reason = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text="Lý do vắng mặt: bắt buộc khi vắng có lý do.",
    )


class AllPresentInput(serializers.Serializer[Any]):
    organization = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="Chỉ đảng viên của tổ chức này; bỏ trống: mọi người chưa điểm danh.",
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
    speaker_name = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text="Người phát biểu ngoài danh sách.",
    )
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
    link = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text="Liên kết sổ khen thưởng (đường dẫn trong hệ thống hoặc địa chỉ http/https).",
    )


class ClosingInput(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=20000, help_text="Kết luận, chỉ đạo bế mạc.")


# --- viewset -------------------------------------------------------------------------------------


ActionView = TypeVar("ActionView", bound=Callable[..., Response])


def _action_schema(
    request: type[serializers.Serializer[Any]] | None, code: int, text: str
) -> Callable[[ActionView], ActionView]:
    return extend_schema(
        parameters=[ID_PARAM],
        request=request,
        responses={code: MeetingDetailSerializer, **ERRORS},
        description=text,
    )


class MeetingViewSet(ApiViewSet):
    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            selectors.visible_meetings(self.request.user)
            .annotate(
                n_convened=Count("participants", distinct=True),
                n_present=Count(
                    "participants",
                    filter=Q(participants__attendance=Attendance.PRESENT),
                    distinct=True,
                ),
            )
            .select_related("organization", "secretary")
            .order_by("-held_on", "organization__path", "id")
        )

    def _detail(self, meeting_id: int, status: int = 200) -> Response:
        page = selectors.meeting_page(self.request.user, meeting_id)
        meeting = self.get_queryset().get(pk=page.meeting.pk)
        data = MeetingDetailSerializer(
            meeting_detail(page, meeting, self.scope, self.request.user)
        ).data
        return Response(data, status=status)

    def _meeting_id(self, pk: str) -> int:
        """A visible meeting the user may write to (checked before the body is parsed, so a
        reader is refused with 403 whatever the body; the services check again)."""
        meeting = selectors.get_meeting(self.request.user, parse_id(pk, NOT_FOUND))
        require(self.scope.writes(meeting.organization.path))
        return meeting.pk

    def _participant_id(self, meeting_id: int, card: str) -> int:
        """The convened member by card number."""
        found = Participant.objects.filter(meeting_id=meeting_id, member__card_number=card.strip())
        participant_id: int | None = found.values_list("pk", flat=True).first()
        if participant_id is None:
            raise DomainError(
                f"Đồng chí số thẻ «{card}» không có trong danh sách được triệu tập.",
                field="member",
                rule="meetings.participant.unknown",
            )
        return participant_id

    @extend_schema(
        parameters=[
            ORG_PARAM,
            YEAR_PARAM,
            OpenApiParameter(
                "kind", str, description="year_end, cell_regular, committee, thematic."
            ),
            OpenApiParameter("status", str, description="preparing, held hoặc closed."),
        ],
        responses={200: MeetingSerializer(many=True), **READ_ERRORS, 400: ERRORS[400]},
    )
    def list(self, request: Request) -> Response:
        meetings = self.in_organization(self.get_queryset(), "organization__path", strict=False)
        meetings = self.matching(meetings, year="held_on__year", kind="kind", status="status")
        return self.page(meetings)

    @extend_schema(parameters=[ID_PARAM], responses={200: MeetingDetailSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(parse_id(pk, NOT_FOUND))

    @extend_schema(request=MeetingCreateInput, responses={201: MeetingDetailSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        require_a_write_grant(self.scope)
        data = self.parsed(MeetingCreateInput)
        meeting = services.create_meeting(
            actor=request.user,
            organization_code=data["organization"],
            kind=data["kind"],
            title=data["title"],
            held_on=data["held_on"],
            place=data.get("place", ""),
            starts_at=data.get("starts_at"),
        )
        return self._detail(meeting.pk, status=201)

    @_action_schema(ChairInput, 201, "Thêm đồng chí chủ trì, với chức vụ khi chủ trì.")
    @action(detail=True, methods=["post"])
    def chairs(self, request: Request, pk: str) -> Response:
        meeting_id = self._meeting_id(pk)
        data = self.parsed(ChairInput)
        services.add_chair(
            actor=request.user,
            meeting_id=meeting_id,
            member_card=data["member"],
            title_at_time=data["title_at_time"],
        )
        return self._detail(meeting_id, status=201)

    @_action_schema(SecretaryInput, 200, "Chọn thư ký hội nghị.")
    @action(detail=True, methods=["post"])
    def secretary(self, request: Request, pk: str) -> Response:
        meeting_id = self._meeting_id(pk)
        data = self.parsed(SecretaryInput)
        services.set_secretary(
            actor=request.user,
            meeting_id=meeting_id,
            member_card=data["member"],
            title=data.get("title", ""),
        )
        return self._detail(meeting_id)

    @_action_schema(GuestInput, 201, "Thêm khách mời.")
    @action(detail=True, methods=["post"])
    def guests(self, request: Request, pk: str) -> Response:
        meeting_id = self._meeting_id(pk)
        data = self.parsed(GuestInput)
        services.add_guest(
            actor=request.user,
            meeting_id=meeting_id,
            name=data["name"],
            title=data.get("title", ""),
        )
        return self._detail(meeting_id, status=201)

    @_action_schema(AgendaInput, 201, "Thêm nội dung vào chương trình hội nghị.")
    @action(detail=True, methods=["post"])
    def agenda(self, request: Request, pk: str) -> Response:
        meeting_id = self._meeting_id(pk)
        data = self.parsed(AgendaInput)
        services.add_agenda_item(
            actor=request.user,
            meeting_id=meeting_id,
            title=data["title"],
            presenter_card=data.get("presenter") or None,
            presenter_title=data.get("presenter_title", ""),
            document_title=data.get("document_title", ""),
            program_id=data.get("program"),
        )
        return self._detail(meeting_id, status=201)

    @_action_schema(
        ConveneInput, 200, "Triệu tập đảng viên của tổ chức họp (hoặc của các tổ chức nêu)."
    )
    @action(detail=True, methods=["post"])
    def convene(self, request: Request, pk: str) -> Response:
        meeting_id = self._meeting_id(pk)
        data = self.parsed(ConveneInput)
        services.convene_members(
            actor=request.user,
            meeting_id=meeting_id,
            organization_codes=tuple(data.get("organizations") or ()),
        )
        return self._detail(meeting_id)

    @_action_schema(
        AttendanceInput, 200, "Điểm danh một đảng viên: có mặt, vắng có lý do, vắng không lý do."
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: str) -> Response:
        meeting_id = self._meeting_id(pk)
        data = self.parsed(AttendanceInput)
        services.mark_attendance(
            actor=request.user,
            participant_id=self._participant_id(meeting_id, data["member"]),
            attendance=data["attendance"],
            reason=data.get("reason", ""),
        )
        return self._detail(meeting_id)

    @_action_schema(AllPresentInput, 200, "Điểm danh có mặt mọi người chưa điểm danh.")
    @action(detail=True, methods=["post"], url_path="all-present")
    def all_present(self, request: Request, pk: str) -> Response:
        meeting_id = self._meeting_id(pk)
        data = self.parsed(AllPresentInput)
        services.mark_all_present(
            actor=request.user,
            meeting_id=meeting_id,
            organization_code=data.get("organization") or None,
        )
        return self._detail(meeting_id)

    @_action_schema(
        FlagsInput,
        200,
        "Ghi đảng viên được miễn sinh hoạt, bị đình chỉ, bị khởi tố, truy tố, tạm giam: những gì "
        "điểm 9.3 Quy định 24-QĐ/TW cần để tính tổng số biểu quyết.",
    )
    @action(detail=True, methods=["post"], url_path="participant-flags")
    def participant_flags(self, request: Request, pk: str) -> Response:
        meeting_id = self._meeting_id(pk)
        data = self.parsed(FlagsInput)
        services.set_participant_flags(
            actor=request.user,
            participant_id=self._participant_id(meeting_id, data["member"]),
            exempted=data["exempted"],
            suspended=data["suspended"],
            prosecuted_or_detained=data["prosecuted_or_detained"],
        )
        return self._detail(meeting_id)

    @_action_schema(DiscussionInput, 201, "Ghi người phát biểu và tóm tắt ý kiến.")
    @action(detail=True, methods=["post"])
    def discussion(self, request: Request, pk: str) -> Response:
        meeting_id = self._meeting_id(pk)
        data = self.parsed(DiscussionInput)
        services.add_discussion(
            actor=request.user,
            meeting_id=meeting_id,
            summary=data["summary"],
            speaker_card=data.get("speaker") or None,
            speaker_name=data.get("speaker_name", ""),
            agenda_item_id=data.get("agenda_item"),
        )
        return self._detail(meeting_id, status=201)

    @_action_schema(
        VoteInput,
        201,
        "Ghi kết quả biểu quyết. Thông qua khi quá nửa tổng số tính biểu quyết (điểm 9.3 Quy "
        "định 24-QĐ/TW) tán thành tại hội nghị đủ số lượng (Điều 9, khoản 5, Điều lệ Đảng); kết "
        "quả ghi trong biên bản mà quy định không ủng hộ bị từ chối "
        "(meetings.outcome.unsupported). Biểu quyết thông qua một chương trình niêm phong nó.",
    )
    @action(detail=True, methods=["post"])
    def votes(self, request: Request, pk: str) -> Response:
        meeting_id = self._meeting_id(pk)
        data = self.parsed(VoteInput)
        services.record_vote(
            actor=request.user,
            meeting_id=meeting_id,
            motion=data["motion"],
            votes_for=data["votes_for"],
            votes_against=data["votes_against"],
            abstain=data["abstain"],
            program_id=data.get("program"),
            agenda_item_id=data.get("agenda_item"),
            claimed_adopted=data.get("claimed_adopted"),
        )
        return self._detail(meeting_id, status=201)

    @_action_schema(AwardInput, 201, "Ghi khen thưởng được trao tại hội nghị.")
    @action(detail=True, methods=["post"])
    def awards(self, request: Request, pk: str) -> Response:
        meeting_id = self._meeting_id(pk)
        data = self.parsed(AwardInput)
        services.add_award_handout(
            actor=request.user, meeting_id=meeting_id, text=data["text"], link=data.get("link", "")
        )
        return self._detail(meeting_id, status=201)

    @_action_schema(ClosingInput, 200, "Ghi kết luận, chỉ đạo bế mạc.")
    @action(detail=True, methods=["post"], url_path="closing-directions")
    def closing_directions(self, request: Request, pk: str) -> Response:
        meeting_id = self._meeting_id(pk)
        data = self.parsed(ClosingInput)
        services.set_closing_directions(
            actor=request.user, meeting_id=meeting_id, text=data["text"]
        )
        return self._detail(meeting_id)

    @_action_schema(
        None,
        200,
        "Kết thúc hội nghị và chốt biên bản: mọi người được triệu tập phải được điểm danh.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        meeting_id = self._meeting_id(pk)
        services.close_meeting(actor=request.user, meeting_id=meeting_id)
        return self._detail(meeting_id)
