"""The rule profiles for evaluation and classification, and the registry that maps a year to one.

Where to find a rule (DOMAIN.md §2-5):

| years     | id      | regulations                                              | module     |
|-----------|---------|----------------------------------------------------------|------------|
| 2018-2022 | `qd132` | Quy định 132-QĐ/TW + Hướng dẫn 16-HD/BTCTW, 21-HD/BTCTW  | `qd132.py` |
| 2023-2024 | `qd124` | Quy định 124-QĐ/TW + Hướng dẫn 25-HD/BTCTW               | `qd124.py` |
| 2025 on   | `qd366` | Quy định 366-QĐ/TW + KL 198-KL/TW + Hướng dẫn 43-HD/BTCTW | `qd366.py` |

- Each module lists its rules as small functions `member_*` / `organization_*` (docstring: the
  rule and its article), collected in `MEMBER_RULES` / `ORGANIZATION_RULES` (qd366: the
  `*_SCORE_RULES` and `*_CONDITION_RULES` pairs), its parameters (`Qd132Params`...) and `PROFILE`.
- A rule id names its module: `qd132.member.excellent.civil_service_cap` is in `qd132.py`,
  condition `civil_service_cap`; the shared building block it calls is in `blocks.py`.
- `base.py` holds the `Profile` interface (entry points, decision checks, the not-classified
  cases, which every regulation shares; each profile cites its own guide and writes out its
  quota rule ids); `params.py` the parameter machinery (`info`, `ParamRow`, `with_params`, the
  `*_info` descriptions of parameters several regulations carry; each regulation declares its
  quota parameters with their source); `blocks.py` the rule blocks several regulations share
  (a block only one regulation uses is in its module); `quota.py` the quota on `excellent`
  (cap and verdict on counts before/after a change, one decision or a batch).
- The shared vocabulary (Level, Grade, MemberFacts, OrganizationFacts, QuotaPolicy, Period) is in
  `tongket/evaluation/domain.py`.

A cycle stores its profile id; a decision is always checked with the profile of its cycle
(`get_profile(cycle.profile_id)`), never with the one in force today.
"""

from __future__ import annotations

from tongket.core.errors import DomainError
from tongket.evaluation.regulations import qd124, qd132, qd366
from tongket.evaluation.regulations.base import Profile

_PROFILES: tuple[Profile, ...] = (qd132.PROFILE, qd124.PROFILE, qd366.PROFILE)


def all_profiles() -> list[Profile]:
    """Every profile, oldest first."""
    return list(_PROFILES)


def get_profile(profile_id: str) -> Profile:
    """The profile with this id; DomainError when there is none."""
    for profile in _PROFILES:
        if profile.id == profile_id:
            return profile
    known = ", ".join(profile.id for profile in _PROFILES)
    raise DomainError(
        f"Không có bộ quy tắc «{profile_id}» (có: {known}).",
        field="profile_id",
        rule="profile.unknown",
    )


def profile_for_year(year: int) -> Profile:
    """The profile that governs evaluations of `year`; DomainError before 2018."""
    for profile in _PROFILES:
        if profile.covers(year):
            return profile
    raise DomainError(
        f"Chưa có bộ quy tắc đánh giá, xếp loại cho năm {year}.",
        field="year",
        rule="profile.no_profile_for_year",
    )


__all__ = ["Profile", "all_profiles", "get_profile", "profile_for_year"]
