"""The REST API's rate limits: per access token (or signed-in user) and per client address.

The address is the one `tongket.core.proxy` resolved (REMOTE_ADDR; DRF's NUM_PROXIES is 0 so it
never reads X-Forwarded-For itself). A refused request answers 429 with `Retry-After`. The
counters live in the default cache: set CACHE_URL (Redis) so that every worker shares them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


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
    """Requests per client address, signed in or not."""

    scope = "address"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
