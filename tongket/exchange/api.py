"""REST API v1: what every area's API shares (the base view set, the one error body, id, year and
organization parsing, the access check made before a body is read, people as the user may see
them), and the organizations, members, posts and Party roles endpoints. Endpoints parse, read
through the selectors and write through the services; every error has the same body."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from tongket.accounts.scope import Scope, scope_for
from tongket.core import replicas
from tongket.core.errors import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from tongket.core.http import content_disposition
from tongket.core.text import fold, is_digits
from tongket.exchange import serializers as s
from tongket.people import selectors, services
from tongket.people.models import Member, Organization, PartyRole, Post

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="Bị từ chối: quy tắc và trường lỗi."),
    403: OpenApiResponse(s.ErrorSerializer, description="Không có quyền ghi."),
    404: OpenApiResponse(s.ErrorSerializer, description="Không có, hoặc ngoài phạm vi được xem."),
}
READ_ERRORS = {404: ERRORS[404]}


def error_body(
    rule: str, message: str, *, field: str = "", findings: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"error": {"rule": rule, "field": field, "message": message, "findings": findings or []}}


# DRF's Vietnamese catalogue leaves some messages in English: those get a Vietnamese text by code.
DRF_MESSAGES_VI = {
    "parse_error": "Nội dung gửi lên không phải JSON hợp lệ.",
    "invalid": "Giá trị không hợp lệ.",
    "not_a_list": "Giá trị phải là một danh sách.",
    "not_a_dict": "Giá trị phải là một đối tượng.",
    "empty": "Danh sách không được để trống.",
    "null": "Giá trị không được để trống (null).",
    "blank": "Trường này không được để trống.",
    "required": "Trường này là bắt buộc.",
    "null_characters_not_allowed": "Không được chứa ký tự NUL.",
    "surrogate_characters_not_allowed": "Không được chứa ký tự Unicode không hợp lệ.",
    "max_length": "Dài quá số ký tự cho phép.",
    "min_length": "Ngắn hơn số ký tự tối thiểu.",
    "max_value": "Lớn hơn giá trị tối đa cho phép.",
    "min_value": "Nhỏ hơn giá trị tối thiểu cho phép.",
    "max_string_length": "Số quá lớn.",
    "max_digits": "Số có quá nhiều chữ số.",
    "max_decimal_places": "Số có quá nhiều chữ số thập phân.",
    "max_whole_digits": "Phần nguyên có quá nhiều chữ số.",
    "invalid_choice": "Lựa chọn không hợp lệ.",
    "date": "Cần một ngày, không phải ngày giờ.",
    "datetime": "Cần ngày giờ, không phải một ngày.",
    "does_not_exist": "Không tìm thấy đối tượng được chỉ định.",
    "incorrect_type": "Sai kiểu dữ liệu.",
    "unsupported_media_type": "Định dạng nội dung không được hỗ trợ; hãy gửi JSON.",
    "method_not_allowed": "Phương thức này không được hỗ trợ.",
    "not_acceptable": "Chỉ trả lời dạng JSON.",
}


def _vietnamese(code: str, message: str) -> str:
    """DRF's message, or a Vietnamese one for its code when DRF's is still in English."""
    if message.isascii() and code in DRF_MESSAGES_VI:
        return DRF_MESSAGES_VI[code]
    return message


def _validation_findings(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            found.extend(_validation_findings(value, "" if key == "non_field_errors" else name))
    elif isinstance(detail, list):
        for item in detail:
            found.extend(_validation_findings(item, prefix))
    else:
        code = getattr(detail, "code", "invalid")
        message = _vietnamese(code, str(detail))
        found.append({"rule": f"api.{code}", "field": prefix, "message": message})
    return found


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every refusal as {"error": {"rule", "field", "message", "findings"}}: 400 for a broken
    rule, 403 for a forbidden write, 404 for missing and invisible alike, 409 for a stale edit."""
    if isinstance(exc, DomainError):
        findings = [{**f.as_dict(), "field": exc.field} for f in exc.findings]
        code: int
        if isinstance(exc, NotFound):
            code = status.HTTP_404_NOT_FOUND
        elif isinstance(exc, PermissionDenied):
            code = status.HTTP_403_FORBIDDEN
        elif isinstance(exc, ConcurrentEdit):
            code = status.HTTP_409_CONFLICT
        else:
            code = status.HTTP_400_BAD_REQUEST
        body = error_body(
            exc.rule or "domain.refused", exc.message, field=exc.field, findings=findings
        )
        return Response(body, status=code)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response(error_body("access.not_found", "Không tìm thấy."), status=404)
    if isinstance(exc, exceptions.ValidationError):
        findings = _validation_findings(exc.detail)
        first = findings[0] if findings else {"rule": "api.invalid", "field": "", "message": ""}
        message = "Dữ liệu không hợp lệ"
        if first["field"]:
            message += f" ở trường «{first['field']}»"
        body = error_body(
            first["rule"], f"{message}: {first['message']}", field=first["field"], findings=findings
        )
        return Response(body, status=400)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        body = error_body("access.not_authenticated", "Cần đăng nhập hoặc khóa truy cập API.")
        response = Response(body, status=401)
        response["WWW-Authenticate"] = 'Token realm="api"'
        return response
    if isinstance(exc, exceptions.PermissionDenied):
        return Response(error_body("access.denied", "Bạn không có quyền."), status=403)
    if isinstance(exc, exceptions.APIException):
        return Response(
            error_body(f"api.{exc.default_code}", _vietnamese(exc.default_code, str(exc.detail))),
            status=exc.status_code,
        )
    return None


class ApiSchema(AutoSchema):
    """The documentation shows only the Vietnamese descriptions given with extend_schema: the
    code's docstrings are for developers and stay out of the schema."""

    def get_description(self) -> str:  # type: ignore[override]  # drf-spectacular: no args
        return ""


class ApiViewSet(viewsets.GenericViewSet[Any]):
    """JSON only (the browsable API's inline scripts break the CSP), one error body."""

    schema = ApiSchema()
    renderer_classes = [JSONRenderer]
    permission_classes = [IsAuthenticated]
    lookup_value_regex = "[^/]+"

    def get_exception_handler(self) -> Any:
        return api_exception_handler

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # `initial` may mark this request's reads for the replica; unmarked again afterwards.
        with replicas.primary_reads():
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if self.action == "list" and request.method in ("GET", "HEAD"):
            # Lists read the replica when one keeps up, unless this user just changed
            # something (their own write must show).
            replicas.prefer_replica(getattr(request.user, "pk", None))

    @property
    def scope(self) -> Scope:
        return scope_for(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "scope": self.scope}

    def parsed(
        self, serializer_class: type[BaseSerializer[Any]], *, partial: bool = False
    ) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        return data

    def in_organization(
        self, queryset: QuerySet[Any], *path_fields: str, strict: bool = True
    ) -> QuerySet[Any]:
        """When the query names an `organization`: the rows whose path (any of path_fields) lies
        in its subtree. strict: an organization the user may not see answers 404 like a missing
        one; else an unknown code filters everything out."""
        code = self.request.query_params.get("organization", "")
        if not code:
            return queryset
        if "\x00" in code:
            return queryset.none()
        if strict:
            path: str | None = selectors.get_organization(self.request.user, code.strip()).path
        else:
            path = subtree_path(code)
        if not path:
            return queryset.none()
        where = Q()
        for field in path_fields:
            where |= Q(**{f"{field}__startswith": path})
        return queryset.filter(where)

    def matching(self, queryset: QuerySet[Any], **lookups: str) -> QuerySet[Any]:
        """Equality filters from the query string, a parameter name to a field lookup each; a
        `year` must be a year (else 400), a value with a NUL byte matches nothing."""
        params = self.request.query_params
        for name, lookup in lookups.items():
            value = params.get(name, "")
            if not value:
                continue
            if "\x00" in value:
                return queryset.none()
            queryset = queryset.filter(
                **{lookup: parse_year(value) if name == "year" else value.strip()}
            )
        return queryset

    def page(self, queryset: QuerySet[Any]) -> Response:
        page = self.paginate_queryset(queryset)
        items = page if page is not None else list(queryset)
        data = self.get_serializer(items, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class FileNegotiation(ApiViewSet):
    """A view set with file downloads: a download must not be refused because the client's
    Accept names the file's type; errors still answer in JSON."""

    file_actions: frozenset[str] = frozenset()

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return super().perform_content_negotiation(
            request, force=force or self.action in self.file_actions
        )


def file_response(
    content: bytes, content_type: str, filename: str, *, inline: bool = False
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response


# --- parsing shared by every area ---------------------------------------------------------------

# Ids beyond this cannot exist; refusing them early keeps huge numbers away from the database.
MAX_ID_DIGITS = 12
MAX_ID = 10**MAX_ID_DIGITS - 1

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH, description="Mã số (số nguyên).")
ORG_PARAM = OpenApiParameter(
    "organization", str, description="Mã tổ chức: chỉ những gì thuộc cây tổ chức này."
)
YEAR_PARAM = OpenApiParameter("year", str, description="Năm, ví dụ 2021.")


def parse_id(value: str, message: str) -> int:
    """A path or query id: anything that is not a plausible id answers 404, like a missing one."""
    if not is_digits(value) or len(value) > MAX_ID_DIGITS:
        raise NotFound(message)
    return int(value)


def parse_year(value: str) -> int:
    """A year filter: up to four digits, else 400 naming the «year» field."""
    if not is_digits(value) or len(value) > 4:
        raise serializers.ValidationError({"year": ["Năm phải là số có tối đa 4 chữ số."]})
    return int(value)


def subtree_path(code: str) -> str | None:
    """The path of the organization with this code, to filter what the user already sees by
    subtree; an unknown code filters everything out (and tells nothing about what exists)."""
    path: str | None = (
        Organization.objects.filter(code=code.strip()).values_list("path", flat=True).first()
    )
    return path


def code_field(help_text: str, **kwargs: Any) -> serializers.CharField:
    """A read-only code as a plain string: several are blank when unused, which a documented
    enum would forbid, and their names would collide across areas."""
    return serializers.CharField(read_only=True, help_text=help_text, **kwargs)


# --- access checked before the body is read -----------------------------------------------------
# A write action finds the object the user may see (404 otherwise) and checks that they may
# change it (403 otherwise) before it parses the body, so a reader is told "forbidden" whatever
# the body; the services check again inside their transaction.


def require_a_write_grant(scope: Scope) -> None:
    """Creating needs a write grant somewhere; a read-only user is refused whatever the body."""
    if not scope.is_superuser and not scope.write_paths:
        raise PermissionDenied()


def require(allowed: bool, message: str = "") -> None:
    """403 unless allowed (the object is already known to be visible)."""
    if not allowed:
        raise PermissionDenied(message) if message else PermissionDenied()


def nothing_to_change(data: dict[str, Any], version: int) -> bool:
    """A partial update that names no field (at most the version read): answered with the record
    as it is, and nothing is written or audited; a stale version is still a conflict."""
    if set(data) - {"version"}:
        return False
    if data.get("version") not in (None, version):
        raise ConcurrentEdit()
    return True


# --- people, as the user may see them -----------------------------------------------------------


class PersonSerializer(serializers.Serializer[Any]):
    card_number = serializers.CharField(
        allow_null=True, help_text="Số thẻ đảng viên; null nếu ngoài phạm vi được xem."
    )
    full_name = serializers.CharField()


def person(member: Member | None, scope: Scope) -> dict[str, Any] | None:
    """A member's name, and their card number only when the user may read their record."""
    if member is None:
        return None
    visible = scope.reads(member.org_path) or scope.own_member_id == member.pk
    return {"card_number": member.card_number if visible else None, "full_name": member.full_name}


# --- organizations, members, posts, Party roles -------------------------------------------------


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
            needle = params["q"].strip()
            orgs = orgs.filter(Q(name_folded__contains=fold(needle)) | Q(code__istartswith=needle))
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
        require(self.scope.administers(org.path))
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
        members = self.in_organization(self.get_queryset(), "org_path")
        members = self.matching(members, status="status")
        params = request.query_params
        if params.get("q"):
            needle = params["q"].strip()
            members = members.filter(
                Q(name_folded__contains=fold(needle)) | Q(card_number__startswith=needle)
            )
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
        require(self.scope.writes(member.org_path))
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


class PostViewSet(ApiViewSet):
    serializer_class = s.PostSerializer

    def get_queryset(self) -> QuerySet[Post]:
        return (
            Post.objects.filter(member__in=selectors.visible_members(self.request.user))
            .select_related("member", "agency")
            .order_by("agency__path", "title", "start", "id")
        )

    @extend_schema(
        parameters=[MEMBER_PARAM], responses={200: s.PostSerializer(many=True), **READ_ERRORS}
    )
    def list(self, request: Request) -> Response:
        return self.page(self.matching(self.get_queryset(), member="member__card_number"))

    @extend_schema(responses={200: s.PostSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        post = self.get_queryset().filter(pk=pk).first() if is_digits(pk) else None
        if post is None:
            raise NotFound("Không tìm thấy chức vụ.")
        return Response(self.get_serializer(post).data)

    @extend_schema(request=s.PostCreateSerializer, responses={201: s.PostSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        require_a_write_grant(self.scope)
        data = self.parsed(s.PostCreateSerializer)
        member = selectors.get_member(request.user, data["member"])
        post = services.assign_post(
            actor=request.user,
            card_number=member.card_number,
            agency_code=data["agency"],
            title=data["title"],
            start=data["start"],
            title_detail=data.get("title_detail", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=post.pk)).data, status=201)


class PartyRoleViewSet(ApiViewSet):
    serializer_class = s.PartyRoleSerializer

    def get_queryset(self) -> QuerySet[PartyRole]:
        user = self.request.user
        roles = PartyRole.objects.all()
        if not scope_for(user).is_superuser:  # a superuser's filter would only cost a semi-join
            roles = roles.filter(
                member__in=selectors.visible_members(user),
                organization__in=selectors.visible_organizations(user),
            )
        return roles.select_related("member", "organization").order_by(
            "organization__path", "role", "start", "id"
        )

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
        role = self.get_queryset().filter(pk=pk).first() if is_digits(pk) else None
        if role is None:
            raise NotFound("Không tìm thấy chức vụ.")
        return Response(self.get_serializer(role).data)

    @extend_schema(
        request=s.PartyRoleCreateSerializer, responses={201: s.PartyRoleSerializer, **ERRORS}
    )
    def create(self, request: Request) -> Response:
        require_a_write_grant(self.scope)
        data = self.parsed(s.PartyRoleCreateSerializer)
        member = selectors.get_member(request.user, data["member"])
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
