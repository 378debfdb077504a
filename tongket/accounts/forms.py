"""The login form, with Vietnamese labels and messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from tongket.accounts.backends import LOCKED_MESSAGE


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
