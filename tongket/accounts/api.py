"""REST API v1 for accounts and grants: the office administrator's account pages as endpoints,
read through the accounts selectors and written through the accounts services (the same
bounds: only the subtrees the caller administers, nobody grants more than they hold)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tongket.accounts import permissions, selectors, services
from tongket.accounts import serializers as s
from tongket.accounts.models import Grant
from tongket.accounts.slips import sign_in_url
from tongket.core.errors import NotFound, PermissionDenied
from tongket.exchange.api import (
    ERRORS,
    ID_PARAM,
    ORG_PARAM,
    READ_ERRORS,
    ApiViewSet,
    nothing_to_change,
    parse_id,
)
from tongket.people import selectors as people_selectors

GRANT_NOT_FOUND = "Không tìm thấy phân quyền."
# Bulk accounts: the card numbers of members left without one (their name is already taken).
SKIPPED_HEADER = "Tongket-Skipped-Members"
USERNAME_PARAM = OpenApiParameter(
    "username", str, OpenApiParameter.PATH, description="Tên đăng nhập."
)


class OfficeViewSet(ApiViewSet):
    """Accounts and grants are the office administrators' (and the system administrator's):
    anyone else is refused with 403 before anything is read."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not permissions.can_manage_accounts(self.scope):
            raise PermissionDenied("Chỉ quản trị văn phòng mới quản lý tài khoản.")


def _code_body(username: str, code: str) -> dict[str, str]:
    return {"username": username, "sign_in_code": code, "sign_in_url": sign_in_url(username, code)}


class UserViewSet(OfficeViewSet):
    serializer_class = s.AccountSerializer
    lookup_field = "username"

    def get_queryset(self) -> QuerySet[AbstractUser]:
        return selectors.visible_accounts(self.request.user)

    def _detail(self, username: str) -> Response:
        return Response(
            self.get_serializer(selectors.get_account(self.request.user, username)).data
        )

    @extend_schema(
        parameters=[ORG_PARAM], responses={200: s.AccountSerializer(many=True), **READ_ERRORS}
    )
    def list(self, request: Request) -> Response:
        code = request.query_params.get("organization", "").strip()
        org = people_selectors.get_organization(request.user, code) if code else None
        if org is not None and not self.scope.administers(org.path):
            raise NotFound("Không tìm thấy tổ chức.")
        return self.page(selectors.accounts_in(request.user, org))

    @extend_schema(parameters=[USERNAME_PARAM], responses={200: s.AccountSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, username: str) -> Response:
        return self._detail(username)

    @extend_schema(
        request=s.AccountCreateSerializer,
        responses={201: s.AccountSerializer, **ERRORS},
        description=(
            "Tạo tài khoản. Không gửi mật khẩu: trả thêm `sign_in_code` và `sign_in_url` "
            "(mã đăng nhập một lần, chỉ hiện một lần)."
        ),
    )
    def create(self, request: Request) -> Response:
        data = self.parsed(s.AccountCreateSerializer)
        user = services.create_user(
            actor=request.user,
            username=data["username"],
            password=data.get("password") or None,
            member_card=data.get("member") or None,
            email=data.get("email", ""),
            home_code=data.get("home") or None,
            require_totp=data.get("require_totp", False),
        )
        body = dict(self.get_serializer(selectors.get_account(request.user, user.username)).data)
        if not data.get("password"):
            code = services.issue_sign_in_code(actor=request.user, username=user.username)
            body.update(_code_body(user.username, code))
        return Response(body, status=201)

    @extend_schema(
        parameters=[USERNAME_PARAM],
        request=s.AccountUpdateSerializer,
        responses={200: s.AccountSerializer, **ERRORS},
        description="Khóa/mở lại (`active`), bắt buộc xác thực hai lớp, gắn với đảng viên.",
    )
    def partial_update(self, request: Request, username: str) -> Response:
        selectors.get_account(request.user, username)
        data = self.parsed(s.AccountUpdateSerializer, partial=True)
        if nothing_to_change(data, 0):
            return self._detail(username)
        if "active" in data:
            services.set_user_active(actor=request.user, username=username, active=data["active"])
        if "require_totp" in data:
            services.set_require_totp(
                actor=request.user, username=username, required=data["require_totp"]
            )
        if data.get("member"):
            services.link_member(actor=request.user, username=username, member_card=data["member"])
        return self._detail(username)

    @extend_schema(
        parameters=[USERNAME_PARAM],
        request=None,
        responses={200: s.SignInCodeSerializer, **ERRORS},
        description="Đặt lại mật khẩu: mật khẩu cũ hết hiệu lực, trả mã đăng nhập một lần.",
    )
    @action(detail=True, methods=["post"])
    def reset(self, request: Request, username: str) -> Response:
        selectors.get_account(request.user, username)
        request.data  # noqa: B018 - a broken body is refused (400) before anything is written
        code = services.issue_sign_in_code(actor=request.user, username=username)
        return Response(_code_body(username, code))

    @extend_schema(
        request=s.BulkAccountsSerializer,
        responses={201: s.IssuedCodeSerializer(many=True), **ERRORS},
        description=(
            "Tạo tài khoản cho mọi đảng viên chưa có tài khoản trong tổ chức (tên đăng nhập là "
            "số thẻ), mỗi người một mã đăng nhập một lần (chỉ hiện trong câu trả lời này). "
            f"Đảng viên không được tạo vì số thẻ đã là tên của một tài khoản khác được liệt kê "
            f"(số thẻ, cách nhau bởi dấu phẩy) trong header {SKIPPED_HEADER}."
        ),
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        data = self.parsed(s.BulkAccountsSerializer)
        result = services.create_member_accounts(
            actor=request.user, organization_code=data["organization"]
        )
        response = Response(s.IssuedCodeSerializer(result.issued, many=True).data, status=201)
        if result.skipped:
            response[SKIPPED_HEADER] = ", ".join(m.card_number for m in result.skipped)
        return response


class GrantViewSet(OfficeViewSet):
    serializer_class = s.GrantSerializer

    def get_queryset(self) -> QuerySet[Grant]:
        return selectors.visible_grants(self.request.user)

    @extend_schema(
        parameters=[OpenApiParameter("user", str, description="Tên đăng nhập.")],
        responses={200: s.GrantSerializer(many=True), **READ_ERRORS},
    )
    def list(self, request: Request) -> Response:
        return self.page(self.matching(self.get_queryset(), user="user__username"))

    @extend_schema(parameters=[ID_PARAM], responses={200: s.GrantSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        grant = selectors.get_grant(request.user, parse_id(pk, GRANT_NOT_FOUND))
        return Response(self.get_serializer(grant).data)

    @extend_schema(request=s.GrantCreateSerializer, responses={201: s.GrantSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        data = self.parsed(s.GrantCreateSerializer)
        grant = services.grant_access(
            actor=request.user,
            username=data["username"],
            organization_code=data["organization"],
            role=data["role"],
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
        )
        return Response(self.get_serializer(grant).data, status=201)

    @extend_schema(
        parameters=[ID_PARAM], request=None, responses={200: s.GrantSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        grant = selectors.get_grant(request.user, parse_id(pk, GRANT_NOT_FOUND))
        request.data  # noqa: B018 - a broken body is refused (400) before anything is written
        services.revoke_grant(actor=request.user, grant_id=grant.pk)
        return Response(self.get_serializer(selectors.get_grant(request.user, grant.pk)).data)

    @extend_schema(responses={200: s.RoleSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def roles(self, request: Request) -> Response:
        return Response(s.RoleSerializer(selectors.roles(), many=True).data)
