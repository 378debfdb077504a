"""Schema of scoring frames, peer groups, units' score sheets and assigned targets."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Basis(models.TextChoices):
    POINTS = "points", "Theo điểm"
    PERCENT = "percent", "Theo tỷ lệ % điểm tối đa của đơn vị"


class TieBreakChoice(models.TextChoices):
    NONE = "", "Đồng hạng"
    POINTS = "points", "Nhiều điểm hơn"
    PERCENT = "percent", "Tỷ lệ % cao hơn"
    CRITERION = "criterion", "Điểm của một tiêu chí cao hơn"


class Frame(models.Model):
    """A criteria frame as one issuer publishes it for one year. Rows are never edited once a
    sheet uses them: a correction is a new version (`supersedes` points to the old one)."""

    issuer = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        related_name="scoring_frames",
        verbose_name="cơ quan ban hành",
    )
    # The family across years ("QT-HTNV-SBN"): year-over-year compares frames of one series.
    series = models.CharField("loại chấm điểm", max_length=64)
    code = models.CharField("mã khung", max_length=64)
    year = models.PositiveSmallIntegerField("năm")
    version = models.PositiveSmallIntegerField("phiên bản", default=1)
    title = models.CharField("tên khung", max_length=400)
    # The criteria tree: [{"code", "title", "max", "kind", "children": [...]}, ...]
    criteria = models.JSONField("tiêu chí")
    # [{"minimum": "315", "label": "...", "code": "excellent"}, ...]
    bands = models.JSONField("mức xếp loại", default=list, blank=True)
    band_basis = models.CharField(
        "ngưỡng xếp loại tính", max_length=10, choices=Basis.choices, default=Basis.PERCENT
    )
    rank_basis = models.CharField(
        "xếp hạng theo", max_length=10, choices=Basis.choices, default=Basis.PERCENT
    )
    tie_break_by = models.CharField(
        "khi bằng điểm", max_length=10, choices=TieBreakChoice.choices, blank=True, default=""
    )
    tie_break_criterion = models.CharField("tiêu chí phụ", max_length=32, blank=True)
    citation = models.CharField("văn bản ban hành", max_length=400, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    is_sample = models.BooleanField("dữ liệu mẫu", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "series", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "code", "year", "version"], name="scoring_frame_unique_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="scoring_frame_version_gte_1"),
            models.CheckConstraint(
                condition=~Q(tie_break_by="criterion") | ~Q(tie_break_criterion=""),
                name="scoring_frame_tie_break_names_criterion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (phiên bản {self.version})"


class PeerGroup(models.Model):
    """The units one frame ranks together, e.g. the 20 departments scored by the province."""

    frame = models.ForeignKey(Frame, on_delete=models.PROTECT, related_name="peer_groups")
    year = models.PositiveSmallIntegerField("năm")
    name = models.CharField("tên nhóm", max_length=255)
    units = models.ManyToManyField(
        "people.Organization", related_name="scoring_peer_groups", verbose_name="đơn vị"
    )
    published_at = models.DateTimeField("ngày công bố", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_sample = models.BooleanField("dữ liệu mẫu", default=False)

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["frame", "name"], name="scoring_peer_group_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class SheetStatus(models.TextChoices):
    DRAFT = "draft", "Đang tự chấm"
    SELF_SUBMITTED = "self_submitted", "Đã gửi tự chấm"
    APPRAISED = "appraised", "Đã thẩm định"
    SEALED = "sealed", "Đã công bố"


class ScoreSheet(models.Model):
    """A unit's sheet on one frame: totals are computed by the domain rules from the lines and
    stored here; a sealed sheet (the issuer published the results) is never written again."""

    unit = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        related_name="score_sheets",
        verbose_name="đơn vị",
    )
    frame = models.ForeignKey(Frame, on_delete=models.PROTECT, related_name="sheets")
    peer_group = models.ForeignKey(
        PeerGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="sheets"
    )
    status = models.CharField(
        "trạng thái", max_length=20, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    self_points = models.DecimalField(
        "điểm tự chấm", max_digits=9, decimal_places=2, null=True, blank=True
    )
    self_max = models.DecimalField(
        "điểm tối đa (tự chấm)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    appraised_points = models.DecimalField(
        "điểm thẩm định", max_digits=9, decimal_places=2, null=True, blank=True
    )
    appraised_max = models.DecimalField(
        "điểm tối đa của đơn vị", max_digits=9, decimal_places=2, null=True, blank=True
    )
    level_code = models.CharField("mức xếp loại (mã)", max_length=30, blank=True)
    level_label = models.CharField("mức xếp loại", max_length=120, blank=True)
    rank = models.PositiveSmallIntegerField("thứ hạng", null=True, blank=True)
    rank_of = models.PositiveSmallIntegerField("trên số đơn vị", null=True, blank=True)
    self_submitted_at = models.DateTimeField(null=True, blank=True)
    appraised_at = models.DateTimeField(null=True, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)
    is_sample = models.BooleanField("dữ liệu mẫu", default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-frame__year", "frame__series", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "frame"], name="scoring_sheet_unique"),
            models.CheckConstraint(
                condition=Q(status__in=SheetStatus.values), name="scoring_sheet_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="sealed") | Q(sealed_at__isnull=False, rank__isnull=False),
                name="scoring_sheet_sealed_has_rank",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "self_submitted"])
                | Q(appraised_points__isnull=False, appraised_max__isnull=False),
                name="scoring_sheet_appraised_has_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.frame}"


def evidence_path(line: ScoreLine, filename: str) -> str:
    return f"scoring/evidence/{line.sheet_id}/{line.code}/{filename}"


class ScoreLine(models.Model):
    """One criterion on a sheet: the unit's score and evidence, then the appraiser's score."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField("mã tiêu chí", max_length=32)
    position = models.PositiveSmallIntegerField(default=0)  # the frame's pre-order
    not_applicable = models.BooleanField("không áp dụng (tự chấm)", default=False)
    self_score = models.DecimalField(
        "điểm tự chấm", max_digits=9, decimal_places=2, null=True, blank=True
    )
    evidence = models.TextField("minh chứng", blank=True)
    evidence_file = models.FileField("tệp minh chứng", upload_to=evidence_path, blank=True)
    appraised_not_applicable = models.BooleanField("không áp dụng (thẩm định)", default=False)
    appraised_score = models.DecimalField(
        "điểm thẩm định", max_digits=9, decimal_places=2, null=True, blank=True
    )
    appraiser_comment = models.TextField("ý kiến thẩm định", blank=True)

    class Meta:
        ordering = ["sheet", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "code"], name="scoring_line_unique"),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0),
                name="scoring_line_self_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(appraised_score__isnull=True) | Q(appraised_score__gte=0),
                name="scoring_line_appraised_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id}:{self.code}"


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", "Càng cao càng tốt"
    LOWER_IS_BETTER = "lower_is_better", "Càng thấp càng tốt"


class Target(models.Model):
    """One version of a target assigned to a unit. A change never edits a row: it adds the next
    version of the same `lineage` and clears `is_current` on the previous one."""

    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    unit = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="scoring_targets"
    )
    issuer = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="scoring_targets_issued"
    )
    year = models.PositiveSmallIntegerField("năm")
    name = models.CharField("chỉ tiêu", max_length=400)
    unit_of_measure = models.CharField("đơn vị tính", max_length=40)
    direction = models.CharField(
        "chiều đánh giá",
        max_length=20,
        choices=Direction.choices,
        default=Direction.HIGHER_IS_BETTER,
    )
    target_value = models.DecimalField("chỉ tiêu giao", max_digits=14, decimal_places=4)
    achieved_value = models.DecimalField(
        "kết quả đạt", max_digits=14, decimal_places=4, null=True, blank=True
    )
    met = models.BooleanField("đạt")  # computed by domain.Target.is_met, stored for listing
    met_override = models.BooleanField("ghi nhận đạt/không đạt", null=True, blank=True)
    override_reason = models.TextField("lý do ghi nhận", blank=True)
    evidence = models.TextField("minh chứng", blank=True)
    change_reason = models.CharField("lý do thay đổi", max_length=400, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_sample = models.BooleanField("dữ liệu mẫu", default=False)

    class Meta:
        ordering = ["unit", "year", "sort_order", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["lineage", "version"], name="scoring_target_unique_version"
            ),
            models.UniqueConstraint(
                fields=["lineage"], condition=Q(is_current=True), name="scoring_target_one_current"
            ),
            models.UniqueConstraint(
                fields=["unit", "issuer", "year", "name"],
                condition=Q(is_current=True),
                name="scoring_target_unique_current_name",
            ),
            models.CheckConstraint(
                condition=Q(met_override__isnull=True) | ~Q(override_reason=""),
                name="scoring_target_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year}, v{self.version})"
