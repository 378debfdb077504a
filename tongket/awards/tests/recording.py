"""Test helpers: recording an award through the service, by a decision of the party committee."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tongket.awards import services
from tongket.awards.models import Award


def decision(number: str = "99-QĐ/ĐU", **extra: Any) -> services.DecisionInput:
    return services.DecisionInput(
        number=number,
        date=dt.date(2021, 3, 1),
        signer_on_behalf="T/M Đảng ủy",
        signer_title="Bí thư",
        signer_name="Trần Quốc Hưng",
        **extra,
    )


def record(
    actor: Any,
    card: str,
    form_code: str,
    achievement: str,
    number: str,
    *,
    issuer: str = "QT.KCQDN",
    justification: str = "",
) -> Award:
    """Record an award of `issuer` for a member's 2020 achievement, by decision `number`."""
    return services.record_award(
        actor=actor,
        data=services.RecordInput(
            form_code=form_code,
            issuer_code=issuer,
            year=2020,
            achievement=achievement,
            member_card=card,
            decision=decision(number),
            justification=justification,
        ),
    )
