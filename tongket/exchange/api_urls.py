"""URLs of the REST API v1 (included under /api/v1/), its OpenAPI schema and documentation."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from tongket.evaluation import api as evaluation_api
from tongket.exchange import api, views

app_name = "api"

router = SimpleRouter()
router.register("organizations", api.OrganizationViewSet, basename="organization")
router.register("members", api.MemberViewSet, basename="member")
router.register("posts", api.PostViewSet, basename="post")
router.register("party-roles", api.PartyRoleViewSet, basename="party-role")
router.register("cycles", evaluation_api.CycleViewSet, basename="cycle")
router.register("evaluations", evaluation_api.EvaluationViewSet, basename="evaluation")
# -- scoring --
# -- awards and documents --
# -- programs and meetings --

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "openapi.json",
        SpectacularJSONAPIView.as_view(permission_classes=[AllowAny]),
        name="schema",
    ),
    path("docs/", views.api_docs, name="docs"),
    *router.urls,
]
