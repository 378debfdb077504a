"""URLs of the scoring app."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "scoring"
urlpatterns: list[URLPattern] = []
