"""What the decisions of the demo say, read for the report tests' expectations."""

from __future__ import annotations

import datetime as dt


def latest_decision_date(code: str, year: int) -> dt.date:
    """The date of the latest current decision `code` issued for the year's cycle."""
    from tongket.evaluation.models import Decision

    latest = (
        Decision.objects.filter(
            evaluation__cycle__year=year,
            evaluation__cycle__quarter__isnull=True,
            deciding_body__code=code,
            status="current",
        )
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    assert latest is not None
    return latest


def dateline(day: dt.date) -> str:
    """HD 36's dateline: a leading zero for days below 10 and for months 1 and 2 only."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day:%d} tháng {month} năm {day.year}"
