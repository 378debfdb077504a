"""The REST API's rate limits: per token and per client address, 429 with Retry-After in the one
error body, and documented with 401 and 403 on every operation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tongket.core.throttling import AddressRateThrottle, TokenRateThrottle

pytestmark = pytest.mark.django_db

URL = "/api/v1/members/"


@pytest.fixture
def rates(monkeypatch: pytest.MonkeyPatch) -> Any:
    def set_rates(token: str, address: str) -> None:
        rates = {"token": token, "address": address}
        monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", rates)
        monkeypatch.setattr(AddressRateThrottle, "THROTTLE_RATES", rates)

    return set_rates


def _client(user_named: Any, username: str, address: str) -> APIClient:
    key = Token.objects.get_or_create(user=user_named(username))[0].key
    client = APIClient(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_a_token_over_its_rate_gets_429_with_retry_after_and_others_go_on(
    rates: Any, user_named: Any
) -> None:
    rates("3/min", "100/min")
    busy = _client(user_named, "vanphong", "203.0.113.1")
    assert [busy.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    refused = busy.get(URL)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    error = json.loads(refused.content)["error"]
    assert error["rule"] == "api.throttled"
    assert f"{refused['Retry-After']} giây" in error["message"]
    # Another token, even from the same address, is not slowed by the first one.
    assert _client(user_named, "bithu", "203.0.113.1").get(URL).status_code == 200


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_an_address_over_its_rate_gets_429_whatever_token_it_uses(
    rates: Any, user_named: Any
) -> None:
    rates("100/min", "2/min")
    assert _client(user_named, "vanphong", "203.0.113.2").get(URL).status_code == 200
    assert _client(user_named, "bithu", "203.0.113.2").get(URL).status_code == 200
    assert _client(user_named, "khoi", "203.0.113.2").get(URL).status_code == 429
    # Requests without a token or with a wrong one count too (no guessing tokens past the
    # rate), and the office behind the same nginx is not affected.
    assert (
        APIClient(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2").get(URL).status_code
        == 429
    )
    guessing = APIClient(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.3")
    guessing.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert [guessing.get(URL).status_code for _ in range(3)] == [401, 401, 429]
    assert _client(user_named, "khoi", "198.51.100.10").get(URL).status_code == 200


def test_every_operation_documents_401_403_and_429_with_retry_after(client: Any) -> None:
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) > 20
    for operation in operations:
        responses = operation["responses"]
        for code in ("401", "403", "429"):
            assert responses[code]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }
        assert responses["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
