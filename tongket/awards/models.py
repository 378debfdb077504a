"""Schema of the award register: forms, proposals with their candidates, decisions and awards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tongket.awards.domain import AwardPeriod, Branch, IssuerLevel, RecipientKind


class AwardForm(models.Model):
    """One row per form of the domain catalog (`tongket.awards.domain.AWARD_FORMS`), keyed by code.

    The rules stay in the catalog; the row lets awards point at their form and keeps the name a
    form had when it was in use.
    """

    code = models.CharField("mã", max_length=80, unique=True)
    name = models.CharField("tên hình thức", max_length=255)
    branch = models.CharField("khối", max_length=20, choices=[(b.value, b.label) for b in Branch])
    issuer_level = models.CharField(
        "cấp khen thưởng", max_length=40, choices=[(i.value, i.label) for i in IssuerLevel]
    )
    recipient_kind = models.CharField(
        "đối tượng", max_length=20, choices=[(r.value, r.label) for r in RecipientKind]
    )
    period = models.CharField(
        "loại", max_length=20, choices=[(p.value, p.label) for p in AwardPeriod]
    )
    citation = models.TextField("căn cứ")
    verified = models.BooleanField("đã đối chiếu văn bản", default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", "Đang lập"
    SUBMITTED = "submitted", "Đã trình"
    DECIDED = "decided", "Đã quyết định"


class AwardDecision(models.Model):
    """A commendation decision as issued: sealed, never edited.

    A correction is a new decision that `supersedes` this one, with a reason; awards keep pointing
    at the decision that created them and are shown with the latest decision of the chain
    (`original` names the chain's first decision, so one query finds every correction).
    """

    issuer = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        related_name="award_decisions",
        verbose_name="cơ quan khen thưởng",
    )
    issuer_name = models.CharField("tên cơ quan ban hành", max_length=255)
    number = models.CharField("số quyết định", max_length=60)
    date = models.DateField("ngày quyết định")
    year = models.PositiveSmallIntegerField("năm thành tích")
    signer_on_behalf = models.CharField("thẩm quyền ký", max_length=80, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=80)
    signer_name = models.CharField("người ký", max_length=120, blank=True)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name="thay thế quyết định",
    )
    original = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    correction_reason = models.TextField("lý do đính chính", blank=True)
    is_sample = models.BooleanField("dữ liệu mẫu", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True, original__isnull=True, correction_reason="")
                | (Q(supersedes__isnull=False, original__isnull=False) & ~Q(correction_reason="")),
                name="award_decision_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Quyết định số {self.number}"


class AwardProposal(models.Model):
    """A list of candidates an organization proposes to an issuer for one form and year."""

    organization = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        related_name="award_proposals",
        verbose_name="tổ chức đề nghị",
    )
    issuer = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        related_name="award_proposals_received",
        verbose_name="cơ quan khen thưởng",
    )
    year = models.PositiveSmallIntegerField("năm")
    form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="proposals")
    status = models.CharField(
        "trạng thái", max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    decision = models.OneToOneField(
        AwardDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="proposal"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ProposalStatus.DECIDED) | Q(decision__isnull=False),
                name="award_proposal_decided_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} {self.year}"


class ProposalCandidate(models.Model):
    """A member or an organization on a proposal, with the eligibility found when last checked."""

    proposal = models.ForeignKey(AwardProposal, on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey(
        "people.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "people.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField("xếp loại", max_length=20, blank=True)
    achievement = models.TextField("thành tích")
    eligible = models.BooleanField("đủ điều kiện")
    findings = models.JSONField("lý do", default=list)  # Finding.as_dict() of every rule
    checked_at = models.DateTimeField("thời điểm xét")
    included = models.BooleanField("đưa vào danh sách", default=True)

    class Meta:
        ordering = ["proposal", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, organization__isnull=True)
                | Q(member__isnull=True, organization__isnull=False),
                name="proposal_candidate_one_recipient",
            ),
            models.UniqueConstraint(
                fields=["proposal", "member"],
                condition=Q(member__isnull=False),
                name="proposal_candidate_member_once",
            ),
            models.UniqueConstraint(
                fields=["proposal", "organization"],
                condition=Q(organization__isnull=False),
                name="proposal_candidate_organization_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member or self.organization}"


class Award(models.Model):
    """An award as decided: its form, its recipient, the achievement and the decision.

    `achievement_key` is the achievement in comparison form (`domain.normalize_text`); the
    database refuses the same key twice for the same recipient and year, whatever the form
    (Luật Thi đua, khen thưởng 2022, Điều 5: one achievement, one award).
    """

    form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="awards")
    decision = models.ForeignKey(AwardDecision, on_delete=models.PROTECT, related_name="awards")
    member = models.ForeignKey(
        "people.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    organization = models.ForeignKey(
        "people.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    # The recipient's name as written in the decision (names change; the decision does not).
    recipient_name = models.CharField("tên người, tập thể được khen", max_length=255)
    year = models.PositiveSmallIntegerField("năm thành tích")
    achievement = models.TextField("thành tích")
    achievement_key = models.CharField(max_length=500, editable=False)
    # Why an award that looks like a repeat (same form and issuer in the year, or similar
    # wording) rewards another achievement; empty when nothing looked like a repeat.
    justification = models.TextField("lý do khen thưởng khi trùng lặp", blank=True, default="")
    is_sample = models.BooleanField("dữ liệu mẫu", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "form__sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, organization__isnull=True)
                | Q(member__isnull=True, organization__isnull=False),
                name="award_one_recipient",
            ),
            models.UniqueConstraint(
                fields=["member", "year", "achievement_key"],
                condition=Q(member__isnull=False),
                name="award_member_achievement_once",
            ),
            models.UniqueConstraint(
                fields=["organization", "year", "achievement_key"],
                condition=Q(organization__isnull=False),
                name="award_organization_achievement_once",
            ),
        ]
        indexes = [models.Index(fields=["year", "form"], name="award_year_form_idx")]

    def __str__(self) -> str:
        return f"{self.form} — {self.recipient_name} ({self.year})"

    @property
    def recipient_code(self) -> str:
        """The card number of a member, or the code of an organization."""
        if self.member is not None:
            return self.member.card_number
        assert self.organization is not None  # award_one_recipient
        return self.organization.code


class PastResult(models.Model):
    """A classification decided before the product held the year (from the paper records),
    entered so that multi-year awards count it (issue 24, point 8). Sealed: never edited; the
    product's own decision for the same subject and year is refused an entry here."""

    member = models.ForeignKey(
        "people.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="past_results",
    )
    organization = models.ForeignKey(
        "people.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="past_results",
    )
    # Where the subject was when entered: who may read the entry.
    subject_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField("năm")
    profile_id = models.CharField("quy định", max_length=20)
    level = models.CharField("xếp loại", max_length=20)
    decision_number = models.CharField("số quyết định", max_length=80)
    decision_date = models.DateField("ngày quyết định")
    deciding_body = models.CharField("cấp quyết định", max_length=255)
    # An organization rated excellent that year and chosen "tiêu biểu" by its committee (the
    # record gives the choice with the classification; HD 06-HD/TW mục 19).
    exemplary = models.BooleanField("hoàn thành xuất sắc nhiệm vụ tiêu biểu", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, organization__isnull=True)
                | Q(member__isnull=True, organization__isnull=False),
                name="past_result_one_subject",
            ),
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=Q(member__isnull=False),
                name="past_result_member_year_once",
            ),
            models.UniqueConstraint(
                fields=["organization", "year"],
                condition=Q(organization__isnull=False),
                name="past_result_organization_year_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.level} ({self.decision_number})"


class ExemplaryChoice(models.Model):
    """The competent committee's choice of a collective rated excellent as "hoàn thành xuất sắc
    nhiệm vụ tiêu biểu" for the year (HD 06-HD/TW mục 19): its own document beside the sealed
    classification decision, which is never edited. One per classification decision."""

    decision = models.OneToOneField(
        "evaluation.Decision",
        on_delete=models.PROTECT,
        related_name="exemplary_choice",
        verbose_name="quyết định xếp loại",
    )
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="exemplary_choices"
    )
    subject_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField("năm")
    number = models.CharField("số văn bản", max_length=80)
    date = models.DateField("ngày văn bản")
    reason = models.TextField("lý do chọn tiêu biểu")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "pk"]

    def __str__(self) -> str:
        return f"{self.year}: {self.number}"
