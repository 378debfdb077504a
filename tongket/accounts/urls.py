"""URLs of the accounts app: login (with the second factor) and logout."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.accounts import views

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/code/", views.totp_verify, name="totp_verify"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("two-factor/", views.totp_setup, name="totp_setup"),
]
