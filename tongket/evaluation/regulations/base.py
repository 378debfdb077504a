"""The rule-profile interface every regulation implements (`Profile`).

A profile answers five questions about one subject (member or organization) and one period:
is it classified at all (`not_classified`), what is the highest level the facts allow
(`member_level_allowed` / `organization_level_allowed`), is a proposed level allowed
(`check_member_decision` / `check_organization_decision`), does a quota scope stay within the cap
on `excellent` (`check_quota`), and may this decision be taken now (`check_decision_order`).

How a profile computes a level: each rule of the regulation module is a function returning a
`Verdict[Level]` whose value is the highest level that rule allows (EXCELLENT when the rule does
not constrain the facts) and whose findings say why. The allowed level is the lowest of those caps;
a proposed level is refused by exactly the rules whose cap is below it. So a caller can show
every reason, and the regulation modules stay a flat list of small, cited functions.

Rule ids read `<profile>.<member|organization>.<level refused>.<condition>`: the level named is the
lowest level the condition refuses, or `not_completed` for a condition that forces that level
(e.g. `qd132.member.excellent.civil_service_cap`, `qd132.member.not_completed.discipline`).
Notes that cap nothing read `<profile>.<subject>.<topic>.<note>` (e.g.
`qd366.member.score.not_recorded`); the quota reads `<profile>.quota.<subject>.excellent`, the
order `<profile>.order.<condition>`, and a subject not classified
`<profile>.<subject>.not_classified.<reason>`.

Findings inside a `Verdict[Level]`: INFO explains a cap (it becomes an ERROR in `check_*_decision`
when the proposed level is above that cap), WARNING is shown but never blocks (data not recorded,
a head's unit not decided yet), ERROR is invalid data (points out of range) and always blocks.

Its parameters are in `params.py`, the rule blocks several regulations share in `blocks.py`, the
quota on `excellent` in `quota.py`.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from tongket.core.rules import Finding, Severity, Verdict
from tongket.evaluation.domain import (
    DecisionOrderFacts,
    Level,
    MemberFacts,
    NotClassifiedReason,
    OrganizationFacts,
    Period,
    PeriodKind,
    QuotaPolicy,
    SubjectKind,
)
from tongket.evaluation.regulations import quota
from tongket.evaluation.regulations.blocks import (
    combine,
    member_not_classified_reason,
    not_classified_finding,
    organization_not_classified_reason,
)
from tongket.evaluation.regulations.params import ParamRow, ProfileParams

# --- the profile ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile(ABC):
    """One regulation's rules, with its parameters. Immutable: `with_params` returns a copy.

    A cycle stores `id` and keeps its profile forever, so rule ids are prefixed with it.
    """

    id: str
    title: str  # Vietnamese, the regulations in full
    short_title: str
    first_year: int
    last_year: int | None  # None: still in force
    periods: frozenset[PeriodKind]
    params: ProfileParams

    # -- identity and parameters

    @property
    def years(self) -> tuple[int, int | None]:
        return (self.first_year, self.last_year)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    def params_table(self) -> list[ParamRow]:
        """Every parameter with value, default, Vietnamese description, source and `verified`."""
        return self.params.rows()

    def with_params(self, **overrides: object) -> Self:
        """A copy of this profile with validated parameter overrides (DomainError if invalid)."""
        return dataclasses.replace(self, params=self.params.validated(**overrides))

    def quota_policy(self) -> QuotaPolicy:
        return self.params.quota_policy()

    def check_period(self, period: Period) -> list[Finding]:
        """An error when the period kind (e.g. a quarter) is not one this profile evaluates."""
        if period.kind in self.periods:
            return []
        return [
            Finding(
                rule=self.period_rule,
                citation=self.title,
                message=(
                    f"{self.short_title} không đánh giá, xếp loại theo kỳ "
                    f"«{period.kind.label.lower()}» ({period.label})."
                ),
            )
        ]

    # -- what each regulation module supplies

    # The module's rule functions, in the order the regulation states them; each is called with
    # the facts and this profile's parameters.
    member_rule_functions: ClassVar[tuple[Callable[[MemberFacts, Any], Verdict[Level]], ...]] = ()
    organization_rule_functions: ClassVar[
        tuple[Callable[[OrganizationFacts, Any], Verdict[Level]], ...]
    ] = ()

    def member_rules(self, facts: MemberFacts) -> list[Verdict[Level]]:
        """Every member rule's cap, in the order the regulation states them."""
        return [rule(facts, self.params) for rule in self.member_rule_functions]

    def organization_rules(self, facts: OrganizationFacts) -> list[Verdict[Level]]:
        """Every organization rule's cap, in the order the regulation states them."""
        return [rule(facts, self.params) for rule in self.organization_rule_functions]

    # The id of "this period kind is not evaluated" (`<profile>.period.not_allowed`).
    period_rule: ClassVar[str] = ""

    # The guide's article on who is not classified; each profile names its own, and the id of
    # each reason (`<profile>.<subject>.not_classified.<reason>`).
    not_classified_citation: ClassVar[str] = ""
    not_classified_rules: ClassVar[Mapping[NotClassifiedReason, str]] = {}

    def not_classified(self, facts: MemberFacts | OrganizationFacts) -> Finding | None:
        """The reason the subject is listed but not classified, or None."""
        reason = self.not_classified_reason(facts)
        if reason is None:
            return None
        return not_classified_finding(
            reason,
            rule=self.not_classified_rules[reason],
            citation=self.not_classified_citation,
            subject=facts.subject,
            min_months=self.params.classification_min_months,
        )

    def not_classified_reason(
        self, facts: MemberFacts | OrganizationFacts
    ) -> NotClassifiedReason | None:
        """The reason as a code, for the list of subjects not classified.

        The cases are the same under 132, 124 and 366 (suspended, exempted, a member joined or an
        organization founded under `classification_min_months` before the period end); each
        profile cites its own guide in `not_classified_citation`.
        """
        min_months = self.params.classification_min_months
        if isinstance(facts, MemberFacts):
            return member_not_classified_reason(facts, min_months=min_months)
        return organization_not_classified_reason(facts, min_months=min_months)

    @abstractmethod
    def check_decision_order(self, facts: DecisionOrderFacts) -> list[Finding]:
        """Errors when a decision comes before the decisions it must follow."""

    # Whether `check_decision_order` can refuse anything (if not, its facts are not read).
    orders_decisions: ClassVar[bool] = True

    @abstractmethod
    def quota_citation(self, subject_kind: SubjectKind) -> str:
        """The article the quota on `excellent` comes from."""

    # The quota's rule id for each kind of subject, written out in the regulation's module.
    quota_rules: ClassVar[Mapping[SubjectKind, str]] = {}

    # -- the entry points, the same for every profile

    def member_level_allowed(self, facts: MemberFacts) -> Verdict[Level]:
        """The highest level the member's facts allow, with every reason.

        When the member is not to be classified, the not-classified reason comes first as an
        ERROR so `verdict.ok` is False; the level is still computed for information.
        """
        return self._allowed(self.member_rules(facts), self.not_classified(facts))

    def organization_level_allowed(self, facts: OrganizationFacts) -> Verdict[Level]:
        """The highest level the organization's facts allow, with every reason."""
        return self._allowed(self.organization_rules(facts), self.not_classified(facts))

    def check_member_decision(self, facts: MemberFacts, level: Level) -> list[Finding]:
        """Errors for every rule that refuses `level` for this member, plus the warnings.

        Accepts (no ERROR) exactly the levels at or below `member_level_allowed(facts).value`
        when the member is classified; refuses every level when not.
        """
        return self._check(self.member_rules(facts), self.not_classified(facts), level)

    def check_organization_decision(self, facts: OrganizationFacts, level: Level) -> list[Finding]:
        """Errors for every rule that refuses `level` for this organization, plus the warnings."""
        return self._check(self.organization_rules(facts), self.not_classified(facts), level)

    def quota_cap(self, levels: Sequence[Level], policy: QuotaPolicy | None = None) -> int:
        """The most `excellent` decisions the scope may hold; see `quota.cap`."""
        return quota.cap(quota.QuotaCounts.of(levels), policy or self.quota_policy())

    def quota_applies(self, subject: SubjectKind) -> bool:
        """Whether the quota on `excellent` is counted for this kind of subject."""
        return subject is SubjectKind.MEMBER or self.params.organization_quota_enabled

    def judge_quota(
        self,
        before: quota.QuotaCounts,
        after: quota.QuotaCounts,
        subject: SubjectKind,
        *,
        justification: str = "",
        scope_label: str = "",
        policy: QuotaPolicy | None = None,
    ) -> quota.QuotaVerdict:
        """The quota's verdict (`quota.judge`) on moving one scope from `before` to `after`,
        under this profile's rule id, article and policy; nothing to say when the quota does not
        apply to the subject kind."""
        if not self.quota_applies(subject):
            return quota.QuotaVerdict()
        return quota.judge(
            before,
            after,
            policy or self.quota_policy(),
            justification=justification,
            rule=self.quota_rules[subject],
            citation=self.quota_citation(subject),
            noun="đảng viên" if subject is SubjectKind.MEMBER else "tổ chức đảng",
            scope_label=scope_label,
        )

    def check_quota(
        self,
        levels: Sequence[Level],
        policy: QuotaPolicy | None = None,
        subject: SubjectKind = SubjectKind.MEMBER,
        *,
        scope_label: str = "",
    ) -> list[Finding]:
        """The quota on `excellent` over one scope's decided levels, INCLUDING the proposed one.

        Over the cap: an ERROR under `block`, a WARNING under `warn` (the deciding body then
        records a justification in `Finding.justification`). Empty when within the cap, and for
        organizations when the profile's `organization_quota_enabled` is off. `scope_label`
        names the grassroots organization or peer group in the finding.
        """
        verdict = self.judge_quota(
            quota.QuotaCounts(),
            quota.QuotaCounts.of(levels),
            subject,
            scope_label=scope_label,
            policy=policy,
        )
        return list(verdict.findings)

    # -- helpers

    @staticmethod
    def _allowed(verdicts: list[Verdict[Level]], excluded: Finding | None) -> Verdict[Level]:
        result = combine(verdicts)
        if excluded is None:
            return result
        first = dataclasses.replace(excluded, severity=Severity.ERROR)
        return Verdict(result.value, (first, *result.findings))

    @staticmethod
    def _check(
        verdicts: list[Verdict[Level]], excluded: Finding | None, level: Level
    ) -> list[Finding]:
        if excluded is not None:
            return [
                dataclasses.replace(
                    excluded,
                    severity=Severity.ERROR,
                    message=f"Không xếp loại: {excluded.message}",
                )
            ]
        out: list[Finding] = []
        for verdict in verdicts:
            refuses = verdict.value.rank < level.rank
            for finding in verdict.findings:
                if finding.severity is Severity.INFO:
                    if refuses:
                        out.append(
                            dataclasses.replace(
                                finding,
                                severity=Severity.ERROR,
                                message=f"Không thể xếp loại «{level.label}»: {finding.message}",
                            )
                        )
                else:
                    out.append(finding)
        return out
