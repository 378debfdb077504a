"""Forms of the award pages: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from tongket.awards.models import AwardForm
from tongket.people.forms import VietnameseForm

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _year_field(label: str = "Năm") -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1930, max_value=2100)


class GenerateProposalForm(VietnameseForm):
    form_code = forms.ChoiceField(label="Hình thức khen thưởng")
    year = _year_field("Năm xếp loại")

    def __init__(self, *args: Any, forms_available: list[AwardForm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["form_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(f.code, f.name) for f in forms_available]


class CandidateForm(VietnameseForm):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    included = forms.BooleanField(label="Đưa vào đề nghị", required=False)
    achievement = forms.CharField(label="Thành tích", max_length=1000)


class DecisionFields(VietnameseForm):
    number = forms.CharField(label="Số quyết định", max_length=60, help_text="Ví dụ 45-QĐ/ĐU.")
    date = forms.DateField(label="Ngày quyết định", input_formats=DATE_FORMATS)
    issuer_name = forms.CharField(
        label="Tên cơ quan ban hành",
        max_length=255,
        required=False,
        help_text="Bỏ trống để dùng tên cấp ủy hiện hành.",
    )
    signer_on_behalf = forms.CharField(
        label="Thẩm quyền ký", max_length=80, required=False, help_text="Ví dụ T/M Đảng ủy."
    )
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=80, initial="Bí thư")
    signer_name = forms.CharField(label="Họ tên người ký", max_length=120, required=False)


class DecideForm(DecisionFields):
    pass


class CorrectDecisionForm(DecisionFields):
    """A correcting decision: the new number, date and signer, and why the old one was wrong."""

    reason = forms.CharField(label="Lý do đính chính", max_length=2000, widget=forms.Textarea)

    field_order = ["reason"]


class RecordAwardForm(DecisionFields):
    form_code = forms.ChoiceField(label="Hình thức khen thưởng")
    issuer_code = forms.CharField(
        label="Mã cơ quan khen thưởng", max_length=64, help_text="Ví dụ QT (Tỉnh ủy)."
    )
    recipient = forms.CharField(
        label="Người hoặc tập thể được khen",
        max_length=64,
        help_text="Số thẻ đảng viên, hoặc mã tổ chức.",
    )
    year = _year_field("Năm thành tích")
    achievement = forms.CharField(label="Thành tích", max_length=1000, widget=forms.Textarea)
    justification = forms.CharField(
        label="Lý do (nếu giống khen thưởng đã có)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "Chỉ cần khi năm đó người, tập thể này đã có cùng hình thức của cùng cơ quan, hoặc "
            "một thành tích diễn đạt gần giống (Điều 5, khoản 2, điểm c, Luật Thi đua, khen "
            "thưởng 2022): ghi vì sao đây là thành tích khác."
        ),
    )

    field_order = ["form_code", "issuer_code", "recipient", "year", "achievement", "justification"]

    def __init__(self, *args: Any, forms_available: list[AwardForm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["form_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(f.code, f.name) for f in forms_available]
        self.fields["year"].initial = dt.date.today().year - 1
