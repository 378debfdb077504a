"""Forms of the programs screens: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from tongket.people.pickers import (
    OrganizationChoiceField,
    OrganizationChoiceForm,
    OrganizationsField,
)
from tongket.programs.models import Activity, ItemStatus, Program, ProgramKind


class ProgramForm(OrganizationChoiceForm):
    organization = OrganizationChoiceField(label="Tổ chức", purpose="write")
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="Loại", choices=ProgramKind.choices)
    title = forms.CharField(label="Tên chương trình", max_length=255)
    parent_program = forms.ModelChoiceField(
        label="Thực hiện chương trình của cấp ủy cấp trên",
        queryset=Program.objects.none(),
        required=False,
        empty_label="— không theo chương trình nào —",
        help_text="Với kế hoạch của chi bộ: chương trình công tác cùng năm của Đảng ủy.",
    )

    def __init__(self, *args: Any, parents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent_program"].queryset = parents  # type: ignore[attr-defined]


class ItemForm(forms.Form):
    code = forms.CharField(label="Số thứ tự", max_length=20)
    activity = forms.ChoiceField(label="Hình thức", choices=Activity.choices)
    content = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 3}))
    month = forms.IntegerField(label="Tháng", min_value=1, max_value=12, required=False)
    quarter = forms.IntegerField(label="Quý", min_value=1, max_value=4, required=False)
    in_charge_text = forms.CharField(label="Cơ quan, người chủ trì", max_length=255, required=False)
    in_charge_member = forms.CharField(
        label="Số thẻ đảng viên phụ trách",
        max_length=20,
        required=False,
        help_text="Nội dung sẽ hiện trên trang chủ của đồng chí phụ trách khi đến hạn.",
    )
    subject_organizations = OrganizationsField(
        label="Tổ chức được kiểm tra, giám sát / liên quan", required=False
    )
    reason = forms.CharField(
        label="Lý do điều chỉnh, bổ sung",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Bắt buộc khi chương trình đã được thông qua.",
    )

    def __init__(self, *args: Any, organizations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subjects = self.fields["subject_organizations"]
        assert isinstance(subjects, OrganizationsField)
        subjects.set_organizations(organizations)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("month") is None) == (data.get("quarter") is None):
            raise forms.ValidationError("Chọn một tháng hoặc một quý (không chọn cả hai).")
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Trạng thái mới", choices=ItemStatus.choices)
    on = forms.DateField(label="Ngày", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label="Lý do",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Bắt buộc khi tạm hoãn, hủy bỏ hoặc mở lại nội dung đã hoàn thành.",
    )


class ResultForm(forms.Form):
    result = forms.CharField(label="Kết quả", required=False, widget=forms.Textarea({"rows": 2}))
    conclusions = forms.CharField(
        label="Kết luận kiểm tra, giám sát", required=False, widget=forms.Textarea({"rows": 2})
    )
    shortcomings = forms.CharField(
        label="Hạn chế, khuyết điểm", required=False, widget=forms.Textarea({"rows": 2})
    )
    remedies_required = forms.CharField(
        label="Yêu cầu khắc phục", required=False, widget=forms.Textarea({"rows": 2})
    )
    remedy_deadline = forms.DateField(
        label="Thời hạn khắc phục",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class RemediedForm(forms.Form):
    on = forms.DateField(
        label="Ngày khắc phục xong", widget=forms.DateInput(attrs={"type": "date"})
    )
