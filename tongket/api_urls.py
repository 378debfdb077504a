"""URLs of the REST API v1 (included under /api/v1/ by tongket/urls.py): every area's endpoints
(its api.py, built on tongket.exchange.api), the OpenAPI schema and its documentation page."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from tongket.accounts import api as accounts_api
from tongket.awards import api as awards_api
from tongket.evaluation import api as evaluation_api
from tongket.exchange import views
from tongket.meetings import api as meetings_api
from tongket.notifications import api as notifications_api
from tongket.people import api as people_api
from tongket.programs import api as programs_api
from tongket.reports import api as reports_api
from tongket.scoring import api as scoring_api
from tongket.selfassessment import api as selfassessment_api

app_name = "api"

router = SimpleRouter()
router.register("organizations", people_api.OrganizationViewSet, basename="organization")
router.register("members", people_api.MemberViewSet, basename="member")
router.register("posts", people_api.PostViewSet, basename="post")
router.register("party-roles", people_api.PartyRoleViewSet, basename="party-role")
router.register("cycles", evaluation_api.CycleViewSet, basename="cycle")
router.register("evaluations", evaluation_api.EvaluationViewSet, basename="evaluation")
# -- scoring --
router.register("frames", scoring_api.FrameViewSet, basename="frame")
router.register("score-sheets", scoring_api.ScoreSheetViewSet, basename="score-sheet")
router.register("peer-groups", scoring_api.PeerGroupViewSet, basename="peer-group")
router.register("targets", scoring_api.TargetViewSet, basename="target")
# -- awards and documents --
router.register("award-forms", awards_api.AwardFormViewSet, basename="award-form")
router.register("awards", awards_api.AwardViewSet, basename="award")
router.register("award-decisions", awards_api.AwardDecisionViewSet, basename="award-decision")
router.register("award-proposals", awards_api.AwardProposalViewSet, basename="award-proposal")
router.register("member-awards", awards_api.MemberRegisterViewSet, basename="member-awards")
router.register(
    "organization-awards", awards_api.OrganizationRegisterViewSet, basename="organization-awards"
)
router.register("documents", reports_api.DocumentViewSet, basename="document")
router.register("reports", reports_api.ReportViewSet, basename="report")
# -- programs and meetings --
router.register("programs", programs_api.ProgramViewSet, basename="program")
router.register("program-items", programs_api.ProgramItemViewSet, basename="program-item")
router.register("meetings", meetings_api.MeetingViewSet, basename="meeting")
# -- accounts and grants (office administrators) --
router.register("users", accounts_api.UserViewSet, basename="user")
router.register("grants", accounts_api.GrantViewSet, basename="grant")
# -- self-assessments on the HD 43 forms --
router.register(
    "self-assessments", selfassessment_api.SelfAssessmentViewSet, basename="self-assessment"
)
# -- the user's own inbox --
router.register("notifications", notifications_api.NotificationViewSet, basename="notification")

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "openapi.json",
        SpectacularJSONAPIView.as_view(permission_classes=[AllowAny]),
        name="schema",
    ),
    path("docs/", views.api_docs, name="docs"),
    *router.urls,
]
