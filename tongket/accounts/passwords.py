"""Django's password validators with Vietnamese messages and help texts (AUTH_PASSWORD_VALIDATORS).

The rules are Django's own (maintained, with its list of 20.000 common passwords); only the
words change, so that the first-password page, the change page and `tongket createsuperuser`
state the rule they apply, in Vietnamese."""

from __future__ import annotations

from django.contrib.auth import password_validation as django_validation


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự."

    def get_help_text(self) -> str:
        return f"Ít nhất {self.min_length} ký tự."


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return "Mật khẩu quá giống tên đăng nhập, họ tên hoặc thư điện tử của tài khoản."

    def get_help_text(self) -> str:
        return "Không quá giống tên đăng nhập, họ tên, thư điện tử."


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return "Mật khẩu này quá phổ biến, dễ bị đoán."

    def get_help_text(self) -> str:
        return "Không phải mật khẩu phổ biến."


class NumericPasswordValidator(django_validation.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return "Mật khẩu không được toàn chữ số."

    def get_help_text(self) -> str:
        return "Không toàn chữ số."


def help_text() -> str:
    """The rules the configured validators apply, in one line."""
    return " ".join(django_validation.password_validators_help_texts())
