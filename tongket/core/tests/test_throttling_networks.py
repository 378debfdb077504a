"""The API's per-address limit counts an IPv6 client by its /64 network (a6 finding)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tongket.core.throttling import AddressRateThrottle, TokenRateThrottle, client_network

pytestmark = pytest.mark.django_db


def test_an_ipv6_address_counts_as_its_64_network_and_ipv4_as_itself() -> None:
    assert client_network("2001:db8:6:6::1") == client_network("2001:db8:6:6:ffff::9")
    assert client_network("2001:db8:6:6::1") != client_network("2001:db8:6:7::1")
    assert client_network("203.0.113.7") == "203.0.113.7"
    assert client_network("::ffff:203.0.113.7") == "203.0.113.7"
    assert client_network(None) is None


def test_the_api_address_limit_covers_every_address_of_an_ipv6_64(
    monkeypatch: pytest.MonkeyPatch, user_named: Any
) -> None:
    rates = {"token": "100/min", "address": "2/min"}
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(AddressRateThrottle, "THROTTLE_RATES", rates)
    key = Token.objects.get_or_create(user=user_named("vanphong"))[0].key

    def get(address: str) -> int:
        client = APIClient(REMOTE_ADDR=address)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client.get("/api/v1/members/").status_code

    assert [get(f"2001:db8:7:7::{k}") for k in (1, 2, 3)] == [200, 200, 429]
    assert get("2001:db8:7:8::1") == 200  # another network is not slowed
