"""URLs of the scoring app."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.scoring import views

app_name = "scoring"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("ranking/<int:group_id>/", views.ranking, name="ranking"),
    path("sheet/<int:sheet_id>/", views.sheet, name="sheet"),
    path("sheet/<int:sheet_id>/self-scores/", views.sheet_self_scores, name="sheet_self_scores"),
    path("sheet/<int:sheet_id>/appraisal/", views.sheet_appraisal, name="sheet_appraisal"),
    path("sheet/<int:sheet_id>/export.xlsx", views.sheet_export, name="sheet_export"),
    path("frame/<int:frame_id>/template.xlsx", views.frame_template, name="frame_template"),
    path("unit/<str:code>/targets/<int:year>/", views.targets, name="targets"),
    path("unit/<str:code>/history/", views.history, name="history"),
    path("import/", views.import_sheets, name="import"),
]
