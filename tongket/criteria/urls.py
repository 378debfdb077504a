"""URLs of the criteria sets."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.criteria import views

app_name = "criteria"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<int:set_id>/", views.detail, name="detail"),
    path("<int:set_id>/ban-hanh/", views.publish, name="publish"),
    path("<int:set_id>/phien-ban-moi/", views.new_version, name="new_version"),
    path("<int:set_id>/tai-ve.xlsx", views.download, name="download"),
]
