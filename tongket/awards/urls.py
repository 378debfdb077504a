"""URLs of the awards app (mounted at /awards/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.awards import views

app_name = "awards"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("org/<str:code>/", views.organization, name="organization"),
    path(
        "org/<str:code>/<int:year>/export.<str:fmt>",
        views.organization_export,
        name="organization_export",
    ),
    path("org/<str:code>/proposals/new/", views.proposal_generate, name="proposal_generate"),
    path("org/<str:code>/record/", views.record, name="record"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
    path("member/<str:card_number>/", views.member, name="member"),
    path("<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]
