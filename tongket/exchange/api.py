"""REST API v1: what every area's API shares: the base view set, the one error body, id, year and
organization parsing, the access check made before a body is read. Each area's endpoints (its
api.py) parse, read through its selectors and write through its services; every error has the
same body. The router of every area is tongket/api_urls.py."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

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
from tongket.core.text import ID_DIGITS, is_digits
from tongket.people import selectors
from tongket.people.permissions import can_write_somewhere


class FindingSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField()
    field = serializers.CharField(required=False)
    message = serializers.CharField()
    citation = serializers.CharField(required=False)
    severity = serializers.CharField(required=False)
    subject = serializers.CharField(required=False)


class ErrorDetailSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField(help_text="Mã quy tắc, ví dụ «people.member.unique_card».")
    field = serializers.CharField(help_text="Trường dữ liệu bị từ chối; rỗng nếu không có.")
    message = serializers.CharField(help_text="Thông báo tiếng Việt, hiển thị nguyên văn.")
    findings = FindingSerializer(many=True)


class ErrorSerializer(serializers.Serializer[Any]):
    error = ErrorDetailSerializer()


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Bị từ chối: quy tắc và trường lỗi."),
    403: OpenApiResponse(ErrorSerializer, description="Không có quyền ghi."),
    404: OpenApiResponse(ErrorSerializer, description="Không có, hoặc ngoài phạm vi được xem."),
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
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, math.ceil(getattr(exc, "wait", None) or 1))
        response = Response(
            error_body("api.throttled", f"Quá nhiều yêu cầu; thử lại sau {wait} giây."),
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    if isinstance(exc, exceptions.APIException):
        return Response(
            error_body(f"api.{exc.default_code}", _vietnamese(exc.default_code, str(exc.detail))),
            status=exc.status_code,
        )
    return None


COMMON_ERRORS = {
    "401": "Chưa đăng nhập hoặc khóa truy cập API không hợp lệ.",
    "403": "Không có quyền.",
    "429": "Quá nhiều yêu cầu theo khóa truy cập hoặc theo địa chỉ; thử lại sau Retry-After giây.",
}


def document_common_errors(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular hook: every operation answers 401, 403 and 429 in the one error body;
    429 carries Retry-After (tongket.core.throttling)."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in COMMON_ERRORS.items():
                responses.setdefault(code, {"content": error, "description": description})
            responses["429"]["headers"] = {
                "Retry-After": {
                    "schema": {"type": "integer"},
                    "description": "Số giây phải chờ trước khi gửi lại.",
                }
            }
    return result


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

    def perform_authentication(self, request: Request) -> None:
        # The rates first: requests without a token or with a wrong one are counted (and
        # refused when over the address's rate) like any other.
        self.check_throttles(request)
        super().perform_authentication(request)

    def check_throttles(self, request: Request) -> None:
        if getattr(request, "_rates_checked", False):
            return
        request._rates_checked = True  # type: ignore[attr-defined]
        super().check_throttles(request)

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
MAX_ID_DIGITS = ID_DIGITS
MAX_ID = 10**MAX_ID_DIGITS - 1

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH, description="Mã số (số nguyên).")
ORG_PARAM = OpenApiParameter(
    "organization", str, description="Mã tổ chức: chỉ những gì thuộc cây tổ chức này."
)
YEAR_PARAM = OpenApiParameter("year", str, description="Năm, ví dụ 2021.")

# --- the schemas every area's endpoints repeat ----------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])


def list_schema(
    serializer: type[BaseSerializer[Any]],
    *parameters: OpenApiParameter,
    description: str | None = None,
) -> Callable[[F], F]:
    """A list endpoint: its filters, a page of `serializer`, 404 for an unknown organization and
    400 for a bad filter."""
    return extend_schema(
        parameters=list(parameters),
        responses={200: serializer(many=True), **READ_ERRORS, 400: ERRORS[400]},
        description=description,
    )


def detail_schema(serializer: type[BaseSerializer[Any]]) -> Callable[[F], F]:
    """A read of one object by its id."""
    return extend_schema(parameters=[ID_PARAM], responses={200: serializer, **READ_ERRORS})


def write_schema(
    request: type[BaseSerializer[Any]] | None,
    serializer: type[BaseSerializer[Any]],
    code: int = 200,
    description: str | None = None,
    *,
    by_id: bool = True,
) -> Callable[[F], F]:
    """A write (on the object by its id, or a create when `by_id` is False): its input (None: no
    body), the object as it then stands under `code`, and every error."""
    return extend_schema(
        parameters=[ID_PARAM] if by_id else None,
        request=request,
        responses={code: serializer, **ERRORS},
        description=description,
    )


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
    return selectors.organization_path(code)


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
    if not can_write_somewhere(scope):
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
