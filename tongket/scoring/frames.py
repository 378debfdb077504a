"""Sample scoring frames and scores as data: Quảng Trị's 2020 task scoring and PAR index.

SAMPLES, not published frames. The seed gives only the results (Sở Giáo dục và Đào tạo: 326,7 of
350 points, 1st of 20; PAR index 88,57 of 97,0, 2nd; 4/4 targets). The criteria below, their
points, the band thresholds, the other units' totals and the targets are plausible illustrations
chosen so that the sample leaf scores reproduce those results exactly (DOMAIN.md §6 marks the
2020 frame [?]). Replace them with the issuing decisions' text before real use.

The data stand in samples_2020.json, criteria and bands in the JSON a stored frame keeps them
in (domain.criterion_from_data, domain.band_from_data); numbers are strings, read as Decimal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tongket.scoring.domain import (
    Frame,
    ScoreBasis,
    Target,
    TargetDirection,
    TieBreak,
    TieBreakBy,
    band_from_data,
    criterion_from_data,
)

_DATA: Mapping[str, Any] = json.loads(
    Path(__file__).with_name("samples_2020.json").read_text(encoding="utf-8")
)

ISSUER_QUANG_TRI: str = _DATA["issuer"]
SGDDT: str = _DATA["unit"]


def _frame(data: Mapping[str, Any]) -> Frame:
    tie = data.get("tie_break")
    return Frame(
        code=data["code"],
        title=data["title"],
        issuer=ISSUER_QUANG_TRI,
        year=data["year"],
        version=data["version"],
        criteria=tuple(criterion_from_data(c) for c in data["criteria"]),
        bands=tuple(band_from_data(b) for b in data.get("bands", ())),
        band_basis=ScoreBasis(data["band_basis"]),
        rank_basis=ScoreBasis(data["rank_basis"]),
        tie_break=TieBreak(TieBreakBy(tie["by"]), tie["criterion"]) if tie else None,
        citation=data["citation"],
        is_sample=True,
    )


def _scores(values: Mapping[str, str]) -> Mapping[str, Decimal]:
    return MappingProxyType({code: Decimal(v) for code, v in values.items()})


# --- task scoring (chấm điểm thi đua, xếp loại mức độ hoàn thành nhiệm vụ) -----------------------

# Every department is scored out of the same 350, so points and percent rank alike: the bands and
# the ranking read points; ties are broken by criterion 1.
QUANG_TRI_TASK_FRAME_2020 = _frame(_DATA["task"]["frame"])
SAMPLE_SGDDT_2020_TASK_SCORES = _scores(_DATA["task"]["scores"])
SAMPLE_SGDDT_2020_TASK_NOT_APPLICABLE: frozenset[str] = frozenset(_DATA["task"]["not_applicable"])

# The other departments' totals are illustrative; two share a total to show 1, 2, 3, 3, 5.
SAMPLE_2020_TASK_PEER_TOTALS: tuple[tuple[str, Decimal], ...] = tuple(
    (unit, Decimal(points)) for unit, points in _DATA["task"]["peers"]
)

# --- PAR index (Chỉ số cải cách hành chính cấp sở) ---------------------------------------------

# Units' maxima differ when criteria do not apply: only the percent compares them fairly.
QUANG_TRI_PAR_FRAME_2020 = _frame(_DATA["par"]["frame"])
SAMPLE_SGDDT_2020_PAR_SCORES = _scores(_DATA["par"]["scores"])
# The department had no management tasks to decentralize that year (4.2): 100 − 3 = 97,0.
SAMPLE_SGDDT_2020_PAR_NOT_APPLICABLE: frozenset[str] = frozenset(_DATA["par"]["not_applicable"])

# (unit, points, the unit's own maximum); illustrative. Sở Tư pháp has more points than Sở Giáo
# dục và Đào tạo but a lower percent of its own maximum, so it ranks below it.
SAMPLE_2020_PAR_PEER_RESULTS: tuple[tuple[str, Decimal, Decimal], ...] = tuple(
    (unit, Decimal(points), Decimal(own_max)) for unit, points, own_max in _DATA["par"]["peers"]
)

# --- targets (chỉ tiêu cơ bản tỉnh giao) ---------------------------------------------------------

SAMPLE_SGDDT_2020_TARGETS: tuple[Target, ...] = tuple(
    Target(
        t["name"],
        t["unit"],
        Decimal(t["target"]),
        Decimal(t["achieved"]),
        TargetDirection(t.get("direction", TargetDirection.HIGHER_IS_BETTER)),
    )
    for t in _DATA["targets"]
)

SAMPLE_FRAMES: tuple[Frame, ...] = (QUANG_TRI_TASK_FRAME_2020, QUANG_TRI_PAR_FRAME_2020)
