"""Award forms, eligibility and the one-achievement-one-award rule, without a database."""

from __future__ import annotations

import dataclasses
import unicodedata
from decimal import Decimal
from typing import Any, Literal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tongket.awards import domain as d
from tongket.awards.domain import (
    AWARD_FORMS,
    DEFAULT_AWARD_PARAMS,
    Achievement,
    AwardForm,
    AwardPeriod,
    Branch,
    Candidate,
    IssuerLevel,
    Parameter,
    RecipientKind,
    RecordedAward,
    ShareThreshold,
    check_eligibility,
    check_not_rewarded_twice,
)
from tongket.core.rules import Severity, Verdict
from tongket.evaluation.domain import Level

INDIVIDUAL = RecipientKind.INDIVIDUAL
COLLECTIVE = RecipientKind.COLLECTIVE


def member(level: Level | None, **facts: Any) -> Candidate:
    return Candidate(kind=INDIVIDUAL, year=2020, subject="93.012345", party_level=level, **facts)


def civil_servant(level: Level | None, **facts: Any) -> Candidate:
    return Candidate(kind=INDIVIDUAL, year=2024, subject="CB01", civil_service_level=level, **facts)


def collective(level: Level | None, **facts: Any) -> Candidate:
    return Candidate(
        kind=COLLECTIVE, year=2024, subject="PHONG", civil_service_level=level, **facts
    )


def rules_failed(verdict: Verdict[bool]) -> set[str]:
    return {f.rule for f in verdict.errors}


# --- catalog ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "issuer", "recipient", "period"),
    [
        (
            d.PARTY_GRASSROOTS_MEMBER_EXCELLENT,
            IssuerLevel.GRASSROOTS_PARTY_COMMITTEE,
            INDIVIDUAL,
            AwardPeriod.YEARLY,
        ),
        (
            d.PARTY_BLOC_MEMBER_EXEMPLARY,
            IssuerLevel.BLOC_PARTY_COMMITTEE,
            INDIVIDUAL,
            AwardPeriod.YEARLY,
        ),
        (
            d.PARTY_BLOC_ORGANIZATION_EXEMPLARY,
            IssuerLevel.BLOC_PARTY_COMMITTEE,
            COLLECTIVE,
            AwardPeriod.YEARLY,
        ),
        (
            d.PARTY_BLOC_COLLECTIVE_THEMATIC,
            IssuerLevel.BLOC_PARTY_COMMITTEE,
            COLLECTIVE,
            AwardPeriod.OCCASIONAL,
        ),
        (
            d.PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
            IssuerLevel.PROVINCIAL_PARTY_COMMITTEE,
            INDIVIDUAL,
            AwardPeriod.OCCASIONAL,
        ),
        (
            d.PARTY_BLOC_MEMBER_5_YEARS,
            IssuerLevel.BLOC_PARTY_COMMITTEE,
            INDIVIDUAL,
            AwardPeriod.MULTI_YEAR,
        ),
        (
            d.PARTY_PROVINCE_ORGANIZATION_5_YEARS,
            IssuerLevel.PROVINCIAL_PARTY_COMMITTEE,
            COLLECTIVE,
            AwardPeriod.MULTI_YEAR,
        ),
        (d.GOV_ADVANCED_WORKER, IssuerLevel.AGENCY_HEAD, INDIVIDUAL, AwardPeriod.YEARLY),
        (d.GOV_EMULATION_FIGHTER, IssuerLevel.AGENCY_HEAD, INDIVIDUAL, AwardPeriod.YEARLY),
        (d.GOV_ADVANCED_COLLECTIVE, IssuerLevel.AGENCY_HEAD, COLLECTIVE, AwardPeriod.YEARLY),
        (
            d.GOV_EXCELLENT_COLLECTIVE,
            IssuerLevel.PROVINCIAL_PEOPLES_COMMITTEE,
            COLLECTIVE,
            AwardPeriod.YEARLY,
        ),
        (
            d.GOV_AGENCY_GIAY_KHEN_INDIVIDUAL,
            IssuerLevel.AGENCY_HEAD,
            INDIVIDUAL,
            AwardPeriod.YEARLY,
        ),
        (
            d.GOV_PROVINCE_BANG_KHEN_INDIVIDUAL,
            IssuerLevel.PROVINCIAL_PEOPLES_COMMITTEE,
            INDIVIDUAL,
            AwardPeriod.OCCASIONAL,
        ),
    ],
)
def test_catalog_holds_the_forms_seen_in_the_seed_and_the_law(code, issuer, recipient, period):
    form = AWARD_FORMS[code]
    assert (form.issuer, form.recipient, form.period) == (issuer, recipient, period)
    assert form.name
    assert form.citation


def test_every_form_is_keyed_by_its_code_and_names_known_rules():
    for code, form in AWARD_FORMS.items():
        assert form.code == code
        assert form.rule_ids
        assert all(rule in d.RULES for rule in form.rule_ids)


def test_a_form_belongs_to_the_branch_of_its_issuer():
    for form in AWARD_FORMS.values():
        expected = Branch.PARTY if form.code.startswith("party.") else Branch.GOVERNMENT
        assert form.branch is expected


def test_five_year_party_forms_cover_five_years_and_yearly_forms_one():
    assert AWARD_FORMS[d.PARTY_BLOC_MEMBER_5_YEARS].years == 5
    assert AWARD_FORMS[d.PARTY_PROVINCE_ORGANIZATION_5_YEARS].years == 5
    assert AWARD_FORMS[d.GOV_ADVANCED_WORKER].years == 1


def test_issuers_rank_from_the_lowest_level_up_within_their_branch():
    assert IssuerLevel.GRASSROOTS_PARTY_COMMITTEE.rank < IssuerLevel.BLOC_PARTY_COMMITTEE.rank
    assert IssuerLevel.BLOC_PARTY_COMMITTEE.rank < IssuerLevel.PROVINCIAL_PARTY_COMMITTEE.rank
    assert IssuerLevel.PROVINCIAL_PARTY_COMMITTEE.rank < IssuerLevel.CENTRAL_PARTY.rank
    assert IssuerLevel.AGENCY_HEAD.rank < IssuerLevel.PROVINCIAL_PEOPLES_COMMITTEE.rank
    assert IssuerLevel.MINISTRY.rank < IssuerLevel.PRIME_MINISTER.rank
    assert IssuerLevel.AGENCY_HEAD.branch is Branch.GOVERNMENT
    assert IssuerLevel.CENTRAL_PARTY.branch is Branch.PARTY


@pytest.mark.parametrize(
    ("period", "years"),
    [(AwardPeriod.MULTI_YEAR, 1), (AwardPeriod.YEARLY, 5), (AwardPeriod.OCCASIONAL, 2)],
)
def test_a_form_whose_years_do_not_match_its_period_is_refused(period, years):
    with pytest.raises(ValueError, match="year"):
        AwardForm(
            code="x",
            name="x",
            issuer=IssuerLevel.AGENCY_HEAD,
            recipient=INDIVIDUAL,
            period=period,
            rule_ids=(),
            citation="x",
            years=years,
        )


def test_a_form_naming_an_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        AwardForm(
            code="x",
            name="x",
            issuer=IssuerLevel.AGENCY_HEAD,
            recipient=INDIVIDUAL,
            period=AwardPeriod.YEARLY,
            rule_ids=("no.such.rule",),
            citation="x",
        )


def test_labels_are_vietnamese():
    assert Level.EXCELLENT.label == "Hoàn thành xuất sắc nhiệm vụ"
    assert IssuerLevel.PROVINCIAL_PEOPLES_COMMITTEE.label == "Chủ tịch Ủy ban nhân dân tỉnh"
    assert RecipientKind.COLLECTIVE.label == "Tập thể"
    assert AwardPeriod.MULTI_YEAR.label == "Nhiều năm liền"


# --- Party forms --------------------------------------------------------------------------------

PARTY_YEARLY_CODES = [
    d.PARTY_GRASSROOTS_MEMBER_EXCELLENT,
    d.PARTY_BLOC_MEMBER_EXEMPLARY,
]


@pytest.mark.parametrize("code", PARTY_YEARLY_CODES)
@pytest.mark.parametrize(
    ("level", "eligible"),
    [
        (Level.EXCELLENT, True),
        (Level.GOOD, False),
        (Level.COMPLETED, False),
        (Level.NOT_COMPLETED, False),
        (None, False),
    ],
)
def test_only_members_rated_excellent_are_eligible_for_party_yearly_commendations(
    code, level, eligible
):
    verdict = check_eligibility(AWARD_FORMS[code], member(level))
    assert verdict.value is eligible
    assert (d.RULE_PARTY_EXCELLENT in rules_failed(verdict)) is not eligible


def test_a_good_member_is_refused_with_the_rule_and_its_citation():
    verdict = check_eligibility(
        AWARD_FORMS[d.PARTY_GRASSROOTS_MEMBER_EXCELLENT], member(Level.GOOD)
    )
    (error,) = verdict.errors
    assert error.rule == d.RULE_PARTY_EXCELLENT
    assert "132-QĐ/TW" in error.citation
    assert "Hoàn thành tốt nhiệm vụ" in error.message
    assert error.subject == "93.012345"


def test_an_excellent_organization_chosen_exemplary_is_eligible_for_the_bloc_commendation():
    # HD 06-HD/TW mục 19: the grassroots organization "tiêu biểu" in the year, not only excellent.
    organization = Candidate(
        kind=COLLECTIVE,
        year=2020,
        party_level=Level.EXCELLENT,
        exemplary_years=frozenset({2020}),
        organization_kind="grassroots",
    )
    form = AWARD_FORMS[d.PARTY_BLOC_ORGANIZATION_EXEMPLARY]
    assert check_eligibility(form, organization).value is True
    not_chosen = dataclasses.replace(organization, exemplary_years=frozenset())
    assert rules_failed(check_eligibility(form, not_chosen)) == {d.RULE_PARTY_EXEMPLARY}
    good = dataclasses.replace(organization, party_level=Level.GOOD)
    assert check_eligibility(form, good).value is False


def test_a_member_disciplined_in_the_year_is_not_eligible_even_if_recorded_excellent():
    verdict = check_eligibility(
        AWARD_FORMS[d.PARTY_GRASSROOTS_MEMBER_EXCELLENT],
        member(Level.EXCELLENT, disciplined_in_year=True),
    )
    assert verdict.value is False
    assert rules_failed(verdict) == {d.RULE_PARTY_NOT_DISCIPLINED}


def test_an_eligible_candidate_gets_the_whole_checklist_as_info_findings():
    verdict = check_eligibility(
        AWARD_FORMS[d.PARTY_GRASSROOTS_MEMBER_EXCELLENT], member(Level.EXCELLENT)
    )
    assert verdict.value is True
    assert {f.rule for f in verdict.findings} == {
        d.RULE_PARTY_EXCELLENT,
        d.RULE_PARTY_NOT_DISCIPLINED,
    }
    assert all(f.severity is Severity.INFO and f.citation for f in verdict.findings)


def test_a_collective_cannot_receive_an_individual_form():
    organization = Candidate(kind=COLLECTIVE, year=2020, party_level=Level.EXCELLENT)
    verdict = check_eligibility(AWARD_FORMS[d.PARTY_GRASSROOTS_MEMBER_EXCELLENT], organization)
    assert verdict.value is False
    assert rules_failed(verdict) == {d.RULE_RECIPIENT}


def test_the_bloc_thematic_commendation_of_a_cell_needs_no_yearly_level():
    cell = Candidate(kind=COLLECTIVE, year=2020, subject="CB-TCCB-CTTT")
    assert check_eligibility(AWARD_FORMS[d.PARTY_BLOC_COLLECTIVE_THEMATIC], cell).value is True


def five_years(levels: list[Level | None]) -> Candidate:
    *before, this_year = levels
    return Candidate(
        kind=INDIVIDUAL,
        year=2020,
        party_level=this_year,
        party_levels_before={
            2016 + i: level for i, level in enumerate(before) if level is not None
        },
    )


E, G = Level.EXCELLENT, Level.GOOD


@pytest.mark.parametrize(
    ("levels", "eligible", "missing_year"),
    [
        ([E, E, E, E, E], True, None),
        ([G, E, E, E, E], False, "2016"),
        ([E, E, G, E, E], False, "2018"),
        ([E, E, E, E, G], False, "2020"),
        ([None, E, E, E, E], False, "2016"),
    ],
)
def test_five_year_forms_need_excellent_in_each_of_the_five_years(levels, eligible, missing_year):
    verdict = check_eligibility(AWARD_FORMS[d.PARTY_BLOC_MEMBER_5_YEARS], five_years(levels))
    assert verdict.value is eligible
    if missing_year:
        (error,) = verdict.errors
        assert error.rule == d.RULE_PARTY_EXCELLENT_CONSECUTIVE
        assert missing_year in error.message


def test_a_sixth_excellent_year_before_does_not_make_up_for_a_gap_inside_the_five():
    candidate = dataclasses.replace(
        five_years([E, E, None, E, E]),
        party_levels_before={2015: E, 2016: E, 2017: E, 2019: E},
    )
    verdict = check_eligibility(AWARD_FORMS[d.PARTY_BLOC_MEMBER_5_YEARS], candidate)
    assert verdict.value is False


# --- government forms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "eligible"),
    [
        (Level.EXCELLENT, True),
        (Level.GOOD, True),
        (Level.COMPLETED, False),
        (Level.NOT_COMPLETED, False),
        (None, False),
    ],
)
def test_lao_dong_tien_tien_needs_good_or_better(level, eligible):
    verdict = check_eligibility(AWARD_FORMS[d.GOV_ADVANCED_WORKER], civil_servant(level))
    assert verdict.value is eligible


def test_lao_dong_tien_tien_is_refused_to_a_person_disciplined_in_the_year():
    verdict = check_eligibility(
        AWARD_FORMS[d.GOV_ADVANCED_WORKER], civil_servant(Level.EXCELLENT, disciplined_in_year=True)
    )
    assert rules_failed(verdict) == {d.RULE_GOV_NOT_DISCIPLINED}


@pytest.mark.parametrize(
    ("level", "initiatives", "failed"),
    [
        (Level.EXCELLENT, 1, set()),
        (Level.EXCELLENT, 3, set()),
        (Level.EXCELLENT, 0, {d.RULE_GOV_INITIATIVE}),
        (Level.GOOD, 1, {d.RULE_GOV_MIN_LEVEL}),
        (Level.GOOD, 0, {d.RULE_GOV_MIN_LEVEL, d.RULE_GOV_INITIATIVE}),
    ],
)
def test_chien_si_thi_dua_co_so_needs_excellent_and_a_recognized_initiative(
    level, initiatives, failed
):
    verdict = check_eligibility(
        AWARD_FORMS[d.GOV_EMULATION_FIGHTER],
        civil_servant(level, initiatives_recognized=initiatives),
    )
    assert rules_failed(verdict) == failed
    assert verdict.value is (not failed)


@pytest.mark.parametrize(
    ("advanced", "members", "eligible"),
    [(5, 10, False), (6, 10, True), (4, 7, True), (3, 7, False), (0, 0, False)],
)
def test_tap_the_lao_dong_tien_tien_needs_more_than_half_advanced_workers(
    advanced, members, eligible
):
    unit = collective(Level.GOOD, member_count=members, members_advanced_worker=advanced)
    verdict = check_eligibility(AWARD_FORMS[d.GOV_ADVANCED_COLLECTIVE], unit)
    assert verdict.value is eligible
    assert (d.RULE_GOV_ADVANCED_SHARE in rules_failed(verdict)) is not eligible


def test_tap_the_lao_dong_tien_tien_is_refused_when_a_member_got_a_warning():
    unit = collective(
        Level.GOOD,
        member_count=10,
        members_advanced_worker=8,
        members_disciplined_warning_or_above=1,
    )
    verdict = check_eligibility(AWARD_FORMS[d.GOV_ADVANCED_COLLECTIVE], unit)
    assert rules_failed(verdict) == {d.RULE_GOV_NO_WARNING}


EXCELLENT_UNIT = {
    "member_count": 10,
    "members_completed": 10,
    "members_advanced_worker": 7,
    "members_emulation_fighter": 1,
}


@pytest.mark.parametrize(
    ("changes", "failed"),
    [
        ({}, set()),
        ({"members_advanced_worker": 6}, {d.RULE_GOV_ADVANCED_SHARE}),
        ({"members_completed": 9}, {d.RULE_GOV_MEMBERS_COMPLETED}),
        ({"members_emulation_fighter": 0}, {d.RULE_GOV_HAS_FIGHTER}),
        ({"members_disciplined_warning_or_above": 1}, {d.RULE_GOV_NO_WARNING}),
        ({"civil_service_level": Level.GOOD}, {d.RULE_GOV_MIN_LEVEL}),
    ],
)
def test_tap_the_lao_dong_xuat_sac_conditions_one_by_one(changes, failed):
    unit = dataclasses.replace(collective(Level.EXCELLENT, **EXCELLENT_UNIT), **changes)
    verdict = check_eligibility(AWARD_FORMS[d.GOV_EXCELLENT_COLLECTIVE], unit)
    assert rules_failed(verdict) == failed


@pytest.mark.parametrize(
    ("facts", "eligible"),
    [
        ({"outstanding_achievement": True}, True),
        (
            {
                "civil_service_level": E,
                "civil_service_levels_before": {2023: E},
                "initiatives_recognized": 2,
            },
            True,
        ),
        (
            {
                "civil_service_level": E,
                "civil_service_levels_before": {2023: G},
                "initiatives_recognized": 2,
            },
            False,
        ),
        (
            {
                "civil_service_level": E,
                "civil_service_levels_before": {2023: E},
                "initiatives_recognized": 1,
            },
            False,
        ),
        ({}, False),
    ],
)
def test_bang_khen_of_the_provincial_committee_needs_an_outstanding_achievement_or_a_record(
    facts, eligible
):
    candidate = Candidate(kind=INDIVIDUAL, year=2024, **facts)
    verdict = check_eligibility(AWARD_FORMS[d.GOV_PROVINCE_BANG_KHEN_INDIVIDUAL], candidate)
    assert verdict.value is eligible


def test_government_thresholds_are_parameters_flagged_unverified_not_marked_in_their_citation():
    verdict = check_eligibility(AWARD_FORMS[d.GOV_ADVANCED_WORKER], civil_servant(Level.COMPLETED))
    (error,) = verdict.errors
    assert error.rule == d.RULE_GOV_MIN_LEVEL
    assert "Điều 24" in error.citation
    assert "[?]" not in error.citation
    parameter = DEFAULT_AWARD_PARAMS.min_civil_service_level[d.GOV_ADVANCED_WORKER]
    assert parameter.verified is False


def test_a_province_can_set_its_own_threshold_and_the_rule_follows_it():
    stricter = dataclasses.replace(
        DEFAULT_AWARD_PARAMS,
        advanced_worker_share={
            **DEFAULT_AWARD_PARAMS.advanced_worker_share,
            d.GOV_ADVANCED_COLLECTIVE: Parameter(
                ShareThreshold(Decimal("0.6"), strict=False), "QĐ của UBND tỉnh", verified=True
            ),
        },
    )
    unit = collective(Level.GOOD, member_count=10, members_advanced_worker=6)
    form = AWARD_FORMS[d.GOV_ADVANCED_COLLECTIVE]
    assert check_eligibility(form, unit, stricter).value is True
    unit5 = dataclasses.replace(unit, members_advanced_worker=5)
    verdict = check_eligibility(form, unit5, stricter)
    assert verdict.value is False
    (error,) = verdict.errors
    assert error.citation == "QĐ của UBND tỉnh"
    assert "ít nhất 60%" in error.message


@pytest.mark.parametrize(
    ("threshold", "count", "total", "met"),
    [
        (ShareThreshold(Decimal("0.5"), strict=True), 5, 10, False),
        (ShareThreshold(Decimal("0.5"), strict=True), 6, 10, True),
        (ShareThreshold(Decimal("0.7"), strict=False), 7, 10, True),
        (ShareThreshold(Decimal("0.7"), strict=False), 6, 10, False),
        (ShareThreshold(Decimal(1), strict=False), 3, 3, True),
        (ShareThreshold(Decimal(0), strict=False), 0, 0, False),
    ],
)
def test_share_thresholds_at_their_boundaries(threshold, count, total, met):
    assert threshold.met(count, total) is met


# --- one achievement, one award -----------------------------------------------------------------

MINH_2020 = Achievement("93.000777", 2020, "Thành tích công tác cộng tác viên dư luận xã hội")


def award(
    achievement: Achievement, code: str = d.PARTY_PROVINCE_INDIVIDUAL_THEMATIC
) -> RecordedAward:
    return RecordedAward(code, achievement, "Quyết định số 1234-QĐ/TU")


@pytest.mark.parametrize(
    "variant",
    [
        "Thành tích công tác cộng tác viên dư luận xã hội",
        "thành tích công tác cộng tác viên dư luận xã hội",
        "THÀNH TÍCH CÔNG TÁC CỘNG TÁC VIÊN DƯ LUẬN XÃ HỘI",
        "  Thành tích   công tác cộng tác viên\tdư luận xã hội.  ",
        unicodedata.normalize("NFD", "Thành tích công tác cộng tác viên dư luận xã hội"),
    ],
)
def test_the_same_achievement_is_found_whatever_its_case_spacing_or_composition(variant):
    again = Achievement(" 93.000777 ", 2020, variant)
    findings = check_not_rewarded_twice(again, [award(MINH_2020)])
    (finding,) = findings
    assert finding.rule == d.RULE_NOT_REWARDED_TWICE
    assert "Điều 5" in finding.citation
    assert "Quyết định số 1234-QĐ/TU" in finding.message


def test_the_same_achievement_rewarded_in_another_form_is_refused_too():
    findings = check_not_rewarded_twice(
        MINH_2020, [award(MINH_2020, d.PARTY_BLOC_INDIVIDUAL_THEMATIC)]
    )
    assert len(findings) == 1
    assert AWARD_FORMS[d.PARTY_BLOC_INDIVIDUAL_THEMATIC].name in findings[0].message


@pytest.mark.parametrize(
    "other",
    [
        Achievement("93.000777", 2020, "Thành tích báo cáo viên"),
        Achievement("93.000777", 2021, "Thành tích công tác cộng tác viên dư luận xã hội"),
        Achievement("93.000888", 2020, "Thành tích công tác cộng tác viên dư luận xã hội"),
    ],
)
def test_different_achievements_are_not_flagged(other):
    assert check_not_rewarded_twice(other, [award(MINH_2020)]) == []


def test_each_earlier_award_of_the_achievement_is_reported():
    earlier = [award(MINH_2020), award(MINH_2020, d.PARTY_BLOC_INDIVIDUAL_THEMATIC)]
    assert len(check_not_rewarded_twice(MINH_2020, earlier)) == 2


WORDS = st.lists(
    st.text(
        alphabet="abcdđeêghiklmnoôơptuưvyàáảãạằắẳẵặầấẩẫậềếểễệìíọồốổỗộờớởỡợùúừứựỳý0123456789",
        min_size=1,
        max_size=8,
    ),
    min_size=1,
    max_size=6,
)
ACHIEVEMENTS = st.builds(
    Achievement,
    recipient=st.sampled_from(["93.000777", "93.000888"]),
    year=st.integers(2019, 2021),
    description=WORDS.map(" ".join),
)


@st.composite
def disguised(draw: st.DrawFn, achievement: Achievement) -> Achievement:
    """The same achievement typed differently: case, spaces and Unicode composition."""
    words = achievement.description.split()
    cased = [draw(st.sampled_from([w, w.upper(), w.title()])) for w in words]
    spaced = "".join(word + draw(st.sampled_from([" ", "  ", "\t", " \u00a0"])) for word in cased)
    form: Literal["NFC", "NFD", "NFKC", "NFKD"] = draw(
        st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"])
    )
    return Achievement(achievement.recipient, achievement.year, unicodedata.normalize(form, spaced))


@given(ACHIEVEMENTS, ACHIEVEMENTS)
def test_double_reward_detection_is_symmetric(first, second):
    one_way = bool(check_not_rewarded_twice(first, [award(second)]))
    other_way = bool(check_not_rewarded_twice(second, [award(first)]))
    assert one_way == other_way


@given(st.data(), ACHIEVEMENTS)
def test_double_reward_detection_ignores_case_spacing_and_normalization(data, achievement):
    typed_again = data.draw(disguised(achievement))
    assert check_not_rewarded_twice(typed_again, [award(achievement)])
    assert check_not_rewarded_twice(achievement, [award(typed_again)])


@given(ACHIEVEMENTS, WORDS)
def test_different_achievements_of_the_same_person_are_never_flagged(achievement, other_words):
    words = achievement.description.split()
    assume([w.casefold() for w in other_words] != [w.casefold() for w in words])
    other = dataclasses.replace(achievement, description=" ".join(other_words))
    assert check_not_rewarded_twice(other, [award(achievement)]) == []


# --- likely repeats: same form and issuer, similar wording ---------------------------------------

OPINION = "trong công tác cộng tác viên dư luận xã hội năm 2020"


@pytest.mark.parametrize(
    ("new", "old", "similar"),
    [
        # The reworded Bằng khen that passed before: same content words.
        ("Có thành tích trong công tác cộng tác viên dư luận xã hội năm 2020.", OPINION, True),
        ("cộng tác viên dư luận", OPINION, True),  # all of the shorter one's words shared
        ("trong công tác báo cáo viên năm 2020", OPINION, False),  # one word in three
        ("Hoàn thành xuất sắc nhiệm vụ năm 2020", OPINION, False),  # filler words only
    ],
)
def test_similar_wording_is_told_by_the_shorter_wordings_content_words(new, old, similar):
    overlap = d.wording_overlap(new, old)
    assert (overlap >= d.SIMILAR_WORDING_SHARE) is similar


def test_sixty_percent_of_content_words_is_the_boundary_of_similar_wording():
    five = "alpha beta gamma delta epsilon"
    assert d.wording_overlap("alpha beta gamma zeta eta", five) == Decimal("0.6")
    assert d.wording_overlap("alpha beta zeta eta theta", five) == Decimal("0.4")


def _recorded(form_code: str, description: str, issuer: str = "QT") -> d.RecordedAward:
    return d.RecordedAward(
        form_code=form_code,
        achievement=d.Achievement("45.000001", 2020, description),
        decision="Quyết định số 30-QĐ/TU ngày 24/02/2021",
        issuer=issuer,
    )


def test_a_second_award_of_the_same_form_and_issuer_in_the_year_is_a_warning():
    existing = [_recorded(d.PARTY_PROVINCE_INDIVIDUAL_THEMATIC, OPINION)]
    found = d.check_similar_awards(
        d.Achievement("45.000001", 2020, "trong phong trào chuyển đổi số"),
        d.PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
        "QT",
        existing,
    )
    assert [(f.rule, f.severity) for f in found] == [
        (d.RULE_SAME_FORM_ISSUER_YEAR, Severity.WARNING)
    ]
    assert "cùng cơ quan khen thưởng" in found[0].message


def test_similar_wording_under_another_form_is_a_warning_and_other_years_are_not_compared():
    existing = [_recorded(d.PARTY_BLOC_INDIVIDUAL_THEMATIC, OPINION, issuer="QT.KCQDN")]
    reworded = "Có thành tích trong công tác cộng tác viên dư luận xã hội năm 2020."
    found = d.check_similar_awards(
        d.Achievement("45.000001", 2020, reworded),
        d.PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
        "QT",
        existing,
    )
    assert [f.rule for f in found] == [d.RULE_SIMILAR_ACHIEVEMENT]
    assert (
        d.check_similar_awards(
            d.Achievement("45.000001", 2021, reworded),
            d.PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
            "QT",
            existing,
        )
        == []
    )
    assert (
        d.check_similar_awards(
            d.Achievement("45.000002", 2020, reworded),
            d.PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
            "QT",
            existing,
        )
        == []
    )


def test_an_exact_repeat_is_left_to_the_not_rewarded_twice_rule():
    existing = [_recorded(d.PARTY_PROVINCE_INDIVIDUAL_THEMATIC, OPINION)]
    assert (
        d.check_similar_awards(
            d.Achievement("45.000001", 2020, OPINION.upper()),
            d.PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
            "QT",
            existing,
        )
        == []
    )


# --- who signs an award ---------------------------------------------------------------------

_SECRETARY = d.CommitteeSigner("Bí thư", "Trần Quốc Hưng", "45.000002")
_DEPUTY = d.CommitteeSigner("Phó Bí thư", "Lê Văn Tính", "45.000009")


@pytest.mark.parametrize(
    ("recipients", "signs", "severity"),
    [
        (["45.000040"], "Trần Quốc Hưng", None),
        (["45.000002"], "Lê Văn Tính", "info"),
        (["Trần Quốc Hưng"], "Lê Văn Tính", "info"),
        (["45.000002", "45.000009"], "Trần Quốc Hưng", "warning"),
    ],
)
def test_nobody_signs_his_own_award_the_deputy_signs_instead(recipients, signs, severity):
    signer, finding = d.award_signer(_SECRETARY, [_DEPUTY], recipients)
    assert signer.name == signs
    assert (finding.severity if finding else None) == severity
    if finding is not None:
        assert finding.rule == d.RULE_SIGNER_NOT_OWN_AWARD
