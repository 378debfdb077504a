"""What the office's evaluation tests fetch and post: a 2026 member's row through the API, the
facts page's form, and the superior's reclassification page."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from tongket.evaluation import services
from tongket.evaluation.models import Cycle

ORG = "QT.KCQDN.SGDDT"


def open_cycle(year: int, **params: object) -> Cycle:
    """The department's cycle for `year`, opened by the system; `params` override the profile's
    parameters."""
    return services.open_cycle(actor=None, organization_code=ORG, year=year, params=params)


def member_2026(api: Any, cell: str = "TTR", index: int = 1) -> dict[str, Any]:
    """The API row of the cell's `index`-th member (by card) in the department's 2026 cycle: the
    first is the cell's secretary (a leader), the second a member without a post."""
    cycles = api.get("/api/v1/cycles/", {"organization": ORG, "year": "2026"}).json()["results"]
    yearly = next(c for c in cycles if c["quarter"] is None)
    rows = api.get(
        "/api/v1/evaluations/",
        {"cycle": str(yearly["id"]), "organization": f"{ORG}.{cell}", "subject_kind": "member"},
    ).json()["results"]
    found: dict[str, Any] = sorted(rows, key=lambda row: row["subject_code"])[index]
    return found


def facts_data(**changes: Any) -> dict[str, Any]:
    """The facts page's form as the office posts it: nothing of note, then `changes`."""
    data: dict[str, Any] = {
        "civil_service_level": "",
        "sick_leave_months": "0",
        "same_level_bodies_level": "",
        "leadership_discipline": "",
        "peer_group": "",
        "earlier_shortcomings_remedied": "on",
        "targets_assigned": "0",
        "targets_met": "0",
    }
    return data | changes


def reclassify(client: Client, evaluation_id: int, number: str, date: str, reason: str) -> Any:
    """The superior committee cancels the current decision and reclassifies it «completed»."""
    return client.post(
        reverse("evaluation:reclassify", args=[evaluation_id]),
        {"outcome": "completed", "number": number, "date": date, "reason": reason},
    )
