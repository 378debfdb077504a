"""URL map of the whole site: one include per app."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from tongket.core import health

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("tongket.accounts.urls")),
    path("audit/", include("tongket.audit.urls")),
    path("evaluation/", include("tongket.evaluation.urls")),
    path("scoring/", include("tongket.scoring.urls")),
    path("criteria/", include("tongket.criteria.urls")),
    path("tu-kiem-diem/", include("tongket.selfassessment.urls")),
    path("ho-so/", include("tongket.dossier.urls")),
    path("awards/", include("tongket.awards.urls")),
    path("programs/", include("tongket.programs.urls")),
    path("meetings/", include("tongket.meetings.urls")),
    path("reports/", include("tongket.reports.urls")),
    path("thong-bao/", include("tongket.notifications.urls")),
    path("api/v1/", include("tongket.api_urls")),
    path("exchange/", include("tongket.exchange.urls")),
    path("viec/", include("tongket.core.urls")),
    path("", include("tongket.people.urls")),
]

# Errors raised outside a view (an unknown API address, a refused request): the API answers in
# its JSON error body, never in an HTML page.
handler400 = "tongket.core.http.bad_request"
handler403 = "tongket.core.http.permission_denied"
handler404 = "tongket.core.http.page_not_found"
handler500 = "tongket.core.http.server_error"
