"""Schema of issued documents, their number counters, and the narrative sections of reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class DocumentKind(models.TextChoices):
    """Type codes as they appear in a document's number (Hướng dẫn 36-HD/VPTW)."""

    BC = "BC", "Báo cáo"
    QD = "QĐ", "Quyết định"
    TB = "TB", "Thông báo"
    BB = "BB", "Biên bản"
    TTR = "TTr", "Tờ trình"
    KH = "KH", "Kế hoạch"
    CTR = "CTr", "Chương trình"
    NQ = "NQ", "Nghị quyết"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ISSUED = "issued", "Đã ban hành"


class DocumentCounter(models.Model):
    """The last number an issuer gave to a type of document in a series: a calendar year
    ("2021", HD 36) or, from 2026, the committee's term ("NK 2025-2030", formats.number_series).

    The row is locked (`select_for_update`) while a number is taken, so two offices issuing at
    the same moment get consecutive numbers, never the same one and never a gap.
    """

    organization = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="document_counters"
    )
    kind = models.CharField(max_length=5, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()  # of the series' first number
    series = models.CharField(max_length=20)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "series"], name="one_counter_per_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.organization_id}/{self.series}: {self.last_number}"


class Document(models.Model):
    """An official document; once issued it is sealed and only a superseding document changes it."""

    organization = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name="cơ quan ban hành",
    )
    kind = models.CharField("loại văn bản", max_length=5, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField("năm")
    number = models.PositiveIntegerField("số", null=True, blank=True)
    title = models.CharField("tên văn bản", max_length=255)
    summary = models.CharField("trích yếu", max_length=500, blank=True)
    date = models.DateField("ngày văn bản")
    status = models.CharField(
        "trạng thái", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name="thay thế văn bản",
    )
    reason = models.TextField("lý do thay thế", blank=True)
    # The rendered forms are optional: a document can be issued from a file typed elsewhere.
    markdown = models.TextField(blank=True)
    docx = models.BinaryField(null=True, blank=True, editable=False)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization", "kind", "year", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "year", "number"],
                condition=Q(number__isnull=False),
                name="one_document_per_number",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", number__isnull=True)
                | Q(status="issued", number__isnull=False, issued_at__isnull=False),
                name="issued_document_has_number",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(reason=""),
                name="superseding_document_has_reason",
            ),
        ]

    def __str__(self) -> str:
        number = self.number if self.number is not None else "…"
        return f"{number}-{self.kind} {self.title}"


class NarrativeSection(models.TextChoices):
    """The narrative parts of the year-end report, in the order the report shows them."""

    POLITICAL_IDEOLOGICAL = "political_ideological", "Công tác chính trị, tư tưởng"
    POLITICAL_TASKS = "political_tasks", "Lãnh đạo thực hiện nhiệm vụ chính trị"
    ORGANIZATION_PERSONNEL = "organization_personnel", "Công tác tổ chức, cán bộ và đảng viên"
    INSPECTION = "inspection", "Công tác kiểm tra, giám sát và thi hành kỷ luật đảng"
    MASS_MOBILIZATION = "mass_mobilization", "Công tác dân vận và lãnh đạo các đoàn thể"
    LIMITATIONS = "limitations", "Hạn chế, khuyết điểm và nguyên nhân"
    DIRECTIONS = "directions", "Phương hướng, nhiệm vụ năm tới"


class ReportNarrative(models.Model):
    """Text the office writes for one section of an organization's year-end report.

    Figures are written as placeholders (`{so_chi_bo_xuat_sac}`) and filled from the data when
    the report is built, so the prose never disagrees with the tables.
    """

    organization = models.ForeignKey(
        "people.Organization", on_delete=models.CASCADE, related_name="report_narratives"
    )
    year = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=40, choices=NarrativeSection.choices)
    text = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["organization", "year", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "section"], name="one_narrative_per_section"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.year} {self.section}"
