"""The REST API's rate limits: per access token (or signed-in user) and per client address.

The address is the one `tongket.core.proxy` resolved (REMOTE_ADDR; DRF's NUM_PROXIES is 0 so it
never reads X-Forwarded-For itself). An IPv6 client counts by its /64 network (`client_network`):
a provider gives one host a whole /64, and each of its addresses must not count apart. A refused
request answers 429 with `Retry-After`. The counters live in the default cache: set CACHE_URL
(Redis) so that every worker shares them.
"""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any

from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

IPV6_HOST_PREFIX = 64  # the network one IPv6 host is given (RFC 6177, RIPE-690)


def client_network(address: str | None) -> str | None:
    """What the per-address limits count: an IPv4 address as is, an IPv6 address as the first
    address of its /64 network (an IPv4-mapped IPv6 address as its IPv4 address)."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_HOST_PREFIX), strict=False).network_address)
    return str(ip)


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per access token; a session-authenticated user counts as one token."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        try:
            user = request.user
        except APIException:
            return None  # a wrong token: refused right after, counted by its address
        if not user or not user.is_authenticated:
            return None
        key = getattr(request.auth, "key", None)
        ident = (
            "t" + hashlib.sha256(key.encode()).hexdigest()[:32]
            if isinstance(key, str)
            else f"u{user.pk}"
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressRateThrottle(SimpleRateThrottle):
    """Requests per client address (an IPv6 client: per /64 network), signed in or not."""

    scope = "address"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        ident = client_network(self.get_ident(request))
        return self.cache_format % {"scope": self.scope, "ident": ident}
