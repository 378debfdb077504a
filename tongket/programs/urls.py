"""URLs of the programs app."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "programs"
urlpatterns: list[URLPattern] = []
