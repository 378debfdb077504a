"""The client's address behind trusted proxies: X-Forwarded-For believed only through them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from tongket.core.proxy import ClientAddressMiddleware, client_address

NGINX = ["127.0.0.1", "::1"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "client"),
    [
        # No proxy configured: the header is ignored, whoever sends it.
        ("127.0.0.1", "203.0.113.9", [], "127.0.0.1"),
        # A direct client forging the header keeps its own address.
        ("198.51.100.7", "203.0.113.9", NGINX, "198.51.100.7"),
        # Through nginx: the address nginx appended.
        ("127.0.0.1", "203.0.113.9", NGINX, "203.0.113.9"),
        # A client that sends its own header through nginx: only nginx's hop is believed.
        ("127.0.0.1", "10.9.9.9, 203.0.113.9", NGINX, "203.0.113.9"),
        # Two trusted proxies (a load balancer's network, then nginx).
        ("127.0.0.1", "1.2.3.4, 203.0.113.9, 10.0.0.5", [*NGINX, "10.0.0.0/8"], "203.0.113.9"),
        # A garbage hop stops the walk at the last address a trusted proxy vouched for.
        ("127.0.0.1", "not-an-ip", NGINX, "127.0.0.1"),
        ("::1", "2001:db8::7", NGINX, "2001:db8::7"),
        # Only trusted hops: the farthest one.
        ("127.0.0.1", "", NGINX, "127.0.0.1"),
    ],
)
def test_client_address(remote: str, forwarded: str, trusted: list[str], client: str) -> None:
    assert client_address(remote, forwarded, trusted) == client


def _echo(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.META["REMOTE_ADDR"])


@override_settings(TRUSTED_PROXIES=NGINX)
def test_the_middleware_gives_every_later_reader_the_client_address() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    response = ClientAddressMiddleware(_echo)(request)
    assert isinstance(response, HttpResponse)
    assert response.content == b"203.0.113.9"


@override_settings(TRUSTED_PROXIES=["localhost"])
def test_a_misconfigured_proxy_list_fails_at_startup() -> None:
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        ClientAddressMiddleware(_echo)
