"""REST API v1 for scoring: frames, score sheets, peer-group rankings and targets, read through the
scoring selectors and written through the scoring services, scoped exactly like the pages (outside
the user's scope 404, visible but not theirs to change 403, a sealed sheet refused with
`scoring.sheet.sealed`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tongket.core.errors import NotFound, PermissionDenied
from tongket.exchange.api import (
    ERRORS,
    ID_PARAM,
    READ_ERRORS,
    YEAR_PARAM,
    ApiViewSet,
    detail_schema,
    list_schema,
    parse_id,
    require,
    require_a_write_grant,
    write_schema,
)
from tongket.people.models import Organization
from tongket.scoring import permissions, selectors, services
from tongket.scoring import serializers as s
from tongket.scoring.models import Frame, PeerGroup, ScoreSheet, Target

UNIT_PARAM = OpenApiParameter(
    "organization",
    str,
    description="Mã cơ quan (cả các cơ quan trực thuộc), hoặc mã tổ chức đảng: cơ quan của nó.",
)
SERIES_PARAM = OpenApiParameter(
    "series", str, description="Loại chấm điểm (dãy khung qua các năm), ví dụ QT-HTNV-SBN."
)
CONFLICT = {409: ERRORS[400]}
APPRAISER_ONLY = "Chỉ cơ quan ban hành khung chấm điểm mới thẩm định được."


def _unit(user: Any, code: str) -> Organization:
    """The agency a filter names (selectors.resolve_unit); NotFound when none is visible."""
    if "\x00" in code:
        raise NotFound("Không tìm thấy đơn vị.")
    return selectors.resolve_unit(user, code)


class FrameViewSet(ApiViewSet):
    serializer_class = s.ScoreFrameSerializer

    def get_queryset(self) -> QuerySet[Frame]:
        return selectors.visible_frames(self.request.user).order_by(
            "-year", "series", "-version", "pk"
        )

    @extend_schema(
        parameters=[
            YEAR_PARAM,
            SERIES_PARAM,
            OpenApiParameter("issuer", str, description="Mã cơ quan ban hành khung."),
        ],
        responses={200: s.ScoreFrameSerializer(many=True), 400: ERRORS[400]},
    )
    def list(self, request: Request) -> Response:
        frames = self.get_queryset()
        return self.page(self.matching(frames, year="year", series="series", issuer="issuer__code"))

    @detail_schema(s.ScoreFrameDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        frame = selectors.get_frame(request.user, parse_id(pk, "Không tìm thấy khung chấm điểm."))
        return Response(s.ScoreFrameDetailSerializer(frame).data)


def _sheet_id(pk: str) -> int:
    return parse_id(pk, "Không tìm thấy phiếu chấm điểm.")


class ScoreSheetViewSet(ApiViewSet):
    serializer_class = s.ScoreSheetSerializer

    def get_queryset(self) -> QuerySet[ScoreSheet]:
        return selectors.visible_sheets(self.request.user).order_by(
            "-frame__year", "frame__series", "unit__name", "pk"
        )

    def _detail(self, sheet_id: int, status: int = 200) -> Response:
        view = selectors.sheet_view(self.request.user, sheet_id)
        data = s.ScoreSheetDetailSerializer(view.sheet, context={"view": view}).data
        return Response(data, status=status)

    @list_schema(
        s.ScoreSheetSerializer,
        UNIT_PARAM,
        YEAR_PARAM,
        SERIES_PARAM,
        OpenApiParameter("frame", str, description="Mã số khung chấm điểm."),
        OpenApiParameter(
            "status", str, description="draft, self_submitted, appraised hoặc sealed."
        ),
    )
    def list(self, request: Request) -> Response:
        sheets = self.get_queryset()
        params = request.query_params
        if params.get("organization"):
            unit = _unit(request.user, params["organization"])
            sheets = sheets.filter(unit__path__startswith=unit.path)
        sheets = self.matching(sheets, year="frame__year", series="frame__series", status="status")
        if params.get("frame"):
            frame_id = parse_id(params["frame"], "Không tìm thấy khung chấm điểm.")
            sheets = sheets.filter(frame_id=frame_id)
        return self.page(sheets)

    @detail_schema(s.ScoreSheetDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(_sheet_id(pk))

    @extend_schema(
        request=s.ScoreSheetOpenInput,
        responses={200: s.ScoreSheetDetailSerializer, 201: s.ScoreSheetDetailSerializer, **ERRORS},
        description="Mở phiếu chấm điểm của đơn vị theo khung (201), hoặc trả lại phiếu đã có "
        "(200).",
    )
    def create(self, request: Request) -> Response:
        """Open the unit's sheet on the frame (201), or answer the one it already has (200)."""
        require_a_write_grant(self.scope)
        data = self.parsed(s.ScoreSheetOpenInput)
        existed = ScoreSheet.objects.filter(
            unit__code=data["unit"].strip(), frame_id=data["frame"]
        ).exists()
        sheet = services.open_sheet(
            actor=request.user, unit_code=data["unit"], frame_id=data["frame"]
        )
        return self._detail(sheet.pk, status=200 if existed else 201)

    @extend_schema(
        parameters=[ID_PARAM],
        request=s.SheetSelfScoresInput,
        responses={200: s.ScoreSheetDetailSerializer, **ERRORS, **CONFLICT},
        description="Đơn vị nhập hoặc thay điểm tự chấm và minh chứng; submit=true gửi phiếu "
        "lên cơ quan ban hành khung để thẩm định. Phiếu đã niêm phong bị từ chối "
        "(scoring.sheet.sealed).",
    )
    @action(detail=True, methods=["post"], url_path="self-scores")
    def self_scores(self, request: Request, pk: str) -> Response:
        """Enter or replace the unit's self scores and evidence; `submit` sends the sheet to the
        issuer for appraisal."""
        sheet = selectors.get_sheet(request.user, _sheet_id(pk))
        require(permissions.can_write_unit(selectors.access_for(request.user), sheet.unit.path))
        sheet_id = sheet.pk
        data = self.parsed(s.SheetSelfScoresInput)
        lines = {
            code: services.LineInput(line.get("score"), line.get("evidence", ""))
            for code, line in data["lines"].items()
        }
        services.enter_self_scores(
            actor=request.user,
            sheet_id=sheet_id,
            lines=lines,
            not_applicable=frozenset(data.get("not_applicable") or ()),
            submit=data.get("submit", False),
            expected_version=data.get("version"),
        )
        return self._detail(sheet_id)

    @extend_schema(
        parameters=[ID_PARAM],
        request=s.SheetAppraisalInput,
        responses={200: s.ScoreSheetDetailSerializer, **ERRORS, **CONFLICT},
        description="Cơ quan ban hành khung ghi điểm thẩm định và nhận xét từng tiêu chí (cho "
        "đến khi công bố kết quả).",
    )
    @action(detail=True, methods=["post"])
    def appraisal(self, request: Request, pk: str) -> Response:
        """The issuer's appraised score and comment per criterion (until the results are sealed)."""
        sheet = selectors.get_sheet(request.user, _sheet_id(pk))
        require(
            permissions.can_act_for_issuer(
                selectors.access_for(request.user), sheet.frame.issuer.path
            ),
            APPRAISER_ONLY,
        )
        sheet_id = sheet.pk
        data = self.parsed(s.SheetAppraisalInput)
        lines = {
            code: services.LineInput(line.get("score"), line.get("comment", ""))
            for code, line in data["lines"].items()
        }
        marks = data.get("not_applicable")
        services.appraise_sheet(
            actor=request.user,
            sheet_id=sheet_id,
            lines=lines,
            not_applicable=frozenset(marks) if marks is not None else None,
            expected_version=data.get("version"),
        )
        return self._detail(sheet_id)


class PeerGroupViewSet(ApiViewSet):
    serializer_class = s.ScorePeerGroupSerializer

    def get_queryset(self) -> QuerySet[PeerGroup]:
        return selectors.visible_peer_groups(self.request.user).order_by(
            "-year", "frame__series", "name", "pk"
        )

    def _ranking(self, group_id: int) -> Response:
        ranking = selectors.peer_group_ranking(self.request.user, group_id)
        return Response(s.ScoreRankingSerializer(ranking.group, context={"ranking": ranking}).data)

    @list_schema(
        s.ScorePeerGroupSerializer,
        YEAR_PARAM,
        SERIES_PARAM,
        OpenApiParameter("frame", str, description="Mã số khung chấm điểm."),
    )
    def list(self, request: Request) -> Response:
        groups = self.matching(self.get_queryset(), year="year", series="frame__series")
        params = request.query_params
        if params.get("frame"):
            groups = groups.filter(
                frame_id=parse_id(params["frame"], "Không tìm thấy khung chấm điểm.")
            )
        return self.page(groups)

    @extend_schema(
        parameters=[ID_PARAM],
        responses={200: s.ScoreRankingSerializer, **READ_ERRORS},
        description="Bảng xếp hạng của nhóm: bằng điểm thì đồng hạng và hạng sau bỏ qua (1, 2, "
        "2, 4), trừ khi khung quy định tiêu chí phụ; đơn vị chưa được thẩm định xếp cuối, không "
        "có hạng.",
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        """The group's ranking: equal totals share a rank and the next rank skips (1, 2, 2, 4)
        unless the frame names a tie-break; units not yet appraised come last, unranked."""
        return self._ranking(parse_id(pk, "Không tìm thấy nhóm xếp hạng."))

    @write_schema(
        None,
        s.ScoreRankingSerializer,
        description="Cơ quan ban hành công bố kết quả: hạng được chốt và mọi phiếu của nhóm được "
        "niêm phong, không sửa được nữa.",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """The issuer publishes the results: ranks are fixed and every sheet of the group is
        sealed, never to be edited again."""
        group = selectors.get_peer_group(
            request.user, parse_id(pk, "Không tìm thấy nhóm xếp hạng.")
        )
        require(
            permissions.can_act_for_issuer(
                selectors.access_for(request.user), group.frame.issuer.path
            ),
            "Chỉ cơ quan ban hành khung chấm điểm mới công bố kết quả.",
        )
        services.publish_results(actor=request.user, group_id=group.pk)
        return self._ranking(group.pk)


def _target_input(data: dict[str, Any]) -> services.TargetInput:
    optional = ("direction", "met_override", "override_reason", "evidence", "sort_order")
    return services.TargetInput(
        name=data["name"],
        unit_of_measure=data["unit_of_measure"],
        target_value=data["target_value"],
        achieved_value=data.get("achieved_value"),
        **{key: data[key] for key in optional if data.get(key) not in (None, "")},
    )


class TargetViewSet(ApiViewSet):
    serializer_class = s.ScoreTargetSerializer

    def get_queryset(self) -> QuerySet[Target]:
        return selectors.visible_targets(self.request.user).order_by(
            "unit__path", "-year", "issuer__name", "sort_order", "name", "pk"
        )

    def _detail(self, target_id: int, status: int = 200) -> Response:
        target = selectors.get_target(self.request.user, target_id)
        return Response(s.ScoreTargetDetailSerializer(target).data, status=status)

    @list_schema(
        s.ScoreTargetSerializer,
        UNIT_PARAM,
        YEAR_PARAM,
        OpenApiParameter("issuer", str, description="Mã cơ quan giao chỉ tiêu."),
        OpenApiParameter(
            "met", str, description="true: chỉ chỉ tiêu đạt; false: chỉ chỉ tiêu chưa đạt."
        ),
        description="Phiên bản hiện hành của mỗi chỉ tiêu; lịch sử các lần sửa ở trang chi tiết.",
    )
    def list(self, request: Request) -> Response:
        """The current version of each target; its history is on the target's own page."""
        targets = self.get_queryset().filter(is_current=True)
        params = request.query_params
        if params.get("organization"):
            unit = _unit(request.user, params["organization"])
            targets = targets.filter(unit__path__startswith=unit.path)
        targets = self.matching(targets, year="year", issuer="issuer__code")
        if params.get("met") in ("true", "false"):
            targets = targets.filter(met=params["met"] == "true")
        return self.page(targets)

    @detail_schema(s.ScoreTargetDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(parse_id(pk, "Không tìm thấy chỉ tiêu."))

    @extend_schema(
        request=s.ScoreTargetCreateInput,
        responses={201: s.ScoreTargetDetailSerializer, **ERRORS},
        description="Cơ quan giao chỉ tiêu giao một chỉ tiêu cho đơn vị trong một năm.",
    )
    def create(self, request: Request) -> Response:
        """The issuer assigns a target to a unit for a year."""
        require_a_write_grant(self.scope)
        data = self.parsed(s.ScoreTargetCreateInput)
        unit = Organization.objects.filter(code=data["unit"].strip()).first()
        issuer = Organization.objects.filter(code=data["issuer"].strip()).first()
        if (
            unit is not None
            and issuer is not None
            and permissions.can_read_unit(selectors.access_for(request.user), unit.path)
            and not permissions.can_act_for_issuer(selectors.access_for(request.user), issuer.path)
        ):
            raise PermissionDenied("Chỉ cơ quan giao chỉ tiêu mới giao hoặc sửa được chỉ tiêu.")
        target = services.set_target(
            actor=request.user,
            unit_code=data["unit"],
            issuer_code=data["issuer"],
            year=data["year"],
            data=_target_input(data),
        )
        return self._detail(target.pk, status=201)

    @write_schema(
        s.ScoreTargetChangeInput,
        s.ScoreTargetDetailSerializer,
        description="Sửa chỉ tiêu: thêm phiên bản mới (kèm lý do), giữ phiên bản này làm lịch "
        "sử; trả lời là phiên bản mới.",
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """A change adds the next version (with its reason) and keeps this one as history; the
        answer is the new version."""
        target = selectors.get_target(request.user, parse_id(pk, "Không tìm thấy chỉ tiêu."))
        require(
            permissions.can_act_for_issuer(selectors.access_for(request.user), target.issuer.path),
            "Chỉ cơ quan giao chỉ tiêu mới sửa được chỉ tiêu.",
        )
        data = self.parsed(s.ScoreTargetChangeInput, partial=True)
        current = {
            "name": target.name,
            "unit_of_measure": target.unit_of_measure,
            "target_value": target.target_value,
            "achieved_value": target.achieved_value,
            "direction": target.direction,
            "met_override": target.met_override,
            "override_reason": target.override_reason,
            "evidence": target.evidence,
            "sort_order": target.sort_order,
        }
        new = services.set_target(
            actor=request.user,
            unit_code=target.unit.code,
            issuer_code=target.issuer.code,
            year=target.year,
            data=_target_input({**current, **data}),
            replaces=target.pk,
            reason=data.get("reason", ""),
            is_sample=target.is_sample,
        )
        return self._detail(new.pk)
