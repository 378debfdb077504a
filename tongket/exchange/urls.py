"""URLs of the exchange pages (included under /exchange/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.exchange import views

app_name = "exchange"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("template.xlsx", views.template, name="template"),
    path("export/<str:kind>.<str:fmt>", views.export, name="export"),
    path("upload/", views.upload, name="upload"),
    path("jobs/<uuid:job_id>/", views.job, name="job"),
    path("jobs/<uuid:job_id>/apply/", views.apply, name="apply"),
    path("jobs/<uuid:job_id>/cancel/", views.cancel, name="cancel"),
]
