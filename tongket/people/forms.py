"""Forms of the people app: they parse and pre-check input; the services decide and write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from tongket.core.errors import DomainError
from tongket.people.models import (
    Gender,
    MemberStatus,
    Organization,
    OrganizationKind,
    PartyRoleKind,
    PostTitle,
)
from tongket.people.pickers import (
    OrganizationChoiceField,
    OrganizationChoiceForm,
    OrganizationCodeInput,
    organization_choices,
)

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # The browser's date picker sends and expects ISO dates, whatever the display locale.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
    )


class VietnameseForm(forms.Form):
    """A form whose built-in messages name the field, in Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label or "").lower()
            field.error_messages["required"] = f"Vui lòng nhập {label}."
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = (
                    "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm."
                )
            if isinstance(field, forms.ChoiceField):
                field.error_messages["required"] = f"Vui lòng chọn {label}."
                field.error_messages["invalid_choice"] = (
                    f"Lựa chọn «%(value)s» không hợp lệ cho {label}."
                )
            if isinstance(field, forms.IntegerField):
                field.error_messages["invalid"] = "Giá trị không hợp lệ."

    def add_domain_error(self, exc: DomainError, aliases: Mapping[str, str] | None = None) -> None:
        """Show a service's refusal next to the field it names, else at the top of the form."""
        name = (aliases or {}).get(exc.field, exc.field)
        field = self.fields.get(name) if name else None
        if field is not None and not field.widget.is_hidden:
            self.add_error(name, exc.message)
        else:
            self.add_error(None, exc.message)


class OrganizationCreateForm(VietnameseForm):
    code = forms.CharField(
        label="Mã tổ chức",
        max_length=64,
        help_text="Mã ổn định, dùng khi nhập liệu và trong lệnh, ví dụ QT.KCQDN.SGDDT.VP.",
    )
    name = forms.CharField(label="Tên tổ chức", max_length=255)
    short_name = forms.CharField(label="Tên viết tắt", max_length=120, required=False)
    kind = forms.ChoiceField(label="Loại tổ chức", choices=OrganizationKind.choices)
    parent = forms.CharField(
        label="Mã tổ chức cấp trên",
        max_length=64,
        required=False,
        help_text="Để trống chỉ khi tạo tổ chức cấp cao nhất (quản trị hệ thống).",
        widget=OrganizationCodeInput("admin"),
    )
    agency = forms.CharField(
        label="Mã cơ quan nơi tổ chức đặt tại",
        max_length=64,
        required=False,
        widget=OrganizationCodeInput("agency"),
    )
    founded_on = date_field("Ngày thành lập", required=False)


class OrganizationEditForm(VietnameseForm):
    code = forms.CharField(
        label="Mã tổ chức",
        max_length=64,
        required=False,
        help_text="Chữ không dấu, chữ số và các dấu «.», «-», «_»; để trống là giữ mã. Đổi mã "
        "thì địa chỉ trang và tên tệp tải về dùng mã mới; mã cũ không còn dùng được (kể cả "
        "trong tệp Excel nhập).",
    )
    name = forms.CharField(label="Tên tổ chức", max_length=255)
    renamed_on = date_field(
        "Đổi tên từ ngày",
        required=False,
        help_text="Chỉ dùng khi đổi tên: tên cũ được giữ trong lịch sử đến trước ngày này.",
    )
    short_name = forms.CharField(label="Tên viết tắt", max_length=120, required=False)
    parent = forms.CharField(
        label="Mã tổ chức cấp trên",
        max_length=64,
        widget=OrganizationCodeInput("admin"),
    )
    agency = forms.CharField(
        label="Mã cơ quan nơi tổ chức đặt tại",
        max_length=64,
        required=False,
        help_text="Để trống để bỏ liên kết với cơ quan.",
        widget=OrganizationCodeInput("agency"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, is_root: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_root:
            # A top-level organization stays top-level: only its name and agency change here.
            del self.fields["parent"]


class MemberFormBase(VietnameseForm):
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    gender = forms.ChoiceField(label="Giới tính", choices=Gender.choices)
    birth_date = date_field("Ngày sinh", required=False)
    joined_on = date_field("Ngày vào Đảng")
    status = forms.ChoiceField(label="Tình trạng", choices=MemberStatus.choices)
    full_member_on = date_field(
        "Ngày chính thức", required=False, help_text="Bắt buộc với đảng viên chính thức."
    )


class MemberCreateForm(OrganizationChoiceForm, MemberFormBase):
    card_number = forms.CharField(label="Số thẻ đảng viên", max_length=20)
    organization = OrganizationChoiceField(label="Chi bộ / tổ chức đảng sinh hoạt", purpose="write")

    field_order = [
        "card_number",
        "full_name",
        "gender",
        "birth_date",
        "organization",
        "joined_on",
        "status",
        "full_member_on",
    ]


class MemberEditForm(MemberFormBase):
    version = forms.IntegerField(widget=forms.HiddenInput)


class TransferForm(OrganizationChoiceForm, VietnameseForm):
    organization = OrganizationChoiceField(label="Chuyển đến tổ chức", purpose="write")
    on = date_field("Ngày chuyển sinh hoạt")
    note = forms.CharField(
        label="Ghi chú",
        max_length=255,
        required=False,
        help_text="Ví dụ: số quyết định, giấy giới thiệu sinh hoạt đảng.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = dt.date.today()


class PartyRoleForm(OrganizationChoiceForm, VietnameseForm):
    organization = OrganizationChoiceField(label="Cấp ủy của tổ chức", purpose="admin")
    role = forms.ChoiceField(label="Chức vụ đảng", choices=PartyRoleKind.choices)
    term = forms.CharField(
        label="Nhiệm kỳ", max_length=20, required=False, help_text="Ví dụ: 2020-2025."
    )
    start = date_field("Từ ngày")


class PostForm(VietnameseForm):
    agency = forms.ChoiceField(label="Cơ quan")
    title = forms.ChoiceField(label="Chức vụ", choices=PostTitle.choices)
    title_detail = forms.CharField(
        label="Ghi rõ chức vụ",
        max_length=120,
        required=False,
        help_text="Ví dụ: Trưởng phòng Tổ chức cán bộ.",
    )
    start = date_field("Từ ngày")

    def __init__(self, *args: Any, agencies: Iterable[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ChoiceField)
        agency.choices = organization_choices(agencies)


class EndRoleForm(VietnameseForm):
    """Ending a Party role or a government post: the date, and why (kept in the history)."""

    end = date_field("Ngày kết thúc")
    reason = forms.CharField(
        label="Lý do",
        max_length=255,
        required=False,
        help_text="Ví dụ: nghỉ hưu, chuyển công tác, hết nhiệm kỳ.",
    )
