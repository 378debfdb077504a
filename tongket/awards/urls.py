"""URLs of the awards app."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "awards"
urlpatterns: list[URLPattern] = []
