"""What a notification says and how a day's notifications read as one e-mail: no Django here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tongket.core.formatting import date_short
from tongket.core.labelled import LabelledStrEnum


class Kind(LabelledStrEnum):
    """Why a person is told something; the label heads its group in the inbox and the digest."""

    SELF_ASSESS = "self_assess", "Mời tự đánh giá, xếp loại"
    OVERDUE_STEPS = "overdue_steps", "Việc quá hạn của chi bộ"
    DECISION = "decision", "Quyết định xếp loại"
    SELF_ASSESSMENT_RETURNED = "self_assessment_returned", "Bản tự kiểm điểm bị trả lại"
    AWARD = "award", "Khen thưởng"
    PROGRAM_ITEM_DUE = "program_item_due", "Nội dung chương trình đến hạn"


# A program item is announced this many days before it falls due (and again once overdue).
PROGRAM_ITEM_NOTICE_DAYS = 7


@dataclass(frozen=True)
class Line:
    """One notification as the digest prints it."""

    kind: Kind
    text: str
    due: dt.date | None
    url: str


def due_text(due: dt.date | None) -> str:
    """`hạn: 31/12/2026`, the deadline as Vietnamese write it (empty when there is none)."""
    return f"hạn: {date_short(due)}" if due is not None else ""


def digest_subject(day: dt.date, count: int) -> str:
    return f"Tổng kết: {count} thông báo mới ngày {date_short(day)}"


def digest_body(name: str, day: dt.date, lines: Sequence[Line], inbox_url: str) -> str:
    """The day's digest: one paragraph per kind, each line with its deadline and its address."""
    out = [f"Kính gửi đồng chí {name},", "", f"Thông báo mới đến ngày {date_short(day)}:"]
    for kind in Kind:
        mine = [line for line in lines if line.kind is kind]
        if not mine:
            continue
        out += ["", f"{kind.label}:"]
        for line in mine:
            due = due_text(line.due)
            out.append(f"- {line.text}" + (f" ({due})" if due else ""))
            if line.url:
                out.append(f"  {line.url}")
    out += [
        "",
        f"Xem và đánh dấu đã đọc: {inbox_url}",
        "Không muốn nhận thư tổng hợp này: bỏ chọn «nhận thư tổng hợp hằng ngày» ở trang "
        "thông báo.",
    ]
    return "\n".join(out) + "\n"
