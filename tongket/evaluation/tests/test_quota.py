"""The quota on `excellent`: the cap for each base and rounding, enforcement, the seed's figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.core.rules import Severity, errors_in
from tongket.evaluation.domain import (
    Enforcement,
    Level,
    QuotaBase,
    QuotaPolicy,
    QuotaScope,
    Rounding,
    SubjectKind,
)
from tongket.evaluation.regulations import all_profiles, qd132, quota

E, G, C, N = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED
PROFILE = qd132.PROFILE
GOOD, GOB = QuotaBase.GOOD, QuotaBase.GOOD_OR_BETTER
FLOOR, HALF_UP, CEIL = Rounding.FLOOR, Rounding.HALF_UP, Rounding.CEIL


def scope(excellent: int = 0, good: int = 0, completed: int = 0, failed: int = 0) -> list[Level]:
    return [E] * excellent + [G] * good + [C] * completed + [N] * failed


def policy(base: QuotaBase = GOOD, rounding: Rounding = FLOOR, **kwargs: object) -> QuotaPolicy:
    return QuotaPolicy(base=base, rounding=rounding, **kwargs)  # type: ignore[arg-type]


CAP_CASES = [
    # (excellent, good, completed), base, (cap with floor, half_up, ceil)
    ((10, 40, 0), GOOD, (8, 8, 8)),  # the seed's 50 members read literally: 20 % × 40
    ((10, 40, 0), GOB, (10, 10, 10)),  # ... or as 20 % × 50
    ((2, 5, 0), GOOD, (1, 1, 1)),  # the seed's 7 cells: 20 % × 5 = 1
    ((2, 5, 0), GOB, (1, 1, 2)),  # 20 % × 7 = 1,4
    ((0, 7, 0), GOOD, (1, 1, 2)),
    ((0, 12, 0), GOOD, (2, 2, 3)),  # 2,4
    ((0, 13, 0), GOOD, (2, 3, 3)),  # 2,6
    ((0, 4, 0), GOOD, (0, 1, 1)),  # 0,8
    ((0, 2, 0), GOOD, (0, 0, 1)),  # 0,4
    ((1, 2, 0), GOB, (0, 1, 1)),  # 0,6
    ((0, 5, 100), GOOD, (1, 1, 1)),  # completed decisions never count
    ((0, 5, 100), GOB, (1, 1, 1)),
    ((0, 0, 9), GOOD, (0, 0, 0)),
    ((3, 0, 0), GOOD, (0, 0, 0)),  # nobody good: no excellent at all under the literal base
    ((3, 0, 0), GOB, (0, 1, 1)),  # 0,6
    ((0, 100, 0), GOOD, (20, 20, 20)),
]


@pytest.mark.parametrize(("counts", "base", "caps"), CAP_CASES)
def test_quota_cap_for_each_base_and_rounding(counts, base, caps):
    levels = scope(*counts)
    for rounding, cap in zip((FLOOR, HALF_UP, CEIL), caps, strict=True):
        assert PROFILE.quota_cap(levels, policy(base, rounding)) == cap


@pytest.mark.parametrize(
    ("percent", "good", "caps"),
    [
        ("25", 2, (0, 1, 1)),  # 0,5: half-up rounds up
        ("30", 5, (1, 2, 2)),  # 1,5
        ("15", 10, (1, 2, 2)),  # 1,5
        ("0", 10, (0, 0, 0)),
        ("100", 3, (3, 3, 3)),
    ],
)
def test_quota_cap_rounds_halves_up_only_under_half_up(percent, good, caps):
    levels = scope(good=good)
    for rounding, cap in zip((FLOOR, HALF_UP, CEIL), caps, strict=True):
        assert PROFILE.quota_cap(levels, policy(rounding=rounding, percent=Decimal(percent))) == cap


def test_seed_ten_of_fifty_members_fits_only_the_good_or_better_base():
    levels = scope(excellent=10, good=40)
    assert PROFILE.check_quota(levels, policy(GOB)) == []
    (finding,) = PROFILE.check_quota(levels, policy(GOOD))
    assert finding.severity is Severity.ERROR
    assert finding.rule == "qd132.quota.member.excellent"
    assert "Có 10 đảng viên" in finding.message
    assert "tối đa 8" in finding.message
    assert "21-HD/BTCTW" in finding.citation


@pytest.mark.parametrize("base", [GOOD, GOB])
@pytest.mark.parametrize("rounding", [FLOOR, HALF_UP])
def test_seed_two_excellent_cells_against_five_good_exceed_20_percent_under_either_base(
    base, rounding
):
    findings = PROFILE.check_quota(
        scope(excellent=2, good=5), policy(base, rounding), SubjectKind.ORGANIZATION
    )
    assert [f.rule for f in findings] == ["qd132.quota.organization.excellent"]
    assert "Có 2 tổ chức đảng" in findings[0].message


def test_seed_cells_would_fit_only_if_rounding_up_over_the_good_or_better_base():
    levels = scope(excellent=2, good=5)
    assert PROFILE.check_quota(levels, policy(GOB, CEIL), SubjectKind.ORGANIZATION) == []
    assert PROFILE.check_quota(levels, policy(GOOD, CEIL), SubjectKind.ORGANIZATION) != []


def test_warn_enforcement_turns_the_excess_into_a_warning_to_justify():
    levels = scope(excellent=2, good=5)
    warn = policy(enforcement=Enforcement.WARN)
    (finding,) = PROFILE.check_quota(
        levels, warn, SubjectKind.ORGANIZATION, scope_label="Đảng bộ Sở"
    )
    assert finding.severity is Severity.WARNING
    assert "ghi rõ lý do" in finding.message
    assert finding.subject == "Đảng bộ Sở"
    assert finding.justification == ""  # the deciding body records it


def test_within_the_cap_there_is_nothing_to_say():
    assert PROFILE.check_quota(scope(excellent=1, good=5)) == []
    assert PROFILE.check_quota([]) == []


def test_check_quota_defaults_to_the_profile_policy():
    levels = scope(excellent=10, good=40)
    assert PROFILE.check_quota(levels) != []
    widened = PROFILE.with_params(quota_base="good_or_better")
    assert widened.check_quota(levels) == []


def test_organization_quota_can_be_switched_off():
    profile = PROFILE.with_params(organization_quota_enabled=False)
    levels = scope(excellent=2, good=5)
    assert profile.check_quota(levels, None, SubjectKind.ORGANIZATION) == []
    assert profile.check_quota(levels, None, SubjectKind.MEMBER) != []


def test_scope_names_where_the_quota_is_counted():
    levels = scope(excellent=2, good=5)
    by_peer_group = policy(scope=QuotaScope.PEER_GROUP)
    assert "nhóm có chức năng" in PROFILE.check_quota(levels, by_peer_group)[0].message
    assert "tổ chức cơ sở đảng" in PROFILE.check_quota(levels, policy())[0].message


@pytest.mark.parametrize("percent", [Decimal(-1), Decimal(101)])
def test_quota_policy_refuses_a_percent_outside_0_to_100(percent):
    with pytest.raises(ValueError, match="Tỷ lệ"):
        QuotaPolicy(percent=percent)


# --- properties ----------------------------------------------------------------------------------

levels = st.sampled_from(list(Level))
policies = st.builds(
    QuotaPolicy,
    percent=st.decimals(min_value=0, max_value=100, places=1),
    base=st.sampled_from(list(QuotaBase)),
    scope=st.sampled_from(list(QuotaScope)),
    rounding=st.sampled_from(list(Rounding)),
    enforcement=st.just(Enforcement.BLOCK),
)
profiles = st.sampled_from(all_profiles())


@given(profiles, policies, st.lists(levels, max_size=60))
def test_under_block_decisions_accepted_one_by_one_never_exceed_the_cap(profile, quota, proposals):
    decided: list[Level] = []
    for proposal in proposals:
        candidate = [*decided, proposal]
        if not errors_in(profile.check_quota(candidate, quota)):
            decided = candidate
    excellent = sum(1 for level in decided if level is E)
    assert excellent <= profile.quota_cap(decided, quota)


@given(profiles, policies, st.lists(levels, max_size=60))
def test_check_quota_errs_exactly_when_excellent_exceeds_the_cap(profile, quota, decided):
    excellent = sum(1 for level in decided if level is E)
    over = excellent > profile.quota_cap(decided, quota)
    assert bool(errors_in(profile.check_quota(decided, quota))) is over


@given(policies, st.lists(levels, max_size=40))
def test_a_good_decision_never_lowers_the_cap(quota, decided):
    assert PROFILE.quota_cap([*decided, G], quota) >= PROFILE.quota_cap(decided, quota)


# --- the verdict on a change (regulations/quota.py) ----------------------------------------------


def judge(before: list[Level], after: list[Level], **kwargs: Any) -> quota.QuotaVerdict:
    quota_policy = kwargs.pop("quota_policy", policy())
    return quota.judge(
        quota.QuotaCounts.of(before),
        quota.QuotaCounts.of(after),
        quota_policy,
        rule="qd132.quota.member.excellent",
        citation="Hướng dẫn 21-HD/BTCTW",
        noun="đảng viên",
        scope_label="QT.KCQDN.SGDDT",
        **kwargs,
    )


def test_counts_keep_only_what_the_quota_reads():
    assert quota.QuotaCounts.of(scope(2, 5, 3, 1)) == quota.QuotaCounts(excellent=2, good=5)
    assert quota.base_count(quota.QuotaCounts(2, 5), GOOD) == 5
    assert quota.base_count(quota.QuotaCounts(2, 5), GOB) == 7


def test_five_good_and_one_excellent_decided_at_once_fit_a_cap_of_one():
    verdict = judge([], scope(excellent=1, good=5))
    assert verdict == quota.QuotaVerdict()
    assert not verdict.refused


def test_a_change_that_grows_the_overflow_is_refused_under_block_with_rule_and_article():
    verdict = judge(scope(excellent=1, good=5), scope(excellent=2, good=5))
    (finding,) = verdict.findings
    assert verdict.refused
    assert (finding.rule, finding.citation, finding.severity) == (
        "qd132.quota.member.excellent",
        "Hướng dẫn 21-HD/BTCTW",
        Severity.ERROR,
    )
    assert "tối đa 1" in finding.message
    assert finding.subject == "QT.KCQDN.SGDDT"


def test_a_change_that_does_not_grow_an_existing_overflow_has_nothing_to_say():
    # Already over (a policy changed since): a good decision takes no place.
    assert judge(scope(excellent=3, good=5), scope(excellent=3, good=6)) == quota.QuotaVerdict()


def test_under_warn_the_excess_needs_a_justification_which_the_finding_then_carries():
    warn = policy(enforcement=Enforcement.WARN)
    missing = judge([], scope(excellent=2, good=5), quota_policy=warn)
    assert missing.refused
    assert missing.missing_justification
    assert missing.findings[0].severity is Severity.WARNING
    given_ = judge([], scope(excellent=2, good=5), quota_policy=warn, justification=" Đột xuất ")
    assert not given_.refused
    assert given_.findings[0].justification == "Đột xuất"


@given(policies, st.lists(levels, max_size=30), st.lists(levels, max_size=30))
def test_a_batch_is_refused_exactly_when_it_leaves_the_scope_over_a_cap_it_was_within(
    quota_policy, before, batch
):
    """The rule `checks.quota_verdicts` applies to a whole batch: judged on its final state."""
    after = [*before, *batch]
    within_before = before.count(E) <= quota.cap(quota.QuotaCounts.of(before), quota_policy)
    within_after = after.count(E) <= quota.cap(quota.QuotaCounts.of(after), quota_policy)
    verdict = judge(before, after, quota_policy=quota_policy)
    if within_before:
        assert verdict.refused is not within_after
