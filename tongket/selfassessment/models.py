"""A member's (or a collective's head's) self-assessment on the HD 43 form, and its task annex."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tongket.criteria.models import CriteriaSet
from tongket.evaluation.models import LEVEL_CHOICES, Evaluation

STATUS_CHOICES = [
    ("draft", "Bản nháp"),
    ("submitted", "Đã gửi chi bộ"),
    ("returned", "Chi bộ trả lại để sửa"),
]
FORM_CHOICES = [("01", "Mẫu 01"), ("2A", "Mẫu 2A"), ("2B", "Mẫu 2B"), ("2C", "Mẫu 2C")]


class SelfAssessment(models.Model):
    """Part A (I–VI) and part B (points per criterion of the bound criteria set) of the form."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, related_name="self_form"
    )
    form = models.CharField("mẫu", max_length=3, choices=FORM_CHOICES)
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default="draft")
    # Part A
    strengths_politics = models.TextField("phẩm chất chính trị", blank=True)
    strengths_ethics = models.TextField("đạo đức, lối sống", blank=True)
    strengths_duties = models.TextField("thực hiện chức trách, nhiệm vụ", blank=True)
    commitment = models.TextField("việc thực hiện cam kết", blank=True)
    shortcomings = models.TextField("hạn chế, khuyết điểm và nguyên nhân", blank=True)
    remedies = models.JSONField("khắc phục hạn chế đã chỉ ra", default=list, blank=True)
    explanations = models.TextField("giải trình các vấn đề được gợi ý", blank=True)
    responsibility = models.TextField("trách nhiệm với hạn chế của đơn vị", blank=True)
    direction = models.TextField("phương hướng, biện pháp", blank=True)
    # Part B
    points = models.JSONField("điểm từng tiêu chí", default=dict, blank=True)
    proposed_level = models.CharField(
        "tự xếp loại", max_length=20, choices=LEVEL_CHOICES, blank=True
    )
    return_comment = models.TextField("ý kiến chi bộ khi trả lại", blank=True)
    entered_on_behalf = models.BooleanField("nhập thay", default=False)
    entered_by_label = models.CharField(max_length=150, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Mẫu {self.form} #{self.evaluation_id}"


class AnnexTask(models.Model):
    """One task of the annex: due and done dates, quality, exceeded."""

    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField("nhiệm vụ", max_length=500)
    due_on = models.DateField("hạn")
    done_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    quality_ok = models.BooleanField("bảo đảm chất lượng", default=True)
    exceeded = models.BooleanField("vượt yêu cầu", default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["self_assessment", "position"]

    def __str__(self) -> str:
        return self.title
