"""Issuing a numbered document through the service, as the report tests prepare one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tongket.reports import services
from tongket.reports.models import Document

ORG = "QT.KCQDN.SGDDT"
DAY = dt.date(2021, 2, 24)


def issue(
    actor: Any = None,
    *,
    org: str = ORG,
    kind: str = "BC",
    year: int = 2021,
    title: str = "Báo cáo tổng kết",
    date: dt.date = DAY,
    **extra: Any,
) -> Document:
    return services.issue_document(
        actor=actor, organization_code=org, kind=kind, year=year, title=title, date=date, **extra
    )
