"""URLs of the audit-log browser."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.audit import views

app_name = "audit"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<int:event_id>/", views.event, name="event"),
]
