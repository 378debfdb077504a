"""URLs of the meetings app."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.meetings import views

app_name = "meetings"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("new/", views.meeting_create, name="create"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/prepare/", views.meeting_prepare, name="prepare"),
    path("<int:meeting_id>/run/", views.meeting_run, name="run"),
    path("<int:meeting_id>/chairs/", views.chair_add, name="chair_add"),
    path("<int:meeting_id>/secretary/", views.secretary_set, name="secretary_set"),
    path("<int:meeting_id>/guests/", views.guest_add, name="guest_add"),
    path("<int:meeting_id>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:meeting_id>/convene/", views.convene, name="convene"),
    path("<int:meeting_id>/attendance/", views.attendance_all, name="attendance_all"),
    path("participants/<int:participant_id>/attendance/", views.attendance, name="attendance"),
    path("<int:meeting_id>/discussion/", views.discussion_add, name="discussion_add"),
    path("<int:meeting_id>/votes/", views.vote_add, name="vote_add"),
    path("<int:meeting_id>/awards/", views.award_add, name="award_add"),
    path("<int:meeting_id>/closing/", views.closing_set, name="closing_set"),
    path("<int:meeting_id>/close/", views.close, name="close"),
]
