"""Pure rules for awards: the catalog of award forms and issuers, eligibility, no double reward.

DOMAIN.md §3 "Awards link" and §7. Award forms are data (`AWARD_FORMS`); each form names the
eligibility rules (`RULES`) a candidate must pass. Thresholds the regulations' text could not be
checked against are `Parameter`s with their source and `verified=False`. No Django here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Generic, TypeVar

from tongket.core.formatting import format_percent
from tongket.core.labelled import LabelledStrEnum
from tongket.core.rules import Finding, Severity, Verdict
from tongket.evaluation.domain import Level

T = TypeVar("T")

LAW_2022 = "Luật Thi đua, khen thưởng số 06/2022/QH15"
DECREE_98 = "Nghị định 98/2023/NĐ-CP"
NO_DOUBLE_REWARD_CITATION = f"Điều 5, khoản 2, điểm c, {LAW_2022}"
PARTY_LEVEL_CITATION = (
    "Kết quả xếp loại chất lượng hằng năm là căn cứ khen thưởng "
    "(Quy định 132-QĐ/TW; Quy định 124-QĐ/TW; Quy định 366-QĐ/TW)"
)
PARTY_DISCIPLINE_CITATION = (
    "Đảng viên, tổ chức đảng bị kỷ luật trong năm xếp loại không hoàn thành nhiệm vụ "
    "(Quy định 132-QĐ/TW; Quy định 124-QĐ/TW; Quy định 366-QĐ/TW)"
)


# --- vocabulary ---------------------------------------------------------------------------------


class Branch(LabelledStrEnum):
    PARTY = "party", "Khen thưởng của Đảng"
    GOVERNMENT = "government", "Khen thưởng của Nhà nước"  # thi đua, khen thưởng của Nhà nước


class IssuerLevel(LabelledStrEnum):
    """Who signs the award, from the lowest level up within each branch."""

    GRASSROOTS_PARTY_COMMITTEE = "grassroots_party_committee", "Đảng ủy cơ sở"
    BLOC_PARTY_COMMITTEE = (
        "bloc_party_committee",
        "Đảng ủy cấp trên trực tiếp của cơ sở (Đảng ủy Khối, Huyện ủy)",
    )
    PROVINCIAL_PARTY_COMMITTEE = "provincial_party_committee", "Ban Thường vụ Tỉnh ủy"
    CENTRAL_PARTY = "central_party", "Trung ương Đảng"
    AGENCY_HEAD = "agency_head", "Thủ trưởng cơ quan, đơn vị"
    PROVINCIAL_PEOPLES_COMMITTEE = "provincial_peoples_committee", "Chủ tịch Ủy ban nhân dân tỉnh"
    MINISTRY = "ministry", "Bộ trưởng, Thủ trưởng cơ quan ngang bộ"
    PRIME_MINISTER = "prime_minister", "Thủ tướng Chính phủ"
    PRESIDENT = "president", "Chủ tịch nước"

    @property
    def branch(self) -> Branch:
        return Branch.PARTY if self in _PARTY_ISSUERS else Branch.GOVERNMENT

    @property
    def rank(self) -> int:
        """Position within its branch, 0 for the lowest issuer."""
        order = _PARTY_ISSUERS if self.branch is Branch.PARTY else _GOVERNMENT_ISSUERS
        return order.index(self)


_PARTY_ISSUERS = (
    IssuerLevel.GRASSROOTS_PARTY_COMMITTEE,
    IssuerLevel.BLOC_PARTY_COMMITTEE,
    IssuerLevel.PROVINCIAL_PARTY_COMMITTEE,
    IssuerLevel.CENTRAL_PARTY,
)
_GOVERNMENT_ISSUERS = (
    IssuerLevel.AGENCY_HEAD,
    IssuerLevel.PROVINCIAL_PEOPLES_COMMITTEE,
    IssuerLevel.MINISTRY,
    IssuerLevel.PRIME_MINISTER,
    IssuerLevel.PRESIDENT,
)


class RecipientKind(LabelledStrEnum):
    INDIVIDUAL = "individual", "Cá nhân"
    COLLECTIVE = "collective", "Tập thể"


class AwardPeriod(LabelledStrEnum):
    YEARLY = "yearly", "Hằng năm"  # on the year's results
    MULTI_YEAR = "multi_year", "Nhiều năm liền"  # e.g. the Party's 5-year forms
    # e.g. for implementing a directive
    OCCASIONAL = "occasional", "Theo chuyên đề, đột xuất"


# --- the catalog --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardForm:
    """One award form: who issues it, to whom, how often, and the rules a candidate must pass.

    `years` is the length of the record the form rewards: 1 for yearly and occasional forms, the
    number of consecutive years for multi-year forms. `verified=False` marks a form whose issuer
    or conditions come from local practice rather than a text we could check.
    """

    code: str
    name: str
    issuer: IssuerLevel
    recipient: RecipientKind
    period: AwardPeriod
    rule_ids: tuple[str, ...]
    citation: str
    years: int = 1
    verified: bool = True
    # For a collective Party form, the kinds of organization it rewards (people.OrganizationKind
    # values: "cell", "grassroots"); empty: any collective.
    organization_kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.period is AwardPeriod.MULTI_YEAR and self.years < 2:
            raise ValueError(f"{self.code}: a multi-year form covers at least 2 years")
        if self.period is not AwardPeriod.MULTI_YEAR and self.years != 1:
            raise ValueError(f"{self.code}: only multi-year forms cover more than 1 year")
        unknown = [rule for rule in self.rule_ids if rule not in RULES]
        if unknown:
            raise ValueError(f"{self.code}: unknown eligibility rules {unknown}")

    @property
    def branch(self) -> Branch:
        return self.issuer.branch

    def row(self, order: int) -> dict[str, object]:
        """The `awards.AwardForm` row's fields for this form (migrations and the sync)."""
        return {
            "name": self.name,
            "branch": self.branch.value,
            "issuer_level": self.issuer.value,
            "recipient_kind": self.recipient.value,
            "period": self.period.value,
            "citation": self.citation,
            "verified": self.verified,
            "sort_order": order,
        }


@dataclass(frozen=True)
class Parameter(Generic[T]):
    """A configurable threshold with the text it comes from; `verified` False: not yet checked
    against the text (a note for administrators, never part of the citation users see)."""

    value: T
    source: str
    verified: bool = False

    @property
    def citation(self) -> str:
        return self.source


@dataclass(frozen=True)
class ShareThreshold:
    """A share of a collective's members: `strict` means more than `share`, else at least."""

    share: Decimal
    strict: bool

    def met(self, count: int, total: int) -> bool:
        if total <= 0:
            return False
        achieved = Decimal(count)
        needed = self.share * total
        return achieved > needed if self.strict else achieved >= needed

    @property
    def words(self) -> str:
        share = format_percent(self.share * 100)
        if self.strict:
            return f"trên {share}"
        return share if self.share == 1 else f"ít nhất {share}"


@dataclass(frozen=True)
class Candidate:
    """The facts eligibility needs about one candidate for one year.

    For an individual the levels are the member's; for a collective, the Party organization's
    (`party_level`) and the agency's or unit's (`civil_service_level`). The member counts are
    used by collective government forms only.
    """

    kind: RecipientKind
    year: int
    subject: str = ""  # card number or organization code, copied into findings
    party_level: Level | None = None
    party_levels_before: Mapping[int, Level] = field(default_factory=dict)
    # Each year's basis as the office reads it ("Quyết định số 15-QĐ/ĐU ngày 20/12/2022"),
    # quoted when a multi-year form lists its years.
    party_level_sources: Mapping[int, str] = field(default_factory=dict)
    # Years a collective rated excellent was chosen "tiêu biểu" (HTXSNV tiêu biểu) by the
    # competent committee, the candidate's year included; its kind ("cell", "grassroots").
    exemplary_years: frozenset[int] = frozenset()
    organization_kind: str = ""
    civil_service_level: Level | None = None
    civil_service_levels_before: Mapping[int, Level] = field(default_factory=dict)
    disciplined_in_year: bool = False
    initiatives_recognized: int = 0  # sáng kiến, đề tài được cấp có thẩm quyền công nhận
    outstanding_achievement: bool = False  # thành tích xuất sắc được bình xét trong phong trào
    member_count: int = 0
    members_completed: int = 0  # rated completed or better
    members_advanced_worker: int = 0  # holding "Lao động tiên tiến" for the year
    members_emulation_fighter: int = 0  # holding "Chiến sĩ thi đua cơ sở" for the year
    members_disciplined_warning_or_above: int = 0  # kỷ luật từ cảnh cáo trở lên

    def party_level_in(self, year: int) -> Level | None:
        return self.party_level if year == self.year else self.party_levels_before.get(year)

    def civil_service_level_in(self, year: int) -> Level | None:
        if year == self.year:
            return self.civil_service_level
        return self.civil_service_levels_before.get(year)


@dataclass(frozen=True)
class AwardParams:
    """The configurable thresholds of the government forms (DOMAIN.md §7 marks them [?])."""

    min_civil_service_level: Mapping[str, Parameter[Level]]
    advanced_worker_share: Mapping[str, Parameter[ShareThreshold]]
    members_completed_share: Parameter[Decimal]
    min_initiatives: Parameter[int]
    bang_khen_consecutive_excellent_years: Parameter[int]
    bang_khen_initiatives: Parameter[int]
    government_excludes_disciplined: Parameter[bool]


# Form codes, stable: they are stored with every award.
PARTY_GRASSROOTS_MEMBER_EXCELLENT = "party.grassroots.giay_khen.member_excellent"
PARTY_BLOC_MEMBER_EXEMPLARY = "party.bloc.giay_khen.member_exemplary"
PARTY_BLOC_ORGANIZATION_EXEMPLARY = "party.bloc.giay_khen.organization_exemplary"
PARTY_BLOC_COLLECTIVE_THEMATIC = "party.bloc.giay_khen.collective_thematic"
PARTY_BLOC_INDIVIDUAL_THEMATIC = "party.bloc.giay_khen.individual_thematic"
PARTY_BLOC_MEMBER_5_YEARS = "party.bloc.giay_khen.member_5_years"
PARTY_PROVINCE_INDIVIDUAL_THEMATIC = "party.province.bang_khen.individual_thematic"
PARTY_PROVINCE_ORGANIZATION_5_YEARS = "party.province.bang_khen.organization_5_years"
PARTY_PROVINCE_MEMBER_5_YEARS = "party.province.bang_khen.member_5_years"
PARTY_GRASSROOTS_CELL_EXEMPLARY = "party.grassroots.giay_khen.cell_exemplary"
PARTY_BLOC_CELL_5_YEARS = "party.bloc.giay_khen.cell_5_years"
PARTY_PROVINCE_CELL_5_YEARS = "party.province.bang_khen.cell_5_years"
PARTY_PROVINCE_ORGANIZATION_BANNER_5_YEARS = "party.province.co.organization_5_years"
GOV_ADVANCED_WORKER = "gov.lao_dong_tien_tien"
GOV_EMULATION_FIGHTER = "gov.chien_si_thi_dua_co_so"
GOV_ADVANCED_COLLECTIVE = "gov.tap_the_lao_dong_tien_tien"
GOV_EXCELLENT_COLLECTIVE = "gov.tap_the_lao_dong_xuat_sac"
GOV_AGENCY_GIAY_KHEN_INDIVIDUAL = "gov.agency_head.giay_khen.individual"
GOV_AGENCY_GIAY_KHEN_COLLECTIVE = "gov.agency_head.giay_khen.collective"
GOV_PROVINCE_BANG_KHEN_INDIVIDUAL = "gov.provincial_peoples_committee.bang_khen.individual"

# Rule ids.
RULE_RECIPIENT = "awards.recipient_kind"
RULE_PARTY_EXCELLENT = "awards.party.level_excellent"
RULE_PARTY_EXCELLENT_CONSECUTIVE = "awards.party.level_excellent_consecutive"
RULE_PARTY_NOT_DISCIPLINED = "awards.party.not_disciplined"
RULE_PARTY_EXEMPLARY = "awards.party.exemplary"
RULE_PARTY_EXEMPLARY_CONSECUTIVE = "awards.party.exemplary_consecutive"
RULE_ORGANIZATION_KIND = "awards.organization_kind"
HD06_CITATION = "Hướng dẫn 06-HD/TW ngày 09/6/2025, mục 19"
RULE_GOV_MIN_LEVEL = "awards.gov.civil_service_level"
RULE_GOV_NOT_DISCIPLINED = "awards.gov.not_disciplined"
RULE_GOV_INITIATIVE = "awards.gov.initiative"
RULE_GOV_MEMBERS_COMPLETED = "awards.gov.collective.members_completed"
RULE_GOV_ADVANCED_SHARE = "awards.gov.collective.advanced_worker_share"
RULE_GOV_HAS_FIGHTER = "awards.gov.collective.has_emulation_fighter"
RULE_GOV_NO_WARNING = "awards.gov.collective.no_warning_discipline"
RULE_GOV_BANG_KHEN_RECORD = "awards.gov.bang_khen_record"
RULE_NOT_REWARDED_TWICE = "awards.achievement.not_rewarded_twice"
RULE_SAME_FORM_ISSUER_YEAR = "awards.achievement.same_form_issuer_year"
RULE_SIMILAR_ACHIEVEMENT = "awards.achievement.similar_wording"

DEFAULT_AWARD_PARAMS = AwardParams(
    min_civil_service_level=MappingProxyType(
        {
            GOV_ADVANCED_WORKER: Parameter(
                Level.GOOD, f"Điều 24, khoản 1, điểm a, {LAW_2022}: hoàn thành tốt nhiệm vụ trở lên"
            ),
            GOV_EMULATION_FIGHTER: Parameter(
                Level.EXCELLENT, f"Điều 23, {LAW_2022}: hoàn thành xuất sắc nhiệm vụ"
            ),
            GOV_ADVANCED_COLLECTIVE: Parameter(
                Level.GOOD, f"Điều 28, {LAW_2022}: hoàn thành tốt nhiệm vụ và kế hoạch được giao"
            ),
            GOV_EXCELLENT_COLLECTIVE: Parameter(
                Level.EXCELLENT, f"Điều 27, {LAW_2022}: hoàn thành xuất sắc nhiệm vụ"
            ),
            GOV_AGENCY_GIAY_KHEN_INDIVIDUAL: Parameter(
                Level.GOOD, f"{LAW_2022}; {DECREE_98}: tiêu chuẩn Giấy khen"
            ),
            GOV_AGENCY_GIAY_KHEN_COLLECTIVE: Parameter(
                Level.GOOD, f"{LAW_2022}; {DECREE_98}: tiêu chuẩn Giấy khen"
            ),
        }
    ),
    advanced_worker_share=MappingProxyType(
        {
            GOV_ADVANCED_COLLECTIVE: Parameter(
                ShareThreshold(Decimal("0.5"), strict=True),
                f"Điều 28, {LAW_2022}: trên 50% cá nhân đạt danh hiệu Lao động tiên tiến",
            ),
            GOV_EXCELLENT_COLLECTIVE: Parameter(
                ShareThreshold(Decimal("0.7"), strict=False),
                f"Điều 27, {LAW_2022}: ít nhất 70% cá nhân đạt danh hiệu Lao động tiên tiến",
            ),
        }
    ),
    members_completed_share=Parameter(
        Decimal(1), f"Điều 27, {LAW_2022}: 100% cá nhân hoàn thành nhiệm vụ được giao"
    ),
    min_initiatives=Parameter(
        1, f"Điều 23, {LAW_2022}: có sáng kiến hoặc đề tài khoa học được công nhận"
    ),
    bang_khen_consecutive_excellent_years=Parameter(
        2, f"{LAW_2022}; {DECREE_98}: số năm liên tục hoàn thành xuất sắc nhiệm vụ"
    ),
    bang_khen_initiatives=Parameter(
        2, f"{LAW_2022}; {DECREE_98}: số sáng kiến được công nhận trong thời gian đó"
    ),
    government_excludes_disciplined=Parameter(
        True, f"{DECREE_98}: không xét khen thưởng cá nhân bị kỷ luật trong năm"
    ),
)


# --- eligibility rules --------------------------------------------------------------------------

EligibilityRule = Callable[[AwardForm, Candidate, AwardParams], list[Finding]]


def _finding(
    rule: str, citation: str, message: str, candidate: Candidate, *, passed: bool
) -> Finding:
    return Finding(
        rule=rule,
        citation=citation,
        message=message,
        severity=Severity.INFO if passed else Severity.ERROR,
        subject=candidate.subject,
    )


def _level_words(level: Level | None) -> str:
    return "chưa được xếp loại" if level is None else f"xếp loại «{level.label}»"


def rule_party_level_excellent(
    form: AwardForm, candidate: Candidate, params: AwardParams
) -> list[Finding]:
    """Only organizations and members rated `excellent` for the year may be considered for the
    Party's yearly commendations; `good` is not eligible (DOMAIN.md §3, "Awards link")."""
    level = candidate.party_level
    passed = level is Level.EXCELLENT
    if passed:
        message = f"Năm {candidate.year} được xếp loại «{Level.EXCELLENT.label}»."
    else:
        message = (
            f"Năm {candidate.year} {_level_words(level)}: chỉ tổ chức đảng, đảng viên xếp loại "
            f"«{Level.EXCELLENT.label}» mới được xét tặng {form.name}."
        )
    return [_finding(RULE_PARTY_EXCELLENT, PARTY_LEVEL_CITATION, message, candidate, passed=passed)]


def rule_party_level_excellent_consecutive(
    form: AwardForm, candidate: Candidate, params: AwardParams
) -> list[Finding]:
    """A multi-year Party form needs `excellent` in each of its years, ending with the candidate's
    year (e.g. "hoàn thành xuất sắc nhiệm vụ 5 năm liền", Hướng dẫn 06-HD/TW, §19). A year
    rated excellent counts whichever regulation it was decided under (132-QĐ/TW, 124-QĐ/TW,
    366-QĐ/TW; DOMAIN.md §7 [?]); the message lists each year with its basis."""
    first = candidate.year - form.years + 1
    missing = [
        f"{year} ({_level_words(candidate.party_level_in(year))})"
        for year in range(first, candidate.year + 1)
        if candidate.party_level_in(year) is not Level.EXCELLENT
    ]
    span = f"{form.years} năm liền {first}–{candidate.year}"
    if missing:
        message = (
            f"Cần xếp loại «{Level.EXCELLENT.label}» {span}; chưa đạt các năm: "
            + "; ".join(missing)
            + "."
        )
    else:
        years = [
            f"{year} ({source})"
            if (source := candidate.party_level_sources.get(year))
            else str(year)
            for year in range(first, candidate.year + 1)
        ]
        message = f"Xếp loại «{Level.EXCELLENT.label}» {span}: " + "; ".join(years) + "."
    return [
        _finding(
            RULE_PARTY_EXCELLENT_CONSECUTIVE,
            f"{form.citation}; {PARTY_LEVEL_CITATION}",
            message,
            candidate,
            passed=not missing,
        )
    ]


def _exemplary_words(years: Iterable[int]) -> str:
    return ", ".join(str(y) for y in sorted(years))


def rule_party_exemplary(
    form: AwardForm, candidate: Candidate, params: AwardParams
) -> list[Finding]:
    """A collective's yearly "hoàn thành xuất sắc nhiệm vụ tiêu biểu" form needs the competent
    committee's choice of it as exemplary among the collectives rated `excellent` that year
    (Hướng dẫn 06-HD/TW ngày 09/6/2025, mục 19; HTXSNV tiêu biểu replaces "trong sạch vững
    mạnh tiêu biểu")."""
    passed = candidate.party_level is Level.EXCELLENT and candidate.year in (
        candidate.exemplary_years
    )
    if passed:
        message = f"Năm {candidate.year} được cấp ủy chọn «hoàn thành xuất sắc nhiệm vụ tiêu biểu»."
    else:
        message = (
            f"Năm {candidate.year} chưa được cấp có thẩm quyền chọn «hoàn thành xuất sắc nhiệm vụ "
            f"tiêu biểu» ({_level_words(candidate.party_level)}): {form.name} chỉ xét tập thể "
            "tiêu biểu."
        )
    return [
        _finding(
            RULE_PARTY_EXEMPLARY,
            f"{HD06_CITATION}; {form.citation}",
            message,
            candidate,
            passed=passed,
        )
    ]


def rule_party_exemplary_consecutive(
    form: AwardForm, candidate: Candidate, params: AwardParams
) -> list[Finding]:
    """A collective's multi-year "tiêu biểu" form needs it chosen exemplary in each of the form's
    years, ending with the candidate's year (Hướng dẫn 06-HD/TW ngày 09/6/2025, mục 19: chi bộ,
    tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ tiêu biểu 5 năm liền)."""
    first = candidate.year - form.years + 1
    span = range(first, candidate.year + 1)
    missing = [year for year in span if year not in candidate.exemplary_years]
    if missing:
        message = (
            f"Cần được chọn «hoàn thành xuất sắc nhiệm vụ tiêu biểu» {form.years} năm liền "
            f"{first}–{candidate.year}; chưa được chọn các năm: {_exemplary_words(missing)}."
        )
    else:
        message = (
            f"Được chọn «hoàn thành xuất sắc nhiệm vụ tiêu biểu» {form.years} năm liền: "
            f"{_exemplary_words(span)}."
        )
    return [
        _finding(
            RULE_PARTY_EXEMPLARY_CONSECUTIVE,
            f"{HD06_CITATION}; {form.citation}",
            message,
            candidate,
            passed=not missing,
        )
    ]


def rule_party_not_disciplined(
    form: AwardForm, candidate: Candidate, params: AwardParams
) -> list[Finding]:
    """A Party organization or member disciplined in the year is rated `not_completed` for it, so
    it cannot be commended for that year."""
    if candidate.disciplined_in_year:
        message = f"Bị kỷ luật trong năm {candidate.year}: không xét khen thưởng của Đảng năm này."
    else:
        message = f"Không bị kỷ luật trong năm {candidate.year}."
    return [
        _finding(
            RULE_PARTY_NOT_DISCIPLINED,
            PARTY_DISCIPLINE_CITATION,
            message,
            candidate,
            passed=not candidate.disciplined_in_year,
        )
    ]


def rule_gov_civil_service_level(
    form: AwardForm, candidate: Candidate, params: AwardParams
) -> list[Finding]:
    """The civil-service rating of the year must reach the form's minimum (Lao động tiên tiến:
    `good` or better, Điều 24 Luật Thi đua, khen thưởng 2022; the others per their articles)."""
    minimum = params.min_civil_service_level.get(form.code)
    if minimum is None:
        raise ValueError(f"{form.code}: no minimum civil-service level configured")
    level = candidate.civil_service_level
    passed = level is not None and level.rank >= minimum.value.rank
    message = (
        f"Năm {candidate.year} {_level_words(level)}; {form.name} cần "
        f"«{minimum.value.label}» trở lên."
    )
    return [_finding(RULE_GOV_MIN_LEVEL, minimum.citation, message, candidate, passed=passed)]


def rule_gov_not_disciplined(
    form: AwardForm, candidate: Candidate, params: AwardParams
) -> list[Finding]:
    """A person disciplined in the year is not considered for the year's government awards."""
    parameter = params.government_excludes_disciplined
    passed = not (parameter.value and candidate.disciplined_in_year)
    if passed:
        message = f"Không bị kỷ luật trong năm {candidate.year}."
    else:
        message = f"Bị kỷ luật trong năm {candidate.year}: không xét tặng {form.name}."
    return [
        _finding(RULE_GOV_NOT_DISCIPLINED, parameter.citation, message, candidate, passed=passed)
    ]


def rule_gov_initiative(
    form: AwardForm, candidate: Candidate, params: AwardParams
) -> list[Finding]:
    """Chiến sĩ thi đua cơ sở needs an initiative or research work recognized by the competent
    level (Điều 23 Luật Thi đua, khen thưởng 2022)."""
    minimum = params.min_initiatives
    count = candidate.initiatives_recognized
    message = (
        f"Có {count} sáng kiến, đề tài được công nhận; {form.name} cần ít nhất {minimum.value}."
    )
    return [
        _finding(
            RULE_GOV_INITIATIVE,
            minimum.citation,
            message,
            candidate,
            passed=count >= minimum.value,
        )
    ]


def _members_message(count: int, total: int, what: str, needed: str) -> str:
    return f"{count}/{total} cá nhân {what}; cần {needed}."


def rule_gov_members_completed(
    form: AwardForm, candidate: Candidate, params: AwardParams
) -> list[Finding]:
    """Tập thể lao động xuất sắc: every member completed the year's tasks (Điều 27)."""
    parameter = params.members_completed_share
    threshold = ShareThreshold(parameter.value, strict=False)
    passed = threshold.met(candidate.members_completed, candidate.member_count)
    message = _members_message(
        candidate.members_completed,
        candidate.member_count,
        "hoàn thành nhiệm vụ trở lên",
        threshold.words,
    )
    return [
        _finding(RULE_GOV_MEMBERS_COMPLETED, parameter.citation, message, candidate, passed=passed)
    ]


def rule_gov_advanced_worker_share(
    form: AwardForm, candidate: Candidate, params: AwardParams
) -> list[Finding]:
    """A share of the collective's members must hold "Lao động tiên tiến": more than 50 % for
    Tập thể lao động tiên tiến (Điều 28), at least 70 % for Tập thể lao động xuất sắc (Điều 27)."""
    parameter = params.advanced_worker_share.get(form.code)
    if parameter is None:
        raise ValueError(f"{form.code}: no advanced-worker share configured")
    passed = parameter.value.met(candidate.members_advanced_worker, candidate.member_count)
    message = _members_message(
        candidate.members_advanced_worker,
        candidate.member_count,
        "đạt danh hiệu «Lao động tiên tiến»",
        parameter.value.words,
    )
    return [
        _finding(RULE_GOV_ADVANCED_SHARE, parameter.citation, message, candidate, passed=passed)
    ]


def rule_gov_has_emulation_fighter(
    form: AwardForm, candidate: Candidate, params: AwardParams
) -> list[Finding]:
    """Tập thể lao động xuất sắc has at least one member holding "Chiến sĩ thi đua cơ sở"."""
    count = candidate.members_emulation_fighter
    message = f"Có {count} cá nhân đạt danh hiệu «Chiến sĩ thi đua cơ sở»; cần ít nhất 1."
    return [
        _finding(
            RULE_GOV_HAS_FIGHTER,
            f"Điều 27, {LAW_2022}",
            message,
            candidate,
            passed=count >= 1,
        )
    ]


def rule_gov_no_warning_discipline(
    form: AwardForm, candidate: Candidate, params: AwardParams
) -> list[Finding]:
    """A collective with a member disciplined at "cảnh cáo" or above in the year cannot hold the
    collective emulation titles (Điều 27, Điều 28)."""
    count = candidate.members_disciplined_warning_or_above
    message = (
        f"Có {count} cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên trong năm; "
        f"{form.name} yêu cầu không có."
    )
    return [
        _finding(
            RULE_GOV_NO_WARNING,
            f"Điều 27, Điều 28, {LAW_2022}",
            message,
            candidate,
            passed=count == 0,
        )
    ]


def rule_gov_bang_khen_record(
    form: AwardForm, candidate: Candidate, params: AwardParams
) -> list[Finding]:
    """Bằng khen of the provincial People's Committee: an outstanding achievement recognized in
    an emulation movement, or N consecutive years `excellent` with M recognized initiatives."""
    years = params.bang_khen_consecutive_excellent_years
    initiatives = params.bang_khen_initiatives
    if candidate.outstanding_achievement:
        return [
            _finding(
                RULE_GOV_BANG_KHEN_RECORD,
                form.citation,
                "Có thành tích xuất sắc được bình xét trong phong trào thi đua.",
                candidate,
                passed=True,
            )
        ]
    first = candidate.year - years.value + 1
    streak_ok = all(
        candidate.civil_service_level_in(year) is Level.EXCELLENT
        for year in range(first, candidate.year + 1)
    )
    initiatives_ok = candidate.initiatives_recognized >= initiatives.value
    message = (
        f"Cần thành tích xuất sắc được bình xét trong phong trào thi đua, hoặc "
        f"{years.value} năm liên tục ({first}–{candidate.year}) «{Level.EXCELLENT.label}» "
        f"{'(đạt)' if streak_ok else '(chưa đạt)'} và ít nhất {initiatives.value} sáng kiến "
        f"được công nhận (có {candidate.initiatives_recognized})."
    )
    return [
        _finding(
            RULE_GOV_BANG_KHEN_RECORD,
            f"{years.citation}; {initiatives.citation}",
            message,
            candidate,
            passed=streak_ok and initiatives_ok,
        )
    ]


RULES: Mapping[str, EligibilityRule] = MappingProxyType(
    {
        RULE_PARTY_EXCELLENT: rule_party_level_excellent,
        RULE_PARTY_EXCELLENT_CONSECUTIVE: rule_party_level_excellent_consecutive,
        RULE_PARTY_NOT_DISCIPLINED: rule_party_not_disciplined,
        RULE_PARTY_EXEMPLARY: rule_party_exemplary,
        RULE_PARTY_EXEMPLARY_CONSECUTIVE: rule_party_exemplary_consecutive,
        RULE_GOV_MIN_LEVEL: rule_gov_civil_service_level,
        RULE_GOV_NOT_DISCIPLINED: rule_gov_not_disciplined,
        RULE_GOV_INITIATIVE: rule_gov_initiative,
        RULE_GOV_MEMBERS_COMPLETED: rule_gov_members_completed,
        RULE_GOV_ADVANCED_SHARE: rule_gov_advanced_worker_share,
        RULE_GOV_HAS_FIGHTER: rule_gov_has_emulation_fighter,
        RULE_GOV_NO_WARNING: rule_gov_no_warning_discipline,
        RULE_GOV_BANG_KHEN_RECORD: rule_gov_bang_khen_record,
    }
)

_PARTY_YEARLY = (RULE_PARTY_EXCELLENT, RULE_PARTY_NOT_DISCIPLINED)
_PARTY_FIVE_YEARS = (RULE_PARTY_EXCELLENT_CONSECUTIVE, RULE_PARTY_NOT_DISCIPLINED)
_PARTY_EXEMPLARY = (RULE_PARTY_EXCELLENT, RULE_PARTY_EXEMPLARY, RULE_PARTY_NOT_DISCIPLINED)
_PARTY_EXEMPLARY_FIVE_YEARS = (
    RULE_PARTY_EXCELLENT_CONSECUTIVE,
    RULE_PARTY_EXEMPLARY_CONSECUTIVE,
    RULE_PARTY_NOT_DISCIPLINED,
)
_CELL = ("cell",)
_GRASSROOTS = ("grassroots",)
_ORGANIZATION_KIND_LABELS: Mapping[str, str] = MappingProxyType(
    {"cell": "chi bộ", "grassroots": "tổ chức cơ sở đảng"}
)
_PARTY_LOCAL_RULES = (
    "Quy định về khen thưởng tổ chức đảng, đảng viên của cấp ủy trực thuộc Trung ương"
)


_CATALOG = (
    AwardForm(
        code=PARTY_GRASSROOTS_MEMBER_EXCELLENT,
        name="Giấy khen của Đảng ủy cơ sở tặng đảng viên hoàn thành xuất sắc nhiệm vụ",
        issuer=IssuerLevel.GRASSROOTS_PARTY_COMMITTEE,
        recipient=RecipientKind.INDIVIDUAL,
        period=AwardPeriod.YEARLY,
        rule_ids=_PARTY_YEARLY,
        citation=PARTY_LEVEL_CITATION,
    ),
    AwardForm(
        code=PARTY_BLOC_MEMBER_EXEMPLARY,
        name=(
            "Giấy khen của Đảng ủy cấp trên cơ sở tặng đảng viên hoàn thành xuất sắc "
            "nhiệm vụ tiêu biểu"
        ),
        issuer=IssuerLevel.BLOC_PARTY_COMMITTEE,
        recipient=RecipientKind.INDIVIDUAL,
        period=AwardPeriod.YEARLY,
        rule_ids=_PARTY_YEARLY,
        citation=PARTY_LEVEL_CITATION,
    ),
    AwardForm(
        code=PARTY_BLOC_ORGANIZATION_EXEMPLARY,
        name=(
            "Giấy khen của Đảng ủy cấp trên cơ sở tặng tổ chức cơ sở đảng hoàn thành "
            "xuất sắc nhiệm vụ tiêu biểu"
        ),
        issuer=IssuerLevel.BLOC_PARTY_COMMITTEE,
        recipient=RecipientKind.COLLECTIVE,
        period=AwardPeriod.YEARLY,
        rule_ids=_PARTY_EXEMPLARY,
        citation=HD06_CITATION,
        organization_kinds=_GRASSROOTS,
        verified=False,  # amount [?] (DOMAIN.md §7)
    ),
    AwardForm(
        code=PARTY_GRASSROOTS_CELL_EXEMPLARY,
        name=("Giấy khen của Đảng ủy cơ sở tặng chi bộ hoàn thành xuất sắc nhiệm vụ tiêu biểu"),
        issuer=IssuerLevel.GRASSROOTS_PARTY_COMMITTEE,
        recipient=RecipientKind.COLLECTIVE,
        period=AwardPeriod.YEARLY,
        rule_ids=_PARTY_EXEMPLARY,
        citation=HD06_CITATION,
        organization_kinds=_CELL,
    ),
    AwardForm(
        code=PARTY_BLOC_COLLECTIVE_THEMATIC,
        name="Giấy khen của Đảng ủy cấp trên cơ sở tặng tập thể (chuyên đề, đột xuất)",
        issuer=IssuerLevel.BLOC_PARTY_COMMITTEE,
        recipient=RecipientKind.COLLECTIVE,
        period=AwardPeriod.OCCASIONAL,
        rule_ids=(RULE_PARTY_NOT_DISCIPLINED,),
        citation=_PARTY_LOCAL_RULES,
        verified=False,
    ),
    AwardForm(
        code=PARTY_BLOC_INDIVIDUAL_THEMATIC,
        name="Giấy khen của Đảng ủy cấp trên cơ sở tặng cá nhân (chuyên đề, đột xuất)",
        issuer=IssuerLevel.BLOC_PARTY_COMMITTEE,
        recipient=RecipientKind.INDIVIDUAL,
        period=AwardPeriod.OCCASIONAL,
        rule_ids=(RULE_PARTY_NOT_DISCIPLINED,),
        citation=_PARTY_LOCAL_RULES,
        verified=False,
    ),
    AwardForm(
        code=PARTY_BLOC_MEMBER_5_YEARS,
        name=(
            "Giấy khen của Đảng ủy cấp trên cơ sở tặng đảng viên hoàn thành xuất sắc "
            "nhiệm vụ 5 năm liền"
        ),
        issuer=IssuerLevel.BLOC_PARTY_COMMITTEE,
        recipient=RecipientKind.INDIVIDUAL,
        period=AwardPeriod.MULTI_YEAR,
        years=5,
        rule_ids=_PARTY_FIVE_YEARS,
        citation=HD06_CITATION,
        verified=False,  # counting across 132/124/366 and the amount are [?] (DOMAIN.md §7)
    ),
    AwardForm(
        code=PARTY_PROVINCE_MEMBER_5_YEARS,
        name=(
            "Bằng khen của Ban Thường vụ Tỉnh ủy tặng đảng viên hoàn thành xuất sắc "
            "nhiệm vụ 5 năm liền"
        ),
        issuer=IssuerLevel.PROVINCIAL_PARTY_COMMITTEE,
        recipient=RecipientKind.INDIVIDUAL,
        period=AwardPeriod.MULTI_YEAR,
        years=5,
        rule_ids=_PARTY_FIVE_YEARS,
        citation=HD06_CITATION,
        verified=False,
    ),
    AwardForm(
        code=PARTY_BLOC_CELL_5_YEARS,
        name=(
            "Giấy khen của Đảng ủy cấp trên cơ sở tặng chi bộ hoàn thành xuất sắc "
            "nhiệm vụ tiêu biểu 5 năm liền"
        ),
        issuer=IssuerLevel.BLOC_PARTY_COMMITTEE,
        recipient=RecipientKind.COLLECTIVE,
        period=AwardPeriod.MULTI_YEAR,
        years=5,
        rule_ids=_PARTY_EXEMPLARY_FIVE_YEARS,
        citation=HD06_CITATION,
        organization_kinds=_CELL,
        verified=False,
    ),
    AwardForm(
        code=PARTY_PROVINCE_CELL_5_YEARS,
        name=(
            "Bằng khen của Ban Thường vụ Tỉnh ủy tặng chi bộ hoàn thành xuất sắc "
            "nhiệm vụ tiêu biểu 5 năm liền"
        ),
        issuer=IssuerLevel.PROVINCIAL_PARTY_COMMITTEE,
        recipient=RecipientKind.COLLECTIVE,
        period=AwardPeriod.MULTI_YEAR,
        years=5,
        rule_ids=_PARTY_EXEMPLARY_FIVE_YEARS,
        citation=HD06_CITATION,
        organization_kinds=_CELL,
        verified=False,
    ),
    AwardForm(
        code=PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
        name="Bằng khen của Ban Thường vụ Tỉnh ủy tặng cá nhân (chuyên đề, đột xuất)",
        issuer=IssuerLevel.PROVINCIAL_PARTY_COMMITTEE,
        recipient=RecipientKind.INDIVIDUAL,
        period=AwardPeriod.OCCASIONAL,
        rule_ids=(RULE_PARTY_NOT_DISCIPLINED,),
        citation=_PARTY_LOCAL_RULES,
        verified=False,
    ),
    AwardForm(
        code=PARTY_PROVINCE_ORGANIZATION_5_YEARS,
        name=(
            "Bằng khen của Ban Thường vụ Tỉnh ủy tặng tổ chức cơ sở đảng hoàn thành "
            "xuất sắc nhiệm vụ tiêu biểu 5 năm liền"
        ),
        issuer=IssuerLevel.PROVINCIAL_PARTY_COMMITTEE,
        recipient=RecipientKind.COLLECTIVE,
        period=AwardPeriod.MULTI_YEAR,
        years=5,
        rule_ids=_PARTY_EXEMPLARY_FIVE_YEARS,
        citation=HD06_CITATION,
        organization_kinds=_GRASSROOTS,
        verified=False,
    ),
    AwardForm(
        code=PARTY_PROVINCE_ORGANIZATION_BANNER_5_YEARS,
        name=(
            "Cờ của Ban Thường vụ Tỉnh ủy tặng tổ chức cơ sở đảng hoàn thành xuất sắc "
            "nhiệm vụ tiêu biểu 5 năm liền"
        ),
        issuer=IssuerLevel.PROVINCIAL_PARTY_COMMITTEE,
        recipient=RecipientKind.COLLECTIVE,
        period=AwardPeriod.MULTI_YEAR,
        years=5,
        rule_ids=_PARTY_EXEMPLARY_FIVE_YEARS,
        citation=HD06_CITATION,
        organization_kinds=_GRASSROOTS,
        verified=False,
    ),
    AwardForm(
        code=GOV_ADVANCED_WORKER,
        name="Danh hiệu «Lao động tiên tiến»",
        issuer=IssuerLevel.AGENCY_HEAD,
        recipient=RecipientKind.INDIVIDUAL,
        period=AwardPeriod.YEARLY,
        rule_ids=(RULE_GOV_MIN_LEVEL, RULE_GOV_NOT_DISCIPLINED),
        citation=f"Điều 24, {LAW_2022}",
    ),
    AwardForm(
        code=GOV_EMULATION_FIGHTER,
        name="Danh hiệu «Chiến sĩ thi đua cơ sở»",
        issuer=IssuerLevel.AGENCY_HEAD,
        recipient=RecipientKind.INDIVIDUAL,
        period=AwardPeriod.YEARLY,
        rule_ids=(RULE_GOV_MIN_LEVEL, RULE_GOV_INITIATIVE, RULE_GOV_NOT_DISCIPLINED),
        citation=f"Điều 23, {LAW_2022}",
        verified=False,
    ),
    AwardForm(
        code=GOV_ADVANCED_COLLECTIVE,
        name="Danh hiệu «Tập thể lao động tiên tiến»",
        issuer=IssuerLevel.AGENCY_HEAD,
        recipient=RecipientKind.COLLECTIVE,
        period=AwardPeriod.YEARLY,
        rule_ids=(RULE_GOV_MIN_LEVEL, RULE_GOV_ADVANCED_SHARE, RULE_GOV_NO_WARNING),
        citation=f"Điều 28, {LAW_2022}",
        verified=False,
    ),
    AwardForm(
        code=GOV_EXCELLENT_COLLECTIVE,
        name="Danh hiệu «Tập thể lao động xuất sắc»",
        issuer=IssuerLevel.PROVINCIAL_PEOPLES_COMMITTEE,
        recipient=RecipientKind.COLLECTIVE,
        period=AwardPeriod.YEARLY,
        rule_ids=(
            RULE_GOV_MIN_LEVEL,
            RULE_GOV_MEMBERS_COMPLETED,
            RULE_GOV_ADVANCED_SHARE,
            RULE_GOV_HAS_FIGHTER,
            RULE_GOV_NO_WARNING,
        ),
        citation=f"Điều 27, {LAW_2022}",
        verified=False,
    ),
    AwardForm(
        code=GOV_AGENCY_GIAY_KHEN_INDIVIDUAL,
        name="Giấy khen của Thủ trưởng cơ quan, đơn vị tặng cá nhân",
        issuer=IssuerLevel.AGENCY_HEAD,
        recipient=RecipientKind.INDIVIDUAL,
        period=AwardPeriod.YEARLY,
        rule_ids=(RULE_GOV_MIN_LEVEL, RULE_GOV_NOT_DISCIPLINED),
        citation=f"{LAW_2022}; {DECREE_98}",
        verified=False,
    ),
    AwardForm(
        code=GOV_AGENCY_GIAY_KHEN_COLLECTIVE,
        name="Giấy khen của Thủ trưởng cơ quan, đơn vị tặng tập thể",
        issuer=IssuerLevel.AGENCY_HEAD,
        recipient=RecipientKind.COLLECTIVE,
        period=AwardPeriod.YEARLY,
        rule_ids=(RULE_GOV_MIN_LEVEL, RULE_GOV_NO_WARNING),
        citation=f"{LAW_2022}; {DECREE_98}",
        verified=False,
    ),
    AwardForm(
        code=GOV_PROVINCE_BANG_KHEN_INDIVIDUAL,
        name="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh tặng cá nhân",
        issuer=IssuerLevel.PROVINCIAL_PEOPLES_COMMITTEE,
        recipient=RecipientKind.INDIVIDUAL,
        period=AwardPeriod.OCCASIONAL,
        rule_ids=(RULE_GOV_BANG_KHEN_RECORD, RULE_GOV_NOT_DISCIPLINED),
        citation=f"{LAW_2022}; {DECREE_98}",
        verified=False,
    ),
)
AWARD_FORMS: Mapping[str, AwardForm] = MappingProxyType({form.code: form for form in _CATALOG})


def check_eligibility(
    form: AwardForm, candidate: Candidate, params: AwardParams = DEFAULT_AWARD_PARAMS
) -> Verdict[bool]:
    """Whether `candidate` may be proposed for `form`: it must be the form's kind of recipient and
    pass every rule the form names. Every rule reports, passed (info) or failed (error), so the
    screen can show the whole checklist."""
    if candidate.kind is not form.recipient:
        refused = Finding(
            rule=RULE_RECIPIENT,
            citation=form.citation,
            message=(
                f"{form.name} dành cho {form.recipient.label.lower()}, "
                f"không xét tặng cho {candidate.kind.label.lower()}."
            ),
            subject=candidate.subject,
        )
        return Verdict(False, (refused,))
    if form.organization_kinds and candidate.organization_kind not in form.organization_kinds:
        wanted = ", ".join(_ORGANIZATION_KIND_LABELS.get(k, k) for k in form.organization_kinds)
        refused = Finding(
            rule=RULE_ORGANIZATION_KIND,
            citation=form.citation,
            message=f"{form.name} dành cho {wanted}, không xét tặng tổ chức loại này.",
            subject=candidate.subject,
        )
        return Verdict(False, (refused,))
    findings = tuple(
        finding for rule_id in form.rule_ids for finding in RULES[rule_id](form, candidate, params)
    )
    return Verdict(not any(f.severity is Severity.ERROR for f in findings), findings)


# --- one achievement, one award -----------------------------------------------------------------

_WORD = re.compile(r"\w+")


def normalize_text(text: str) -> str:
    """The comparison form of a free text: Unicode-composed (NFKC), case-folded, words only,
    single-spaced. Diacritics are kept: in Vietnamese they tell different words apart."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(_WORD.findall(folded))


@dataclass(frozen=True)
class Achievement:
    """What is rewarded: a recipient (card number or organization code), a year and the
    achievement as written in the decision."""

    recipient: str
    year: int
    description: str

    @property
    def key(self) -> Achievement:
        """The achievement in comparison form (recipient and wording through `normalize_text`):
        two achievements are one when their keys are equal."""
        return Achievement(
            normalize_text(self.recipient), self.year, normalize_text(self.description)
        )


@dataclass(frozen=True)
class RecordedAward:
    """An award already decided: its form, the achievement it rewards and the decision."""

    form_code: str
    achievement: Achievement
    decision: str = ""  # e.g. "Quyết định số 125-QĐ/ĐU ngày 24/02/2021"
    issuer: str = ""  # the issuing organization's code


def check_not_rewarded_twice(
    achievement: Achievement, existing_awards: Iterable[RecordedAward]
) -> list[Finding]:
    """One achievement is never rewarded twice, nor in two forms (Điều 5, khoản 2, điểm c, Luật
    Thi đua, khen thưởng 2022). Achievements match on recipient, year and description, ignoring
    case, spacing, punctuation and Unicode composition. The caller leaves out the award being
    edited itself."""
    key = achievement.key
    findings = []
    for award in existing_awards:
        if award.achievement.key != key:
            continue
        form = AWARD_FORMS.get(award.form_code)
        form_name = form.name if form is not None else award.form_code
        decision = f" ({award.decision})" if award.decision else ""
        findings.append(
            Finding(
                rule=RULE_NOT_REWARDED_TWICE,
                citation=NO_DOUBLE_REWARD_CITATION,
                message=(
                    f"Thành tích «{achievement.description.strip()}» năm {achievement.year} "
                    f"đã được khen thưởng bằng {form_name}{decision}: "
                    "không khen thưởng nhiều lần, nhiều hình thức cho một thành tích."
                ),
                subject=achievement.recipient,
            )
        )
    return findings


# Words that carry no achievement of their own: a reworded sentence keeps the rest.
_FILLER_WORDS = frozenset(
    {"có", "đã", "được", "và", "các", "của", "trong", "về", "cho", "với", "năm", "đạt"}
    | {"thành", "tích", "công", "tác", "xuất", "sắc", "hoàn", "nhiệm", "vụ"}
)
SIMILAR_WORDING_SHARE = Decimal("0.6")


def _content_words(description: str) -> frozenset[str]:
    words = re.findall(r"\w+", normalize_text(description))
    return frozenset(w for w in words if w not in _FILLER_WORDS and not w.isdigit())


def wording_overlap(a: str, b: str) -> Decimal:
    """Share of the shorter achievement's content words found in the other (0 to 1): filler words
    ("có thành tích", "năm", "xuất sắc"...) and numbers left out, case, accents' composition and
    punctuation ignored."""
    left, right = _content_words(a), _content_words(b)
    shorter = min(len(left), len(right))
    if shorter == 0:
        return Decimal(0)
    return Decimal(len(left & right)) / Decimal(shorter)


def check_similar_awards(
    achievement: Achievement,
    form_code: str,
    issuer: str,
    existing_awards: Iterable[RecordedAward],
) -> list[Finding]:
    """Warnings that a new award may reward again what an award of the same year already did
    (Điều 5, khoản 2, điểm c, Luật Thi đua, khen thưởng 2022): the same recipient, year, form and
    issuer (rule awards.achievement.same_form_issuer_year), or an achievement worded much like one
    already rewarded (rule awards.achievement.similar_wording: at least 60 % of the shorter
    wording's content words shared). Each is a warning: the award is recorded only with a written
    justification. Exact repeats are `check_not_rewarded_twice`'s, refused outright."""
    key = achievement.key
    findings: list[Finding] = []
    for award in existing_awards:
        other = award.achievement
        if (
            normalize_text(other.recipient) != key.recipient
            or other.year != achievement.year
            or other.key == key
        ):
            continue
        form = AWARD_FORMS.get(award.form_code)
        form_name = form.name if form is not None else award.form_code
        decision = f" ({award.decision})" if award.decision else ""
        if award.form_code == form_code and issuer and award.issuer == issuer:
            findings.append(
                Finding(
                    rule=RULE_SAME_FORM_ISSUER_YEAR,
                    citation=NO_DOUBLE_REWARD_CITATION,
                    severity=Severity.WARNING,
                    message=(
                        f"Năm {achievement.year} đã có {form_name} của cùng cơ quan khen thưởng "
                        f"cho đối tượng này{decision}, về thành tích "
                        f"«{other.description.strip()}»: cần ghi lý do vì sao đây là một "
                        "thành tích khác."
                    ),
                    subject=achievement.recipient,
                )
            )
        elif wording_overlap(achievement.description, other.description) >= (SIMILAR_WORDING_SHARE):
            findings.append(
                Finding(
                    rule=RULE_SIMILAR_ACHIEVEMENT,
                    citation=NO_DOUBLE_REWARD_CITATION,
                    severity=Severity.WARNING,
                    message=(
                        f"Thành tích gần giống thành tích đã được khen bằng {form_name}{decision} "
                        f"năm {achievement.year}: «{other.description.strip()}». Cần ghi lý do "
                        "nếu đây là một thành tích khác."
                    ),
                    subject=achievement.recipient,
                )
            )
    return findings


# --- who signs an award -------------------------------------------------------------------------

RULE_SIGNER_NOT_OWN_AWARD = "awards.signer.not_own_award"
SIGNER_NOT_OWN_AWARD_CITATION = (
    "Nguyên tắc công khai, khách quan trong khen thưởng (Luật Thi đua, khen thưởng số "
    "06/2022/QH15): người có tên trong danh sách được khen không ký văn bản khen chính mình, "
    "Phó Bí thư ký thay mặt cấp ủy (thực tiễn văn phòng cấp ủy, chưa đối chiếu văn bản) [?]"
)


@dataclass(frozen=True)
class CommitteeSigner:
    """A person who may sign for a committee: the title as printed, the name, the card number."""

    title: str  # "Bí thư", "Phó Bí thư"
    name: str
    card_number: str = ""


def award_signer(
    recorded: CommitteeSigner,
    deputies: Iterable[CommitteeSigner],
    recipients: Iterable[str],
) -> tuple[CommitteeSigner, Finding | None]:
    """The signer of an award decision or certificate: the one the decision records, unless he
    or she is among the recipients (`recipients`: card numbers and names), then the first
    deputy who is not (rule `awards.signer.not_own_award`). With no such deputy the recorded
    signer stays and the finding says why the office must choose another.

    >>> secretary = CommitteeSigner("Bí thư", "Lê Văn Tính", "01")
    >>> deputy = CommitteeSigner("Phó Bí thư", "Võ Văn Minh", "02")
    >>> award_signer(secretary, [deputy], ["01"])[0].name
    'Võ Văn Minh'
    """
    listed = {normalize_text(r) for r in recipients if r.strip()}

    def own(signer: CommitteeSigner) -> bool:
        keys = {normalize_text(signer.card_number), normalize_text(signer.name)} - {""}
        return bool(keys & listed)

    if not own(recorded):
        return recorded, None
    for deputy in deputies:
        if not own(deputy):
            return deputy, Finding(
                rule=RULE_SIGNER_NOT_OWN_AWARD,
                citation=SIGNER_NOT_OWN_AWARD_CITATION,
                message=(
                    f"Đồng chí {recorded.name} có tên trong danh sách được khen: đồng chí "
                    f"{deputy.name}, {deputy.title}, ký thay mặt cấp ủy."
                ),
                severity=Severity.INFO,
            )
    return recorded, Finding(
        rule=RULE_SIGNER_NOT_OWN_AWARD,
        citation=SIGNER_NOT_OWN_AWARD_CITATION,
        message=(
            f"Đồng chí {recorded.name} có tên trong danh sách được khen và chưa có Phó Bí thư "
            "khác ngoài danh sách: quyết định của tập thể cấp ủy vẫn do đồng chí ký thay mặt."
        ),
        severity=Severity.WARNING,
    )
