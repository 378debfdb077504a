"""URLs of the reports app."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.reports import views

app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<str:code>/<int:year>/", views.organization, name="organization"),
    path("documents/<int:pk>.<slug:fmt>", views.document_file, name="document_file"),
    path(
        "<str:code>/<int:year>/documents/issue/",
        views.document_issue,
        name="document_issue",
    ),
    path(
        "<str:code>/<int:year>/subtree/",
        views.subtree_documents,
        name="subtree_documents",
    ),
    path(
        "<str:code>/<int:year>/<slug:kind>.<slug:fmt>",
        views.download,
        name="download",
    ),
    path(
        "<str:code>/<int:year>/narrative/<slug:section>/",
        views.narrative,
        name="narrative",
    ),
]
