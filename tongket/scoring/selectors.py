"""Every read of frames, score sheets, rankings and targets, starting from what the user may see.

Who sees what. Agencies are not in the Party tree, so access to them goes through the Party
organizations that sit in them (`Organization.agency`):

- a user sees an agency's score sheets and targets when they may read (by a grant) a Party
  organization whose agency is that agency **or one of its ancestor agencies** (the Party
  organization of the provincial People's Committee sees every department under it), or when a
  grant covers the agency itself (an office of the issuer); a plain member's own cell gives no
  access: sheets are the agency's records, not the member's;
- a peer group's ranking is visible, once published, to any user who sees one of its units;
  before publication only to the issuer's side (who administers the issuing agency);
- the unit's side (who may enter self scores) administers such a Party organization, or an
  agency grant covering the unit; the issuer's side (frames, appraisal, publication, targets)
  administers the issuing agency. Superusers see and do everything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet

from tongket.accounts.scope import User, prefixes_q, scope_for
from tongket.core.errors import NotFound
from tongket.core.lookups import first_or_not_found, one_or_not_found
from tongket.core.rules import Verdict
from tongket.people.models import Organization, OrganizationKind
from tongket.people.selectors import Reach, agency_prefixes
from tongket.scoring import domain, permissions
from tongket.scoring.models import Frame, PeerGroup, ScoreLine, ScoreSheet, SheetStatus, Target
from tongket.scoring.permissions import ScoringAccess

# --- frames as data ----------------------------------------------------------------------------


def domain_frame(frame: Frame) -> domain.Frame:
    """The pure frame the rules work on, from its stored row."""
    tie = (
        domain.TieBreak(domain.TieBreakBy(frame.tie_break_by), frame.tie_break_criterion)
        if frame.tie_break_by
        else None
    )
    return domain.Frame(
        code=frame.code,
        title=frame.title,
        issuer=frame.issuer.name,
        year=frame.year,
        version=frame.version,
        criteria=tuple(domain.criterion_from_data(c) for c in frame.criteria),
        bands=tuple(domain.band_from_data(b) for b in frame.bands),
        band_basis=domain.ScoreBasis(frame.band_basis),
        rank_basis=domain.ScoreBasis(frame.rank_basis),
        tie_break=tie,
        citation=frame.citation,
        is_sample=frame.is_sample,
    )


# --- scope -------------------------------------------------------------------------------------


def _agency_prefixes(user: User | None, *, admin: bool) -> tuple[str, ...] | None:
    """Path prefixes of the agencies the user reaches; None means every agency (superuser)."""
    return agency_prefixes(user, Reach.ADMIN if admin else Reach.READ)


def _prefix_q(field: str, prefixes: tuple[str, ...] | None) -> Q:
    return Q() if prefixes is None else prefixes_q(field, prefixes)


def access_for(user: User | None) -> ScoringAccess:
    """What the scoring permissions ask of a user: their scope and the agencies they reach."""
    return ScoringAccess(scope_for(user), lambda admin: _agency_prefixes(user, admin=admin))


def visible_units(user: User | None) -> QuerySet[Organization]:
    return Organization.objects.filter(
        _prefix_q("path", _agency_prefixes(user, admin=False)), kind=OrganizationKind.AGENCY
    )


def visible_sheets(user: User | None) -> QuerySet[ScoreSheet]:
    return ScoreSheet.objects.filter(
        _prefix_q("unit__path", _agency_prefixes(user, admin=False))
    ).select_related("unit", "frame", "frame__issuer", "peer_group")


def visible_peer_groups(user: User | None) -> QuerySet[PeerGroup]:
    """Groups with a unit the user sees: published ones, and unpublished ones of their issuer."""
    scope = scope_for(user)
    if scope.is_superuser:
        return PeerGroup.objects.select_related("frame", "frame__issuer")
    units = visible_units(user).values("pk")
    issuer_q = Q(pk__in=[])
    for prefix in scope.admin_paths:
        issuer_q |= Q(frame__issuer__path__startswith=prefix)
    return (
        PeerGroup.objects.filter(
            Q(published_at__isnull=False, units__in=units) | issuer_q,
        )
        .distinct()
        .select_related("frame", "frame__issuer")
    )


def resolve_unit(user: User | None, code: str) -> Organization:
    """The agency a code names: an agency itself, or the agency a Party organization sits in
    (its own `agency`, else its nearest ancestor's). NotFound when none or not visible."""
    org = first_or_not_found(
        Organization.objects.filter(code=code.strip()).select_related("agency"),
        "Không tìm thấy đơn vị.",
    )
    unit: Organization | None = org if org.kind == OrganizationKind.AGENCY else org.agency
    if unit is None and org.kind != OrganizationKind.AGENCY:
        ids = [int(s) for s in org.path.strip("/").split("/") if s]
        ancestors = {
            o.pk: o for o in Organization.objects.filter(pk__in=ids).select_related("agency")
        }
        for pk in reversed(ids):
            ancestor = ancestors.get(pk)
            if ancestor is not None and ancestor.agency is not None:
                unit = ancestor.agency
                break
    if unit is None or not permissions.can_read_unit(access_for(user), unit.path):
        raise NotFound("Không tìm thấy đơn vị.")
    return unit


def visible_frames(user: User | None) -> QuerySet[Frame]:
    """Frames the user meets: one of a sheet or a ranking they see, or one their agency issued."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Frame.objects.select_related("issuer")
    query = Q(pk__in=visible_sheets(user).order_by().values("frame_id")) | Q(
        pk__in=visible_peer_groups(user).order_by().values("frame_id")
    )
    for prefix in scope.admin_paths:
        query |= Q(issuer__path__startswith=prefix)
    return Frame.objects.filter(query).select_related("issuer")


def get_frame(user: User | None, frame_id: int) -> Frame:
    return one_or_not_found(visible_frames(user), frame_id, "Không tìm thấy khung chấm điểm.")


# --- sheets ------------------------------------------------------------------------------------


def get_sheet(user: User | None, sheet_id: int) -> ScoreSheet:
    return first_or_not_found(
        visible_sheets(user)
        .filter(pk=sheet_id)
        .prefetch_related(Prefetch("lines", queryset=ScoreLine.objects.order_by("position"))),
        "Không tìm thấy phiếu chấm điểm.",
    )


def compute_self(frame: domain.Frame, lines: Sequence[ScoreLine]) -> Verdict[Any]:
    return domain.compute_sheet(
        frame,
        {ln.code: ln.self_score for ln in lines if not ln.not_applicable},
        [ln.code for ln in lines if ln.not_applicable],
    )


def compute_appraised(frame: domain.Frame, lines: Sequence[ScoreLine]) -> Verdict[Any]:
    return domain.compute_sheet(
        frame,
        {ln.code: ln.appraised_score for ln in lines if not ln.appraised_not_applicable},
        [ln.code for ln in lines if ln.appraised_not_applicable],
    )


@dataclass(frozen=True)
class SheetRow:
    """One criterion on the sheet screen: self and appraised side by side."""

    code: str
    title: str
    depth: int
    kind: str
    declared_max: Decimal
    is_leaf: bool
    self_applicable: bool
    self_points: Decimal | None
    self_max: Decimal
    appraised_applicable: bool
    appraised_points: Decimal | None
    appraised_max: Decimal
    evidence: str
    evidence_file_url: str
    comment: str
    differs: bool
    difference: Decimal | None


@dataclass(frozen=True)
class SheetView:
    sheet: ScoreSheet
    frame: domain.Frame
    rows: tuple[SheetRow, ...]
    self_total: domain.SheetTotal
    appraised_total: domain.SheetTotal | None
    differences: int
    may_enter_self: bool
    may_appraise: bool


def sheet_view(user: User | None, sheet_id: int) -> SheetView:
    """A unit's sheet with self vs appraised lines and which criteria the appraisal changed."""
    sheet = get_sheet(user, sheet_id)
    frame = domain_frame(sheet.frame)
    lines = list(sheet.lines.all())
    by_code = {ln.code: ln for ln in lines}
    self_total = compute_self(frame, lines).value
    appraised = sheet.status in (SheetStatus.APPRAISED, SheetStatus.SEALED)
    appraised_total = compute_appraised(frame, lines).value if appraised else None
    changed = (
        {d.code: d for d in domain.compare_sheets(self_total, appraised_total)}
        if appraised_total is not None
        else {}
    )
    rows = []
    for placed in frame.walk():
        code = placed.criterion.code
        mine = self_total.subtotal(code)
        theirs = appraised_total.subtotal(code) if appraised_total is not None else None
        line = by_code.get(code)
        diff = changed.get(code)
        rows.append(
            SheetRow(
                code=code,
                title=placed.criterion.title,
                depth=placed.depth,
                kind=str(placed.kind),
                declared_max=placed.criterion.max_points,
                is_leaf=placed.criterion.is_leaf,
                self_applicable=mine.applicable,
                self_points=mine.points if mine.applicable else None,
                self_max=mine.max_points,
                appraised_applicable=theirs.applicable if theirs else True,
                appraised_points=theirs.points if theirs and theirs.applicable else None,
                appraised_max=theirs.max_points if theirs else Decimal(0),
                evidence=line.evidence if line else "",
                evidence_file_url=line.evidence_file.url if line and line.evidence_file else "",
                comment=line.appraiser_comment if line else "",
                differs=diff is not None,
                difference=diff.difference if diff is not None else None,
            )
        )
    return SheetView(
        sheet=sheet,
        frame=frame,
        rows=tuple(rows),
        self_total=self_total,
        appraised_total=appraised_total,
        differences=len(changed),
        may_enter_self=sheet.status == SheetStatus.DRAFT
        and permissions.can_write_unit(access_for(user), sheet.unit.path),
        may_appraise=sheet.status in (SheetStatus.SELF_SUBMITTED, SheetStatus.APPRAISED)
        and permissions.can_act_for_issuer(access_for(user), sheet.frame.issuer.path),
    )


# --- ranking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankingRow:
    unit_code: str
    unit_name: str
    sheet_id: int | None
    points: Decimal | None
    max_points: Decimal | None
    percent: Decimal | None
    rank: int | None  # None: no appraised sheet yet
    shared: bool
    level: str
    level_code: str
    may_open: bool  # the user may open this unit's sheet
    # Another unit has the same ranked value and the frame's tie-break set them apart.
    tie_broken: bool = False


@dataclass(frozen=True)
class Ranking:
    group: PeerGroup
    frame: Frame
    rows: tuple[RankingRow, ...]  # ranked first, then the units not yet appraised
    ranked: int
    tie_break_rule: str = ""  # how equal values are ranked, in the page's words

    @property
    def top_points(self) -> Decimal:
        return max((r.max_points or Decimal(0) for r in self.rows), default=Decimal(0))


def get_peer_group(user: User | None, group_id: int) -> PeerGroup:
    return one_or_not_found(
        visible_peer_groups(user).select_related("frame", "frame__issuer"),
        group_id,
        "Không tìm thấy nhóm xếp hạng.",
    )


def _ranking_cache_key(group: PeerGroup) -> str | None:
    """A published group's ranking never changes (its sheets are sealed, its units fixed at
    creation): keyed by the group, its frame and the moment of publication."""
    if group.published_at is None:
        return None
    return f"scoring:ranking:{group.pk}:{group.frame_id}:{group.published_at.isoformat()}"


def rank_group(group: PeerGroup) -> tuple[list[domain.Ranked[int]], dict[int, ScoreSheet]]:
    """The group's appraised sheets ranked by the frame's rule (domain.rank_sheets).

    For a published group the order (sheet, value, rank, shared) is cached: the lines are not
    read nor added up again. The sheets themselves (units' names, points) are always read."""
    key = _ranking_cache_key(group)
    cached: list[tuple[int, Any, int, bool]] | None = cache.get(key) if key else None
    if cached is not None:
        found = {
            s.pk: s
            for s in ScoreSheet.objects.filter(
                frame_id=group.frame_id, pk__in=[entry[0] for entry in cached]
            ).select_related("unit")
        }
        if len(found) == len(cached):
            return [
                domain.Ranked(key=pk, value=value, rank=rank, shared=shared)
                for pk, value, rank, shared in cached
            ], found
    frame = domain_frame(group.frame)
    sheets = list(
        ScoreSheet.objects.filter(
            frame=group.frame,
            unit__in=group.units.all(),
            status__in=(SheetStatus.APPRAISED, SheetStatus.SEALED),
        )
        .select_related("unit")
        .prefetch_related("lines")
    )
    totals = [(s.pk, compute_appraised(frame, list(s.lines.all())).value) for s in sheets]
    ranked = domain.rank_sheets(frame, totals)
    if key is not None:
        cache.set(key, [(e.key, e.value, e.rank, e.shared) for e in ranked], timeout=None)
    return ranked, {s.pk: s for s in sheets}


def peer_group_ranking(user: User | None, group_id: int) -> Ranking:
    group = get_peer_group(user, group_id)
    ranked, sheets = rank_group(group)
    access = access_for(user)
    rows: list[RankingRow] = []
    holders_of_value = Counter(Fraction(e.value) for e in ranked)
    for entry in ranked:
        sheet = sheets[entry.key]
        points, own_max = _appraised(sheet)
        rows.append(
            RankingRow(
                unit_code=sheet.unit.code,
                unit_name=sheet.unit.name,
                sheet_id=sheet.pk,
                points=points,
                max_points=own_max,
                percent=_percent(points, own_max),
                rank=entry.rank,
                shared=entry.shared,
                level=sheet.level_label,
                level_code=sheet.level_code,
                may_open=permissions.can_read_unit(access, sheet.unit.path),
                tie_broken=not entry.shared and holders_of_value[Fraction(entry.value)] > 1,
            )
        )
    seen = {s.unit_id for s in sheets.values()}
    for unit in group.units.exclude(pk__in=seen).order_by("name"):
        rows.append(
            RankingRow(unit.code, unit.name, None, None, None, None, None, False, "", "", False)
        )
    return Ranking(
        group=group,
        frame=group.frame,
        rows=tuple(rows),
        ranked=len(ranked),
        tie_break_rule=domain.describe_tie_break(domain_frame(group.frame)),
    )


def _appraised(sheet: ScoreSheet) -> tuple[Decimal, Decimal]:
    """An appraised sheet's points and its own maximum (set together by the appraisal)."""
    assert sheet.appraised_points is not None
    assert sheet.appraised_max is not None
    return sheet.appraised_points, sheet.appraised_max


def _percent(points: Decimal, own_max: Decimal) -> Decimal | None:
    if not own_max:
        return None
    return (points * 100 / own_max).quantize(Decimal("0.01"))


# --- year over year ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesHistory:
    series: str
    title: str  # the latest frame's title
    changes: tuple[domain.YearChange, ...]


def year_over_year(user: User | None, unit: Organization) -> list[SeriesHistory]:
    """Each scoring series' published results of the unit across years, with the change."""
    if not permissions.can_read_unit(access_for(user), unit.path):
        raise NotFound("Không tìm thấy đơn vị.")
    sheets = (
        ScoreSheet.objects.filter(unit=unit, status=SheetStatus.SEALED)
        .select_related("frame")
        .order_by("frame__series", "frame__year", "-frame__version")
    )
    by_series: dict[str, dict[int, ScoreSheet]] = {}
    for sheet in sheets:
        by_series.setdefault(sheet.frame.series, {}).setdefault(sheet.frame.year, sheet)
    result = []
    for series, by_year in sorted(by_series.items()):
        history = [
            domain.YearResult(
                year=year,
                points=s.appraised_points or Decimal(0),
                max_points=s.appraised_max or Decimal(0),
                rank=s.rank,
                peers=s.rank_of,
            )
            for year, s in sorted(by_year.items())
        ]
        latest = by_year[max(by_year)]
        result.append(
            SeriesHistory(series, latest.frame.title, tuple(domain.year_over_year(history)))
        )
    return result


# --- targets -----------------------------------------------------------------------------------


def visible_targets(user: User | None) -> QuerySet[Target]:
    return Target.objects.filter(
        _prefix_q("unit__path", _agency_prefixes(user, admin=False))
    ).select_related("unit", "issuer")


def get_target(user: User | None, target_id: int) -> Target:
    """One version of a target (current or not), or NotFound outside the user's scope."""
    return one_or_not_found(visible_targets(user), target_id, "Không tìm thấy chỉ tiêu.")


def target_versions(target: Target) -> list[Target]:
    """Every version of the target's lineage, oldest first (its history)."""
    return list(
        Target.objects.filter(lineage=target.lineage)
        .select_related("changed_by")
        .order_by("version")
    )


def unit_targets(user: User | None, unit: Organization, year: int) -> list[Target]:
    if not permissions.can_read_unit(access_for(user), unit.path):
        raise NotFound("Không tìm thấy đơn vị.")
    return list(
        Target.objects.filter(unit=unit, year=year, is_current=True)
        .select_related("issuer")
        .order_by("issuer__name", "sort_order", "name")
    )


def target_history(user: User | None, unit: Organization, year: int) -> list[Target]:
    """Every version of the unit's targets for the year, newest version last in each lineage."""
    if not permissions.can_read_unit(access_for(user), unit.path):
        raise NotFound("Không tìm thấy đơn vị.")
    return list(
        Target.objects.filter(unit=unit, year=year)
        .select_related("changed_by")
        .order_by("sort_order", "lineage", "version")
    )


def targets_summary(user: User | None, unit: Organization, year: int) -> domain.TargetsSummary:
    targets = unit_targets(user, unit, year)
    return domain.TargetsSummary(met=sum(1 for t in targets if t.met), total=len(targets))


# --- the command's report ----------------------------------------------------------------------


@dataclass(frozen=True)
class ScorecardLine:
    frame_title: str
    frame_code: str
    points: Decimal
    max_points: Decimal
    rank: int | None
    of: int | None
    level: str | None


@dataclass(frozen=True)
class UnitYear:
    unit: Organization
    year: int
    scorecards: tuple[ScorecardLine, ...]
    targets: domain.TargetsSummary


def unit_year(user: User | None, code: str, year: int) -> UnitYear:
    """A unit's appraised scorecards of a year (rank once published) and its targets met."""
    unit = resolve_unit(user, code)
    sheets = (
        ScoreSheet.objects.filter(
            unit=unit,
            frame__year=year,
            status__in=(SheetStatus.APPRAISED, SheetStatus.SEALED),
        )
        .select_related("frame")
        .order_by("frame__series", "-frame__version")
    )
    # The latest version per series, listed in the order the series' frames were created.
    chosen: dict[str, ScoreSheet] = {}
    for sheet in sheets:
        chosen.setdefault(sheet.frame.series, sheet)
    lines: list[ScorecardLine] = []
    for sheet in sorted(chosen.values(), key=lambda s: s.frame_id):
        points, own_max = _appraised(sheet)
        sealed = sheet.status == SheetStatus.SEALED
        lines.append(
            ScorecardLine(
                frame_title=sheet.frame.title,
                frame_code=sheet.frame.code,
                points=points,
                max_points=own_max,
                rank=sheet.rank if sealed else None,
                of=sheet.rank_of if sealed else None,
                level=sheet.level_code or sheet.level_label or None,
            )
        )
    return UnitYear(unit, year, tuple(lines), targets_summary(user, unit, year))
