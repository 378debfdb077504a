"""URLs of the people app: organizations, members, search (mounted at the site root)."""

from __future__ import annotations

from django.urls import URLPattern, path

from tongket.people import views

app_name = "people"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("org/", views.organization_list, name="organization_list"),
    path("org/new/", views.organization_create, name="organization_create"),
    path("org/suggest/", views.organization_suggest, name="organization_suggest"),
    path("org/tree/", views.organization_tree, name="organization_tree"),
    path("org/<str:code>/", views.organization_detail, name="organization"),
    path("org/<str:code>/edit/", views.organization_edit, name="organization_edit"),
    path("member/", views.member_list, name="member_list"),
    path("member/new/", views.member_create, name="member_create"),
    path("member/suggest/", views.member_suggest, name="member_suggest"),
    path("member/<str:card_number>/", views.member_detail, name="member"),
    path("member/<str:card_number>/edit/", views.member_edit, name="member_edit"),
    path("member/<str:card_number>/file/", views.member_file, name="member_file"),
    path("member/<str:card_number>/transfer/", views.member_transfer, name="member_transfer"),
    path("member/<str:card_number>/party-role/", views.party_role_assign, name="party_role_assign"),
    path("member/<str:card_number>/post/", views.post_assign, name="post_assign"),
    path("party-role/<int:pk>/end/", views.party_role_end, name="party_role_end"),
    path("post/<int:pk>/end/", views.post_end, name="post_end"),
    path("search/", views.search, name="search"),
]
