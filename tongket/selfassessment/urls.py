"""URLs of the self-assessment forms."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.selfassessment import views

app_name = "selfassessment"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("danh-gia/<int:evaluation_id>/", views.form_page, name="form"),
    path("danh-gia/<int:evaluation_id>/mau.<str:fmt>", views.download, name="download"),
]
