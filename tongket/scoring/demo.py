"""Demo step: Quảng Trị's 2019 and 2020 scoring of 20 departments, the PAR index and targets.

The seed gives the department's results only (326,7 of 350, 1st of 20; PAR index 88,57 of
97,0, 2nd; 4/4 targets). The frames are tongket.scoring.frames' samples; the 19 other
departments are agencies under UBND.QT with their real names and generated leaf scores that add
up to frames.py's illustrative totals; the 2019 results are generated too. All `is_sample=True`.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

from tongket.core.demo import DemoContext
from tongket.people import services as people
from tongket.people.models import Organization, OrganizationKind
from tongket.scoring import domain, frames, services
from tongket.scoring.models import Frame, PeerGroup, Target

ISSUER = "UBND.QT"
SGDDT_UNIT = "UBND.QT.SGDDT"
TASK_SERIES = "QT-HTNV-SBN"
PAR_SERIES = "QT-CCHC-SO"
GROUP_NAME = "20 sở, ban, ngành cấp tỉnh"

# frames.py's names → agency codes under UBND.QT.
DEPARTMENTS = {
    frames.SGDDT: SGDDT_UNIT,
    "Sở Tài chính": "UBND.QT.STC",
    "Sở Kế hoạch và Đầu tư": "UBND.QT.SKHDT",
    "Sở Nội vụ": "UBND.QT.SNV",
    "Sở Y tế": "UBND.QT.SYT",
    "Sở Tư pháp": "UBND.QT.STP",
    "Sở Tài nguyên và Môi trường": "UBND.QT.STNMT",
    "Sở Nông nghiệp và Phát triển nông thôn": "UBND.QT.SNNPTNT",
    "Sở Giao thông vận tải": "UBND.QT.SGTVT",
    "Sở Xây dựng": "UBND.QT.SXD",
    "Sở Công Thương": "UBND.QT.SCT",
    "Sở Lao động - Thương binh và Xã hội": "UBND.QT.SLDTBXH",
    "Sở Văn hóa, Thể thao và Du lịch": "UBND.QT.SVHTTDL",
    "Sở Khoa học và Công nghệ": "UBND.QT.SKHCN",
    "Sở Thông tin và Truyền thông": "UBND.QT.STTTT",
    "Sở Ngoại vụ": "UBND.QT.SNGV",
    "Thanh tra tỉnh": "UBND.QT.TTT",
    "Ban Dân tộc tỉnh": "UBND.QT.BDT",
    "Văn phòng UBND tỉnh": "UBND.QT.VP",
    "Ban Quản lý Khu kinh tế tỉnh": "UBND.QT.BQLKKT",
}

# A unit's own PAR maximum → the leaf criteria that do not apply to it. The sample frame has no
# 1-point leaf, so frames.py's one unit at 99 is loaded at 98.
PAR_NOT_APPLICABLE = {
    Decimal(100): frozenset[str](),
    Decimal(99): frozenset({"1.2"}),
    Decimal(98): frozenset({"1.2"}),
    Decimal(97): frozenset({"4.2"}),
    Decimal(95): frozenset({"4.1"}),
}

# Where the department's own self-assessment differed from the appraisal (so the sheet shows it).
SGDDT_TASK_SELF = {"1.2": Decimal(47), "3.1": Decimal(28), "6.2": Decimal(3)}
SGDDT_PAR_SELF = {"3.4": Decimal(6), "8.1": Decimal("6.5")}
STEPS = (Decimal("0.25"), Decimal("0.5"), Decimal("1"), Decimal("1.5"))


def leaf_scores(
    frame: domain.Frame,
    total: Decimal,
    not_applicable: frozenset[str],
    rng: random.Random,
) -> dict[str, Decimal]:
    """Normal leaves' scores adding up to `total` (no bonus or penalty): every applicable leaf
    starts at its maximum and random small deductions remove the difference exactly."""
    scores = {
        p.criterion.code: p.criterion.max_points
        for p in frame.walk()
        if p.criterion.is_leaf
        and p.kind is domain.CriterionKind.NORMAL
        and p.criterion.code not in not_applicable
    }
    own_max = sum(scores.values(), start=Decimal(0))
    deficit = own_max - total
    if deficit < 0:
        raise ValueError(f"{total} vượt điểm tối đa {own_max}.")
    codes = sorted(scores)
    while deficit > 0:
        code = rng.choice(codes)
        take = min(rng.choice(STEPS), deficit, scores[code])
        scores[code] -= take
        deficit -= take
    return scores


def _agencies() -> None:
    for name, code in DEPARTMENTS.items():
        if code == SGDDT_UNIT or Organization.objects.filter(code=code).exists():
            continue
        people.create_organization(
            actor=None,
            data=people.OrganizationInput(
                code=code,
                name=name,
                kind=OrganizationKind.AGENCY,
                parent_code=ISSUER,
                place="Quảng Trị",
                is_sample=True,
            ),
        )


def _for_year(frame: domain.Frame, year: int) -> domain.Frame:
    return replace(
        frame,
        year=year,
        code=frame.code.replace("2020", str(year)),
        title=frame.title.replace("2020", str(year)),
    )


def _score_group(
    frame_row: Frame,
    group: PeerGroup,
    results: list[tuple[str, Decimal, Decimal]],
    ctx: DemoContext,
    *,
    sgddt_scores: dict[str, Decimal] | None,
    sgddt_na: frozenset[str],
    sgddt_self: dict[str, Decimal],
) -> None:
    frame = frames.QUANG_TRI_TASK_FRAME_2020 if frame_row.series == TASK_SERIES else None
    frame = frame or frames.QUANG_TRI_PAR_FRAME_2020
    for name, points, own_max in results:
        code = DEPARTMENTS[name]
        if code == SGDDT_UNIT and sgddt_scores is not None:
            appraised, na = dict(sgddt_scores), sgddt_na
        else:
            na = PAR_NOT_APPLICABLE[own_max] if frame_row.series == PAR_SERIES else frozenset()
            appraised = leaf_scores(frame, points, na, ctx.rng)
        own = {**appraised, **sgddt_self} if code == SGDDT_UNIT else appraised
        sheet = services.open_sheet(actor=None, unit_code=code, frame_id=frame_row.pk)
        services.enter_self_scores(
            actor=None,
            sheet_id=sheet.pk,
            lines={
                c: services.LineInput(v, "Báo cáo kết quả năm của đơn vị.") for c, v in own.items()
            },
            not_applicable=na,
            submit=True,
        )
        services.appraise_sheet(
            actor=None,
            sheet_id=sheet.pk,
            lines={
                c: services.LineInput(
                    v, "Điều chỉnh theo kết quả thẩm định." if own.get(c) != v else ""
                )
                for c, v in appraised.items()
            },
        )
    services.publish_results(actor=None, group_id=group.pk)


def _results_2019(
    results_2020: list[tuple[str, Decimal, Decimal]], sgddt: Decimal, above: int, rng: random.Random
) -> list[tuple[str, Decimal, Decimal]]:
    """Generated 2019 totals: `above` units ahead of the department, the rest behind it."""
    out = []
    for index, (name, points, own_max) in enumerate(
        r for r in results_2020 if r[0] != frames.SGDDT
    ):
        drop = Decimal(rng.randint(5, 60)) / 10
        value = sgddt + Decimal(rng.randint(3, 30)) / 10 if index < above else points - drop
        if index >= above:
            value = min(value, sgddt - Decimal("0.1"))
        out.append((name, value, own_max))
    out.insert(above, (frames.SGDDT, sgddt, _sgddt_max(results_2020)))
    return out


def _sgddt_max(results: list[tuple[str, Decimal, Decimal]]) -> Decimal:
    return next(m for n, _p, m in results if n == frames.SGDDT)


def _series(
    ctx: DemoContext,
    template: domain.Frame,
    series: str,
    results_2020: list[tuple[str, Decimal, Decimal]],
    *,
    sgddt_2019: Decimal,
    above_2019: int,
    sgddt_scores: dict[str, Decimal],
    sgddt_na: frozenset[str],
    sgddt_self: dict[str, Decimal],
) -> None:
    plan: tuple[
        tuple[
            int, list[tuple[str, Decimal, Decimal]], dict[str, Decimal] | None, dict[str, Decimal]
        ],
        ...,
    ] = (
        (2019, _results_2019(results_2020, sgddt_2019, above_2019, ctx.rng), None, {}),
        (2020, results_2020, sgddt_scores, sgddt_self),
    )
    for year, results, scores, own in plan:
        frame_row = services.create_frame(
            actor=None, issuer_code=ISSUER, series=series, frame=_for_year(template, year)
        )
        group = services.create_peer_group(
            actor=None,
            frame_id=frame_row.pk,
            name=GROUP_NAME,
            unit_codes=[DEPARTMENTS[name] for name, _p, _m in results],
            is_sample=True,
        )
        _score_group(
            frame_row,
            group,
            results,
            ctx,
            sgddt_scores=scores,
            sgddt_na=sgddt_na,
            sgddt_self=own,
        )


def _targets() -> None:
    """Each sample target as planned, then updated with the year's result (a second version)."""
    for order, target in enumerate(frames.SAMPLE_SGDDT_2020_TARGETS):
        planned = services.TargetInput(
            name=target.name,
            unit_of_measure=target.unit_of_measure,
            target_value=target.target_value,
            direction=str(target.direction),
            sort_order=order,
        )
        first = _set_target(planned)
        achieved = replace(
            planned,
            achieved_value=target.achieved_value,
            evidence="Báo cáo tổng kết năm học 2019-2020 và năm 2020 của Sở.",
        )
        _set_target(achieved, replaces=first.pk, reason="Cập nhật kết quả thực hiện cuối năm 2020")


def _set_target(
    data: services.TargetInput, *, replaces: int | None = None, reason: str = ""
) -> Target:
    return services.set_target(
        actor=None,
        unit_code=SGDDT_UNIT,
        issuer_code=ISSUER,
        year=2020,
        data=data,
        replaces=replaces,
        reason=reason,
        is_sample=True,
    )


def load(ctx: DemoContext) -> None:
    if Frame.objects.filter(issuer__code=ISSUER, series=TASK_SERIES).exists():
        return
    if not Organization.objects.filter(code=SGDDT_UNIT).exists():
        return
    _agencies()
    task = [(name, points, Decimal(350)) for name, points in frames.SAMPLE_2020_TASK_PEER_TOTALS]
    _series(
        ctx,
        frames.QUANG_TRI_TASK_FRAME_2020,
        TASK_SERIES,
        task,
        sgddt_2019=Decimal("318.5"),
        above_2019=2,
        sgddt_scores=dict(frames.SAMPLE_SGDDT_2020_TASK_SCORES),
        sgddt_na=frames.SAMPLE_SGDDT_2020_TASK_NOT_APPLICABLE,
        sgddt_self=SGDDT_TASK_SELF,
    )
    _series(
        ctx,
        frames.QUANG_TRI_PAR_FRAME_2020,
        PAR_SERIES,
        list(frames.SAMPLE_2020_PAR_PEER_RESULTS),
        sgddt_2019=Decimal("84.12"),
        above_2019=3,
        sgddt_scores=dict(frames.SAMPLE_SGDDT_2020_PAR_SCORES),
        sgddt_na=frames.SAMPLE_SGDDT_2020_PAR_NOT_APPLICABLE,
        sgddt_self=SGDDT_PAR_SELF,
    )
    _targets()
    ctx.notes.append(
        "Đã nạp chấm điểm năm 2019, 2020 của 20 sở, ban, ngành (dữ liệu mẫu): Sở Giáo dục và "
        "Đào tạo 326,7/350 điểm, xếp thứ Nhất; chỉ số cải cách hành chính 88,57/97,0, xếp thứ "
        "Nhì; 4/4 chỉ tiêu."
    )
