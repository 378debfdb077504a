"""Signing in and out through the Vietnamese login page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tongket.accounts.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db

PASSWORDS = {account.username: account.password for account in DEMO_ACCOUNTS}


def test_login_page_is_in_vietnamese_with_the_expected_fields() -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="username"' in text
    assert 'name="password"' in text
    assert "Đăng nhập" in text
    assert "Tên đăng nhập" in text
    assert 'name="language"' not in text  # Vietnamese only: no language buttons


@pytest.mark.parametrize("username", sorted(PASSWORDS))
def test_each_demo_account_signs_in_and_lands_on_the_home_page(username: str) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": PASSWORDS[username]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:home")
    assert client.get(reverse("people:home")).status_code == 200


def test_login_returns_to_the_page_asked_for() -> None:
    target = reverse("people:organization", args=["QT.KCQDN.SGDDT"])
    response = Client().post(
        reverse("accounts:login") + f"?next={target}",
        {"username": "vanphong", "password": PASSWORDS["vanphong"], "next": target},
    )
    assert response["Location"] == target


def test_wrong_password_shows_a_vietnamese_error() -> None:
    response = Client().post(
        reverse("accounts:login"), {"username": "vanphong", "password": "sai-mat-khau"}
    )
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_empty_form_names_the_missing_fields() -> None:
    response = Client().post(reverse("accounts:login"), {"username": "", "password": ""})
    text = response.content.decode()
    assert "Vui lòng nhập tên đăng nhập." in text
    assert "Vui lòng nhập mật khẩu." in text


def test_logout_needs_a_post_and_ends_the_session() -> None:
    client = Client()
    client.post(reverse("accounts:login"), {"username": "bithu", "password": PASSWORDS["bithu"]})
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("people:home")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("people:home")).status_code == 302


def test_signed_in_user_visiting_login_is_sent_home() -> None:
    client = Client()
    client.post(reverse("accounts:login"), {"username": "khoi", "password": PASSWORDS["khoi"]})
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:home")


def test_a_locked_account_is_told_so_even_with_the_right_password(settings: Any) -> None:
    client = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES_PER_USER):
        client.post(reverse("accounts:login"), {"username": "bithu2", "password": "sai"})
    response = client.post(
        reverse("accounts:login"), {"username": "bithu2", "password": PASSWORDS["bithu2"]}
    )
    assert response.status_code == 200
    assert "tạm thời bị khóa" in response.content.decode()
    assert client.get(reverse("people:home")).status_code == 302


def test_a_signed_in_person_changes_their_password_with_the_current_one() -> None:
    client = Client()
    client.post(reverse("accounts:login"), {"username": "bithu", "password": PASSWORDS["bithu"]})
    page = client.get(reverse("people:home")).content.decode()
    assert reverse("accounts:password_change") in page  # linked from the header
    new = "Mat-khau-moi-2026!"
    wrong = client.post(
        reverse("accounts:password_change"),
        {"old_password": "khong-dung", "new_password1": new, "new_password2": new},
    )
    assert wrong.status_code == 400
    assert "Mật khẩu hiện tại không đúng." in wrong.content.decode()
    short = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORDS["bithu"],
            "new_password1": "ngan-qua",
            "new_password2": "ngan-qua",
        },
    )
    assert short.status_code == 400
    assert "cần ít nhất 10 ký tự" in short.content.decode()
    done = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORDS["bithu"], "new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    assert client.get(reverse("people:home")).status_code == 200  # still signed in
    assert Client().login(username="bithu", password=new)
