"""Shapes of the awards API: output serializers over award forms, awards, decisions, proposals and
the registers, and input serializers that only parse (every rule is in tongket.awards.services)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from tongket.awards import selectors
from tongket.awards.models import (
    AwardDecision,
    AwardForm,
    AwardProposal,
    ProposalCandidate,
)
from tongket.exchange.api import FindingSerializer

# --- serializers ---------------------------------------------------------------------------------


class AwardFormSerializer(serializers.ModelSerializer[AwardForm]):
    branch = serializers.CharField(read_only=True, help_text="party (Đảng) hoặc government.")
    issuer_level = serializers.CharField(read_only=True, help_text="Cấp khen thưởng.")
    issuer_level_label = serializers.CharField(source="get_issuer_level_display", read_only=True)
    recipient_kind = serializers.CharField(
        read_only=True, help_text="individual (cá nhân) hoặc collective (tập thể)."
    )
    period = serializers.CharField(read_only=True, help_text="Khen hằng năm, 5 năm, chuyên đề…")

    class Meta:
        model = AwardForm
        fields = (
            "code",
            "name",
            "branch",
            "issuer_level",
            "issuer_level_label",
            "recipient_kind",
            "period",
            "citation",
            "verified",
        )
        read_only_fields = fields


class AwardSerializer(serializers.Serializer[Any]):
    """One award as the register shows it, with the decision in force (the latest correction)."""

    id = serializers.IntegerField(source="award_id")
    year = serializers.IntegerField(help_text="Năm thành tích.")
    form = serializers.CharField(source="form_code", help_text="Mã hình thức khen thưởng.")
    form_name = serializers.CharField()
    issuer = serializers.CharField(source="issuer_code", help_text="Mã cơ quan khen thưởng.")
    issuer_name = serializers.CharField()
    recipient_kind = serializers.CharField(help_text="member hoặc organization.")
    recipient = serializers.CharField(help_text="Số thẻ đảng viên hoặc mã tổ chức.")
    recipient_name = serializers.CharField(help_text="Tên ghi trong quyết định.")
    recipient_unit = serializers.CharField(help_text="Chi bộ của đảng viên; rỗng với tập thể.")
    achievement = serializers.CharField()
    decision = serializers.IntegerField(
        source="decision_id", help_text="Mã số quyết định đang có hiệu lực."
    )
    decision_number = serializers.CharField()
    decision_date = serializers.DateField()
    corrected = serializers.BooleanField(help_text="Quyết định gốc đã được đính chính.")
    is_sample = serializers.BooleanField(help_text="Dữ liệu mẫu.")


class DecisionSerializer(serializers.ModelSerializer[AwardDecision]):
    issuer = serializers.CharField(source="issuer.code", read_only=True)
    superseded_by = serializers.SerializerMethodField(
        help_text="Quyết định đính chính thay thế quyết định này; null nếu đang có hiệu lực."
    )
    in_force = serializers.SerializerMethodField(help_text="Chưa bị quyết định nào thay thế.")

    class Meta:
        model = AwardDecision
        fields = (
            "id",
            "issuer",
            "issuer_name",
            "number",
            "date",
            "year",
            "signer_on_behalf",
            "signer_title",
            "signer_name",
            "supersedes",
            "original",
            "correction_reason",
            "superseded_by",
            "in_force",
            "is_sample",
            "created_at",
        )
        read_only_fields = fields

    def _successor(self, decision: AwardDecision) -> int | None:
        if hasattr(decision, "successor_id"):  # annotated by the view set's queryset
            annotated: int | None = decision.successor_id
            return annotated
        found: int | None = (
            AwardDecision.objects.filter(supersedes=decision).values_list("pk", flat=True).first()
        )
        return found

    def get_superseded_by(self, decision: AwardDecision) -> int | None:
        return self._successor(decision)

    def get_in_force(self, decision: AwardDecision) -> bool:
        return self._successor(decision) is None


class CandidateSerializer(serializers.ModelSerializer[ProposalCandidate]):
    recipient_kind = serializers.SerializerMethodField(help_text="member hoặc organization.")
    recipient = serializers.SerializerMethodField(help_text="Số thẻ đảng viên hoặc mã tổ chức.")
    recipient_name = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField(help_text="Mã chi bộ của đảng viên; rỗng với tập thể.")
    level = serializers.CharField(read_only=True, help_text="Mức xếp loại đã quyết định.")
    findings = FindingSerializer(many=True, read_only=True, help_text="Lý do, kèm căn cứ.")

    class Meta:
        model = ProposalCandidate
        fields = (
            "id",
            "recipient_kind",
            "recipient",
            "recipient_name",
            "unit",
            "level",
            "achievement",
            "eligible",
            "included",
            "findings",
            "checked_at",
        )
        read_only_fields = fields

    def get_recipient_kind(self, c: ProposalCandidate) -> str:
        return "member" if c.member is not None else "organization"

    def get_recipient(self, c: ProposalCandidate) -> str:
        if c.member is not None:
            return c.member.card_number
        assert c.organization is not None  # proposal_candidate_one_recipient
        return c.organization.code

    def get_recipient_name(self, c: ProposalCandidate) -> str:
        if c.member is not None:
            return c.member.full_name
        assert c.organization is not None
        return c.organization.name

    def get_unit(self, c: ProposalCandidate) -> str:
        return c.member.organization.code if c.member is not None else ""


class ProposalSerializer(serializers.ModelSerializer[AwardProposal]):
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    issuer = serializers.CharField(source="issuer.code", read_only=True)
    form = serializers.CharField(source="form.code", read_only=True)
    form_name = serializers.CharField(source="form.name", read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft, submitted hoặc decided.")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    decision = serializers.IntegerField(
        source="decision_id", read_only=True, allow_null=True, help_text="Quyết định khen thưởng."
    )
    candidate_count = serializers.SerializerMethodField()
    included_count = serializers.SerializerMethodField()
    eligible_count = serializers.SerializerMethodField()

    class Meta:
        model = AwardProposal
        fields: tuple[str, ...] = (
            "id",
            "organization",
            "organization_name",
            "issuer",
            "year",
            "form",
            "form_name",
            "status",
            "status_label",
            "decision",
            "candidate_count",
            "included_count",
            "eligible_count",
            "created_at",
            "submitted_at",
            "version",
        )
        read_only_fields = fields

    def _count(self, p: AwardProposal, name: str, **where: Any) -> int:
        found: int | None = getattr(p, name, None)
        return p.candidates.filter(**where).count() if found is None else found

    def get_candidate_count(self, p: AwardProposal) -> int:
        return self._count(p, "n_candidates")

    def get_included_count(self, p: AwardProposal) -> int:
        return self._count(p, "n_included", included=True)

    def get_eligible_count(self, p: AwardProposal) -> int:
        return self._count(p, "n_eligible", eligible=True)


class ProposalDetailSerializer(ProposalSerializer):
    candidates = serializers.SerializerMethodField(help_text="Từng trường hợp, kèm lý do.")

    class Meta(ProposalSerializer.Meta):
        fields = (*ProposalSerializer.Meta.fields, "candidates")
        read_only_fields = fields

    @extend_schema_field(CandidateSerializer(many=True))
    def get_candidates(self, p: AwardProposal) -> list[dict[str, Any]]:
        rows = selectors.proposal_candidates(p)
        return [dict(CandidateSerializer(c).data) for c in rows]


class RegisterSerializer(serializers.Serializer[Any]):
    member = serializers.CharField(help_text="Số thẻ đảng viên.")
    full_name = serializers.CharField()
    organization = serializers.CharField(help_text="Mã chi bộ.")
    awards = AwardSerializer(many=True, help_text="Mọi khen thưởng qua các năm, mới nhất trước.")


class RegisterGroupSerializer(serializers.Serializer[Any]):
    form = serializers.CharField(source="form_code")
    form_name = serializers.CharField()
    issuer_name = serializers.CharField()
    awards = AwardSerializer(source="rows", many=True)


class OrganizationRegisterSerializer(serializers.Serializer[Any]):
    organization = serializers.CharField(source="organization.code")
    organization_name = serializers.CharField(source="organization.name")
    year = serializers.IntegerField()
    years = serializers.ListField(
        child=serializers.IntegerField(), help_text="Các năm có khen thưởng, mới nhất trước."
    )
    count = serializers.IntegerField(help_text="Số khen thưởng trong năm của cả cây tổ chức.")
    groups = RegisterGroupSerializer(many=True, help_text="Theo hình thức và cơ quan khen thưởng.")
    own_awards = AwardSerializer(many=True, help_text="Khen thưởng tặng chính tổ chức, mọi năm.")


class DecisionInput(serializers.Serializer[Any]):
    number = serializers.CharField(max_length=60, help_text="Số quyết định, ví dụ 45-QĐ/ĐU.")
    date = serializers.DateField(help_text="Ngày quyết định.")
    signer_title = serializers.CharField(max_length=80, help_text="Chức vụ người ký.")
    signer_name = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text="Họ tên người ký."
    )
    signer_on_behalf = serializers.CharField(
        max_length=80, required=False, allow_blank=True, help_text="Thẩm quyền ký: T/M Đảng ủy…"
    )
    issuer_name = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text="Tên cơ quan ban hành; mặc định là tên cấp ủy.",
    )


class RecordInput(serializers.Serializer[Any]):
    form = serializers.CharField(max_length=80, help_text="Mã hình thức khen thưởng.")
    issuer = serializers.CharField(max_length=100, help_text="Mã cơ quan khen thưởng.")
    year = serializers.IntegerField(min_value=1930, max_value=2200, help_text="Năm thành tích.")
    achievement = serializers.CharField(max_length=2000, help_text="Thành tích được khen.")
    member = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Số thẻ đảng viên được khen."
    )
    organization = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Mã tập thể được khen."
    )
    justification = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text=(
            "Lý do khi năm đó đối tượng đã có cùng hình thức của cùng cơ quan, hoặc thành tích "
            "diễn đạt gần giống (quy tắc awards.achievement.repeat_justification_required)."
        ),
    )
    decision = DecisionInput()


class GenerateInput(serializers.Serializer[Any]):
    organization = serializers.CharField(max_length=100, help_text="Mã tổ chức đề nghị.")
    year = serializers.IntegerField(min_value=1930, max_value=2200)
    form = serializers.CharField(max_length=80, help_text="Mã hình thức (xét theo xếp loại).")
    issuer = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Mã cơ quan khen thưởng; mặc định là cấp ủy đúng cấp của hình thức.",
    )


class AdjustInput(serializers.Serializer[Any]):
    candidate = serializers.IntegerField(min_value=1, help_text="Mã số dòng trong danh sách.")
    included = serializers.BooleanField(required=False, allow_null=True, default=None)
    achievement = serializers.CharField(
        max_length=2000, required=False, allow_null=True, default=None
    )


class CorrectionInput(DecisionInput):
    reason = serializers.CharField(max_length=2000, help_text="Lý do đính chính.")
