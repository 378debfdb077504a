"""REST API v1 of the people area: organizations, members, Party roles and government posts.
Built on the shared base (tongket.exchange.api); lists read through the people selectors, writes
go through the people services, access is asked of tongket.people.permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from tongket.accounts.scope import User
from tongket.core.errors import NotFound
from tongket.core.text import is_digits
from tongket.exchange.api import (
    ERRORS,
    READ_ERRORS,
    ApiViewSet,
    nothing_to_change,
    require,
    require_a_write_grant,
)
from tongket.people import selectors, services
from tongket.people import serializers as s
from tongket.people.models import Member, Organization
from tongket.people.permissions import can_administer_organization, can_edit_member

Q_PARAM = OpenApiParameter("q", str, description="Tìm theo tên (không cần dấu) hoặc mã, số thẻ.")


class OrganizationViewSet(ApiViewSet):
    serializer_class = s.OrganizationSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Organization]:
        return (
            selectors.visible_organizations(self.request.user)
            .select_related("parent", "agency")
            .order_by("path")
        )

    @extend_schema(
        parameters=[
            Q_PARAM,
            OpenApiParameter("kind", str, description="Loại tổ chức (provincial, cell...)."),
            OpenApiParameter("parent", str, description="Chỉ các tổ chức con trực tiếp."),
        ],
        responses={200: s.OrganizationSerializer(many=True), **READ_ERRORS},
    )
    def list(self, request: Request) -> Response:
        orgs = self.matching(self.get_queryset(), kind="kind")
        params = request.query_params
        if params.get("parent"):
            parent = selectors.get_organization(request.user, params["parent"])
            orgs = orgs.filter(parent=parent)
        if params.get("q"):
            orgs = selectors.organizations_matching(orgs, params["q"])
        return self.page(orgs)

    @extend_schema(responses={200: s.OrganizationSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, code: str) -> Response:
        org = selectors.get_organization(request.user, code)
        return Response(self.get_serializer(org).data)

    @extend_schema(
        request=s.OrganizationCreateSerializer,
        responses={201: s.OrganizationSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        require_a_write_grant(self.scope)
        data = self.parsed(s.OrganizationCreateSerializer)
        org = services.create_organization(
            actor=request.user,
            data=services.OrganizationInput(
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                parent_code=data.get("parent") or None,
                agency_code=data.get("agency") or None,
                short_name=data.get("short_name", ""),
                issuer_code=data.get("issuer_code", ""),
                place=data.get("place", ""),
                founded_on=data.get("founded_on"),
            ),
        )
        return Response(self.get_serializer(org).data, status=201)

    @extend_schema(
        request=s.OrganizationUpdateSerializer,
        responses={200: s.OrganizationSerializer, **ERRORS, 409: ERRORS[400]},
    )
    def partial_update(self, request: Request, code: str) -> Response:
        org = selectors.get_organization(request.user, code)
        require(can_administer_organization(self.scope, org.path))
        data = self.parsed(s.OrganizationUpdateSerializer, partial=True)
        if nothing_to_change(data, org.version):
            return Response(self.get_serializer(org).data)
        org = services.update_organization(
            actor=request.user,
            code=org.code,
            name=data.get("name"),
            short_name=data.get("short_name"),
            renamed_on=data.get("renamed_on"),
            parent_code=data.get("parent"),
            agency_code=data.get("agency"),
            expected_version=data.get("version"),
        )
        fresh = self.get_queryset().get(pk=org.pk)
        return Response(self.get_serializer(fresh).data)


def _member_input(data: dict[str, Any]) -> services.MemberInput:
    return services.MemberInput(
        card_number=data["card_number"],
        full_name=data["full_name"],
        gender=data["gender"],
        joined_on=data["joined_on"],
        organization_code=data["organization"],
        status=data.get("status", "full"),
        birth_date=data.get("birth_date"),
        full_member_on=data.get("full_member_on"),
    )


class MemberViewSet(ApiViewSet):
    serializer_class = s.MemberSerializer
    lookup_field = "card_number"

    def get_queryset(self) -> QuerySet[Member]:
        return selectors.visible_members(self.request.user).order_by("sort_name", "card_number")

    @extend_schema(
        parameters=[
            Q_PARAM,
            OpenApiParameter(
                "organization", str, description="Mã tổ chức: đảng viên trong cả cây bên dưới."
            ),
            OpenApiParameter("status", str, description="full hoặc probationary."),
        ],
        responses={200: s.MemberSerializer(many=True), **READ_ERRORS},
    )
    def list(self, request: Request) -> Response:
        members = self.get_queryset()
        if request.query_params.get("q"):
            # The same rows as the search box (`selectors.search_members`), paged.
            members = selectors.matching_members(request.user, request.query_params["q"])
            members = members.order_by("sort_name", "card_number")
        members = self.matching(self.in_organization(members, "org_path"), status="status")
        return self.page(members)

    @extend_schema(responses={200: s.MemberSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, card_number: str) -> Response:
        return Response(self.get_serializer(selectors.get_member(request.user, card_number)).data)

    @extend_schema(request=s.MemberWriteSerializer, responses={201: s.MemberSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        require_a_write_grant(self.scope)
        data = self.parsed(s.MemberWriteSerializer)
        member = services.create_member(actor=request.user, data=_member_input(data))
        return Response(self.get_serializer(member).data, status=201)

    def _update(self, request: Request, card_number: str, *, partial: bool) -> Response:
        member = selectors.get_member(request.user, card_number)
        require(can_edit_member(self.scope, member.org_path))
        data = self.parsed(s.MemberWriteSerializer, partial=partial)
        if partial and nothing_to_change(data, member.version):
            return Response(self.get_serializer(self.get_queryset().get(pk=member.pk)).data)
        current = {
            "card_number": member.card_number,
            "full_name": member.full_name,
            "gender": member.gender,
            "joined_on": member.joined_on,
            "organization": member.organization.code,
            "status": member.status,
            "birth_date": member.birth_date,
            "full_member_on": member.full_member_on,
        }
        merged = {**current, **data} if partial else {**data}
        updated = services.update_member(
            actor=request.user,
            card_number=member.card_number,
            data=_member_input(merged),
            expected_version=data.get("version"),
        )
        fresh = self.get_queryset().get(pk=updated.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(
        request=s.MemberWriteSerializer,
        responses={200: s.MemberSerializer, **ERRORS, 409: ERRORS[400]},
    )
    def update(self, request: Request, card_number: str) -> Response:
        return self._update(request, card_number, partial=False)

    @extend_schema(
        request=s.MemberWriteSerializer,
        responses={200: s.MemberSerializer, **ERRORS, 409: ERRORS[400]},
    )
    def partial_update(self, request: Request, card_number: str) -> Response:
        return self._update(request, card_number, partial=True)


MEMBER_PARAM = OpenApiParameter("member", str, description="Số thẻ đảng viên.")


class _MemberPositionViewSet(ApiViewSet):
    """A member's Party roles or government posts: those the user may see (`visible`, in the
    `order`), one by its id, and a create's input."""

    visible: Callable[[User | None], QuerySet[Any]]
    order: tuple[str, ...]

    def get_queryset(self) -> QuerySet[Any]:
        return self.visible(self.request.user).order_by(*self.order)

    def one(self, pk: str) -> Any:
        """The role or post of that id, if the user may see it: else 404."""
        found = self.get_queryset().filter(pk=pk).first() if is_digits(pk) else None
        if found is None:
            raise NotFound("Không tìm thấy chức vụ.")
        return found

    def input_for_member(
        self, serializer: type[BaseSerializer[Any]]
    ) -> tuple[dict[str, Any], Member]:
        """A create's parsed input (for an account that writes somewhere) and its member, whom the
        user must see."""
        require_a_write_grant(self.scope)
        data = self.parsed(serializer)
        return data, selectors.get_member(self.request.user, data["member"])


class PostViewSet(_MemberPositionViewSet):
    serializer_class = s.PostSerializer
    visible = staticmethod(selectors.visible_posts)
    order = ("agency__path", "title", "start", "id")

    @extend_schema(
        parameters=[MEMBER_PARAM], responses={200: s.PostSerializer(many=True), **READ_ERRORS}
    )
    def list(self, request: Request) -> Response:
        return self.page(self.matching(self.get_queryset(), member="member__card_number"))

    @extend_schema(responses={200: s.PostSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.one(pk)).data)

    @extend_schema(request=s.PostCreateSerializer, responses={201: s.PostSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        data, member = self.input_for_member(s.PostCreateSerializer)
        post = services.assign_post(
            actor=request.user,
            card_number=member.card_number,
            agency_code=data["agency"],
            title=data["title"],
            start=data["start"],
            title_detail=data.get("title_detail", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=post.pk)).data, status=201)


class PartyRoleViewSet(_MemberPositionViewSet):
    serializer_class = s.PartyRoleSerializer
    visible = staticmethod(selectors.visible_party_roles)
    order = ("organization__path", "role", "start", "id")

    @extend_schema(
        parameters=[
            MEMBER_PARAM,
            OpenApiParameter("organization", str, description="Mã tổ chức (chỉ tổ chức đó)."),
        ],
        responses={200: s.PartyRoleSerializer(many=True), **READ_ERRORS},
    )
    def list(self, request: Request) -> Response:
        roles = self.matching(
            self.get_queryset(), member="member__card_number", organization="organization__code"
        )
        return self.page(roles)

    @extend_schema(responses={200: s.PartyRoleSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.one(pk)).data)

    @extend_schema(
        request=s.PartyRoleCreateSerializer, responses={201: s.PartyRoleSerializer, **ERRORS}
    )
    def create(self, request: Request) -> Response:
        data, member = self.input_for_member(s.PartyRoleCreateSerializer)
        role = services.assign_party_role(
            actor=request.user,
            card_number=member.card_number,
            organization_code=data["organization"],
            role=data["role"],
            start=data["start"],
            term=data.get("term", ""),
        )
        fresh = self.get_queryset().filter(pk=role.pk).first() or role
        return Response(self.get_serializer(fresh).data, status=201)
