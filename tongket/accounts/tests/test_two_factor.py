"""The TOTP second factor: enrolment, login with it, recovery codes, throttling, audit."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tongket.accounts import totp
from tongket.accounts.demo import DEMO_ACCOUNTS
from tongket.accounts.models import LoginFailure, RecoveryCode, TotpDevice
from tongket.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _after(event: AuditEvent) -> dict[str, Any]:
    assert isinstance(event.after, dict)
    return event.after


PASSWORDS = {account.username: account.password for account in DEMO_ACCOUNTS}


def _code(secret: str, offset_steps: int = 0) -> str:
    return totp.totp(totp.secret_bytes(secret), time.time() + offset_steps * totp.STEP_SECONDS)


def _actions(username: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=username)
        .order_by("id")
        .values_list("action", flat=True)
    )


def _enrol(client: Client) -> tuple[str, list[str]]:
    """Turn TOTP on through the pages; returns the secret and the recovery codes."""
    page = client.get(reverse("accounts:totp_setup"))
    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret in page.context["uri"]
    done = client.post(reverse("accounts:totp_setup"), {"code": _code(secret)})
    assert done.status_code == 200
    return secret, done.context["recovery_codes"]


def _password_step(username: str, **extra: str) -> tuple[Client, Any]:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": PASSWORDS[username], **extra}
    )
    return client, response


def _enrolled(client_for: Any, username: str = "vanphong") -> tuple[str, list[str]]:
    return _enrol(client_for(username))


def test_enrolment_shows_the_secret_and_uri_and_turns_on_with_a_valid_code(
    client_for: Any,
) -> None:
    client = client_for("vanphong")
    page = client.get(reverse("accounts:totp_setup"))
    text = page.content.decode()
    secret = page.context["secret"]
    assert "Bật xác thực hai lớp" in text
    assert page.context["uri"].startswith("otpauth://totp/")
    # The QR code is drawn on the server as inline SVG: no image from anywhere else.
    figure = text.split('<figure class="totp-qr"')[1].split("</figure>")[0]
    assert "<svg" in figure
    assert "<script" not in figure
    assert "http" not in figure
    # A reload shows the same secret until it is confirmed.
    assert client.get(reverse("accounts:totp_setup")).context["secret"] == secret
    wrong = client.post(reverse("accounts:totp_setup"), {"code": "000000"})
    assert wrong.status_code == 400
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert TotpDevice.objects.get(user__username="vanphong").confirmed_at is None
    done = client.post(reverse("accounts:totp_setup"), {"code": _code(secret)})
    codes = done.context["recovery_codes"]
    assert len(codes) == totp.RECOVERY_CODE_COUNT
    assert codes[0] in done.content.decode()
    stored = set(
        RecoveryCode.objects.filter(user__username="vanphong").values_list("code_hash", flat=True)
    )
    assert codes[0] not in stored
    assert totp.hash_recovery_code(codes[0]) in stored
    assert _actions("vanphong")[-2:] == ["totp.enrol_start", "totp.enrolled"]
    again = client.get(reverse("accounts:totp_setup"))
    assert again.context["enabled"]
    assert "secret" not in again.context


def test_login_of_an_enrolled_user_asks_for_the_code_after_the_password(client_for: Any) -> None:
    secret, _codes = _enrolled(client_for)
    target = reverse("people:organization", args=["QT.KCQDN.SGDDT"])
    client, response = _password_step("vanphong", next=target)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:totp_verify")
    # Not signed in yet: the password alone opens nothing.
    assert client.get(reverse("people:home")).status_code == 302
    assert "_auth_user_id" not in client.session
    # The step used to confirm the enrolment is spent: the next one signs in.
    done = client.post(reverse("accounts:totp_verify"), {"code": _code(secret, 1)})
    assert done.status_code == 302
    assert done["Location"] == target
    assert client.get(reverse("people:home")).status_code == 200
    assert _actions("vanphong")[-1] == "login.totp"


def test_login_without_totp_is_unchanged_for_users_who_did_not_enrol() -> None:
    client, response = _password_step("bithu")
    assert response["Location"] == reverse("people:home")
    assert client.get(reverse("people:home")).status_code == 200


def test_the_code_page_without_a_checked_password_goes_back_to_the_login() -> None:
    response = Client().get(reverse("accounts:totp_verify"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert Client().post(reverse("accounts:totp_verify"), {"code": "123456"}).status_code == 302


def test_a_wrong_code_is_refused_counted_and_audited(client_for: Any) -> None:
    secret, _codes = _enrolled(client_for)
    client, _ = _password_step("vanphong")
    wrong = "000000" if _code(secret) != "000000" else "111111"
    response = client.post(reverse("accounts:totp_verify"), {"code": wrong})
    assert response.status_code == 400
    assert "Mã xác thực không đúng hoặc đã được dùng." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(username="vanphong").count() == 1
    event = AuditEvent.objects.filter(action="login.totp_failed").latest("id")
    assert event.object_id == "vanphong"
    assert _after(event)["reason"] == "wrong_code"


def test_a_code_used_once_cannot_be_replayed(client_for: Any) -> None:
    secret, _codes = _enrolled(client_for)
    client, _ = _password_step("vanphong")
    # The step used at enrolment is spent already: the next step's code signs in, once.
    code = _code(secret, 1)
    assert client.post(reverse("accounts:totp_verify"), {"code": code})["Location"]
    other, _ = _password_step("vanphong")
    replay = other.post(reverse("accounts:totp_verify"), {"code": code})
    assert replay.status_code == 400
    assert "_auth_user_id" not in other.session
    event = AuditEvent.objects.filter(action="login.totp_failed").latest("id")
    assert _after(event)["reason"] == "replayed"


def test_a_recovery_code_signs_in_once_only(client_for: Any) -> None:
    _secret, codes = _enrolled(client_for)
    client, _ = _password_step("vanphong")
    done = client.post(reverse("accounts:totp_verify"), {"code": codes[3].upper()})
    assert done.status_code == 302
    assert client.get(reverse("people:home")).status_code == 200
    assert RecoveryCode.objects.filter(user__username="vanphong", used_at__isnull=True).count() == 9
    assert _actions("vanphong")[-1] == "login.recovery_code"
    again, _ = _password_step("vanphong")
    refused = again.post(reverse("accounts:totp_verify"), {"code": codes[3]})
    assert refused.status_code == 400
    assert "_auth_user_id" not in again.session


@override_settings(LOGIN_MAX_FAILURES_PER_USER=3)
def test_wrong_codes_lock_the_account_like_wrong_passwords(client_for: Any) -> None:
    secret, _codes = _enrolled(client_for)
    client, _ = _password_step("vanphong")
    wrong = "000000" if _code(secret) != "000000" else "111111"
    for _ in range(3):
        client.post(reverse("accounts:totp_verify"), {"code": wrong})
    locked = client.post(reverse("accounts:totp_verify"), {"code": _code(secret, 1)})
    assert locked.status_code == 400
    assert "tạm thời bị khóa" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert _actions("vanphong")[-1] == "login.locked"
    # And the password step is locked too: the two steps share one counter.
    _client, response = _password_step("vanphong")
    assert "tạm thời bị khóa" in response.content.decode()


def test_recovery_codes_can_be_renewed_with_a_current_code(client_for: Any) -> None:
    client = client_for("vanphong")
    secret, old = _enrol(client)
    response = client.post(reverse("accounts:totp_setup"), {"code": _code(secret, 1)})
    new = response.context["recovery_codes"]
    assert set(new).isdisjoint(old)
    assert _actions("vanphong")[-1] == "totp.recovery_codes"
    other, _ = _password_step("vanphong")
    assert other.post(reverse("accounts:totp_verify"), {"code": old[0]}).status_code == 400


@override_settings(TONGKET_REQUIRE_TOTP_FOR_ADMINS=True)
def test_the_setting_forces_office_administrators_to_enrol_before_signing_in() -> None:
    client, response = _password_step("vanphong")
    assert response["Location"] == reverse("accounts:totp_setup")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("people:home")).status_code == 302
    page = client.get(reverse("accounts:totp_setup"))
    assert page.context["forced"]
    assert "phải bật xác thực hai lớp trước khi sử dụng" in page.content.decode()
    done = client.post(reverse("accounts:totp_setup"), {"code": _code(page.context["secret"])})
    assert done.context["next_url"] == reverse("people:home")
    assert client.get(reverse("people:home")).status_code == 200
    # A cell secretary is not an office administrator: the setting does not concern them.
    _other, plain = _password_step("bithu")
    assert plain["Location"] == reverse("people:home")


def test_the_enrolment_page_asks_anonymous_visitors_to_sign_in() -> None:
    response = Client().get(reverse("accounts:totp_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_reset_command_removes_the_second_factor_and_is_audited(client_for: Any) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    _enrolled(client_for)
    out = StringIO()
    call_command("totp", "reset", "vanphong", stdout=out)
    assert "Đã gỡ xác thực hai lớp" in out.getvalue()
    assert not TotpDevice.objects.filter(user__username="vanphong").exists()
    assert not RecoveryCode.objects.filter(user__username="vanphong").exists()
    assert _actions("vanphong")[-1] == "totp.reset"
    _client, response = _password_step("vanphong")
    assert response["Location"] == reverse("people:home")
    with pytest.raises(CommandError, match="Không tìm thấy tài khoản"):
        call_command("totp", "reset", "khong-co", stdout=StringIO())


def test_only_a_superuser_may_reset_someone_elses_second_factor(user_named: Any) -> None:
    from tongket.accounts.services import reset_totp
    from tongket.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        reset_totp(actor=user_named("vanphong"), username="bithu")
    assert reset_totp(actor=user_named("quantri"), username="bithu") is False


def test_the_pages_showing_a_secret_or_taking_a_code_are_never_cached(client_for: Any) -> None:
    response = client_for("vanphong").get(reverse("accounts:totp_setup"))
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
