"""URLs of the accounts app: login and logout."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.accounts import views

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
]
