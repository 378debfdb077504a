"""Votes, the voting body under point 9.3, attendance and cell size, without a database."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.core.rules import Finding, Severity
from tongket.meetings import domain as d
from tongket.meetings.domain import (
    DEFAULT_ATTENDANCE_RULES,
    Attendance,
    AttendanceRule,
    MeetingKind,
    Participant,
    check_attendance,
    check_recorded_outcome,
    resolution_outcome,
    voting_body_size,
)

PRESENT = Attendance.PRESENT
EXCUSED = Attendance.ABSENT_EXCUSED
UNEXCUSED = Attendance.ABSENT_UNEXCUSED


def p(subject: str = "93.000001", attendance: Attendance = PRESENT, **facts: Any) -> Participant:
    return Participant(subject=subject, attendance=attendance, **facts)


# --- point 9.3 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("participant", "counts", "reason"),
    [
        (p(), True, None),
        (p(attendance=UNEXCUSED), True, None),
        (p(attendance=EXCUSED), False, "vắng mặt cả buổi có lý do"),
        (p(exempted=True), True, None),
        (p(attendance=EXCUSED, exempted=True), False, "miễn công tác"),
        (p(attendance=UNEXCUSED, exempted=True), False, "miễn công tác"),
        (p(suspended=True), False, "đình chỉ sinh hoạt"),
        (p(attendance=UNEXCUSED, suspended=True), False, "đình chỉ sinh hoạt"),
        (p(prosecuted_or_detained=True), False, "khởi tố"),
        (p(attendance=EXCUSED, prosecuted_or_detained=True), False, "khởi tố"),
    ],
)
def test_point_9_3_exclusions_one_by_one(participant, counts, reason):
    others = [p(f"93.00010{i}") for i in range(4)]
    verdict = voting_body_size([*others, participant])
    assert verdict.value == 4 + counts
    assert verdict.ok
    excluded = [f for f in verdict.findings if f.rule == d.RULE_BODY_EXCLUDED]
    if counts:
        assert excluded == []
    else:
        (finding,) = excluded
        assert finding.subject == participant.subject
        assert reason in finding.message
        assert "9.3" in finding.citation
        assert finding.severity is Severity.INFO


def test_findings_name_each_member_left_out_and_the_total():
    participants = [
        Participant("93.1", PRESENT, name="Lê Văn Tính"),
        Participant("93.2", EXCUSED, name="Võ Văn Minh"),
        Participant("93.3", PRESENT, name="Nguyễn Thị Lan", suspended=True),
    ]
    verdict = voting_body_size(participants)
    assert verdict.value == 1
    messages = [f.message for f in verdict.findings]
    assert any("Võ Văn Minh (93.2)" in m for m in messages)
    assert any("Nguyễn Thị Lan (93.3)" in m for m in messages)
    assert any(m.startswith("Tổng số đảng viên tính biểu quyết: 1 trên 3") for m in messages)


@pytest.mark.parametrize(
    "participant",
    [
        p(attendance=UNEXCUSED, voted=True),
        p(attendance=EXCUSED, voted=True),
        p(suspended=True, voted=True),
        p(prosecuted_or_detained=True, voted=True),
    ],
)
def test_a_vote_from_an_absent_member_or_one_without_the_right_to_vote_is_an_error(participant):
    verdict = voting_body_size([participant])
    assert not verdict.ok
    assert {f.rule for f in verdict.errors} == {d.RULE_BODY_DATA}


def test_an_exempted_member_who_attends_may_vote():
    assert voting_body_size([p(exempted=True, voted=True)]).ok


def test_a_member_listed_twice_is_an_error():
    verdict = voting_body_size([p("93.1"), p("93.1")])
    assert [f.subject for f in verdict.errors] == ["93.1"]


PARTICIPANT = st.builds(
    Participant,
    subject=st.uuids().map(str),
    attendance=st.sampled_from(Attendance),
    exempted=st.booleans(),
    suspended=st.booleans(),
    prosecuted_or_detained=st.booleans(),
)
PARTICIPANTS = st.lists(PARTICIPANT, max_size=25)


@given(st.lists(PARTICIPANT, min_size=1, max_size=25), st.data())
def test_leaving_a_member_out_never_increases_the_body_size(participants, data):
    index = data.draw(st.integers(0, len(participants) - 1))
    fewer = participants[:index] + participants[index + 1 :]
    assert voting_body_size(fewer).value <= voting_body_size(participants).value


@given(PARTICIPANTS)
def test_the_body_is_the_convened_less_the_members_left_out(participants):
    verdict = voting_body_size(participants)
    excluded = [f for f in verdict.findings if f.rule == d.RULE_BODY_EXCLUDED]
    assert verdict.value == len(participants) - len(excluded)
    assert 0 <= verdict.value <= len(participants)


@given(PARTICIPANTS)
def test_an_ordinary_member_present_adds_exactly_one(participants):
    before = voting_body_size(participants).value
    assert voting_body_size([*participants, p("extra")]).value == before + 1


# --- Article 9, clause 5 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes_for", "body_size", "adopted"),
    [
        (5, 10, False),  # exactly half of an even body
        (6, 10, True),  # half + 1
        (4, 9, False),
        (5, 9, True),  # the smallest majority of an odd body
        (1, 2, False),
        (2, 2, True),
        (1, 1, True),
        (0, 3, False),
        (2, 3, True),
    ],
)
def test_a_resolution_needs_more_than_half_of_the_body(votes_for, body_size, adopted):
    verdict = resolution_outcome(votes_for, 0, 0, body_size, present=body_size)
    assert verdict.value is adopted
    assert verdict.ok
    (finding,) = verdict.findings
    assert finding.rule == d.RULE_MAJORITY
    assert finding.citation == "Điều 9, khoản 5, Điều lệ Đảng"


def test_the_majority_is_of_the_body_not_of_those_present():
    # 5 of 6 present vote for, but the body has 11 members: 5 is not more than half of 11.
    assert resolution_outcome(5, 1, 0, 11, present=6).value is False
    assert resolution_outcome(6, 0, 0, 11, present=6).value is True


@pytest.mark.parametrize(
    ("counts", "field"),
    [
        ({"votes_for": -1}, "votes_for"),
        ({"votes_against": -1}, "votes_against"),
        ({"abstain": -2}, "abstain"),
        ({"body_size": -1}, "body_size"),
        ({"present": -1}, "present"),
        ({"body_size": 0, "present": 0, "votes_for": 0}, "body_size"),
        ({"present": 11}, "present"),
        ({"votes_for": 6, "votes_against": 3, "abstain": 1, "present": 9}, "votes_for"),
    ],
)
def test_counts_that_do_not_add_up_are_errors_naming_the_field(counts, field):
    values = {"votes_for": 6, "votes_against": 2, "abstain": 1, "body_size": 10, "present": 9}
    values.update(counts)
    verdict = resolution_outcome(**values)
    assert verdict.value is False
    assert field in {f.subject for f in verdict.errors}
    assert all(f.rule == d.RULE_COUNTS for f in verdict.errors)


@given(st.integers(1, 200), st.data())
def test_a_resolution_that_passes_still_passes_with_more_votes_for(body_size, data):
    present = data.draw(st.integers(0, body_size))
    votes_for = data.draw(st.integers(0, present))
    more = data.draw(st.integers(votes_for, present))
    if resolution_outcome(votes_for, 0, 0, body_size, present).value:
        assert resolution_outcome(more, 0, 0, body_size, present).value


@given(st.integers(1, 200), st.data())
def test_a_resolution_passes_exactly_when_twice_the_votes_for_exceed_the_body(body_size, data):
    present = data.draw(st.integers(0, body_size))
    votes_for = data.draw(st.integers(0, present))
    against = data.draw(st.integers(0, present - votes_for))
    verdict = resolution_outcome(votes_for, against, 0, body_size, present)
    assert verdict.value is (2 * votes_for > body_size)


# --- attendance ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "present", "convened", "valid"),
    [
        (MeetingKind.CONFIDENCE_VOTE, 6, 9, True),  # exactly 2/3
        (MeetingKind.CONFIDENCE_VOTE, 5, 9, False),
        (MeetingKind.CONFIDENCE_VOTE, 7, 10, True),  # 2/3 of 10 is 6.67
        (MeetingKind.CONFIDENCE_VOTE, 6, 10, False),
        (MeetingKind.CELL_REGULAR, 5, 10, False),  # exactly half is not more than half
        (MeetingKind.CELL_REGULAR, 6, 10, True),
        (MeetingKind.CELL_REGULAR, 2, 3, True),
        (MeetingKind.COMMITTEE, 10, 15, True),
        (MeetingKind.COMMITTEE, 9, 15, False),
    ],
)
def test_attendance_thresholds_by_kind_of_meeting(kind, present, convened, valid):
    verdict = check_attendance(kind, present, convened)
    assert verdict.value is valid
    (finding,) = verdict.findings
    assert finding.rule == d.RULE_ATTENDANCE
    assert finding.severity is (Severity.INFO if valid else Severity.ERROR)


def test_unverified_attendance_thresholds_are_flagged_but_cite_their_text_without_a_marker():
    assert DEFAULT_ATTENDANCE_RULES[MeetingKind.CONFIDENCE_VOTE].verified is True
    assert DEFAULT_ATTENDANCE_RULES[MeetingKind.CELL_REGULAR].verified is False
    confidence = check_attendance(MeetingKind.CONFIDENCE_VOTE, 6, 9).findings[0]
    assert "96-QĐ/TW" in confidence.citation
    regular = check_attendance(MeetingKind.CELL_REGULAR, 6, 9).findings[0]
    assert regular.citation == "Hướng dẫn sinh hoạt chi bộ của cấp ủy cấp trên"


def test_a_different_attendance_rule_can_be_configured():
    rules = {
        **DEFAULT_ATTENDANCE_RULES,
        MeetingKind.CELL_REGULAR: AttendanceRule(
            MeetingKind.CELL_REGULAR, Fraction(2, 3), strict=False, source="Hướng dẫn X"
        ),
    }
    assert check_attendance(MeetingKind.CELL_REGULAR, 6, 10, rules).value is False
    assert check_attendance(MeetingKind.CELL_REGULAR, 7, 10, rules).value is True


@pytest.mark.parametrize(
    ("present", "convened", "field"),
    [(-1, 5, "present"), (3, -1, "convened"), (6, 5, "present"), (0, 0, "convened")],
)
def test_attendance_counts_that_cannot_be_true_are_errors(present, convened, field):
    verdict = check_attendance(MeetingKind.CELL_REGULAR, present, convened)
    assert verdict.value is False
    assert [f.subject for f in verdict.errors] == [field]


@given(
    st.sampled_from(list(DEFAULT_ATTENDANCE_RULES.values())),
    st.integers(1, 500),
)
def test_the_required_attendance_is_the_smallest_count_that_satisfies_the_rule(rule, convened):
    needed = rule.required(convened)
    assert needed <= convened
    assert check_attendance(rule.kind, needed, convened).value is True
    assert check_attendance(rule.kind, needed - 1, convened).value is False


# --- recorded outcomes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claimed", "votes_for", "refused"),
    [
        (True, 5, True),  # exactly half recorded as adopted
        (True, 6, False),
        (False, 5, False),
        (False, 6, True),  # a majority recorded as rejected
    ],
)
def test_a_recorded_outcome_the_votes_do_not_support_is_refused(claimed, votes_for, refused):
    findings = check_recorded_outcome(
        claimed,
        votes_for=votes_for,
        votes_against=10 - votes_for,
        abstain=0,
        body_size=10,
        present=10,
    )
    assert bool(findings) is refused
    if refused:
        assert findings[-1].rule == d.RULE_OUTCOME_UNSUPPORTED
        assert findings[-1].subject == "claimed_adopted"


def _six_of_ten_at_a_confidence_vote(*, adopted: bool) -> list[Finding]:
    """The findings on a confidence vote of a body of 10 where 6 attended, all 6 voting for."""
    return check_recorded_outcome(
        adopted,
        votes_for=6,
        votes_against=0,
        abstain=0,
        body_size=10,
        present=6,
        kind=MeetingKind.CONFIDENCE_VOTE,
        convened=10,
    )


def test_adopted_is_refused_when_too_few_attended_even_with_a_majority():
    # A confidence-vote meeting with 6 of 10 present: 6 votes are a majority of the body of 10
    # (the four absent without reason still count) but fewer than 2/3 attended.
    findings = _six_of_ten_at_a_confidence_vote(adopted=True)
    assert [f.rule for f in findings] == [d.RULE_ATTENDANCE, d.RULE_OUTCOME_UNSUPPORTED]


def test_not_adopted_stands_when_the_meeting_lacked_attendance():
    assert _six_of_ten_at_a_confidence_vote(adopted=False) == []


def test_a_record_with_impossible_counts_is_refused_naming_the_field():
    findings = check_recorded_outcome(
        True, votes_for=8, votes_against=0, abstain=0, body_size=10, present=7
    )
    assert [f.subject for f in findings] == ["votes_for"]


def test_labels_are_vietnamese():
    assert Attendance.ABSENT_EXCUSED.label == "Vắng mặt có lý do"
    assert MeetingKind.CONFIDENCE_VOTE.label == "Hội nghị lấy phiếu tín nhiệm"
    assert dataclasses.replace(p(), name="Lê Văn Tính").who == "Lê Văn Tính (93.000001)"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("javascript:alert(1)", ""),
        (" JavaScript:alert(1)", ""),
        ("data:text/html,x", ""),
        ("//evil.example/x", ""),
        ("/\\evil.example", ""),
        ("/awards/3/", "/awards/3/"),
        ("https://qt.gov.vn/tin", "https://qt.gov.vn/tin"),
        (None, ""),
    ],
)
def test_an_award_link_stored_before_the_write_check_shows_only_when_safe(
    stored: object, shown: str
) -> None:
    assert d.shown_link(stored) == shown


def test_the_shown_link_filter_renders_an_unsafe_stored_link_as_text() -> None:
    from django.template import Context, Template

    html = Template(
        "{% load meetings_tags %}{% with link=award.link|shown_link %}"
        '{% if link %}<a href="{{ link }}">{{ award.text }}</a>{% else %}{{ award.text }}'
        "{% endif %}{% endwith %}"
    ).render(Context({"award": {"text": "Huy hiệu", "link": "javascript:alert(1)"}}))
    assert html == "Huy hiệu"
