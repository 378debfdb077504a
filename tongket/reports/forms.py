"""Forms of the report pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from tongket.people.forms import VietnameseForm
from tongket.reports import subtree
from tongket.reports.models import Document, DocumentKind

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
MAX_FILE_BYTES = 10 * 1024 * 1024
# What each stored file starts with: a DOCX is a ZIP archive, a PDF names itself.
FILE_MAGIC = {"docx": b"PK\x03\x04", "pdf": b"%PDF-"}


class IssueDocumentForm(VietnameseForm):
    """A document to issue now; the service gives it the next number of its series."""

    kind = forms.ChoiceField(label="Loại văn bản", choices=DocumentKind.choices)
    title = forms.CharField(label="Tên văn bản", max_length=255)
    date = forms.DateField(label="Ngày văn bản", input_formats=DATE_FORMATS)
    summary = forms.CharField(label="Trích yếu", max_length=500, required=False)
    markdown = forms.CharField(
        label="Nội dung (Markdown)", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    file = forms.FileField(
        label="Tệp văn bản",
        required=False,
        help_text="Bản DOCX hoặc PDF đã ký, tối đa 10 MB.",
    )
    supersedes = forms.TypedChoiceField(
        label="Thay thế văn bản",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Chỉ chọn khi văn bản này thay thế một văn bản đã ban hành.",
    )
    reason = forms.CharField(
        label="Lý do thay thế",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, issued: list[Document], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["supersedes"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "— Không —")] + [
            (d.pk, f"Số {d.number}-{d.kind} ({d.year}): {d.title}") for d in issued
        ]

    def clean_file(self) -> tuple[str, bytes] | None:
        upload: UploadedFile | None = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("Tệp lớn hơn 10 MB.")
        content = upload.read()
        for fmt, magic in FILE_MAGIC.items():
            if content.startswith(magic):
                return fmt, content
        raise forms.ValidationError("Chỉ nhận tệp DOCX hoặc PDF.")


class SubtreeDocumentsForm(VietnameseForm):
    """One kind of document for every organization of a level below this one (a queued job)."""

    kind = forms.ChoiceField(label="Loại văn bản", choices=list(subtree.DOCUMENT_KINDS.items()))
    fmt = forms.ChoiceField(label="Định dạng", choices=list(subtree.FORMATS.items()))
    level = forms.ChoiceField(label="Cho các tổ chức", choices=list(subtree.LEVELS.items()))

    def request(self, code: str, year: int) -> subtree.Request:
        data = self.cleaned_data
        return subtree.Request(
            code=code, year=year, kind=data["kind"], fmt=data["fmt"], level=data["level"]
        )
