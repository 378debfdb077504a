"""The login form, with Vietnamese labels and messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError

from tongket.accounts import passwords
from tongket.accounts.backends import LOCKED_MESSAGE
from tongket.accounts.models import Role
from tongket.people.forms import VietnameseForm, date_field
from tongket.people.pickers import OrganizationChoiceField


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "inactive": "Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị hệ thống.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["username"].error_messages["required"] = "Vui lòng nhập tên đăng nhập."
        self.fields["password"].label = "Mật khẩu"
        self.fields["password"].error_messages["required"] = "Vui lòng nhập mật khẩu."
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "spellcheck": "false"}
        )

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            # The throttling backend refuses a locked account by raising PermissionDenied, which
            # Django's authenticate() turns into "no user"; say why instead of "wrong password".
            if getattr(self.request, "login_locked", False):
                raise ValidationError(
                    LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES), code="locked"
                ) from None
            raise


class TotpCodeForm(forms.Form):
    """The 6-digit code of the authenticator app (or, at login, a recovery code)."""

    code = forms.CharField(max_length=32, strip=True)

    def __init__(self, *args: Any, recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label = "Mã xác thực (6 chữ số) hoặc mã dự phòng" if recovery else "Mã xác thực"
        field.error_messages["required"] = "Vui lòng nhập mã xác thực."
        field.widget.attrs.update(
            {"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        )
        if not recovery:
            field.widget.attrs.update({"inputmode": "numeric"})


# -- The office's account pages -------------------------------------------------------------


class AccountCreateForm(VietnameseForm):
    username = forms.CharField(label="Tên đăng nhập", max_length=80)
    full_name = forms.CharField(label="Họ và tên", max_length=150, required=False)
    member = forms.CharField(
        label="Số thẻ đảng viên",
        max_length=20,
        required=False,
        help_text="Gắn tài khoản với hồ sơ đảng viên.",
    )
    email = forms.EmailField(label="Thư điện tử", required=False)
    home = OrganizationChoiceField(
        purpose="accounts",
        label="Tổ chức quản lý tài khoản",
        required=False,
        help_text="Khi không gắn với đảng viên.",
    )
    require_totp = forms.BooleanField(label="Bắt buộc xác thực hai lớp", required=False)


class BulkAccountsForm(VietnameseForm):
    organization = OrganizationChoiceField(
        purpose="accounts",
        label="Chi bộ hoặc tổ chức",
        help_text="Tạo tài khoản cho mọi đảng viên chưa có tài khoản trong tổ chức này.",
    )


class GrantForm(VietnameseForm):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    organization = OrganizationChoiceField(purpose="accounts", label="Tổ chức")
    role = forms.ChoiceField(label="Vai trò", choices=[("", "— chọn vai trò —"), *Role.choices])
    valid_from = date_field("Từ ngày", required=False, help_text="Bỏ trống: từ hôm nay.")
    valid_until = date_field("Đến ngày", required=False, help_text="Bỏ trống: không thời hạn.")


class LinkMemberForm(VietnameseForm):
    member = forms.CharField(label="Số thẻ đảng viên", max_length=20)


class SignInCodeForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    code = forms.CharField(label="Mã đăng nhập một lần", max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Vui lòng nhập tên đăng nhập."
        self.fields["code"].error_messages["required"] = "Vui lòng nhập mã đăng nhập một lần."
        for field in self.fields.values():
            field.widget.attrs.update({"autocapitalize": "none", "spellcheck": "false"})
        self.fields["code"].widget.attrs["autocomplete"] = "one-time-code"


def _vietnamese_password_fields(form: SetPasswordForm) -> None:  # type: ignore[type-arg]
    form.fields["new_password1"].label = "Mật khẩu mới"
    form.fields["new_password2"].label = "Nhập lại mật khẩu mới"
    form.fields["new_password1"].help_text = passwords.help_text()
    form.fields["new_password2"].help_text = ""
    form.error_messages = {
        **form.error_messages,
        "password_mismatch": "Hai lần nhập mật khẩu không giống nhau.",
    }
    for name in ("new_password1", "new_password2"):
        form.fields[name].error_messages["required"] = "Vui lòng nhập mật khẩu mới."


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """Django's own form (the password validators apply), with Vietnamese labels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _vietnamese_password_fields(self)


class ChangePasswordForm(PasswordChangeForm):
    """The current password, then the new one twice (Django's form, Vietnamese words)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _vietnamese_password_fields(self)
        old = self.fields["old_password"]
        old.label = "Mật khẩu hiện tại"
        old.error_messages["required"] = "Vui lòng nhập mật khẩu hiện tại."
        self.error_messages["password_incorrect"] = "Mật khẩu hiện tại không đúng."
