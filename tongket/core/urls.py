"""URLs of the queued jobs whose result is a file (included under /viec/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.core import views

app_name = "core"
urlpatterns: list[URLPattern] = [
    path("", views.job_list, name="job_list"),
    path("<uuid:job_id>/", views.job, name="job"),
    path("<uuid:job_id>/cancel/", views.cancel, name="cancel"),
    path("<uuid:job_id>/file", views.download, name="job_file"),
]
