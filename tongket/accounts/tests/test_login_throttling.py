"""Login throttling per account and address, behind a trusted proxy: nobody locks a user out
from another address (issue 17 finding 3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tongket.accounts.demo import DEMO_ACCOUNTS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_behind_nginx")]

PASSWORDS = {account.username: account.password for account in DEMO_ACCOUNTS}
ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"


@pytest.fixture
def _behind_nginx() -> Any:
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        yield


def _through_nginx(address: str) -> Client:
    """A browser at `address` whose requests nginx on the same machine forwards."""
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_fifty_failed_logins_from_one_address_do_not_stop_the_right_password_from_another() -> None:
    attacker = _through_nginx(ATTACKER)
    for _ in range(50):
        _login(attacker, "vanphong", "đoán sai")
    office = _through_nginx(OFFICE)
    response = _login(office, "vanphong", PASSWORDS["vanphong"])
    assert response.status_code == 302
    assert office.get(reverse("people:home")).status_code == 200
    # The attacker's address stays locked, even with the right password.
    locked = _login(attacker, "vanphong", PASSWORDS["vanphong"])
    assert "tạm thời bị khóa" in locked.content.decode()


def test_an_address_is_locked_for_every_account_after_its_limit(settings: Any) -> None:
    attacker = _through_nginx(ATTACKER)
    for i in range(settings.LOGIN_MAX_FAILURES_PER_IP):
        _login(attacker, f"khong-co-{i}", "sai")
    locked = _login(attacker, "khoi", PASSWORDS["khoi"])
    assert "tạm thời bị khóa" in locked.content.decode()
    assert _login(_through_nginx(OFFICE), "khoi", PASSWORDS["khoi"]).status_code == 302


def test_an_account_is_locked_from_the_guessing_address_only(settings: Any) -> None:
    guesser = _through_nginx(ATTACKER)
    for _ in range(settings.LOGIN_MAX_FAILURES_PER_USER):
        _login(guesser, "bithu2", "sai")
    assert "tạm thời bị khóa" in _login(guesser, "bithu2", PASSWORDS["bithu2"]).content.decode()
    assert _login(_through_nginx(OFFICE), "bithu2", PASSWORDS["bithu2"]).status_code == 302


@override_settings(LOGIN_MAX_FAILURES_PER_USER=3)
def test_a_forged_forwarded_header_from_a_direct_client_changes_nothing() -> None:
    """Without a trusted proxy in front, X-Forwarded-For is the client's word: ignored."""
    for i in range(3):
        forging = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        _login(forging, "bithu2", "sai")
    again = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert "tạm thời bị khóa" in _login(again, "bithu2", PASSWORDS["bithu2"]).content.decode()
