"""Schema of evaluation cycles, evaluations (facts and tiers side by side) and sealed decisions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tongket.evaluation.domain import DisciplineForm, Grade, Level, NotClassifiedReason
from tongket.people.models import Member, Organization

LEVEL_CHOICES = [(level.value, level.label) for level in Level.descending()]
REASON_CHOICES = [(reason.value, reason.label) for reason in NotClassifiedReason]
GRADE_CHOICES = [(grade.value, grade.label) for grade in Grade]
DISCIPLINE_CHOICES = [(form.value, form.label) for form in DisciplineForm]


# The quota group of the subjects not put in any group (an empty `peer_group`).
UNGROUPED = "Chưa phân nhóm"


class CycleStatus(models.TextChoices):
    OPEN = "open", "Đang đánh giá"
    CLOSED = "closed", "Đã kết thúc"


class Cycle(models.Model):
    """One organization's review of one period, under the profile it was opened with, forever.

    `params` holds the profile parameter overrides (quota base, enforcement...), validated by
    `Profile.with_params` when the cycle is opened; the profile with them is `selectors.profile_of`.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="evaluation_cycles"
    )
    # The organization's path, copied (rewritten when the organization moves): the list of
    # cycles pages by (year, path) through one index instead of sorting every cycle with its
    # organization (154,842 at national size).
    org_path = models.CharField(max_length=255, default="", editable=False)
    year = models.PositiveSmallIntegerField("năm")
    quarter = models.PositiveSmallIntegerField("quý", null=True, blank=True)
    profile_id = models.CharField("bộ quy tắc", max_length=20)
    params = models.JSONField("tham số", default=dict, blank=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=CycleStatus.choices, default=CycleStatus.OPEN
    )
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The calendar (regulations/calendar.py, HD 43 §4): the last day of each step, filled with
    # the defaults when the cycle is opened and edited by the office (services.set_calendar).
    year_ends_otherwise = models.BooleanField(
        "năm công tác kết thúc khác năm dương lịch", default=False
    )
    self_assessment_due = models.DateField("hạn tự kiểm điểm", null=True, blank=True)
    cell_proposal_due = models.DateField("hạn chi bộ đề xuất", null=True, blank=True)
    grassroots_decision_due = models.DateField("hạn cấp ủy cơ sở quyết định", null=True, blank=True)
    superior_decision_due = models.DateField("hạn cấp trên quyết định", null=True, blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                condition=Q(quarter__isnull=True),
                name="eval_one_yearly_cycle",
            ),
            models.UniqueConstraint(
                fields=["organization", "year", "quarter"],
                condition=Q(quarter__isnull=False),
                name="eval_one_quarterly_cycle",
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="eval_cycle_quarter_range",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "quarter"], name="eval_cycle_period_idx"),
            models.Index(fields=["-year", "org_path", "id"], name="eval_cycle_list_idx"),
            # The API's list of cycles (year, then quarter, then organization).
            models.Index(fields=["-year", "quarter", "org_path", "id"], name="eval_cycle_api_idx"),
        ]

    def __str__(self) -> str:
        period = f"năm {self.year}" if self.quarter is None else f"quý {self.quarter}/{self.year}"
        return f"{self.organization} – {period}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.org_path and self.organization_id is not None:
            self.org_path = self.organization.path
        super().save(*args, **kwargs)


class SubjectKind(models.TextChoices):
    MEMBER = "member", "Đảng viên"
    ORGANIZATION = "organization", "Tổ chức đảng"


class Evaluation(models.Model):
    """One subject (member or organization) in one cycle: the facts the rules read.

    The tiers (self-assessment, the cell's proposal, the committee's appraisal) are `Assessment`
    rows and the results `Decision` rows, all kept side by side; none overwrites another.
    `subject_path` copies the member's organization path (or the organization's own path) at
    opening, so subtree counts and access filters need no join.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="evaluations")
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluations"
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations_as_subject",
    )
    # The member's cell, or the organization's parent, when the cycle was opened.
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    subject_path = models.CharField(max_length=255, db_index=True)
    org_kind = models.CharField("loại tổ chức", max_length=20, blank=True)
    peer_group = models.CharField("nhóm tương đồng", max_length=80, blank=True)
    # Facts (DOMAIN.md §3-5)
    civil_service_level = models.CharField(
        "xếp loại công chức, viên chức", max_length=20, choices=LEVEL_CHOICES, blank=True
    )
    disciplined = models.BooleanField("bị kỷ luật trong năm", default=False)
    discipline_self_remedied = models.BooleanField("tự phát hiện, khắc phục", default=False)
    degradation_concluded = models.BooleanField("có kết luận suy thoái", default=False)
    targets_assigned = models.PositiveSmallIntegerField("số chỉ tiêu được giao", default=0)
    targets_met = models.PositiveSmallIntegerField("số chỉ tiêu đạt", default=0)
    targets_force_majeure = models.BooleanField("không đạt do bất khả kháng", default=False)
    sick_leave_months = models.DecimalField(
        "số tháng nghỉ ốm", max_digits=4, decimal_places=1, default=Decimal(0)
    )
    maternity_leave = models.BooleanField("nghỉ thai sản", default=False)
    exempted = models.BooleanField("miễn công tác và sinh hoạt đảng", default=False)
    suspended = models.BooleanField("đình chỉ sinh hoạt đảng", default=False)
    is_leader = models.BooleanField("người đứng đầu", default=False)
    # qd366 (Điều 5; HD 43 point 7): temporary Party activity and the temporary cell's comment
    temporary_cell = models.CharField("chi bộ sinh hoạt tạm thời", max_length=255, blank=True)
    temporary_cell_comment = models.TextField(
        "nhận xét bằng văn bản của chi bộ sinh hoạt tạm thời", blank=True
    )
    earlier_shortcomings_remedied = models.BooleanField(
        "đã khắc phục hạn chế được chỉ ra", default=True
    )
    tasks_total = models.PositiveIntegerField("tổng số nhiệm vụ", null=True, blank=True)
    tasks_completed = models.PositiveIntegerField("số nhiệm vụ hoàn thành", null=True, blank=True)
    tasks_on_time = models.PositiveIntegerField("số nhiệm vụ đúng hạn", null=True, blank=True)
    tasks_late = models.PositiveIntegerField("số nhiệm vụ chậm", null=True, blank=True)
    tasks_exceeded = models.PositiveIntegerField("số nhiệm vụ vượt yêu cầu", null=True, blank=True)
    # The task counts were recorded by the office (facts page, API or «Dữ kiện đánh giá»): a
    # member's annex no longer overwrites them (services.record_task_annex).
    tasks_by_office = models.BooleanField("số liệu nhiệm vụ do văn phòng ghi nhận", default=False)
    same_level_bodies_level = models.CharField(
        "xếp loại chính quyền, đoàn thể cùng cấp", max_length=20, choices=LEVEL_CHOICES, blank=True
    )
    leadership_discipline = models.CharField(
        "kỷ luật nặng nhất của thành viên cấp ủy",
        max_length=20,
        choices=DISCIPLINE_CHOICES,
        blank=True,
    )
    disunity = models.BooleanField("mất đoàn kết nội bộ", default=False)
    # qd366, Điều 11.4 (issue 24): the facts the not_completed cases read. For a collective the
    # discipline fields describe the heaviest discipline of a member of its leadership.
    discipline_form = models.CharField(
        "hình thức kỷ luật", max_length=20, choices=DISCIPLINE_CHOICES, blank=True
    )
    discipline_date = models.DateField("ngày xảy ra vi phạm", null=True, blank=True)
    discipline_duty_related = models.BooleanField(
        "vi phạm liên quan đến thực hiện chức trách, nhiệm vụ", default=True
    )
    discipline_unit = models.CharField(
        "mã đơn vị nơi xảy ra vi phạm (để trống: đơn vị này)", max_length=255, blank=True
    )
    prohibitions_breached = models.BooleanField(
        "vi phạm những điều đảng viên không được làm", default=False
    )
    confidence_votes = models.PositiveIntegerField("số phiếu lấy tín nhiệm", null=True, blank=True)
    low_confidence_votes = models.PositiveIntegerField(
        "số phiếu tín nhiệm thấp", null=True, blank=True
    )
    corruption_under_management = models.BooleanField(
        "để xảy ra tham nhũng, lãng phí bị xử lý ở đơn vị trực tiếp quản lý", default=False
    )
    personnel_wrongdoing = models.BooleanField("sai phạm trong công tác cán bộ", default=False)
    basic_targets_missed = models.BooleanField(
        "đơn vị phụ trách không đạt 5 chỉ tiêu cơ bản về kinh tế - xã hội", default=False
    )
    outside_political_system = models.BooleanField(
        "đảng viên ngoài hệ thống chính trị", default=False
    )
    competent_justification = models.TextField(
        "lý do cấp có thẩm quyền xem xét (tự khắc phục, bất khả kháng)", blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["cycle", "subject_kind", "subject_path", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(subject_kind="member", member__isnull=False, organization__isnull=True)
                    | Q(
                        subject_kind="organization", member__isnull=True, organization__isnull=False
                    )
                ),
                name="eval_one_subject",
            ),
            models.UniqueConstraint(
                fields=["cycle", "member"],
                condition=Q(member__isnull=False),
                name="eval_member_once_per_cycle",
            ),
            models.UniqueConstraint(
                fields=["cycle", "organization"],
                condition=Q(organization__isnull=False),
                name="eval_organization_once_per_cycle",
            ),
            models.CheckConstraint(
                condition=Q(targets_met__lte=models.F("targets_assigned")),
                name="eval_targets_met_within_assigned",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "subject_kind", "unit"], name="eval_cycle_unit_idx"),
        ]

    def __str__(self) -> str:
        subject = self.member if self.member_id else self.organization
        return f"{subject} – {self.cycle}"


class Tier(models.TextChoices):
    SELF = "self", "Tự đánh giá"
    CELL = "cell", "Chi bộ đề xuất"
    COMMITTEE = "committee", "Cấp ủy thẩm định"


class Assessment(models.Model):
    """One tier's opinion on an evaluation. A resubmission adds a row and retires the old one."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="assessments")
    tier = models.CharField(max_length=20, choices=Tier.choices)
    level = models.CharField("mức đề xuất", max_length=20, choices=LEVEL_CHOICES, blank=True)
    not_classified_reason = models.CharField(max_length=40, choices=REASON_CHOICES, blank=True)
    grades = models.JSONField("mức đạt từng tiêu chí", default=dict, blank=True)
    points = models.JSONField("điểm từng tiêu chí", default=dict, blank=True)
    comment = models.TextField("ý kiến", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=150, blank=True)
    # A member's self-assessment entered by someone else (the cell's secretary copying the paper
    # form, an import): shown as «nhập thay» wherever the tier is shown.
    on_behalf = models.BooleanField("nhập thay", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["evaluation", "tier", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "tier"],
                condition=Q(is_current=True),
                name="eval_one_current_assessment_per_tier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} #{self.evaluation_id}"


class DecisionKind(models.TextChoices):
    DECISION = "decision", "Quyết định xếp loại"
    CORRECTION = "correction", "Quyết định điều chỉnh"
    RECLASSIFICATION = "reclassification", "Cấp trên hủy kết quả và xếp loại lại"


class DecisionStatus(models.TextChoices):
    CURRENT = "current", "Đang có hiệu lực"
    SUPERSEDED = "superseded", "Đã được thay thế"
    CANCELLED = "cancelled", "Đã bị cấp trên hủy"


class Decision(models.Model):
    """A sealed result: number, date, deciding body, level or reason never change once written.

    A correction is a new Decision that `supersedes` this one with a `reason`; only `status` of
    the old one moves to superseded (or cancelled, when the superior reclassifies).
    """

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    number = models.CharField("số quyết định", max_length=40)
    date = models.DateField("ngày quyết định")
    deciding_body = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="cấp quyết định"
    )
    level = models.CharField("xếp loại", max_length=20, choices=LEVEL_CHOICES, blank=True)
    not_classified_reason = models.CharField(
        "lý do không xếp loại", max_length=40, choices=REASON_CHOICES, blank=True
    )
    justification = models.TextField("lý do của cấp quyết định", blank=True)
    findings = models.JSONField("cảnh báo đã chấp nhận", default=list, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    reason = models.TextField("lý do điều chỉnh", blank=True)
    status = models.CharField(
        max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.CURRENT
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["evaluation", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=Q(status="current"),
                name="eval_one_current_decision",
            ),
            models.CheckConstraint(
                condition=(
                    (~Q(level="") & Q(not_classified_reason=""))
                    | (Q(level="") & ~Q(not_classified_reason=""))
                ),
                name="eval_decision_level_xor_reason",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="decision", supersedes__isnull=True)
                    | (~Q(kind="decision") & Q(supersedes__isnull=False) & ~Q(reason=""))
                ),
                name="eval_correction_supersedes_with_reason",
            ),
            models.CheckConstraint(condition=~Q(number=""), name="eval_decision_has_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"


class ResultTally(models.Model):
    """How many evaluations of a period sit under one path with one current level: what
    `stats.stats` sums instead of the raw evaluations (`tongket.evaluation.tally`).

    `path` is a member's `subject_path` (their cell) and, for an organization, the PARENT of its
    `subject_path`, so that summing the rows under a subtree's path leaves out the subtree's own
    organization, as the raw count does. `quarter` is 0 for a yearly cycle and `level` is
    "pending" without a current decision ("" = not classified): no NULL in the key, so one
    `INSERT ... ON CONFLICT` adds to a row. Kept in the transaction of every write that creates an
    evaluation or changes its current decision; `tongket stats --rebuild-tally` recounts it.
    """

    year = models.PositiveSmallIntegerField("năm")
    quarter = models.PositiveSmallIntegerField("quý (0: cả năm)", default=0)
    path = models.CharField(max_length=255)
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    org_kind = models.CharField("loại tổ chức", max_length=20, blank=True)
    level = models.CharField("xếp loại hiện hành", max_length=20, blank=True)
    n = models.IntegerField("số lượng", default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "path", "subject_kind", "org_kind", "level"],
                name="eval_tally_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}/{self.quarter} {self.path} {self.subject_kind} {self.level}: {self.n}"


class QuotaException(models.Model):
    """The competent level's recorded decision raising the rate on `excellent` (up to 25 %) for
    some groups of a qd366 cycle whose results are outstanding (366-QĐ/TW, Điều 11, point 1.5).

    `groups` names the cycle's quota groups (the evaluations' `peer_group`, "" for the subjects
    not put in a group). Never edited: a new exception for the same groups replaces the old one
    by `is_current`.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="quota_exceptions")
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    groups = models.JSONField("các nhóm áp dụng", default=list)
    percent = models.DecimalField("tỷ lệ (%)", max_digits=5, decimal_places=2)
    number = models.CharField("số quyết định", max_length=40)
    date = models.DateField("ngày quyết định")
    deciding_body = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="cấp quyết định"
    )
    reason = models.TextField("lý do (kết quả nổi trội)")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["cycle", "subject_kind", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gt=0, percent__lte=100), name="eval_quota_exception_percent"
            ),
            models.CheckConstraint(condition=~Q(number=""), name="eval_quota_exception_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.percent}%)"

    @property
    def group_labels(self) -> str:
        """The groups as the decision names them: each in «», the ungrouped subjects by name."""
        return ", ".join(f"«{name or UNGROUPED}»" for name in self.groups)
