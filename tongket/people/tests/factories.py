"""Workbooks for tests and benchmarks: generated members in the demo cells, in the import layout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from tongket.exchange.workbook import write_workbook
from tongket.people.sheets import MemberSheet, OrganizationSheet, PartyRoleSheet, PostSheet

CELLS = tuple(
    f"QT.KCQDN.SGDDT.{code}" for code in ("VP", "TCCB", "GDMNTH", "GDTRH", "KHTC", "TTR", "KTQLCL")
)
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Lan", "Mai", "Tính", "Yến", "Đạt")


def member_row(i: int, *, cell: str | None = None) -> list[Any]:
    """The i-th generated member: card 99.<i>, full member, in one of the demo cells."""
    female = i % 2 == 1
    return [
        f"99.{i:06d}",
        f"Nguyễn {'Thị' if female else 'Văn'} {GIVEN[i % len(GIVEN)]}",
        dt.date(1960 + i % 25, 1 + i % 12, 1 + i % 28),  # 20 or more when admitted in 2005
        "Nữ" if female else "Nam",
        dt.date(2005, 1 + i % 12, 1 + i % 28),
        dt.date(2006, 1 + i % 12, 1 + i % 28),
        "Chính thức",
        cell or CELLS[i % len(CELLS)],
    ]


def members_workbook(
    count: int, *, extra: Sequence[list[Any]] = (), organizations: Sequence[list[Any]] = ()
) -> bytes:
    rows = [member_row(i) for i in range(1, count + 1)] + list(extra)
    sheets: list[Any] = []
    if organizations:
        sheets.append((OrganizationSheet(), organizations))
    sheets.append((MemberSheet(), rows))
    return write_workbook(sheets)


def workbook(
    *,
    organizations: Sequence[Sequence[Any]] = (),
    members: Sequence[Sequence[Any]] = (),
    roles: Sequence[Sequence[Any]] = (),
    posts: Sequence[Sequence[Any]] = (),
) -> bytes:
    sheets: list[Any] = []
    for handler, rows in (
        (OrganizationSheet(), organizations),
        (MemberSheet(), members),
        (PartyRoleSheet(), roles),
        (PostSheet(), posts),
    ):
        if rows:
            sheets.append((handler, rows))
    return write_workbook(sheets)
