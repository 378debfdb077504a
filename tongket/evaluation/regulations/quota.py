"""The quota on `excellent`, whole and pure: the cap, and the verdict on a change to one scope.

Every layer asks this module: a profile's `check_quota` (the state of a scope), the checks a
decision runs (`evaluation/checks.py`: one decision or a whole batch, counted as its result would
stand), the cycle's findings and the dashboard meter. Nothing here reads the database: the caller
counts the scope's current decisions before and after the change and passes those counts, the
policy (a `QuotaPolicy`: percent, base, scope, rounding, enforcement) and the deciding body's
justification, and gets back the findings, each naming its rule and article.

The rule (HD 21-HD/BTCTW, HD 25-HD/BTCTW, HD 43-HD/BTCTW; DOMAIN.md §3):
- cap = round(percent / 100 × base count); the base count is the scope's `good` decisions (base
  `good`, HD 21 read literally) or its `good` and `excellent` ones (base `good_or_better`);
  `completed` and `not_completed` never count; the rounding is the policy's;
- a change is judged on the overflow (excellent − cap): it raises a finding only when the
  overflow after the change is above both 0 and the overflow before, so a decision that takes no
  place is never asked to justify the others;
- under `block` the finding is an ERROR (refused); under `warn` it is a WARNING that the deciding
  body must justify in writing (`missing_justification` until it does).

Scopes other than the deciding organization (a peer group today; a group of similar subjects and
a raised rate are what later regulations add) are the caller's counts and the policy's fields:
the verdict does not change shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP

from tongket.core.formatting import format_percent
from tongket.core.rules import Finding, Severity
from tongket.evaluation.domain import Enforcement, Level, QuotaBase, QuotaPolicy, Rounding

_ROUNDING_MODES = {
    Rounding.FLOOR: ROUND_FLOOR,
    Rounding.HALF_UP: ROUND_HALF_UP,
    Rounding.CEIL: ROUND_CEILING,
}


@dataclass(frozen=True)
class QuotaCounts:
    """The decided levels of one quota scope that the quota reads: `excellent` and `good`."""

    excellent: int = 0
    good: int = 0

    @classmethod
    def of(cls, levels: Iterable[Level]) -> QuotaCounts:
        found = list(levels)
        return cls(
            excellent=sum(1 for level in found if level is Level.EXCELLENT),
            good=sum(1 for level in found if level is Level.GOOD),
        )

    def __add__(self, other: QuotaCounts) -> QuotaCounts:
        return QuotaCounts(self.excellent + other.excellent, self.good + other.good)

    def __sub__(self, other: QuotaCounts) -> QuotaCounts:
        return QuotaCounts(self.excellent - other.excellent, self.good - other.good)


def base_count(counts: QuotaCounts, base: QuotaBase) -> int:
    """How many decisions the percent is taken of: `good` only, or `good` and `excellent`."""
    if base is QuotaBase.GOOD:
        return counts.good
    return counts.good + counts.excellent


def cap(counts: QuotaCounts, policy: QuotaPolicy) -> int:
    """The most `excellent` decisions the scope may hold: round(percent / 100 × base count).

    The product is exact (Decimal) and then rounded as the policy says: `floor` (default),
    `half_up` (x,5 goes up) or `ceil`.

    The seed (2020): 10 of 50 members excellent, the other 40 good. Base `good`: 20 % × 40 = 8,
    so 10 exceeds; base `good_or_better`: 20 % × 50 = 10, so 10 fits. The 7 cells, 2 excellent
    and 5 good: base `good` gives 20 % × 5 = 1, base `good_or_better` 20 % × 7 = 1,4 → 1 with
    `floor` or `half_up`; 2 exceeds under either base (only `ceil` over `good_or_better` gives 2).
    """
    raw = policy.percent * base_count(counts, policy.base) / 100
    return int(raw.to_integral_value(rounding=_ROUNDING_MODES[policy.rounding]))


def overflow(counts: QuotaCounts, policy: QuotaPolicy) -> int:
    """How many `excellent` decisions the scope holds above its cap (negative: places left)."""
    return counts.excellent - cap(counts, policy)


@dataclass(frozen=True)
class QuotaVerdict:
    """What the quota says about a change: its findings (empty when it may stand as is)."""

    findings: tuple[Finding, ...] = ()
    missing_justification: bool = False  # `warn`: over the cap and no written reason yet

    @property
    def refused(self) -> bool:
        """Refused as it stands: over the cap under `block`, or unjustified under `warn`."""
        return self.missing_justification or any(
            f.severity is Severity.ERROR for f in self.findings
        )


def judge(
    before: QuotaCounts,
    after: QuotaCounts,
    policy: QuotaPolicy,
    *,
    justification: str = "",
    rule: str,
    citation: str,
    noun: str,
    scope_label: str,
) -> QuotaVerdict:
    """The verdict on moving one scope from `before` to `after` (see the module docstring).

    `rule` and `citation` are the profile's quota rule for the subject kind; `noun` names the
    subjects in Vietnamese («đảng viên», «tổ chức đảng»); `scope_label` the scope in the finding.
    A state with nothing before (`QuotaCounts()`) is judged as it stands: a finding exactly when
    it holds more `excellent` decisions than its cap.
    """
    grown = overflow(after, policy)
    if grown <= max(overflow(before, policy), 0):
        return QuotaVerdict()
    limit = cap(after, policy)
    message = (
        f"Có {after.excellent} {noun} xếp loại «{Level.EXCELLENT.label}», vượt tỷ lệ "
        f"{format_percent(policy.percent)} của {policy.base.label} "
        f"({base_count(after, policy.base)}) {policy.scope.label}: tối đa {limit} "
        f"({policy.rounding.label})."
    )
    if policy.enforcement is Enforcement.BLOCK:
        finding = Finding(
            rule=rule,
            citation=citation,
            message=message,
            severity=Severity.ERROR,
            subject=scope_label,
        )
        return QuotaVerdict((finding,))
    finding = Finding(
        rule=rule,
        citation=citation,
        message=message + " Cấp quyết định phải ghi rõ lý do.",
        severity=Severity.WARNING,
        subject=scope_label,
    )
    reason = justification.strip()
    if not reason:
        return QuotaVerdict((finding,), missing_justification=True)
    return QuotaVerdict((replace(finding, justification=reason),))
