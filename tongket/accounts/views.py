"""Signing in and out: Django's own views with the project's templates and form."""

from __future__ import annotations

from django.contrib.auth.views import LoginView, LogoutView

from tongket.accounts.forms import LoginForm


class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    """POST only (Django 5): a link or a prefetch cannot sign a user out."""
