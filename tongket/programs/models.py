"""Schema of yearly programs, their items, status history and amendments after adoption."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tongket.programs.domain import ItemStatus as DomainItemStatus
from tongket.programs.domain import ProgramKind as DomainProgramKind


class ProgramKind(models.TextChoices):
    WORK = "work", "Chương trình công tác"
    INSPECTION = "inspection", "Chương trình kiểm tra, giám sát"
    # A cell's own yearly plan, linked to its committee's work program (`parent_program`).
    CELL_PLAN = "cell_plan", "Kế hoạch công tác xây dựng Đảng của chi bộ"

    @classmethod
    def domain_kind(cls, value: str) -> DomainProgramKind:
        return DomainProgramKind.INSPECTION if value == cls.INSPECTION else DomainProgramKind.WORK


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ADOPTED = "adopted", "Đã thông qua"


class ItemStatus(models.TextChoices):
    PLANNED = DomainItemStatus.PLANNED.value, DomainItemStatus.PLANNED.label
    IN_PROGRESS = DomainItemStatus.IN_PROGRESS.value, DomainItemStatus.IN_PROGRESS.label
    DONE = DomainItemStatus.DONE.value, DomainItemStatus.DONE.label
    POSTPONED = DomainItemStatus.POSTPONED.value, DomainItemStatus.POSTPONED.label
    CANCELLED = DomainItemStatus.CANCELLED.value, DomainItemStatus.CANCELLED.label


class Activity(models.TextChoices):
    """What an item of an inspection and supervision program does to its subject."""

    TASK = "task", "Nhiệm vụ"
    INSPECTION = "inspection", "Kiểm tra"
    SUPERVISION = "supervision", "Giám sát"


class Program(models.Model):
    """A yearly program of an organization. Once adopted, `adopted_snapshot` keeps the version the
    meeting adopted; later changes to the plan are `Amendment` rows with a reason."""

    organization = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name="tổ chức",
    )
    year = models.PositiveSmallIntegerField("năm")
    kind = models.CharField("loại", max_length=20, choices=ProgramKind.choices)
    title = models.CharField("tên chương trình", max_length=255)
    status = models.CharField(
        "tình trạng", max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    parent_program = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_plans",
        verbose_name="thực hiện chương trình của cấp ủy",
    )
    adopted_on = models.DateField("ngày thông qua", null=True, blank=True)
    adopted_at = models.CharField("thông qua tại", max_length=255, blank=True)
    adopted_snapshot = models.JSONField("bản được thông qua", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "organization__path", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "kind"], name="one_program_per_org_year_kind"
            ),
            models.CheckConstraint(
                condition=Q(status=ProgramStatus.DRAFT)
                | Q(adopted_on__isnull=False, adopted_snapshot__isnull=False),
                name="adopted_program_has_date_and_snapshot",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_adopted(self) -> bool:
        return self.status == ProgramStatus.ADOPTED


class ProgramItem(models.Model):
    """One item: what, concerning whom, who is in charge, when, and how it went."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField("thứ tự", default=0)
    code = models.CharField("số thứ tự", max_length=20)
    activity = models.CharField(
        "hình thức", max_length=20, choices=Activity.choices, default=Activity.TASK
    )
    content = models.TextField("nội dung")
    subject_organizations = models.ManyToManyField(
        "people.Organization",
        blank=True,
        related_name="program_items_concerning",
        verbose_name="tổ chức được kiểm tra, giám sát / liên quan",
    )
    subject_members = models.ManyToManyField(
        "people.Member",
        blank=True,
        related_name="program_items_concerning",
        verbose_name="đảng viên được kiểm tra, giám sát / liên quan",
    )
    in_charge_text = models.CharField("cơ quan, người chủ trì", max_length=255, blank=True)
    in_charge_organization = models.ForeignKey(
        "people.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="program_items_in_charge",
        verbose_name="tổ chức chủ trì",
    )
    in_charge_member = models.ForeignKey(
        "people.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="program_items_in_charge",
        verbose_name="đồng chí phụ trách",
    )
    month = models.PositiveSmallIntegerField("tháng", null=True, blank=True)
    quarter = models.PositiveSmallIntegerField("quý", null=True, blank=True)
    status = models.CharField(
        "trạng thái", max_length=20, choices=ItemStatus.choices, default=ItemStatus.PLANNED
    )
    status_reason = models.TextField("lý do", blank=True)
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    result = models.TextField("kết quả", blank=True)
    conclusions = models.TextField("kết luận kiểm tra, giám sát", blank=True)
    shortcomings = models.TextField("hạn chế, khuyết điểm", blank=True)
    remedies_required = models.TextField("yêu cầu khắc phục", blank=True)
    remedy_deadline = models.DateField("thời hạn khắc phục", null=True, blank=True)
    remedy_done_on = models.DateField("ngày khắc phục xong", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["program", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(month__isnull=False) & Q(quarter__isnull=True))
                | (Q(month__isnull=True) & Q(quarter__isnull=False)),
                name="item_month_or_quarter",
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="item_month_range",
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="item_quarter_range",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ItemStatus.POSTPONED, ItemStatus.CANCELLED])
                | ~Q(status_reason=""),
                name="item_postponed_or_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(status=ItemStatus.DONE),
                name="item_completed_on_only_when_done",
            ),
            models.CheckConstraint(
                condition=Q(remedy_done_on__isnull=True) | Q(remedy_deadline__isnull=False),
                name="item_remedy_done_needs_deadline",
            ),
            models.UniqueConstraint(fields=["program", "code"], name="unique_item_code"),
        ]
        indexes = [models.Index(fields=["status", "remedy_deadline"], name="item_status_remedy")]

    def __str__(self) -> str:
        return f"{self.code}. {self.content[:60]}"


class ItemStatusChange(models.Model):
    """The history of an item's status: every change with who, when and why."""

    item = models.ForeignKey(ProgramItem, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=ItemStatus.choices)
    to_status = models.CharField(max_length=20, choices=ItemStatus.choices)
    reason = models.TextField(blank=True)
    changed_on = models.DateField()
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["item", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.from_status} → {self.to_status}"


class Amendment(models.Model):
    """A change to an adopted program's plan (an item added, changed or withdrawn), with its
    reason and the item's state before and after; the adopted snapshot itself never changes."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="amendments")
    item = models.ForeignKey(
        ProgramItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="amendments"
    )
    number = models.PositiveIntegerField("lần điều chỉnh")
    reason = models.TextField("lý do")
    summary = models.CharField("nội dung điều chỉnh", max_length=255)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    decided_on = models.DateField("ngày điều chỉnh")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="unique_amendment_number"),
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} #{self.number}"
