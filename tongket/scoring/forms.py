"""Forms of the scoring app: they parse input; the services and the import decide and write."""

from __future__ import annotations

from django import forms

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    """An Excel workbook of score sheets in the layout of docs/import-scores.md."""

    file = forms.FileField(label="Tệp Excel (.xlsx)")
    mode = forms.ChoiceField(
        label="Nội dung nhập",
        choices=(("self", "Điểm tự chấm của đơn vị"), ("appraisal", "Điểm thẩm định")),
    )
    submit = forms.BooleanField(
        label="Gửi thẩm định ngay sau khi nhập (chỉ với điểm tự chấm)", required=False
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Chỉ nhận tệp Excel .xlsx.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Tệp lớn hơn 5 MB.")
        return upload
