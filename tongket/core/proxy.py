"""The client's address behind trusted reverse proxies (`TRUSTED_PROXIES`).

nginx in front of gunicorn makes every request come from 127.0.0.1; the real client is in
`X-Forwarded-For`, which anyone can also send. The header is believed only as far as the hops
that added it are trusted: reading it from the right, each address appended by a trusted proxy
is skipped, and the first address that is not a trusted proxy is the client. A request that did
not come through a trusted proxy keeps its own address, whatever it claims.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES chứa một mục không phải địa chỉ IP hay mạng: {exc}"
        ) from exc


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(remote_addr: str, forwarded_for: str, trusted: Iterable[str]) -> str:
    """The client's address, given the connection's peer and the X-Forwarded-For header."""
    networks = _networks(tuple(trusted))

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in networks)

    if not is_trusted(_address(remote_addr)):
        return remote_addr
    client = remote_addr
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        address = _address(hop)
        if address is None:
            break
        client = str(address)
        if not is_trusted(address):
            break
    return client


class ClientAddressMiddleware:
    """Sets REMOTE_ADDR to the real client's address for everything after it (login
    throttling, the API's throttles, the audit log). First in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        _networks(tuple(settings.TRUSTED_PROXIES))  # a bad setting fails at startup

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request.META["REMOTE_ADDR"] = client_address(
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_X_FORWARDED_FOR", ""),
            settings.TRUSTED_PROXIES,
        )
        return self.get_response(request)
