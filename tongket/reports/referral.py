"""The referral letter for a transfer of Party activity (Giấy giới thiệu sinh hoạt đảng),
official or temporary, from the product's transfer records; no database here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tongket.core.formatting import date_short
from tongket.reports.builders import _archive, _committee_of, _issued
from tongket.reports.documents.model import (
    Block,
    DocumentType,
    OfficialDocument,
    Paragraph,
    Run,
)
from tongket.reports.facts import YearEndFacts

# The letter's type as offices print it; its code in the number (`Số 15-GT/ĐU`) [?]: neither
# Quy định 399-QĐ/TW's list of types nor HD 36 names one, offices write "GT" or "GGT".
GIAY_GIOI_THIEU = DocumentType("GT", "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG")


@dataclass(frozen=True)
class ReferredMember:
    """The particulars of the member the letter introduces."""

    name: str
    card_number: str
    birth_date: dt.date | None
    joined_on: dt.date
    full_member_on: dt.date | None  # None for a probationary member


@dataclass(frozen=True)
class ReferralFacts:
    """Who moves, from where, to where, from when: the transfer as recorded."""

    temporary: bool
    member: ReferredMember
    source: str  # the cell (or organization) the member leaves
    target: str  # where the member goes
    target_superior: str  # the body above the destination, to address the letter
    on: dt.date
    reason: str = ""


def build_referral(
    facts: YearEndFacts, referral: ReferralFacts, *, date: dt.date, number: int | None = None
) -> OfficialDocument:
    """Giấy giới thiệu sinh hoạt đảng chính thức (or tạm thời): the member's particulars, the
    organization left and the one that receives, addressed to the receiving committee."""
    o = facts.organization
    r = referral
    m = r.member
    how = "tạm thời" if r.temporary else "chính thức"
    receiving = _committee_of(r.target_superior) if r.target_superior else r.target
    body: list[Block] = [
        Paragraph(runs=(Run("Kính gửi: ", bold=True), Run(f"{receiving}.")), centered=True),
        Paragraph(runs=(Run(f"{o.committee_name} giới thiệu đồng chí: "), Run(m.name, bold=True))),
        Paragraph(
            (f"Sinh ngày {date_short(m.birth_date)}; " if m.birth_date else "")
            + f"số thẻ đảng viên: {m.card_number}."
        ),
        Paragraph(
            f"Vào Đảng ngày {date_short(m.joined_on)}; "
            + (
                f"chính thức ngày {date_short(m.full_member_on)}."
                if m.full_member_on
                else "hiện là đảng viên dự bị."
            )
        ),
        Paragraph(f"Đang sinh hoạt tại {r.source}."),
        Paragraph(
            f"Được chuyển đến sinh hoạt đảng {how} tại {r.target}"
            + (f", {r.target_superior}" if r.target_superior else "")
            + f", kể từ ngày {date_short(r.on)}."
        ),
    ]
    if r.reason:
        body.append(Paragraph(f"Lý do: {r.reason.rstrip('.')}."))
    body.append(
        Paragraph(
            f"Đề nghị {receiving} tiếp nhận, quản lý và giúp đỡ đồng chí {m.name} "
            f"sinh hoạt đảng {how} theo quy định."
        )
    )
    return _issued(
        facts,
        number=number,
        kind=GIAY_GIOI_THIEU,
        date=date,
        summary=f"({how[:1].upper()}{how[1:]})",
        body=body,
        recipients=("Như trên", f"Đồng chí {m.name}", _archive(facts, date)),
    )
