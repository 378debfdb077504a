"""URLs of the evaluation app."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.evaluation import views

app_name = "evaluation"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("quy-dinh/", views.regulations, name="regulations"),
    path("ky/mo/", views.cycle_open, name="cycle_open"),
    path("ky/<int:cycle_id>/dong/", views.cycle_close, name="cycle_close"),
    path("ky/<int:cycle_id>/mo-lai/", views.cycle_reopen, name="cycle_reopen"),
    path("ky/<int:cycle_id>/", views.cycle_dashboard, name="cycle"),
    path("ky/<int:cycle_id>/them-doi-tuong/", views.cycle_add_subjects, name="cycle_add_subjects"),
    path("ky/<int:cycle_id>/lich/", views.cycle_calendar, name="calendar"),
    path("ky/<int:cycle_id>/nhom-ty-le/", views.quota_groups, name="quota_groups"),
    path("ky/<int:cycle_id>/khong-xep-loai/", views.not_classified, name="not_classified"),
    path("ky/<int:cycle_id>/chi-bo/<str:code>/", views.unit_page, name="unit"),
    path("ky/<int:cycle_id>/chi-bo/<str:code>/kiem-tra/", views.unit_check, name="unit_check"),
    path("danh-gia/<int:evaluation_id>/", views.evaluation_page, name="evaluation"),
    path("danh-gia/<int:evaluation_id>/du-kien/", views.evaluation_facts, name="facts"),
    path(
        "quyet-dinh/<int:decision_id>/mau-03.<str:fmt>",
        views.reclassification_document,
        name="form_03",
    ),
    path(
        "danh-gia/<int:evaluation_id>/xep-loai-lai/",
        views.evaluation_reclassify,
        name="reclassify",
    ),
]
