"""Authentication with throttling and lockout; every failure is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tongket.accounts.models import LoginFailure
from tongket.audit.services import record_event
from tongket.core.throttling import client_network

LOCKED_MESSAGE = (
    "Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau {minutes} phút."
)


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def is_locked(username: str, ip: str | None) -> bool:
    """Locked for this account from this address, or for this address altogether.

    Never for an account from everywhere: whoever guesses wrong from one address cannot lock
    the account's owner out from another (the address is the client's, resolved through
    TRUSTED_PROXIES by tongket.core.proxy; an IPv6 address counts as its /64 network, which one
    host holds whole)."""
    ip = client_network(ip)
    window = timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    recent = LoginFailure.objects.filter(at__gte=window)
    pair = recent.filter(username=username, ip=ip)
    if pair.count() >= settings.LOGIN_MAX_FAILURES_PER_USER:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= settings.LOGIN_MAX_FAILURES_PER_IP


def clear_failures(username: str, ip: str | None) -> None:
    """A successful login forgets this account's failures from this address only."""
    LoginFailure.objects.filter(username=username, ip=client_network(ip)).delete()


def record_failure(username: str, ip: str | None) -> None:
    """Count a failed sign-in (password, one-time code or second factor) against the pair
    account + address and the address (an IPv6 address: its /64 network)."""
    LoginFailure.objects.create(username=username[:150], ip=client_network(ip), at=timezone.now())


def record_sign_in_event(
    actor: Any, action: str, username: str, summary: str, ip: str | None, **after: Any
) -> None:
    """Audit one step of signing in to the account `username` (cut to the log's column: a
    longer name typed at the login form answered 500), with the client's address."""
    record_event(
        actor=actor,
        action=action,
        object_type="user",
        object_id=username[:80],
        summary=summary,
        after={"ip": ip, **after},
    )


def fail_sign_in(username: str, ip: str | None, action: str, summary: str, **after: Any) -> None:
    """A refused sign-in step (password, one-time code, second factor): counted toward the
    lockout and audited, in one transaction."""
    with transaction.atomic():
        record_failure(username, ip)
        record_sign_in_event(None, action, username, summary, ip, **after)


class ThrottledModelBackend(ModelBackend):
    """ModelBackend that refuses an account or address after repeated failures in a window."""

    def get_user(self, user_id: Any) -> Any:
        """The signed-in user of a request, with their member record in the same query (every
        request's scope needs it)."""
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("member").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        name = (username or "").strip()
        ip = _ip(request)
        if name and is_locked(name, ip):
            with transaction.atomic():
                record_sign_in_event(
                    None, "login.locked", name, f"Từ chối đăng nhập (tạm khóa) {name}", ip
                )
            if request is not None:
                request.login_locked = True  # type: ignore[attr-defined]
            raise PermissionDenied(LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and name:
            fail_sign_in(name, ip, "login.failed", f"Đăng nhập sai: {name}")
        elif user is not None:
            clear_failures(name, ip)
        return user
