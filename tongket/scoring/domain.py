"""Pure rules for units' scorecards: criteria frames, sheet totals, bands, ranking and targets.

DOMAIN.md §6. A province scores its departments on its own frame (a criteria tree with a maximum
per node, bonus and penalty points, bands giving a level) and ranks them in a peer group; the PAR
index lowers a unit's maximum by the criteria that do not apply to it. No Django here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from tongket.core.errors import DomainError
from tongket.core.formatting import format_decimal
from tongket.core.labelled import LabelledStrEnum
from tongket.core.rules import Finding, Severity, Verdict

K = TypeVar("K", bound=Hashable)

ZERO = Decimal(0)
RANKING_CITATION = (
    "DOMAIN.md §6: xếp hạng đồng hạng (1, 2, 2, 4) trừ khi khung quy định tiêu chí phụ"
)


class CriterionKind(LabelledStrEnum):
    """The label is the word a message names the kind with («… là điểm thưởng»)."""

    NORMAL = "normal", "tiêu chí chấm điểm"  # counts towards the unit's own maximum
    # added on top of the maximum, up to the criterion's own maximum
    BONUS = "bonus", "điểm thưởng"
    # the score is the points deducted, up to the criterion's maximum
    PENALTY = "penalty", "điểm trừ"


class ScoreBasis(StrEnum):
    """How a total is read when it is compared: as points, or as a percent of the unit's own max.

    Percent is the default for ranking and for bands: when no criterion is N/A every unit has the
    same maximum and both readings agree; when some are (the PAR index), only the percent compares
    units fairly. A frame that writes its thresholds in points says so with `POINTS`.
    """

    POINTS = "points"
    PERCENT = "percent"  # 90 means 90 % of the unit's own maximum


class TieBreakBy(StrEnum):
    POINTS = "points"  # more points first (useful when ranking by percent)
    PERCENT = "percent"  # higher percent of the own maximum first (useful when ranking by points)
    CRITERION = "criterion"  # higher subtotal of a named criterion first (fewer deductions)


class Trend(StrEnum):
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    DECLINED = "declined"


class TargetDirection(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"  # e.g. tỷ lệ trường đạt chuẩn quốc gia
    LOWER_IS_BETTER = "lower_is_better"  # e.g. tỷ lệ học sinh bỏ học


# --- frames ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    """One node of a criteria tree. A non-normal kind applies to its whole subtree."""

    code: str  # "1", "1.2", "1.2.a": unique within the frame
    title: str
    max_points: Decimal
    kind: CriterionKind = CriterionKind.NORMAL
    children: tuple[Criterion, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass(frozen=True)
class PlacedCriterion:
    """A criterion with its place in the tree, as a frame walks it (pre-order)."""

    criterion: Criterion
    depth: int  # 0 for a root criterion
    parent_code: str  # "" for a root criterion
    kind: CriterionKind  # effective kind: a normal child of a bonus group is a bonus


@dataclass(frozen=True)
class Band:
    """A level a total reaches from `minimum` (inclusive) up to the next band's minimum."""

    minimum: Decimal  # in the frame's `band_basis`: points, or percent of the own maximum
    label: str  # e.g. "Hoàn thành xuất sắc nhiệm vụ"
    code: str = ""  # e.g. "excellent", to join the evaluation levels


@dataclass(frozen=True)
class TieBreak:
    by: TieBreakBy
    criterion: str = ""  # the criterion code when `by` is CRITERION


@dataclass(frozen=True)
class Frame:
    """A scoring frame as one issuer publishes it for one year; a correction is a new version."""

    code: str
    title: str
    issuer: str
    year: int
    version: int
    criteria: tuple[Criterion, ...]  # the root criteria
    bands: tuple[Band, ...] = ()
    band_basis: ScoreBasis = ScoreBasis.PERCENT
    rank_basis: ScoreBasis = ScoreBasis.PERCENT
    tie_break: TieBreak | None = None
    citation: str = ""  # the decision that issued the frame
    is_sample: bool = False  # illustrative data, not a published frame

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.issuer, self.code, self.year, self.version)

    @property
    def source(self) -> str:
        return self.citation or f"{self.title} ({self.issuer}, năm {self.year})"

    @property
    def max_points(self) -> Decimal:
        """The declared maximum: the sum of the normal root criteria (bonus lies above it)."""
        return sum(
            (c.max_points for c in self.criteria if c.kind is CriterionKind.NORMAL), start=ZERO
        )

    def walk(self) -> Iterator[PlacedCriterion]:
        """Every criterion in pre-order, the order a score sheet lists them."""

        def visit(
            criterion: Criterion, depth: int, parent: str, inherited: CriterionKind
        ) -> Iterator[PlacedCriterion]:
            kind = _effective_kind(criterion, inherited)
            yield PlacedCriterion(criterion, depth, parent, kind)
            for child in criterion.children:
                yield from visit(child, depth + 1, criterion.code, kind)

        for root in self.criteria:
            yield from visit(root, 0, "", CriterionKind.NORMAL)

    def criterion(self, code: str) -> Criterion | None:
        return next((p.criterion for p in self.walk() if p.criterion.code == code), None)

    def band_for(self, points: Decimal, own_max: Decimal) -> Band | None:
        """The band with the highest minimum the total reaches; bounds are inclusive at the bottom.

        A PERCENT threshold is compared exactly (points × 100 ≥ minimum × own maximum), so
        87,3 of 97 reaches a 90 % band and 87,29 does not.
        """
        value = basis_value(self.band_basis, points, own_max)
        reached = [b for b in self.bands if value >= Fraction(b.minimum)]
        return max(reached, key=lambda b: b.minimum, default=None)

    def validate(self) -> tuple[Finding, ...]:
        """Structural rules of a frame: unique codes, children within their parent's maximum,
        no penalty inside a bonus group (or the reverse), distinct band thresholds, a tie-break
        criterion that exists."""
        findings: list[Finding] = []

        def add(rule: str, message: str, subject: str, severity: Severity = Severity.ERROR) -> None:
            findings.append(
                Finding(
                    rule=rule,
                    citation=self.source,
                    message=message,
                    severity=severity,
                    subject=subject,
                )
            )

        if not any(c.kind is CriterionKind.NORMAL for c in self.criteria):
            add(
                "scoring.frame.no_normal_criteria",
                "Khung chấm điểm chưa có tiêu chí tính điểm (ngoài điểm thưởng, điểm trừ).",
                self.code,
            )
        seen: set[str] = set()
        parent_kinds: dict[str, CriterionKind] = {}
        for placed in self.walk():
            c = placed.criterion
            parent_kinds.setdefault(c.code, placed.kind)
            if not c.code.strip():
                add("scoring.frame.empty_code", f"Có tiêu chí chưa có mã: “{c.title}”.", c.title)
            elif c.code in seen:
                add(
                    "scoring.frame.duplicate_code",
                    f"Mã tiêu chí “{c.code}” bị trùng trong khung.",
                    c.code,
                )
            seen.add(c.code)
            if not c.max_points.is_finite() or c.max_points < 0:
                add(
                    "scoring.frame.invalid_max",
                    f"Điểm tối đa của tiêu chí {c.code} phải là một số không âm.",
                    c.code,
                )
                continue
            inherited = parent_kinds.get(placed.parent_code, CriterionKind.NORMAL)
            if (
                placed.parent_code
                and c.kind is not CriterionKind.NORMAL
                and inherited is not CriterionKind.NORMAL
                and c.kind is not inherited
            ):
                add(
                    "scoring.frame.kind_conflict",
                    f"Tiêu chí {c.code} là {c.kind.label} nhưng nằm trong nhóm "
                    f"{inherited.label} {placed.parent_code}.",
                    c.code,
                )
            if c.children:
                self._check_children(placed, add)
        self._check_bands(add)
        tie = self.tie_break
        if tie is not None and tie.by is TieBreakBy.CRITERION and tie.criterion not in seen:
            add(
                "scoring.frame.unknown_tie_break_criterion",
                f"Tiêu chí phụ để xếp hạng khi bằng điểm (“{tie.criterion}”) không có trong khung.",
                tie.criterion,
            )
        return tuple(findings)

    def _check_children(self, placed: PlacedCriterion, add: Callable[..., None]) -> None:
        parent = placed.criterion
        valid = [ch for ch in parent.children if ch.max_points.is_finite()]
        if placed.kind is not CriterionKind.NORMAL:
            # A bonus or penalty group is a cap ("tối đa 10 điểm"): its items may add up to more.
            for child in valid:
                if child.max_points > parent.max_points:
                    add(
                        "scoring.frame.child_exceeds_parent",
                        f"Điểm tối đa của tiêu chí {child.code} ({_fmt(child.max_points)}) vượt "
                        f"điểm tối đa của nhóm {parent.code} ({_fmt(parent.max_points)}).",
                        child.code,
                    )
            return
        total = sum((ch.max_points for ch in valid if ch.kind is CriterionKind.NORMAL), start=ZERO)
        if total > parent.max_points:
            add(
                "scoring.frame.children_exceed_parent",
                f"Tổng điểm tối đa các tiêu chí con của tiêu chí {parent.code} ({_fmt(total)}) "
                f"vượt điểm tối đa của tiêu chí này ({_fmt(parent.max_points)}).",
                parent.code,
            )
        elif total < parent.max_points:
            add(
                "scoring.frame.parent_unreachable",
                f"Tổng điểm tối đa các tiêu chí con của tiêu chí {parent.code} ({_fmt(total)}) "
                f"thấp hơn điểm tối đa của tiêu chí này ({_fmt(parent.max_points)}): "
                "không đơn vị nào đạt được điểm tối đa.",
                parent.code,
                Severity.WARNING,
            )

    def _check_bands(self, add: Callable[..., None]) -> None:
        minima = [b.minimum for b in self.bands]
        for band in self.bands:
            if minima.count(band.minimum) > 1:
                add(
                    "scoring.frame.duplicate_band",
                    f"Mức xếp loại “{band.label}” có cùng ngưỡng {_fmt(band.minimum)} với "
                    "một mức khác.",
                    band.label,
                )
            if self.band_basis is ScoreBasis.PERCENT and band.minimum > 100:
                add(
                    "scoring.frame.band_above_hundred_percent",
                    f"Ngưỡng của mức “{band.label}” ({_fmt(band.minimum)}%) vượt 100% điểm tối "
                    "đa: kiểm tra ngưỡng được tính theo điểm hay theo tỷ lệ.",
                    band.label,
                    Severity.WARNING,
                )


def _effective_kind(criterion: Criterion, inherited: CriterionKind) -> CriterionKind:
    return inherited if criterion.kind is CriterionKind.NORMAL else criterion.kind


def _fmt(value: Decimal) -> str:
    return format_decimal(value) if value.is_finite() else str(value)


def basis_value(basis: ScoreBasis, points: Decimal, own_max: Decimal) -> Fraction:
    """A total read in `basis`, exactly: the points, or the percent of the own maximum (0 if 0)."""
    if basis is ScoreBasis.POINTS:
        return Fraction(points)
    if own_max == 0:
        return Fraction(0)
    return Fraction(points) * 100 / Fraction(own_max)


# --- frames as data ----------------------------------------------------------------------------
# The JSON a frame's criteria and bands are stored as (and the sample frames are written in).


def criterion_to_data(criterion: Criterion) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": criterion.code,
        "title": criterion.title,
        "max": str(criterion.max_points),
        "kind": str(criterion.kind),
    }
    if criterion.children:
        data["children"] = [criterion_to_data(c) for c in criterion.children]
    return data


def criterion_from_data(data: Mapping[str, Any]) -> Criterion:
    return Criterion(
        code=str(data["code"]),
        title=str(data.get("title", "")),
        max_points=Decimal(str(data["max"])),
        kind=CriterionKind(data.get("kind", "normal")),
        children=tuple(criterion_from_data(c) for c in data.get("children", ())),
    )


def bands_to_data(bands: Iterable[Band]) -> list[dict[str, str]]:
    return [{"minimum": str(b.minimum), "label": b.label, "code": b.code} for b in bands]


def band_from_data(data: Mapping[str, Any]) -> Band:
    return Band(Decimal(str(data["minimum"])), str(data["label"]), str(data.get("code", "")))


# --- score sheets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeTotal:
    """One criterion's line on a computed sheet."""

    code: str
    kind: CriterionKind  # effective kind
    depth: int
    applicable: bool
    points: Decimal  # for a penalty criterion: the points deducted; 0 when not applicable
    max_points: Decimal  # the unit's own maximum for this criterion (0 when not applicable)
    declared_max: Decimal
    score: Decimal | None  # a leaf's score as entered (None when missing, and for groups)


@dataclass(frozen=True)
class SheetTotal:
    """A unit's computed total on one frame.

    `points` = `base_points` + `bonus_points` − `penalty_points`, never below 0. The bonus and
    penalty here are the top-level ones; a bonus or penalty inside a group is already part of
    that group's subtotal and can only move it within [0, its own maximum].
    """

    frame_key: tuple[str, str, int, int]
    points: Decimal
    max_points: Decimal  # the unit's own maximum: N/A criteria removed (the PAR index's 97,0)
    frame_max: Decimal  # the frame's declared maximum (100)
    base_points: Decimal
    bonus_points: Decimal
    penalty_points: Decimal
    band: Band | None
    subtotals: Mapping[str, NodeTotal] = field(hash=False)  # pre-order, by criterion code

    @property
    def level(self) -> str | None:
        return self.band.label if self.band else None

    def ratio(self) -> Fraction:
        """Points over the own maximum, exactly (0 when the maximum is 0)."""
        return basis_value(ScoreBasis.PERCENT, self.points, self.max_points) / 100

    def percent(self, places: int = 2) -> Decimal:
        """The percent of the own maximum rounded half-up: 88,57 of 97 gives 91,31."""
        return _round_half_up(self.ratio() * 100, places)

    def subtotal(self, code: str) -> NodeTotal:
        return self.subtotals[code]


def _round_half_up(value: Fraction, places: int) -> Decimal:
    scaled = value * 10**places
    sign = -1 if scaled < 0 else 1
    whole = math.floor(abs(scaled) + Fraction(1, 2))
    return Decimal(sign * whole).scaleb(-places)


def compute_sheet(
    frame: Frame,
    scores: Mapping[str, Decimal | None],
    not_applicable: Collection[str] = (),
) -> Verdict[SheetTotal]:
    """A unit's total from its leaf scores.

    - Scores are given on leaves only and summed up the tree; a group's points are capped at its
      own maximum and never go below 0.
    - A not-applicable criterion and its subtree leave both the points and the unit's own
      maximum: a group's own maximum is the sum of its applicable children's, never more than
      its declared maximum.
    - A bonus criterion adds up to its maximum; a penalty criterion's score is the points
      deducted, up to its maximum. Neither counts in the unit's own maximum.
    - Errors, each naming the criterion: unknown code, score on a group, score on an N/A
      criterion, score that is not a number, negative score, score above the maximum, and a
      missing score on an applicable normal leaf. A missing bonus or penalty score means none was
      earned or deducted (0, no finding). The total is still computed when there are errors, a
      missing or negative score counting 0 and a score above the maximum counting the maximum,
      so a draft sheet shows a running total; `Verdict.ok` says whether it may be submitted.
    - Frame errors (`Frame.validate`) are reported too.
    """
    cite = frame.source
    findings = [f for f in frame.validate() if f.severity is Severity.ERROR]

    def add(rule: str, message: str, code: str) -> None:
        findings.append(Finding(rule=rule, citation=cite, message=message, subject=code))

    placed: dict[str, PlacedCriterion] = {}
    for each in frame.walk():
        placed.setdefault(each.criterion.code, each)

    excluded: set[str] = set()
    for code in not_applicable:
        target = placed.get(code)
        if target is None:
            add(
                "scoring.score.unknown_not_applicable",
                f"Không có tiêu chí mã “{code}” để đánh dấu không áp dụng.",
                code,
            )
            continue
        excluded.update(_subtree_codes(target.criterion))

    usable: dict[str, Decimal] = {}
    flagged: set[str] = set()
    for code, value in scores.items():
        p = placed.get(code)
        if p is None:
            add(
                "scoring.score.unknown_criterion",
                f"Không có tiêu chí mã “{code}” trong khung chấm điểm.",
                code,
            )
            continue
        if value is None:
            continue
        c = p.criterion
        flagged.add(code)
        if not c.is_leaf:
            add(
                "scoring.score.on_group",
                f"Tiêu chí {code} có tiêu chí con: chỉ chấm điểm ở các tiêu chí con.",
                code,
            )
        elif code in excluded:
            add(
                "scoring.score.on_not_applicable",
                f"Tiêu chí {code} không áp dụng nên không được chấm điểm.",
                code,
            )
        elif not value.is_finite():
            add(
                "scoring.score.invalid",
                f"Điểm của tiêu chí {code} không phải là một số hợp lệ.",
                code,
            )
        elif value < 0:
            add(
                "scoring.score.negative",
                f"Điểm của tiêu chí {code} không được âm ({_fmt(value)}).",
                code,
            )
        elif value > c.max_points:
            add(
                "scoring.score.above_max",
                f"Điểm của tiêu chí {code} ({_fmt(value)}) vượt điểm tối đa {_fmt(c.max_points)}.",
                code,
            )
            usable[code] = c.max_points
        else:
            usable[code] = value
            flagged.discard(code)

    computed: dict[str, NodeTotal] = {}

    def evaluate(p: PlacedCriterion) -> NodeTotal:
        c = p.criterion
        if c.code in excluded:
            total = NodeTotal(c.code, p.kind, p.depth, False, ZERO, ZERO, c.max_points, None)
            for child in c.children:
                # Recorded as not applicable too, so every criterion has a line on the sheet.
                evaluate(
                    PlacedCriterion(child, p.depth + 1, c.code, _effective_kind(child, p.kind))
                )
        elif c.is_leaf:
            if c.code not in usable and c.code not in flagged and p.kind is CriterionKind.NORMAL:
                add("scoring.score.missing", f"Tiêu chí {c.code} chưa được chấm điểm.", c.code)
            entered = scores.get(c.code)
            total = NodeTotal(
                c.code,
                p.kind,
                p.depth,
                True,
                usable.get(c.code, ZERO),
                c.max_points,
                c.max_points,
                entered if c.code in usable else None,
            )
        else:
            base = own_max = adjustment = ZERO
            for child in c.children:
                sub = evaluate(
                    PlacedCriterion(child, p.depth + 1, c.code, _effective_kind(child, p.kind))
                )
                if sub.kind is p.kind:
                    base += sub.points
                    own_max += sub.max_points
                elif sub.kind is CriterionKind.PENALTY:
                    adjustment -= sub.points
                else:
                    adjustment += sub.points
            own_max = min(own_max, c.max_points)
            points = min(max(base + adjustment, ZERO), own_max)
            total = NodeTotal(c.code, p.kind, p.depth, True, points, own_max, c.max_points, None)
        computed.setdefault(c.code, total)
        return total

    base = own_max = bonus = penalty = ZERO
    for root in frame.criteria:
        sub = evaluate(PlacedCriterion(root, 0, "", root.kind))
        if sub.kind is CriterionKind.NORMAL:
            base += sub.points
            own_max += sub.max_points
        elif sub.kind is CriterionKind.BONUS:
            bonus += sub.points
        else:
            penalty += sub.points
    points = max(base + bonus - penalty, ZERO)
    subtotals = {code: computed[code] for code in placed}
    sheet = SheetTotal(
        frame_key=frame.key,
        points=points,
        max_points=own_max,
        frame_max=frame.max_points,
        base_points=base,
        bonus_points=bonus,
        penalty_points=penalty,
        band=frame.band_for(points, own_max),
        subtotals=MappingProxyType(subtotals),
    )
    return Verdict(sheet, tuple(findings))


def _subtree_codes(criterion: Criterion) -> Iterator[str]:
    yield criterion.code
    for child in criterion.children:
        yield from _subtree_codes(child)


@dataclass(frozen=True)
class CriterionDifference:
    """A criterion whose appraised line differs from the self-assessed one."""

    code: str
    self_points: Decimal | None  # None when not applicable on that sheet
    appraised_points: Decimal | None
    self_max: Decimal
    appraised_max: Decimal

    @property
    def difference(self) -> Decimal | None:
        """Appraised minus self; None when the criterion is N/A on either sheet."""
        if self.self_points is None or self.appraised_points is None:
            return None
        return self.appraised_points - self.self_points

    @property
    def applicability_changed(self) -> bool:
        return (self.self_points is None) != (self.appraised_points is None)


def compare_sheets(
    self_sheet: SheetTotal, appraised_sheet: SheetTotal
) -> list[CriterionDifference]:
    """The criteria (leaves and groups, in sheet order) whose points, applicability or own
    maximum the appraisal changed; criteria that agree are left out."""
    if self_sheet.frame_key != appraised_sheet.frame_key:
        raise DomainError(
            "Hai phiếu chấm điểm không cùng một khung chấm điểm nên không so sánh được.",
            rule="scoring.compare.different_frames",
        )
    differences = []
    for code, mine in self_sheet.subtotals.items():
        theirs = appraised_sheet.subtotals[code]
        diff = CriterionDifference(
            code=code,
            self_points=mine.points if mine.applicable else None,
            appraised_points=theirs.points if theirs.applicable else None,
            self_max=mine.max_points,
            appraised_max=theirs.max_points,
        )
        if diff.self_points != diff.appraised_points or diff.self_max != diff.appraised_max:
            differences.append(diff)
    return differences


# --- ranking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked(Generic[K]):
    key: K
    value: Decimal | Fraction  # the value ranked on, as given (a Fraction for a percent)
    rank: int
    shared: bool  # another unit holds the same rank


def rank(
    entries: Sequence[tuple[K, Decimal | Fraction]],
    tie_break: Callable[[K], Decimal | Fraction] | None = None,
) -> list[Ranked[K]]:
    """Standard competition ranking, higher first: equal values share a rank and the next rank
    skips (1, 2, 2, 4). A tie-break, higher first, orders equal values and splits their rank;
    units equal on both still share. Result in rank order, ties in input order (DOMAIN.md §6)."""

    def break_value(key: K) -> Fraction:
        return Fraction(tie_break(key)) if tie_break else Fraction(0)

    keyed = [
        (Fraction(value), break_value(key), index, key, value)
        for index, (key, value) in enumerate(entries)
    ]
    keyed.sort(key=lambda item: (-item[0], -item[1], item[2]))
    ranks: list[int] = []
    for position, item in enumerate(keyed):
        if position and item[:2] == keyed[position - 1][:2]:
            ranks.append(ranks[-1])
        else:
            ranks.append(position + 1)
    holders = Counter(ranks)
    return [
        Ranked(key=item[3], value=item[4], rank=r, shared=holders[r] > 1)
        for item, r in zip(keyed, ranks, strict=True)
    ]


def describe_tie_break(frame: Frame) -> str:
    """The frame's rule for equal values, as the ranking page states it (DOMAIN.md §6): units
    equal on the ranked value are ordered by it; without one they share the rank."""
    tie = frame.tie_break
    if tie is None:
        return "Các đơn vị bằng nhau cùng hạng (không có tiêu chí phụ)."
    if tie.by is TieBreakBy.POINTS:
        return "Khi bằng nhau, đơn vị có tổng điểm cao hơn xếp trên."
    if tie.by is TieBreakBy.PERCENT:
        return "Khi bằng điểm, đơn vị có tỷ lệ điểm trên điểm tối đa của mình cao hơn xếp trên."
    node = frame.criterion(tie.criterion)
    title = f" «{node.title}»" if node is not None else ""
    return f"Khi bằng điểm, đơn vị có điểm tiêu chí {tie.criterion}{title} cao hơn xếp trên."


def tie_break_value(tie: TieBreak, sheet: SheetTotal) -> Fraction:
    """A sheet's value for a frame's tie-break, higher is better.

    A criterion tie-break takes the criterion's points (a penalty's deduction counts negatively);
    a criterion that does not apply to the unit counts 0.
    """
    if tie.by is TieBreakBy.POINTS:
        return Fraction(sheet.points)
    if tie.by is TieBreakBy.PERCENT:
        return sheet.ratio()
    node = sheet.subtotals.get(tie.criterion)
    if node is None:
        raise DomainError(
            f"Tiêu chí phụ để xếp hạng khi bằng điểm (“{tie.criterion}”) không có trong khung.",
            rule="scoring.frame.unknown_tie_break_criterion",
            citation=RANKING_CITATION,
        )
    points = Fraction(node.points if node.applicable else ZERO)
    return -points if node.kind is CriterionKind.PENALTY else points


def rank_sheets(frame: Frame, sheets: Sequence[tuple[K, SheetTotal]]) -> list[Ranked[K]]:
    """Rank a peer group's sheets on the frame's basis (points or percent of the own maximum),
    with the frame's tie-break if it has one."""
    by_key: dict[K, SheetTotal] = {}
    for key, sheet in sheets:
        if sheet.frame_key != frame.key:
            raise DomainError(
                f"Phiếu của {key} không thuộc khung chấm điểm {frame.code} năm {frame.year}.",
                rule="scoring.rank.different_frames",
                citation=RANKING_CITATION,
            )
        by_key[key] = sheet
    tie = frame.tie_break
    breaker = None if tie is None else (lambda key: tie_break_value(tie, by_key[key]))
    entries = [
        (key, basis_value(frame.rank_basis, sheet.points, sheet.max_points))
        for key, sheet in sheets
    ]
    return rank(entries, breaker)


_RANK_WORDS = {1: "Nhất", 2: "Nhì", 3: "Ba", 4: "Tư"}


def rank_word(rank_number: int) -> str:
    """A rank as prose writes it after "xếp thứ": Nhất, Nhì, Ba, Tư, then the number (5, 6...)."""
    if rank_number < 1:
        raise ValueError("Thứ hạng phải từ 1 trở lên.")
    return _RANK_WORDS.get(rank_number, str(rank_number))


# --- year over year ----------------------------------------------------------------------------


@dataclass(frozen=True)
class YearResult:
    year: int
    points: Decimal
    max_points: Decimal  # the unit's own maximum that year
    rank: int | None = None
    peers: int | None = None  # how many units were ranked ("trong 20 sở, ban, ngành")

    def percent(self) -> Fraction:
        return basis_value(ScoreBasis.PERCENT, self.points, self.max_points)


@dataclass(frozen=True)
class YearChange:
    year: int
    points: Decimal
    max_points: Decimal
    rank: int | None
    peers: int | None
    # Against the latest earlier year in the history; all None for the first year.
    previous_year: int | None = None
    points_change: Decimal | None = None
    percent_change: Decimal | None = None  # percentage points of the own maximum, 2 decimals
    rank_change: int | None = None  # places gained: 3rd → 1st is +2
    trend: Trend | None = None


def year_over_year(history: Sequence[YearResult]) -> list[YearChange]:
    """Each year against the latest earlier year in the history (which it names, so a gap shows).

    The trend follows the rank when both years have one (a smaller rank number is an
    improvement); otherwise the percent of the own maximum, since maxima differ between years.
    """
    years = [r.year for r in history]
    duplicates = sorted({y for y in years if years.count(y) > 1})
    if duplicates:
        raise DomainError(
            f"Năm {', '.join(map(str, duplicates))} có nhiều hơn một kết quả.",
            field="year",
            rule="scoring.history.duplicate_year",
        )
    ordered = sorted(history, key=lambda r: r.year)
    earlier: list[YearResult | None] = [None, *ordered]
    return [_year_change(result, earlier[i]) for i, result in enumerate(ordered)]


def _year_change(result: YearResult, previous: YearResult | None) -> YearChange:
    """One year against the year before it in the history (None: the first, nothing to compare)."""
    if previous is None:
        return YearChange(result.year, result.points, result.max_points, result.rank, result.peers)
    percent_delta = result.percent() - previous.percent()
    rank_change = (
        previous.rank - result.rank
        if previous.rank is not None and result.rank is not None
        else None
    )
    signal: Fraction | int = rank_change if rank_change is not None else percent_delta
    return YearChange(
        result.year,
        result.points,
        result.max_points,
        result.rank,
        result.peers,
        previous.year,
        result.points - previous.points,
        _round_half_up(percent_delta, 2),
        rank_change,
        Trend.IMPROVED if signal > 0 else Trend.DECLINED if signal < 0 else Trend.UNCHANGED,
    )


# --- targets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """An assigned target (chỉ tiêu). An explicit override, with its reason, decides over the
    numbers (e.g. the assigning body accepted force majeure)."""

    name: str
    unit_of_measure: str  # "%", "trường", "học sinh"
    target_value: Decimal
    achieved_value: Decimal | None = None  # None: not yet reported
    direction: TargetDirection = TargetDirection.HIGHER_IS_BETTER
    met_override: bool | None = None
    override_reason: str = ""

    def __post_init__(self) -> None:
        if self.met_override is not None and not self.override_reason.strip():
            raise DomainError(
                f"Chỉ tiêu “{self.name}”: ghi nhận đạt hoặc không đạt khác với số liệu phải nêu "
                "lý do.",
                field="override_reason",
                rule="scoring.target.override_without_reason",
            )

    def is_met(self) -> bool:
        """Met when the achieved value reaches the target in its direction, bounds included;
        a target with no achieved value is not met, unless overridden."""
        if self.met_override is not None:
            return self.met_override
        if self.achieved_value is None:
            return False
        if self.direction is TargetDirection.LOWER_IS_BETTER:
            return self.achieved_value <= self.target_value
        return self.achieved_value >= self.target_value


@dataclass(frozen=True)
class TargetsSummary:
    met: int
    total: int

    @property
    def text(self) -> str:
        """As the seed writes it: "4/4" (4 met of 4)."""
        return f"{self.met}/{self.total}"

    @property
    def ratio(self) -> Fraction | None:
        """The share met, exactly; None when no target was assigned."""
        return Fraction(self.met, self.total) if self.total else None

    def __str__(self) -> str:
        return self.text


def targets_summary(targets: Sequence[Target]) -> TargetsSummary:
    return TargetsSummary(met=sum(1 for t in targets if t.is_met()), total=len(targets))
