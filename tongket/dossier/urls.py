"""URLs of the dossier (Điều 17): a subject's page, a document's download and removal."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.dossier import views

app_name = "dossier"
urlpatterns: list[URLPattern] = [
    path("danh-gia/<int:evaluation_id>/", views.dossier_page, name="dossier"),
    path("danh-gia/<int:evaluation_id>/mau-04.<str:fmt>", views.form_04, name="form_04"),
    path("tai-lieu/<int:document_id>/", views.download, name="download"),
    path("tai-lieu/<int:document_id>/go/", views.remove, name="remove"),
]
