"""Someone who signed in with a one-time code and has not yet chosen a password is brought back
to «Đặt mật khẩu» from any page: the code is spent, so the sign-in page could not help them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from tongket.accounts.views import code_pending


class PendingPasswordMiddleware:
    """After AuthenticationMiddleware: pages (not the API, static files or the sign-in steps)
    redirect to the first-password page while the session holds a live one-time sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not request.user.is_authenticated
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(("/accounts/", "/api/", "/static/", "/media/"))
            and code_pending(request) is not None
        ):
            return redirect(reverse("accounts:set_password"))
        return self.get_response(request)
