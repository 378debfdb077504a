"""REST API v1 for meetings: the record (chairs, guests, agenda, attendance, discussion, votes,
awards, closing) read through the meetings selectors, every step written through the meetings
services (the same checks as the web: scope, the vote rules, a closed record is sealed)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tongket.core.api_records import OrganizationRecordViewSet
from tongket.core.errors import DomainError
from tongket.exchange.api import (
    ORG_PARAM,
    YEAR_PARAM,
    detail_schema,
    list_schema,
    parse_id,
    require,
    write_schema,
)
from tongket.meetings import selectors, services
from tongket.meetings.models import Meeting, Participant
from tongket.meetings.serializers import (
    AgendaInput,
    AllPresentInput,
    AttendanceInput,
    AwardInput,
    ChairInput,
    ClosingInput,
    ConveneInput,
    DiscussionInput,
    FlagsInput,
    GuestInput,
    MeetingCreateInput,
    MeetingDetailSerializer,
    MeetingSerializer,
    SecretaryInput,
    VoteInput,
    meeting_detail,
)

NOT_FOUND = "Không tìm thấy hội nghị."

# --- viewset -------------------------------------------------------------------------------------


Step = Callable[["MeetingViewSet", Request, int, dict[str, Any]], object]


def _step(
    request: type[serializers.Serializer[Any]] | None,
    code: int,
    text: str,
    url_path: str | None = None,
) -> Callable[[Step], Callable[..., Response]]:
    """A step of the record as a POST action on one meeting: the meeting the user may write to
    (checked before the body is parsed, so a reader is refused with 403 whatever the body), the
    body read with `request` (None: no body), the decorated function's write through the
    services, and the record as it then stands under `code`."""

    def wrap(write: Step) -> Callable[..., Response]:
        @functools.wraps(write)
        def view(self: MeetingViewSet, http: Request, pk: str) -> Response:
            meeting_id = self._meeting_id(pk)
            write(self, http, meeting_id, self.parsed(request) if request is not None else {})
            return self._detail(meeting_id, status=code)

        as_action = action(detail=True, methods=["post"], url_path=url_path)
        return write_schema(request, MeetingDetailSerializer, code, text)(as_action(view))

    return wrap


@extend_schema_view(
    list=list_schema(
        MeetingSerializer,
        ORG_PARAM,
        YEAR_PARAM,
        OpenApiParameter("kind", str, description="year_end, cell_regular, committee, thematic."),
        OpenApiParameter("status", str, description="preparing, held hoặc closed."),
    ),
    retrieve=detail_schema(MeetingDetailSerializer),
    create=write_schema(MeetingCreateInput, MeetingDetailSerializer, 201, by_id=False),
)
class MeetingViewSet(OrganizationRecordViewSet):
    serializer_class = MeetingSerializer
    year_lookup = "held_on__year"
    not_found = NOT_FOUND
    create_input = MeetingCreateInput

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            selectors.counted_meetings(self.request.user)
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

    def create_record(self, data: dict[str, Any]) -> Meeting:
        return services.create_meeting_of(actor=self.request.user, data=data)

    @_step(ChairInput, 201, "Thêm đồng chí chủ trì, với chức vụ khi chủ trì.")
    def chairs(self, request: Request, meeting_id: int, data: dict[str, Any]) -> None:
        services.add_chair(
            actor=request.user,
            meeting_id=meeting_id,
            member_card=data["member"],
            title_at_time=data["title_at_time"],
        )

    @_step(SecretaryInput, 200, "Chọn thư ký hội nghị.")
    def secretary(self, request: Request, meeting_id: int, data: dict[str, Any]) -> None:
        services.set_secretary(
            actor=request.user,
            meeting_id=meeting_id,
            member_card=data["member"],
            title=data.get("title", ""),
        )

    @_step(GuestInput, 201, "Thêm khách mời.")
    def guests(self, request: Request, meeting_id: int, data: dict[str, Any]) -> None:
        services.add_guest(
            actor=request.user,
            meeting_id=meeting_id,
            name=data["name"],
            title=data.get("title", ""),
        )

    @_step(AgendaInput, 201, "Thêm nội dung vào chương trình hội nghị.")
    def agenda(self, request: Request, meeting_id: int, data: dict[str, Any]) -> None:
        services.add_agenda_item(
            actor=request.user,
            meeting_id=meeting_id,
            title=data["title"],
            presenter_card=data.get("presenter") or None,
            presenter_title=data.get("presenter_title", ""),
            document_title=data.get("document_title", ""),
            program_id=data.get("program"),
        )

    @_step(ConveneInput, 200, "Triệu tập đảng viên của tổ chức họp (hoặc của các tổ chức nêu).")
    def convene(self, request: Request, meeting_id: int, data: dict[str, Any]) -> None:
        services.convene_members(
            actor=request.user,
            meeting_id=meeting_id,
            organization_codes=tuple(data.get("organizations") or ()),
        )

    @_step(
        AttendanceInput, 200, "Điểm danh một đảng viên: có mặt, vắng có lý do, vắng không lý do."
    )
    def attendance(self, request: Request, meeting_id: int, data: dict[str, Any]) -> None:
        services.mark_attendance(
            actor=request.user,
            participant_id=self._participant_id(meeting_id, data["member"]),
            attendance=data["attendance"],
            reason=data.get("reason", ""),
        )

    @_step(AllPresentInput, 200, "Điểm danh có mặt mọi người chưa điểm danh.", "all-present")
    def all_present(self, request: Request, meeting_id: int, data: dict[str, Any]) -> None:
        services.mark_all_present(
            actor=request.user,
            meeting_id=meeting_id,
            organization_code=data.get("organization") or None,
        )

    @_step(
        FlagsInput,
        200,
        "Ghi đảng viên được miễn sinh hoạt, bị đình chỉ, bị khởi tố, truy tố, tạm giam: những gì "
        "điểm 9.3 Quy định 24-QĐ/TW cần để tính tổng số biểu quyết.",
        "participant-flags",
    )
    def participant_flags(self, request: Request, meeting_id: int, data: dict[str, Any]) -> None:
        services.set_participant_flags(
            actor=request.user,
            participant_id=self._participant_id(meeting_id, data["member"]),
            exempted=data["exempted"],
            suspended=data["suspended"],
            prosecuted_or_detained=data["prosecuted_or_detained"],
        )

    @_step(DiscussionInput, 201, "Ghi người phát biểu và tóm tắt ý kiến.")
    def discussion(self, request: Request, meeting_id: int, data: dict[str, Any]) -> None:
        services.add_discussion(
            actor=request.user,
            meeting_id=meeting_id,
            summary=data["summary"],
            speaker_card=data.get("speaker") or None,
            speaker_name=data.get("speaker_name", ""),
            agenda_item_id=data.get("agenda_item"),
        )

    @_step(
        VoteInput,
        201,
        "Ghi kết quả biểu quyết. Thông qua khi quá nửa tổng số tính biểu quyết (điểm 9.3 Quy "
        "định 24-QĐ/TW) tán thành tại hội nghị đủ số lượng (Điều 9, khoản 5, Điều lệ Đảng); kết "
        "quả ghi trong biên bản mà quy định không ủng hộ bị từ chối "
        "(meetings.outcome.unsupported). Biểu quyết thông qua một chương trình niêm phong nó.",
    )
    def votes(self, request: Request, meeting_id: int, data: dict[str, Any]) -> None:
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

    @_step(AwardInput, 201, "Ghi khen thưởng được trao tại hội nghị.")
    def awards(self, request: Request, meeting_id: int, data: dict[str, Any]) -> None:
        services.add_award_handout(
            actor=request.user, meeting_id=meeting_id, text=data["text"], link=data.get("link", "")
        )

    @_step(ClosingInput, 200, "Ghi kết luận, chỉ đạo bế mạc.", "closing-directions")
    def closing_directions(self, request: Request, meeting_id: int, data: dict[str, Any]) -> None:
        services.set_closing_directions(
            actor=request.user, meeting_id=meeting_id, text=data["text"]
        )

    @_step(
        None,
        200,
        "Kết thúc hội nghị và chốt biên bản: mọi người được triệu tập phải được điểm danh.",
    )
    def close(self, request: Request, meeting_id: int, _data: dict[str, Any]) -> None:
        services.close_meeting(actor=request.user, meeting_id=meeting_id)
