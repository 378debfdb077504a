"""REST API v1 for documents: the issued and draft documents of an organization, their stored
files, numbering through the reports services, and the rendered reports (year-end report,
decision, notice, minutes, resolution, award proposal, news item) as DOCX, PDF or Markdown.

Scoped like the report pages: what lies outside the user's subtrees answers 404, a document the
user may read but not issue answers 403."""

from __future__ import annotations

import base64
import binascii
import unicodedata
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tongket.core.errors import DomainError, NotFound
from tongket.core.text import is_digits
from tongket.exchange.api import (
    ERRORS,
    ID_PARAM,
    MAX_ID,
    READ_ERRORS,
    FileNegotiation,
    detail_schema,
    file_response,
    list_schema,
    parse_id,
    require,
    require_a_write_grant,
    write_schema,
)
from tongket.reports import selectors, services
from tongket.reports.documents.model import document_number_text
from tongket.reports.facts import org_facts
from tongket.reports.models import Document, DocumentKind

MAX_FILE_BYTES = 10 * 1024 * 1024
# What each stored file starts with: a DOCX is a ZIP archive, a PDF names itself.
FILE_MAGIC = {"docx": b"PK\x03\x04", "pdf": b"%PDF-"}
STORED_FORMATS = {
    "docx": selectors.FORMATS["docx"],
    "pdf": selectors.FORMATS["pdf"],
    "md": selectors.FORMATS["md"],
}
RENDER_FORMATS = ["docx", "pdf", "md", "xlsx", "html"]
REPORT_KINDS = [*selectors.KINDS]
# Inside a viewset class body `list` is the list action: the enums are built here.
STORED_FORMAT_NAMES = [*STORED_FORMATS]


# --- serializers ---------------------------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer[Document]):
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind = serializers.CharField(
        read_only=True, help_text="Ký hiệu loại văn bản: " + ", ".join(DocumentKind.values) + "."
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    number = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Số văn bản; null khi còn là dự thảo."
    )
    number_text = serializers.SerializerMethodField(help_text="Số và ký hiệu: «Số 12-BC/ĐU».")
    status = serializers.CharField(read_only=True, help_text="draft hoặc issued.")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    superseded_by = serializers.IntegerField(
        source="successor_id",
        read_only=True,
        allow_null=True,
        help_text="Văn bản thay thế văn bản này; null nếu chưa bị thay thế.",
    )
    formats = serializers.SerializerMethodField(
        help_text="Các bản lưu kèm tải được: md, docx, pdf."
    )

    class Meta:
        model = Document
        fields = (
            "id",
            "organization",
            "organization_name",
            "kind",
            "kind_label",
            "year",
            "number",
            "number_text",
            "title",
            "summary",
            "date",
            "status",
            "status_label",
            "supersedes",
            "reason",
            "superseded_by",
            "formats",
            "created_at",
            "issued_at",
        )
        read_only_fields = fields

    def get_number_text(self, doc: Document) -> str:
        return document_number_text(doc.number, doc.kind, org_facts(doc.organization).issuer_code)

    def get_formats(self, doc: Document) -> list[str]:
        return [
            fmt
            for fmt, present in (
                ("md", getattr(doc, "has_md", False)),
                ("docx", getattr(doc, "has_docx", False)),
                ("pdf", getattr(doc, "has_pdf", False)),
            )
            if present
        ]


@extend_schema_field(OpenApiTypes.BYTE)
class StoredFile(serializers.Field):  # type: ignore[type-arg]
    """A file sent as base64 text, checked to be what it claims and not too large."""

    def __init__(self, fmt: str, **kwargs: Any) -> None:
        self.fmt = fmt
        super().__init__(required=False, allow_null=True, default=None, **kwargs)

    def to_internal_value(self, data: Any) -> bytes:
        if not isinstance(data, str):
            raise serializers.ValidationError("Tệp phải là chuỗi mã hóa base64.")
        try:
            content = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError("Tệp phải là chuỗi mã hóa base64.") from None
        if len(content) > MAX_FILE_BYTES:
            raise serializers.ValidationError("Tệp lớn hơn 10 MB.")
        if not content.startswith(FILE_MAGIC[self.fmt]):
            raise serializers.ValidationError(f"Tệp không phải dạng {self.fmt.upper()}.")
        return content

    def to_representation(self, value: bytes) -> str:
        return base64.b64encode(value).decode()


class DocumentInput(serializers.Serializer[Any]):
    """A new document; its fields, but `draft`, arrive named as `services.create_draft`'s
    arguments (`source`)."""

    organization = serializers.CharField(
        max_length=100, source="organization_code", help_text="Mã cơ quan ban hành."
    )
    kind = serializers.ChoiceField(
        choices=DocumentKind.choices, help_text="Ký hiệu loại văn bản (BC, QĐ, TB, BB, NQ…)."
    )
    year = serializers.IntegerField(min_value=1930, max_value=2200, help_text="Năm của sổ số.")
    title = serializers.CharField(max_length=255, help_text="Tên văn bản.")
    date = serializers.DateField(help_text="Ngày văn bản.")
    summary = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="Trích yếu."
    )
    markdown = serializers.CharField(
        max_length=500_000, required=False, allow_blank=True, help_text="Nội dung dạng Markdown."
    )
    docx = StoredFile("docx", help_text="Bản DOCX, mã hóa base64.")
    pdf = StoredFile("pdf", help_text="Bản PDF, mã hóa base64.")
    supersedes = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        source="supersedes_id",
        help_text="Văn bản đã ban hành mà văn bản này thay thế.",
    )
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="Lý do thay thế."
    )
    draft = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: chỉ lưu dự thảo, chưa lấy số; mặc định ban hành ngay và lấy số.",
    )

    def validate_kind(self, value: str) -> str:
        return unicodedata.normalize("NFC", value)


class RenderQuery(serializers.Serializer[Any]):
    date = serializers.DateField(required=False, help_text="Ngày ghi trên văn bản.")
    number = serializers.IntegerField(
        required=False, min_value=1, max_value=10**9, help_text="Số văn bản."
    )
    document = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Văn bản đã cấp số: lấy số và ngày của văn bản đó.",
    )
    signer = serializers.ChoiceField(
        choices=[("secretary", "Bí thư"), ("deputy", "Phó Bí thư")],
        required=False,
        default="secretary",
    )


# --- viewsets ------------------------------------------------------------------------------------


def _binary(*formats: str) -> dict[Any, Any]:
    described = {
        "docx": "DOCX (sửa được trước khi ký).",
        "pdf": "PDF, khổ A4.",
        "md": "Markdown.",
        "xlsx": "Phụ lục thống kê XLSX.",
        "html": "Trang HTML (chỉ tin bài).",
    }
    return {
        (200, selectors.FORMATS[fmt].split(";")[0]): OpenApiResponse(
            OpenApiTypes.BINARY, description=described[fmt]
        )
        for fmt in formats
    }


class DocumentViewSet(FileNegotiation):
    serializer_class = DocumentSerializer
    file_actions = frozenset({"stored_file"})

    def get_queryset(self) -> QuerySet[Document]:
        successor = Document.objects.filter(supersedes=OuterRef("pk")).values("pk")[:1]
        return (
            selectors.visible_documents(self.request.user)
            .select_related("organization__parent")
            .defer("docx", "pdf", "markdown")
            .annotate(
                successor_id=Subquery(successor),
                has_md=ExpressionWrapper(~Q(markdown=""), output_field=BooleanField()),
                has_docx=ExpressionWrapper(Q(docx__isnull=False), output_field=BooleanField()),
                has_pdf=ExpressionWrapper(Q(pdf__isnull=False), output_field=BooleanField()),
            )
            .order_by("-year", "organization__path", "kind", "number", "pk")
        )

    def _shown(self, document_id: int, status: int = 200) -> Response:
        doc = self.get_queryset().get(pk=document_id)
        return Response(self.get_serializer(doc).data, status=status)

    def _document_id(self, pk: str) -> int:
        return parse_id(pk, "Không tìm thấy văn bản.")

    @list_schema(
        DocumentSerializer,
        OpenApiParameter(
            "organization", str, description="Mã tổ chức: văn bản của cả cây tổ chức này."
        ),
        OpenApiParameter("year", str, description="Năm của sổ số, ví dụ 2021."),
        OpenApiParameter(
            "kind", str, description="Ký hiệu loại: " + ", ".join(DocumentKind.values) + "."
        ),
        OpenApiParameter("status", str, description="draft hoặc issued."),
    )
    def list(self, request: Request) -> Response:
        documents = self.in_organization(self.get_queryset(), "organization__path")
        documents = self.matching(documents, year="year", status="status")
        kind = request.query_params.get("kind", "")
        if kind:
            wanted = unicodedata.normalize("NFC", kind.strip())
            documents = documents.filter(kind=wanted) if "\x00" not in kind else documents.none()
        return self.page(documents)

    @detail_schema(DocumentSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        doc = selectors.get_document(request.user, self._document_id(pk))
        return self._shown(doc.pk)

    @extend_schema(
        request=DocumentInput,
        responses={201: DocumentSerializer, **ERRORS},
        description=(
            "Ban hành văn bản: lấy số tiếp theo trong sổ của cơ quan ban hành theo loại và năm, "
            "không bỏ trống, không trùng (Hướng dẫn 36-HD/VPTW); hoặc lưu dự thảo (draft=true). "
            "Văn bản thay thế văn bản đã ban hành phải ghi lý do."
        ),
    )
    def create(self, request: Request) -> Response:
        require_a_write_grant(self.scope)
        fields = self.parsed(DocumentInput)
        draft = fields.pop("draft")
        org = selectors.report_organization(request.user, fields["organization_code"])
        require(self.scope.writes(org.path))
        fields["organization_code"] = org.code
        write = services.create_draft if draft else services.issue_document
        doc = write(actor=request.user, **fields)
        return self._shown(doc.pk, status=201)

    @write_schema(
        None,
        DocumentSerializer,
        description="Ban hành một dự thảo: cấp số tiếp theo của sổ và niêm phong văn bản.",
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        doc = selectors.get_document(request.user, self._document_id(pk))
        require(self.scope.writes(doc.organization.path))
        services.issue_draft(actor=request.user, document_id=doc.pk)
        return self._shown(doc.pk)

    @extend_schema(
        parameters=[
            ID_PARAM,
            OpenApiParameter(
                "fmt", str, OpenApiParameter.PATH, enum=STORED_FORMAT_NAMES, description="Dạng."
            ),
        ],
        responses={**_binary(*STORED_FORMATS), **READ_ERRORS},
        description="Tải bản lưu kèm của văn bản (404 nếu văn bản không có bản ở dạng này).",
    )
    @action(detail=True, methods=["get"], url_path=r"file/(?P<fmt>[^/.]+)", url_name="file")
    def stored_file(self, request: Request, pk: str, fmt: str) -> HttpResponse:
        doc = selectors.get_document(request.user, self._document_id(pk))
        stored = services.export_stored_file(actor=request.user, doc=doc, fmt=fmt)
        return file_response(stored.content, stored.content_type, stored.filename)


class ReportViewSet(FileNegotiation):
    """Documents rendered from the data for an organization and year, never stored."""

    serializer_class = DocumentSerializer  # for the schema generator; every answer is a file
    lookup_field = "code"
    file_actions = frozenset({"rendered"})

    @extend_schema(
        parameters=[
            OpenApiParameter("year", str, OpenApiParameter.PATH, description="Năm, ví dụ 2020."),
            OpenApiParameter(
                "kind", str, OpenApiParameter.PATH, enum=REPORT_KINDS, description="Loại."
            ),
            OpenApiParameter(
                "fmt", str, OpenApiParameter.PATH, enum=RENDER_FORMATS, description="Dạng."
            ),
            OpenApiParameter("date", OpenApiTypes.DATE, description="Ngày ghi trên văn bản."),
            OpenApiParameter("number", int, description="Số văn bản."),
            OpenApiParameter(
                "document", int, description="Văn bản đã cấp số: lấy số và ngày của văn bản đó."
            ),
            OpenApiParameter("signer", str, enum=["secretary", "deputy"], description="Người ký."),
        ],
        responses={**_binary(*RENDER_FORMATS), **ERRORS},
        description=(
            "Văn bản dựng từ dữ liệu của tổ chức và năm: year-end (báo cáo tổng kết), decision, "
            "notice, minutes, resolution, awards, news (tin bài, chỉ dạng md); dạng xlsx là phụ "
            "lục thống kê. Chỉ chứa những gì người dùng được xem."
        ),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"(?P<year>[^/.]+)/(?P<kind>[^/.]+)/(?P<fmt>[^/.]+)",
        url_name="render",
    )
    def rendered(self, request: Request, code: str, year: str, kind: str, fmt: str) -> HttpResponse:
        if not is_digits(year) or len(year) > 4:
            raise NotFound("Không có năm này.")
        query = RenderQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        options = query.validated_data
        number, date = options.get("number"), options.get("date")
        if options.get("document"):
            doc = selectors.get_document(request.user, options["document"])
            if doc.organization.code != code.strip() or doc.year != int(year):
                raise DomainError(
                    "Văn bản đã chọn không thuộc tổ chức và năm của báo cáo này.",
                    field="document",
                    rule="reports.document.mismatch",
                )
            number, date = doc.number, date or doc.date
        report = services.export_report(
            request.user,
            code,
            int(year),
            kind=kind,
            fmt=fmt,
            date=date,
            number=number,
            signer=options.get("signer", "secretary"),
        )
        return file_response(report.content, report.content_type, report.filename)
