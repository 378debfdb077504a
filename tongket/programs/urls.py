"""URLs of the programs app."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.programs import views

app_name = "programs"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("new/", views.program_create, name="create"),
    path("due/", views.due, name="due"),
    path("<int:program_id>/", views.program_detail, name="detail"),
    path("<int:program_id>/items/new/", views.item_create, name="item_create"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:item_id>/status/", views.item_status, name="item_status"),
    path("items/<int:item_id>/result/", views.item_result, name="item_result"),
    path("items/<int:item_id>/remedied/", views.item_remedied, name="item_remedied"),
]
