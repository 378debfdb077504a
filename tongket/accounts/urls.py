"""URLs of the accounts app: login (with the second factor, or a one-time code), logout, and
the office's account and grant pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.accounts import office, views

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/code/", views.totp_verify, name="totp_verify"),
    path("login/once/", views.code_sign_in, name="code_sign_in"),
    path("password/", views.set_password, name="set_password"),
    path("password/change/", views.change_password, name="password_change"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("two-factor/", views.totp_setup, name="totp_setup"),
    path("users/", office.user_list, name="user_list"),
    path("users/new/", office.user_create, name="user_create"),
    path("users/bulk/", office.user_bulk, name="user_bulk"),
    path("users/<str:username>/", office.user_detail, name="user"),
    path("users/<str:username>/active/", office.user_active, name="user_active"),
    path("users/<str:username>/reset/", office.user_reset, name="user_reset"),
    path("users/<str:username>/totp/", office.user_totp, name="user_totp"),
    path("users/<str:username>/member/", office.user_member, name="user_member"),
    path("grants/", office.grant_list, name="grant_list"),
    path("grants/new/", office.grant_create, name="grant_create"),
    path("grants/<int:grant_id>/revoke/", office.grant_revoke, name="grant_revoke"),
]
