"""Criteria sets (a committee's criteria tree for a year and an appendix), their nodes, the
appendix chosen for a member, and which set version an evaluation is scored on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tongket.evaluation.models import Evaluation
from tongket.people.models import Member, Organization

APPENDIX_CHOICES = [
    ("PL1", "Phụ lục 1 (tập thể)"),
    ("PL2", "Phụ lục 2 (diện Bộ Chính trị, Ban Bí thư quản lý)"),
    ("PL3", "Phụ lục 3 (lãnh đạo, quản lý)"),
    ("PL4", "Phụ lục 4 (không giữ chức vụ)"),
    ("PL5", "Phụ lục 5 (ngoài hệ thống chính trị)"),
]
SECTION_CHOICES = [("general", "Tiêu chí chung"), ("tasks", "Kết quả thực hiện nhiệm vụ")]


class SetStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    PUBLISHED = "published", "Đã ban hành"


class CriteriaSet(models.Model):
    """One version of a committee's criteria for a year and an appendix; frozen once published."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    appendix = models.CharField("phụ lục", max_length=3, choices=APPENDIX_CHOICES)
    version = models.PositiveSmallIntegerField("phiên bản", default=1)
    title = models.CharField("tên bộ tiêu chí", max_length=255)
    status = models.CharField(max_length=12, choices=SetStatus.choices, default=SetStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organization__path", "year", "appendix", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "appendix", "version"],
                name="criteria_set_version_once",
            ),
            models.UniqueConstraint(
                fields=["organization", "year", "appendix"],
                condition=Q(status="draft"),
                name="criteria_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.appendix}, {self.year}, v{self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.status == SetStatus.PUBLISHED


class CriterionNode(models.Model):
    """A criterion in a set; `parent_code` is "" at the top of its section."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="nodes")
    code = models.CharField("mã", max_length=20)
    parent_code = models.CharField("thuộc mã", max_length=20, blank=True)
    section = models.CharField("nhóm", max_length=10, choices=SECTION_CHOICES)
    title = models.TextField("nội dung")
    points = models.DecimalField("điểm", max_digits=6, decimal_places=2)
    guidance = models.TextField("hướng dẫn chấm", blank=True)
    evidence = models.TextField("minh chứng", blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["criteria_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criteria_node_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class AppendixOverride(models.Model):
    """The office sets a member's appendix for a year against what the posts give, with why."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    appendix = models.CharField(max_length=3, choices=APPENDIX_CHOICES)
    reason = models.TextField("lý do")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="criteria_override_once")
        ]

    def __str__(self) -> str:
        return f"{self.appendix} ({self.year})"


class EvaluationSet(models.Model):
    """The set version an evaluation is scored on: fixed when its self-assessment starts."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.CASCADE, related_name="+")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"#{self.evaluation_id} → {self.criteria_set_id}"
