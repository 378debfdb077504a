"""The people API's shapes: output serializers for reads, input serializers that only parse (every
rule is in the services), and a member as another area's answer names them (`person`)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tongket.accounts.scope import Scope
from tongket.people.models import (
    Gender,
    Member,
    MemberStatus,
    Organization,
    OrganizationKind,
    PartyRole,
    PartyRoleKind,
    Post,
    PostTitle,
)
from tongket.people.permissions import can_see_member


def _scope(serializer: serializers.Serializer[Any]) -> Scope | None:
    scope: Scope | None = serializer.context.get("scope")
    return scope


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    # DRF moves declared fields off the class; "parent" only clashes with Field.parent in the
    # stubs.
    parent = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="Mã tổ chức cấp trên; null nếu là gốc hoặc ngoài phạm vi được xem."
    )
    agency = serializers.SerializerMethodField(
        help_text="Mã cơ quan; null nếu không có hoặc ngoài phạm vi được xem."
    )

    class Meta:
        model = Organization
        fields = (
            "code",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "parent",
            "agency",
            "issuer_code",
            "place",
            "founded_on",
            "depth",
            "version",
        )
        read_only_fields = fields

    def _visible_code(self, org: Organization | None) -> str | None:
        scope = _scope(self)
        if org is None or (scope is not None and not scope.reads(org.path)):
            return None
        return org.code

    def get_parent(self, obj: Organization) -> str | None:
        return self._visible_code(obj.parent)

    def get_agency(self, obj: Organization) -> str | None:
        return self._visible_code(obj.agency)


class OrganizationCreateSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=255)
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    parent = serializers.CharField(  # type: ignore[assignment]  # see OrganizationSerializer
        max_length=64, required=False, allow_blank=True
    )
    agency = serializers.CharField(max_length=64, required=False, allow_blank=True)
    short_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    issuer_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    place = serializers.CharField(max_length=80, required=False, allow_blank=True)
    founded_on = serializers.DateField(required=False, allow_null=True)


class OrganizationUpdateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=255, required=False)
    short_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    parent = serializers.CharField(max_length=64, required=False)  # type: ignore[assignment]
    agency = serializers.CharField(max_length=64, required=False, allow_blank=True)
    renamed_on = serializers.DateField(required=False)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="Phiên bản đã đọc; sai thì trả lỗi 409."
    )


class MemberSerializer(serializers.ModelSerializer[Member]):
    organization = serializers.CharField(source="organization.code", read_only=True)
    gender_label = serializers.CharField(source="get_gender_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Member
        fields = (
            "card_number",
            "full_name",
            "birth_date",
            "gender",
            "gender_label",
            "joined_on",
            "full_member_on",
            "status",
            "status_label",
            "organization",
            "version",
        )
        read_only_fields = fields


class MemberWriteSerializer(serializers.Serializer[Any]):
    card_number = serializers.CharField(max_length=20)
    full_name = serializers.CharField(max_length=120)
    gender = serializers.ChoiceField(choices=Gender.choices)
    joined_on = serializers.DateField()
    organization = serializers.CharField(max_length=64, help_text="Mã chi bộ nơi sinh hoạt.")
    status = serializers.ChoiceField(choices=MemberStatus.choices, default=MemberStatus.FULL)
    birth_date = serializers.DateField(required=False, allow_null=True)
    full_member_on = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1)


class PostSerializer(serializers.ModelSerializer[Post]):
    member = serializers.CharField(source="member.card_number", read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True)
    title_label = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = Post
        fields = ("id", "member", "agency", "title", "title_label", "title_detail", "start", "end")
        read_only_fields = fields


class PostCreateSerializer(serializers.Serializer[Any]):
    member = serializers.CharField(max_length=20, help_text="Số thẻ đảng viên.")
    agency = serializers.CharField(max_length=64, help_text="Mã cơ quan.")
    title = serializers.ChoiceField(choices=PostTitle.choices)
    title_detail = serializers.CharField(max_length=120, required=False, allow_blank=True)
    start = serializers.DateField()


class PartyRoleSerializer(serializers.ModelSerializer[PartyRole]):
    member = serializers.CharField(source="member.card_number", read_only=True)
    organization = serializers.CharField(source="organization.code", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = PartyRole
        fields = ("id", "member", "organization", "role", "role_label", "term", "start", "end")
        read_only_fields = fields


class PartyRoleCreateSerializer(serializers.Serializer[Any]):
    member = serializers.CharField(max_length=20, help_text="Số thẻ đảng viên.")
    organization = serializers.CharField(max_length=64, help_text="Mã tổ chức đảng.")
    role = serializers.ChoiceField(choices=PartyRoleKind.choices)
    term = serializers.CharField(max_length=20, required=False, allow_blank=True)
    start = serializers.DateField()


class PersonSerializer(serializers.Serializer[Any]):
    card_number = serializers.CharField(
        allow_null=True, help_text="Số thẻ đảng viên; null nếu ngoài phạm vi được xem."
    )
    full_name = serializers.CharField()


def person(member: Member | None, scope: Scope) -> dict[str, Any] | None:
    """A member's name, and their card number only when the user may read their record."""
    if member is None:
        return None
    visible = can_see_member(scope, org_path=member.org_path, member_id=member.pk)
    return {"card_number": member.card_number if visible else None, "full_name": member.full_name}
