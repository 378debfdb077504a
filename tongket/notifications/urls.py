"""URLs of the inbox."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.notifications import views

app_name = "notifications"
urlpatterns: list[URLPattern] = [
    path("", views.inbox, name="inbox"),
    path("chua-doc/", views.badge, name="badge"),
    path("da-doc/", views.read, name="read"),
    path("thu/", views.email_digest, name="email_digest"),
]
