"""Signing in and out: Django's own views with the project's templates and form, plus the
second factor (TOTP) asked after the password of accounts that turned it on."""

from __future__ import annotations

import time
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, update_session_auth_hash
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from tongket.accounts import services
from tongket.accounts.backends import _ip
from tongket.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    NewPasswordForm,
    SignInCodeForm,
    TotpCodeForm,
)
from tongket.accounts.totp import qr_svg
from tongket.core.errors import DomainError
from tongket.core.http import form_page, posted

PENDING = "tongket_totp_pending"  # session key: password checked, second factor not yet
PENDING_SECONDS = 300


def _set_pending(
    request: HttpRequest, user: AbstractBaseUser, *, enrol: bool, next_url: str
) -> None:
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "at": time.time(),
        "enrol": enrol,
        "next": next_url,
    }


def _pending(
    request: HttpRequest, *, enrol: bool
) -> tuple[AbstractBaseUser, dict[str, Any]] | None:
    """The user whose password was just checked, if recent and at the expected step."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or bool(data.get("enrol")) != enrol:
        return None
    if time.time() - float(data.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=int(data.get("user") or 0), is_active=True).first()
    return (user, data) if user is not None else None


def _finish_login(request: HttpRequest, user: AbstractBaseUser, data: dict[str, Any]) -> str:
    request.session.pop(PENDING, None)
    login(request, cast(User, user), backend=data["backend"])
    target = str(data.get("next") or "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        next_url = self.get_redirect_url()
        if services.totp_enabled(user):
            _set_pending(self.request, user, enrol=False, next_url=next_url)
            return redirect("accounts:totp_verify")
        if services.totp_required(user):
            _set_pending(self.request, user, enrol=True, next_url=next_url)
            return redirect("accounts:totp_setup")
        return super().form_valid(form)


class SignOutView(LogoutView):
    """POST only (Django 5): a link or a prefetch cannot sign a user out."""


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def totp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of the login: the authenticator's code, or a recovery code."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    found = _pending(request, enrol=False)
    if found is None:
        return redirect("accounts:login")
    user, data = found
    form = TotpCodeForm(posted(request), recovery=True)
    if request.method == "POST" and form.is_valid():
        try:
            method = services.verify_second_factor(
                user=user, code=form.cleaned_data["code"], ip=_ip(request)
            )
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            target = _finish_login(request, user, data)
            if method == "recovery":
                left = services.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"Bạn vừa dùng một mã dự phòng; còn {left} mã. "
                    "Hãy tạo mã mới trong trang «Xác thực hai lớp» khi cần.",
                )
            return HttpResponseRedirect(target)
    return form_page(request, "accounts/totp_verify.html", form, username=user.get_username())


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Turn on the second factor: the secret (text and otpauth:// URI), then one code to confirm.

    Reached signed in (voluntary), or right after the password when
    TONGKET_REQUIRE_TOTP_FOR_ADMINS obliges an office administrator to enrol first.
    """
    forced: dict[str, Any] | None = None
    if request.user.is_authenticated:
        user: AbstractBaseUser = request.user
    else:
        found = _pending(request, enrol=True)
        if found is None:
            return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")
        user, forced = found
    context: dict[str, Any] = {"forced": forced is not None, "username": user.get_username()}
    if services.totp_enabled(user):
        form = TotpCodeForm(posted(request))
        if request.method == "POST" and form.is_valid():
            try:
                context["recovery_codes"] = services.regenerate_recovery_codes(
                    actor=user, code=form.cleaned_data["code"]
                )
            except DomainError as exc:
                form.add_error("code", exc.message)
        context.update(enabled=True, recovery_left=services.recovery_codes_left(user))
        return form_page(request, "accounts/totp_setup.html", form, **context)
    enrolment = services.start_totp_enrolment(actor=user)
    form = TotpCodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_totp_enrolment(actor=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            context.update(enabled=True, recovery_codes=codes, recovery_left=len(codes))
            if forced is not None:
                context["next_url"] = _finish_login(request, user, forced)
            return render(request, "accounts/totp_setup.html", context)
    context.update(
        enabled=False,
        secret=enrolment.secret,
        secret_groups=" ".join(
            enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4)
        ),
        uri=enrolment.uri,
        qr_svg=mark_safe(qr_svg(enrolment.uri)),  # noqa: S308 - generated by segno, no input
    )
    return form_page(request, "accounts/totp_setup.html", form, **context)


# -- First sign-in with a one-time code, then a password of one's own -------------------------

CODE_PENDING = "tongket_code_pending"  # session key: one-time code used, password not yet set


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def code_sign_in(request: HttpRequest) -> HttpResponse:
    """Sign in once with the code from a slip or a link (the link fills both boxes; only the
    POST uses the code up, so a mail scanner that opens the link spends nothing)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    initial = {"username": request.GET.get("u", ""), "code": request.GET.get("code", "")}
    form = SignInCodeForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_with_code(
                username=form.cleaned_data["username"],
                code=form.cleaned_data["code"],
                ip=_ip(request),
            )
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            request.session.cycle_key()
            request.session[CODE_PENDING] = {
                "user": user.pk,
                "backend": settings.AUTHENTICATION_BACKENDS[0],
                "at": time.time(),
                "next": "",
            }
            return redirect("accounts:set_password")
    return form_page(request, "accounts/code_sign_in.html", form)


def code_pending(request: HttpRequest) -> tuple[AbstractBaseUser, dict[str, Any]] | None:
    """The account whose one-time code this session used and whose password is not set yet
    (for 30 minutes), or None."""
    data = request.session.get(CODE_PENDING)
    if not isinstance(data, dict) or time.time() - float(data.get("at", 0)) > PENDING_SECONDS * 6:
        request.session.pop(CODE_PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=int(data.get("user") or 0), is_active=True).first()
    return (user, data) if user is not None else None


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest) -> HttpResponse:
    """After a one-time code: the holder chooses a password; then the second factor when the
    account must use one; then they are signed in."""
    found = code_pending(request)
    if found is None:
        return redirect("accounts:code_sign_in")
    user, data = found
    form = NewPasswordForm(user, posted(request))
    if request.method == "POST" and form.is_valid():
        services.set_own_password(actor=user, password=form.cleaned_data["new_password1"])
        request.session.pop(CODE_PENDING, None)
        if services.totp_enabled(user):  # a one-time code never stands for the second factor
            _set_pending(request, user, enrol=False, next_url="")
            messages.info(request, "Đã đặt mật khẩu. Nhập mã xác thực hai lớp để đăng nhập.")
            return redirect("accounts:totp_verify")
        if services.totp_required(user) and not services.totp_enabled(user):
            _set_pending(request, user, enrol=True, next_url="")
            messages.info(request, "Tài khoản này phải bật xác thực hai lớp trước khi sử dụng.")
            return redirect("accounts:totp_setup")
        messages.success(request, "Đã đặt mật khẩu. Chào mừng đồng chí đến với Tổng kết.")
        return HttpResponseRedirect(_finish_login(request, user, data))
    return form_page(request, "accounts/set_password.html", form, username=user.get_username())


@never_cache
@login_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """A signed-in person changes their own password (the current one, then the new one twice);
    the session stays signed in."""
    user = cast(User, request.user)
    form = ChangePasswordForm(user, posted(request))
    if request.method == "POST" and form.is_valid():
        services.set_own_password(actor=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, "Đã đổi mật khẩu.")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return form_page(
        request,
        "accounts/set_password.html",
        form,
        username=user.get_username(),
        title="Đổi mật khẩu",
        submit_label="Đổi mật khẩu",
    )
