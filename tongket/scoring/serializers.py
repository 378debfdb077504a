"""Shapes of the scoring API: output serializers over frames, score sheets, rankings and targets,
and input serializers that only parse (every rule is in tongket.scoring.services).

Points, maxima and target values are decimal strings in the `tongket scores` form: a dot, trailing
zeros dropped, at least one decimal ("326.7", "350.0"), never a float.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tongket.exchange.api import code_field
from tongket.scoring import selectors
from tongket.scoring.management.commands.scores import decimal_string
from tongket.scoring.models import Frame, PeerGroup, ScoreSheet, Target

MAX_ID = 2**31 - 1
DECIMAL_SCHEMA = {"type": "string", "nullable": True, "example": "326.7"}


@extend_schema_field(DECIMAL_SCHEMA)
class DecimalText(serializers.Field):  # type: ignore[type-arg]
    """A Decimal as text ("326.7"); null stays null."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Decimal) -> str:
        return decimal_string(value)


# --- frames ------------------------------------------------------------------------------------


class ScoreCriterionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Mã tiêu chí, duy nhất trong khung (1, 1.2, 1.2.a).")
    title = serializers.CharField()
    max = serializers.CharField(help_text="Điểm tối đa của tiêu chí, dạng chuỗi thập phân.")
    kind = serializers.CharField(help_text="normal, bonus (điểm thưởng) hoặc penalty (điểm trừ).")
    children = serializers.ListField(
        child=serializers.DictField(), help_text="Tiêu chí con, cùng cấu trúc; rỗng ở tiêu chí lá."
    )


class ScoreBandSerializer(serializers.Serializer[Any]):
    minimum = serializers.CharField(help_text="Ngưỡng dưới (tính theo band_basis).")
    # DRF moves declared fields off the class; "label" only clashes with Field.label in the stubs.
    label = serializers.CharField()  # type: ignore[assignment]
    code = serializers.CharField(help_text="Mã mức, ví dụ excellent; có thể rỗng.")


def criteria_tree(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored criteria with every key present: leaves get an empty `children`."""
    return [
        {
            "code": str(node["code"]),
            "title": str(node.get("title", "")),
            "max": str(node["max"]),
            "kind": str(node.get("kind", "normal")),
            "children": criteria_tree(list(node.get("children", ()))),
        }
        for node in nodes
    ]


class ScoreFrameSerializer(serializers.ModelSerializer[Frame]):
    issuer = serializers.CharField(source="issuer.code", read_only=True)
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    max_points = serializers.SerializerMethodField(
        help_text="Điểm tối đa của khung (tổng các tiêu chí thường gốc)."
    )
    supersedes = serializers.IntegerField(
        source="supersedes_id", read_only=True, allow_null=True, help_text="Phiên bản trước."
    )

    class Meta:
        model = Frame
        fields: tuple[str, ...] = (
            "id",
            "code",
            "series",
            "year",
            "version",
            "title",
            "issuer",
            "issuer_name",
            "max_points",
            "citation",
            "supersedes",
            "is_sample",
        )
        read_only_fields: tuple[str, ...] = fields

    def get_max_points(self, frame: Frame) -> str:
        return decimal_string(selectors.domain_frame(frame).max_points)


class ScoreFrameDetailSerializer(ScoreFrameSerializer):
    criteria = serializers.SerializerMethodField(help_text="Cây tiêu chí.")
    bands = ScoreBandSerializer(many=True, read_only=True)
    band_basis = code_field(
        "points hoặc percent: ngưỡng xếp loại tính theo điểm hay % điểm tối đa."
    )
    rank_basis = code_field("points hoặc percent: xếp hạng theo điểm hay % điểm tối đa của đơn vị.")
    tie_break_by = code_field("Khi bằng điểm: rỗng (đồng hạng), points, percent hoặc criterion.")
    tie_break_criterion = code_field("Mã tiêu chí phụ khi tie_break_by là criterion.")

    class Meta(ScoreFrameSerializer.Meta):
        fields = (
            *ScoreFrameSerializer.Meta.fields,
            "criteria",
            "bands",
            "band_basis",
            "rank_basis",
            "tie_break_by",
            "tie_break_criterion",
        )
        read_only_fields = fields

    @extend_schema_field(ScoreCriterionSerializer(many=True))
    def get_criteria(self, frame: Frame) -> list[dict[str, Any]]:
        return criteria_tree(list(frame.criteria))


# --- sheets ------------------------------------------------------------------------------------


class ScoreSheetSerializer(serializers.ModelSerializer[ScoreSheet]):
    unit = serializers.CharField(source="unit.code", read_only=True, help_text="Mã cơ quan.")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    frame = serializers.IntegerField(source="frame_id", read_only=True)
    frame_code = serializers.CharField(source="frame.code", read_only=True)
    frame_title = serializers.CharField(source="frame.title", read_only=True)
    series = serializers.CharField(source="frame.series", read_only=True)
    year = serializers.IntegerField(source="frame.year", read_only=True)
    peer_group = serializers.IntegerField(source="peer_group_id", read_only=True, allow_null=True)
    status = code_field(
        "draft, self_submitted, appraised hoặc sealed (đã công bố, không sửa được)."
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    self_points = DecimalText()
    self_max = DecimalText()
    appraised_points = DecimalText()
    appraised_max = DecimalText(help_text="Điểm tối đa của đơn vị (bỏ tiêu chí không áp dụng).")

    class Meta:
        model = ScoreSheet
        fields: tuple[str, ...] = (
            "id",
            "unit",
            "unit_name",
            "frame",
            "frame_code",
            "frame_title",
            "series",
            "year",
            "peer_group",
            "status",
            "status_label",
            "self_points",
            "self_max",
            "appraised_points",
            "appraised_max",
            "level_code",
            "level_label",
            "rank",
            "rank_of",
            "self_submitted_at",
            "appraised_at",
            "sealed_at",
            "version",
            "is_sample",
        )
        read_only_fields: tuple[str, ...] = fields


class ScoreLineSerializer(serializers.Serializer[Any]):
    """One criterion of the sheet (selectors.SheetRow): self and appraised side by side."""

    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    depth = serializers.IntegerField(read_only=True, help_text="0 ở tiêu chí gốc.")
    kind = code_field("normal, bonus hoặc penalty.")
    is_leaf = serializers.BooleanField(read_only=True)
    max = DecimalText(source="declared_max", help_text="Điểm tối đa của tiêu chí trong khung.")
    self_applicable = serializers.BooleanField(read_only=True)
    self_points = DecimalText()
    self_max = DecimalText()
    evidence = serializers.CharField(read_only=True)
    evidence_file_url = serializers.CharField(read_only=True)
    appraised_applicable = serializers.BooleanField(read_only=True)
    appraised_points = DecimalText()
    appraised_max = DecimalText()
    comment = serializers.CharField(read_only=True, help_text="Ý kiến thẩm định.")
    differs = serializers.BooleanField(read_only=True, help_text="Thẩm định khác tự chấm.")
    difference = DecimalText(help_text="Điểm thẩm định trừ điểm tự chấm.")


class ScoreTotalSerializer(serializers.Serializer[Any]):
    """A computed total (domain.SheetTotal)."""

    points = DecimalText()
    max = DecimalText(source="max_points", help_text="Điểm tối đa của đơn vị.")
    frame_max = DecimalText()
    base_points = DecimalText()
    bonus_points = DecimalText()
    penalty_points = DecimalText()
    level = serializers.CharField(read_only=True, allow_null=True)
    level_code = serializers.SerializerMethodField()

    def get_level_code(self, total: Any) -> str | None:
        band = total.band
        return str(band.code) if band is not None else None


class ScoreSheetDetailSerializer(ScoreSheetSerializer):
    """The sheet with every line and both totals; needs `view` (selectors.SheetView) in the
    context."""

    lines = serializers.SerializerMethodField()
    self_total = serializers.SerializerMethodField()
    appraised_total = serializers.SerializerMethodField()
    differences = serializers.SerializerMethodField(help_text="Số tiêu chí thẩm định khác tự chấm.")
    may_enter_self = serializers.SerializerMethodField()
    may_appraise = serializers.SerializerMethodField()

    class Meta(ScoreSheetSerializer.Meta):
        fields = (
            *ScoreSheetSerializer.Meta.fields,
            "lines",
            "self_total",
            "appraised_total",
            "differences",
            "may_enter_self",
            "may_appraise",
        )
        read_only_fields = fields

    def _view(self) -> selectors.SheetView:
        view: selectors.SheetView = self.context["view"]
        return view

    @extend_schema_field(ScoreLineSerializer(many=True))
    def get_lines(self, sheet: ScoreSheet) -> list[dict[str, Any]]:
        return [dict(ScoreLineSerializer(row).data) for row in self._view().rows]

    @extend_schema_field(ScoreTotalSerializer)
    def get_self_total(self, sheet: ScoreSheet) -> dict[str, Any]:
        return dict(ScoreTotalSerializer(self._view().self_total).data)

    @extend_schema_field(ScoreTotalSerializer(allow_null=True))
    def get_appraised_total(self, sheet: ScoreSheet) -> dict[str, Any] | None:
        total = self._view().appraised_total
        return dict(ScoreTotalSerializer(total).data) if total is not None else None

    def get_differences(self, sheet: ScoreSheet) -> int:
        return self._view().differences

    def get_may_enter_self(self, sheet: ScoreSheet) -> bool:
        return self._view().may_enter_self

    def get_may_appraise(self, sheet: ScoreSheet) -> bool:
        return self._view().may_appraise


class ScoreSheetOpenInput(serializers.Serializer[Any]):
    unit = serializers.CharField(max_length=100, help_text="Mã cơ quan được chấm điểm.")
    frame = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Mã số khung.")


def _score() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Điểm của tiêu chí lá (chuỗi thập phân); null: chưa chấm.",
    )


class SheetSelfLineInput(serializers.Serializer[Any]):
    score = _score()
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class SheetAppraisalLineInput(serializers.Serializer[Any]):
    score = _score()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=20000)


def _codes(help_text: str, **kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=32),
        required=False,
        max_length=1000,
        help_text=help_text,
        **kwargs,
    )


def _version() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Phiên bản phiếu đã đọc; khác phiên bản hiện tại thì bị từ chối (409).",
    )


class SheetSelfScoresInput(serializers.Serializer[Any]):
    """The whole self-scoring of the sheet: it replaces the draft's scores and evidence."""

    lines = serializers.DictField(
        child=SheetSelfLineInput(), help_text="Theo mã tiêu chí: điểm tự chấm và minh chứng."
    )
    not_applicable = _codes("Mã các tiêu chí không áp dụng cho đơn vị.")
    submit = serializers.BooleanField(
        required=False, default=False, help_text="Gửi thẩm định: mọi tiêu chí phải được chấm."
    )
    version = _version()


class SheetAppraisalInput(serializers.Serializer[Any]):
    lines = serializers.DictField(
        child=SheetAppraisalLineInput(), help_text="Theo mã tiêu chí: điểm thẩm định và ý kiến."
    )
    not_applicable = _codes(
        "Tiêu chí không áp dụng theo thẩm định; bỏ trống (null) để giữ như đơn vị tự chấm.",
        allow_null=True,
    )
    version = _version()


# --- peer groups -------------------------------------------------------------------------------


class ScorePeerGroupSerializer(serializers.ModelSerializer[PeerGroup]):
    frame = serializers.IntegerField(source="frame_id", read_only=True)
    frame_code = serializers.CharField(source="frame.code", read_only=True)
    frame_title = serializers.CharField(source="frame.title", read_only=True)
    series = serializers.CharField(source="frame.series", read_only=True)
    issuer = serializers.CharField(source="frame.issuer.code", read_only=True)
    is_published = serializers.BooleanField(read_only=True)

    class Meta:
        model = PeerGroup
        fields: tuple[str, ...] = (
            "id",
            "name",
            "year",
            "frame",
            "frame_code",
            "frame_title",
            "series",
            "issuer",
            "is_published",
            "published_at",
            "is_sample",
        )
        read_only_fields: tuple[str, ...] = fields


class ScoreRankingRowSerializer(serializers.Serializer[Any]):
    """One unit of the ranking (selectors.RankingRow); the units not yet appraised come last."""

    rank = serializers.IntegerField(read_only=True, allow_null=True)
    shared = serializers.BooleanField(read_only=True, help_text="Đồng hạng với đơn vị khác.")
    unit = serializers.CharField(source="unit_code", read_only=True)
    unit_name = serializers.CharField(read_only=True)
    points = DecimalText()
    max = DecimalText(source="max_points", help_text="Điểm tối đa của đơn vị.")
    percent = DecimalText(help_text="Tỷ lệ % điểm tối đa của đơn vị.")
    level = serializers.CharField(read_only=True)
    level_code = serializers.CharField(read_only=True)
    sheet = serializers.SerializerMethodField(
        help_text="Mã số phiếu của đơn vị; null nếu chưa có hoặc người dùng không được xem."
    )

    def get_sheet(self, row: selectors.RankingRow) -> int | None:
        return row.sheet_id if row.may_open else None


class ScoreRankingSerializer(ScorePeerGroupSerializer):
    """The group with its ranking; needs `ranking` (selectors.Ranking) in the context."""

    ranked = serializers.SerializerMethodField(help_text="Số đơn vị đã có điểm thẩm định.")
    of = serializers.SerializerMethodField(help_text="Số đơn vị của nhóm.")
    rows = serializers.SerializerMethodField()

    class Meta(ScorePeerGroupSerializer.Meta):
        fields = (*ScorePeerGroupSerializer.Meta.fields, "ranked", "of", "rows")
        read_only_fields = fields

    def _ranking(self) -> selectors.Ranking:
        ranking: selectors.Ranking = self.context["ranking"]
        return ranking

    def get_ranked(self, group: PeerGroup) -> int:
        return self._ranking().ranked

    def get_of(self, group: PeerGroup) -> int:
        return len(self._ranking().rows)

    @extend_schema_field(ScoreRankingRowSerializer(many=True))
    def get_rows(self, group: PeerGroup) -> list[dict[str, Any]]:
        return [dict(ScoreRankingRowSerializer(row).data) for row in self._ranking().rows]


# --- targets -----------------------------------------------------------------------------------


class ScoreTargetSerializer(serializers.ModelSerializer[Target]):
    lineage = serializers.CharField(read_only=True, help_text="Chung cho mọi phiên bản.")
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    issuer = serializers.CharField(source="issuer.code", read_only=True)
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    direction = code_field("higher_is_better hoặc lower_is_better.")
    target_value = DecimalText()
    achieved_value = DecimalText()
    met_override = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Target
        fields: tuple[str, ...] = (
            "id",
            "lineage",
            "version",
            "is_current",
            "unit",
            "unit_name",
            "issuer",
            "issuer_name",
            "year",
            "name",
            "unit_of_measure",
            "direction",
            "target_value",
            "achieved_value",
            "met",
            "met_override",
            "override_reason",
            "evidence",
            "change_reason",
            "changed_at",
            "sort_order",
            "is_sample",
        )
        read_only_fields: tuple[str, ...] = fields


class ScoreTargetDetailSerializer(ScoreTargetSerializer):
    history = serializers.SerializerMethodField(help_text="Mọi phiên bản, cũ trước mới sau.")

    class Meta(ScoreTargetSerializer.Meta):
        fields = (*ScoreTargetSerializer.Meta.fields, "history")
        read_only_fields = fields

    @extend_schema_field(ScoreTargetSerializer(many=True))
    def get_history(self, target: Target) -> list[dict[str, Any]]:
        return [dict(ScoreTargetSerializer(t).data) for t in selectors.target_versions(target)]


def _value(required: bool, **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=4, required=required, **kwargs)


class ScoreTargetFieldsInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=400)
    unit_of_measure = serializers.CharField(max_length=40, help_text="%, trường, học sinh...")
    target_value = _value(True, help_text="Chỉ tiêu giao.")
    achieved_value = _value(False, allow_null=True, help_text="Kết quả đạt; null: chưa báo cáo.")
    direction = serializers.CharField(
        max_length=20, required=False, help_text="higher_is_better (mặc định) hoặc lower_is_better."
    )
    met_override = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Ghi nhận đạt/không đạt khác số liệu (kèm lý do).",
    )
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    sort_order = serializers.IntegerField(required=False, min_value=0, max_value=32767)


class ScoreTargetCreateInput(ScoreTargetFieldsInput):
    unit = serializers.CharField(max_length=100, help_text="Mã cơ quan được giao chỉ tiêu.")
    issuer = serializers.CharField(max_length=100, help_text="Mã cơ quan giao chỉ tiêu.")
    year = serializers.IntegerField(min_value=1945, max_value=2200)


class ScoreTargetChangeInput(ScoreTargetFieldsInput):
    """A change: the fields given replace the current version's, the others are kept."""

    reason = serializers.CharField(max_length=400, help_text="Lý do thay đổi (bắt buộc).")
