"""Counts of evaluation: decided results over a subtree (`tongket stats`, from the maintained
tally, and `raw_stats` counted from the decisions to verify it), and a cycle's dashboard (progress
per tier and unit, quota meters, open findings)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from tongket.core.rules import Finding, Severity
from tongket.evaluation import checks, tally
from tongket.evaluation.domain import Level
from tongket.evaluation.models import (
    Cycle,
    Decision,
    DecisionStatus,
    Evaluation,
    ResultTally,
    SubjectKind,
    Tier,
)
from tongket.evaluation.regulations import quota
from tongket.evaluation.regulations.base import Profile
from tongket.evaluation.regulations.quota import QuotaCounts
from tongket.evaluation.selectors import current_levels, period_q, profile_of
from tongket.people.models import Organization, ancestor_paths

# --- counts over a subtree -----------------------------------------------------------------------


LEVEL_KEYS = ("excellent", "good", "completed", "not_completed")


def _tally_annotations(prefix: str = "") -> dict[str, Any]:
    current = f"{prefix}current"
    out: dict[str, Any] = {"total": Count(f"{prefix}id", distinct=True)}
    for key in LEVEL_KEYS:
        out[key] = Count(f"{prefix}id", filter=Q(**{f"{current}__level": key}), distinct=True)
    out["not_classified"] = Count(
        f"{prefix}id",
        filter=Q(**{f"{current}__id__isnull": False, f"{current}__level": ""}),
        distinct=True,
    )
    out["pending"] = Count(
        f"{prefix}id", filter=Q(**{f"{current}__id__isnull": True}), distinct=True
    )
    return out


def _with_current(queryset: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    return queryset.annotate(
        current=FilteredRelation("decisions", condition=Q(decisions__status=DecisionStatus.CURRENT))
    )


def _empty_tally() -> dict[str, int]:
    return {
        "total": 0,
        **dict.fromkeys(LEVEL_KEYS, 0),
        "not_classified": 0,
        "pending": 0,
    }


def _tally(row: Mapping[str, Any]) -> dict[str, int]:
    return {key: int(row[key]) for key in _empty_tally()}


def organization_level(org: Organization, year: int, quarter: int | None = None) -> Level | None:
    """The organization's own current decided level for the period, from any cycle."""
    # Explicit ordering: the model's (by evaluation, then cycle) joins the organization table and
    # sorts; the cycle organization's path keeps the same choice should several cycles decide.
    level = (
        Decision.objects.filter(
            period_q("evaluation__cycle__", year, quarter),
            status=DecisionStatus.CURRENT,
            evaluation__organization=org,
        )
        .order_by("evaluation__cycle__organization__path", "evaluation_id", "created_at", "id")
        .values_list("level", flat=True)[:1]
    )
    found = list(level)
    return Level(found[0]) if found and found[0] else None


def _stats_profile(org: Organization, year: int, quarter: int | None) -> str | None:
    """The profile of the first cycle (by organization path) holding an evaluation in the subtree.

    A cycle evaluates its own organization's subtree, so only the cycles of the organization's
    ancestors (itself included) and of its descendants can hold one; the ancestors come first in
    path order. Each is a semi-join from the subtree's evaluations, bounded by those paths (not a
    walk over every cycle of the period in path order).
    """
    in_subtree = Evaluation.objects.filter(cycle=OuterRef("pk"), subject_path__startswith=org.path)
    cycles = Cycle.objects.filter(period_q("", year, quarter), Exists(in_subtree))
    for candidates in (
        cycles.filter(organization__path__in=ancestor_paths(org.path)),
        cycles.filter(organization__path__startswith=org.path),
    ):
        found = list(
            candidates.order_by("organization__path").values_list("profile_id", flat=True)[:1]
        )
        if found:
            return found[0]
    return None


def stats(org: Organization, year: int, quarter: int | None = None) -> dict[str, Any]:
    """Decided results over the organization's subtree (the `tongket stats` JSON shape), from
    the maintained tally (`tally_groups`). Same JSON as `raw_stats`."""
    return _stats_json(org, year, quarter, tally_groups(org, year, quarter))


def subtree_counts(
    org: Organization, year: int, quarter: int | None = None
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The members' counts and the organizations' counts by kind under the organization's
    subtree, by current level (`stats`' "members" and "organizations", nothing else): a few
    rows of the tally whatever the subtree's size (the year-end report's tables)."""
    found = _stats_json(org, year, quarter, tally_groups(org, year, quarter), level=False)
    return found["members"], found["organizations"]


def tally_groups(
    org: Organization, year: int, quarter: int | None = None
) -> list[tuple[str, str, str | None, int]]:
    """(subject kind, organization kind, current level or None when pending, count) over the
    organization's subtree, its own evaluation left out.

    Sums the maintained tally (`tongket.evaluation.tally`) under the subtree's path: members
    counted at their cell, organizations at their parent, so the organization's own evaluation
    is left out as in `raw_stats`. Two small indexed corrections keep it exact should an
    evaluation's copied path disagree with the organization it names (an organization moved
    since): evaluations at exactly this path that are another organization's are added, and this
    organization's evaluations deeper in the subtree are taken out.
    """
    tallied = (
        ResultTally.objects.filter(
            year=year, quarter=tally.period_key(quarter), path__startswith=org.path
        )
        .values("subject_kind", "org_kind", "level")
        .annotate(count=Sum("n"))
        .order_by()
    )
    # The corrections, in the same query (UNION ALL): this organization's own are taken out.
    corrections = Q(subject_kind=SubjectKind.ORGANIZATION, subject_path=org.path)
    sign: Case | Value = Value(1)
    if org.pk is not None:
        sign = Case(When(organization=org, then=Value(-1)), default=Value(1))
        deeper = Q(organization=org, subject_path__startswith=org.path) & ~Q(subject_path=org.path)
        corrections = (corrections & ~Q(organization=org)) | deeper
    fixes = (
        _with_current(Evaluation.objects.filter(period_q("cycle__", year, quarter), corrections))
        .values(
            "subject_kind",
            "org_kind",
            level=Coalesce(F("current__level"), Value(tally.PENDING)),
        )
        .annotate(count=Sum(sign))
        .order_by()
    )
    return [
        (
            row["subject_kind"],
            row["org_kind"],
            None if row["level"] == tally.PENDING else row["level"],
            int(row["count"]),
        )
        for row in tallied.union(fixes, all=True)
    ]


def raw_stats(org: Organization, year: int, quarter: int | None = None) -> dict[str, Any]:
    """`stats` counted from the raw evaluations and current decisions (for verification).

    One grouped query over the subtree (subject kind, organization kind, current level: the
    hand-written floor's shape), then the organization's own level and the profile.
    """
    subtree = Evaluation.objects.filter(
        period_q("cycle__", year, quarter), subject_path__startswith=org.path
    )
    if org.pk is not None:
        subtree = subtree.exclude(organization=org)  # its own rating is `level`, not a count
    return _stats_json(org, year, quarter, _raw_groups(subtree))


def _raw_groups(evaluations: QuerySet[Evaluation]) -> list[tuple[str, str, str | None, int]]:
    """(subject kind, organization kind, current level or None, count) of the evaluations."""
    # At most one current decision per evaluation (eval_one_current_decision): the left join
    # gives one row per evaluation, so COUNT(*) needs no DISTINCT. The current level is NULL
    # when undecided and "" when not classified.
    rows = (
        _with_current(evaluations)
        .values("subject_kind", "org_kind", current_level=F("current__level"))
        .annotate(n=Count("*"))
        .order_by()
    )
    return [
        (row["subject_kind"], row["org_kind"], row["current_level"], int(row["n"])) for row in rows
    ]


def _stats_json(
    org: Organization,
    year: int,
    quarter: int | None,
    groups: Iterable[tuple[str, str, str | None, int]],
    *,
    level: bool = True,
) -> dict[str, Any]:
    """The JSON of `stats`; `level=False` leaves out the two queries of the organization's
    own level and the profile (None)."""
    members = _empty_tally()
    organizations: dict[str, dict[str, int]] = {}
    for subject_kind, org_kind, current_level, count in groups:
        if subject_kind == SubjectKind.MEMBER:
            counts = members
        else:
            counts = organizations.setdefault(org_kind, _empty_tally())
        _add_to_tally(counts, current_level, count)
    own = organization_level(org, year, quarter) if level else None
    return {
        "org": org.code,
        "year": year,
        "profile": _stats_profile(org, year, quarter) if level else None,
        "level": own.value if own is not None else None,
        "members": members,
        # A kind whose rows add up to nothing has no evaluation: the raw count has no group.
        "organizations": {k: v for k, v in sorted(organizations.items()) if v["total"]},
    }


def _add_to_tally(counts: dict[str, int], level: str | None, count: int) -> None:
    counts["total"] += count
    if level is None:
        counts["pending"] += count
    elif level == "":
        counts["not_classified"] += count
    elif level in LEVEL_KEYS:
        counts[level] += count


# --- a cycle's dashboard --------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaMeter:
    excellent: int
    cap: int
    base: int
    percent: Decimal

    @property
    def over(self) -> bool:
        return self.excellent > self.cap

    @property
    def meter_max(self) -> int:
        return max(self.cap, self.excellent, 1)


@dataclass(frozen=True)
class UnitProgress:
    code: str
    name: str
    counts: Mapping[str, int]  # total, self, cell, committee, decided + level keys


@dataclass(frozen=True)
class Dashboard:
    cycle: Cycle
    profile: Profile
    members: Mapping[str, int]
    organizations: Mapping[str, int]
    units: tuple[UnitProgress, ...]
    member_quota: QuotaMeter
    organization_quota: QuotaMeter
    findings: tuple[Finding, ...]


def _progress_annotations() -> dict[str, Any]:
    out = _tally_annotations()
    for tier in Tier:
        out[f"tier_{tier.value}"] = Count(
            "assessments",
            filter=Q(assessments__tier=tier, assessments__is_current=True),
            distinct=True,
        )
    return out


def _quota_meter(cycle: Cycle, profile: Profile, kind: str) -> QuotaMeter:
    counts = QuotaCounts.of(
        current_levels(Q(evaluation__cycle=cycle, evaluation__subject_kind=kind))
    )
    policy = profile.quota_policy()
    return QuotaMeter(
        excellent=counts.excellent,
        cap=quota.cap(counts, policy),
        base=quota.base_count(counts, policy.base),
        percent=policy.percent,
    )


def dashboard(cycle: Cycle) -> Dashboard:
    """The cycle's progress per tier and per unit, level distribution, quota meters, findings.

    A fixed number of queries whatever the number of members and cells.
    """
    profile = profile_of(cycle)
    evaluations = _with_current(Evaluation.objects.filter(cycle=cycle))
    totals = {
        row["subject_kind"]: _tally(row) | {t.value: int(row[f"tier_{t.value}"]) for t in Tier}
        for row in evaluations.values("subject_kind").annotate(**_progress_annotations()).order_by()
    }
    empty = _empty_tally() | {t.value: 0 for t in Tier}
    unit_rows = (
        evaluations.filter(subject_kind=SubjectKind.MEMBER)
        .values("unit__code", "unit__name", "unit__path")
        .annotate(**_progress_annotations())
        .order_by("unit__path")
    )
    units = tuple(
        UnitProgress(
            code=row["unit__code"],
            name=row["unit__name"],
            counts=_tally(row) | {t.value: int(row[f"tier_{t.value}"]) for t in Tier},
        )
        for row in unit_rows
    )
    return Dashboard(
        cycle=cycle,
        profile=profile,
        members=totals.get(SubjectKind.MEMBER, empty),
        organizations=totals.get(SubjectKind.ORGANIZATION, empty),
        units=units,
        member_quota=_quota_meter(cycle, profile, SubjectKind.MEMBER),
        organization_quota=_quota_meter(cycle, profile, SubjectKind.ORGANIZATION),
        findings=tuple(
            f
            for f in checks.cycle_findings(cycle)
            if f.severity in (Severity.ERROR, Severity.WARNING)
        ),
    )


def not_classified_reasons(org: Organization, year: int) -> dict[tuple[str, str], int]:
    """(subject kind, reason's label) -> how many subjects under the organization were decided
    "not classified" for `year`, with that reason (one grouped query)."""
    from tongket.evaluation.domain import NotClassifiedReason

    rows = (
        _with_current(
            Evaluation.objects.filter(
                period_q("cycle__", year, None), subject_path__startswith=org.path
            )
        )
        .exclude(organization=org)
        .values(
            "subject_kind",
            level=F("current__level"),
            reason=F("current__not_classified_reason"),
        )
        .annotate(n=Count("*"))
        .order_by()
    )
    labels = {r.value: r.label for r in NotClassifiedReason}
    return {
        (row["subject_kind"], labels.get(row["reason"], row["reason"])): int(row["n"])
        for row in rows
        if row["level"] == ""  # decided "not classified"; NULL is undecided
    }
