"""Pure rules for meetings: who counts in a vote, when a resolution passes, attendance.

DOMAIN.md §8b. Điều lệ Đảng, Article 9, clause 5 (more than half of the body's members vote for);
Quy định 24-QĐ/TW (2021), point 9.3 (who the body's members are for that count). No Django here.

Điều lệ Article 24 (a cell has at least 3 full members) is not a rule here: a cell is opened
before its members are transferred in, and a cell below three full members still meets until
the superior committee joins it to another, so refusing either would stop real work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

from tongket.core.labelled import LabelledStrEnum
from tongket.core.rules import Finding, Severity, Verdict

MAJORITY_CITATION = "Điều 9, khoản 5, Điều lệ Đảng"
BODY_CITATION = "Điểm 9.3, Quy định 24-QĐ/TW ngày 30/7/2021 về thi hành Điều lệ Đảng"

RULE_BODY_EXCLUDED = "meetings.body.excluded"
RULE_BODY_COUNTED = "meetings.body.counted"
RULE_BODY_DATA = "meetings.body.data"
RULE_COUNTS = "meetings.vote.counts"
RULE_MAJORITY = "meetings.vote.majority"
RULE_ATTENDANCE = "meetings.attendance.quorum"
RULE_ATTENDANCE_COUNTS = "meetings.attendance.counts"
RULE_OUTCOME_UNSUPPORTED = "meetings.outcome.unsupported"


class Attendance(LabelledStrEnum):
    PRESENT = "present", "Có mặt"  # attended the meeting, even for part of it
    # vắng mặt cả buổi, có lý do được chấp thuận
    ABSENT_EXCUSED = "absent_excused", "Vắng mặt có lý do"
    ABSENT_UNEXCUSED = "absent_unexcused", "Vắng mặt không có lý do"


@dataclass(frozen=True)
class Participant:
    """A member officially convened to the meeting, with what 9.3 needs to know about them."""

    subject: str  # card number, copied into findings
    attendance: Attendance
    name: str = ""
    exempted: bool = False  # miễn công tác và sinh hoạt đảng
    suspended: bool = False  # đình chỉ sinh hoạt đảng
    prosecuted_or_detained: bool = False  # bị khởi tố, truy tố, tạm giam
    voted: bool = False

    @property
    def who(self) -> str:
        return f"{self.name} ({self.subject})" if self.name else self.subject


def exclusion_reason(participant: Participant) -> str | None:
    """Why point 9.3 leaves a convened member out of the body's count, or None if they count."""
    if participant.suspended:
        return "đang bị đình chỉ sinh hoạt đảng"
    if participant.prosecuted_or_detained:
        return "đang bị khởi tố, truy tố hoặc tạm giam"
    if participant.exempted and participant.attendance is not Attendance.PRESENT:
        return "được miễn công tác và sinh hoạt đảng, không có mặt"
    if participant.attendance is Attendance.ABSENT_EXCUSED:
        return "vắng mặt cả buổi có lý do được chấp thuận"
    return None


def _body_finding(
    rule: str, message: str, *, subject: str = "", severity: Severity = Severity.ERROR
) -> Finding:
    """A finding of point 9.3's count of the voting body."""
    return Finding(
        rule=rule, citation=BODY_CITATION, message=message, severity=severity, subject=subject
    )


def voting_body_size(participants: Sequence[Participant]) -> Verdict[int]:
    """The number of members a resolution's majority is counted against (Quy định 24-QĐ/TW,
    point 9.3): the members officially convened, leaving out members exempted from Party work who
    are absent, members suspended from Party activity, members under prosecution or detention, and
    members absent for the whole meeting with an approved reason. An exempted member who attends
    counts; a member absent without reason counts.

    Findings: one info per member left out, with the reason; errors for inconsistent data (the
    same card twice, a vote from a member who was absent or has no right to vote).
    """
    findings: list[Finding] = []
    duplicates = [s for s, n in Counter(p.subject for p in participants).items() if n > 1]
    for subject in duplicates:
        findings.append(
            _body_finding(
                RULE_BODY_DATA,
                f"Đảng viên {subject} có tên hơn một lần trong danh sách triệu tập.",
                subject=subject,
            )
        )
    size = 0
    for participant in participants:
        reason = exclusion_reason(participant)
        who, subject = participant.who, participant.subject
        if reason is None:
            size += 1
        else:
            findings.append(
                _body_finding(
                    RULE_BODY_EXCLUDED,
                    f"Không tính {who} vào tổng số: {reason}.",
                    subject=subject,
                    severity=Severity.INFO,
                )
            )
        if participant.voted and participant.attendance is not Attendance.PRESENT:
            findings.append(
                _body_finding(
                    RULE_BODY_DATA,
                    f"{who} được ghi là đã biểu quyết nhưng không có mặt.",
                    subject=subject,
                )
            )
        elif participant.voted and reason is not None:
            findings.append(
                _body_finding(
                    RULE_BODY_DATA,
                    f"{who} được ghi là đã biểu quyết nhưng {reason}: không có quyền biểu quyết.",
                    subject=subject,
                )
            )
    findings.append(
        _body_finding(
            RULE_BODY_COUNTED,
            f"Tổng số đảng viên tính biểu quyết: {size} trên {len(participants)} "
            "đảng viên được triệu tập.",
            severity=Severity.INFO,
        )
    )
    return Verdict(size, tuple(findings))


def votes_needed(body_size: int) -> int:
    """The fewest votes for that are more than half of `body_size`."""
    return body_size // 2 + 1


def _count_errors(
    counts: Mapping[str, int], *, rule: str = RULE_COUNTS, citation: str = MAJORITY_CITATION
) -> list[Finding]:
    return [
        Finding(
            rule=rule,
            citation=citation,
            message=f"Số liệu «{name}» không được âm (đang là {value}).",
            subject=name,
        )
        for name, value in counts.items()
        if value < 0
    ]


def resolution_outcome(
    votes_for: int, votes_against: int, abstain: int, body_size: int, present: int
) -> Verdict[bool]:
    """A resolution is adopted only when MORE than half of the body's members vote for it
    (Điều lệ Đảng, Article 9, clause 5): exactly half is not enough. `body_size` is counted by
    `voting_body_size`; `present` are the body's members present at the vote.

    Counts that cannot be true (negative, more present than members, more ballots than members
    present) are errors whose `subject` names the field at fault; the value is then False.
    """
    counts = {
        "votes_for": votes_for,
        "votes_against": votes_against,
        "abstain": abstain,
        "body_size": body_size,
        "present": present,
    }
    errors = _count_errors(counts)
    if not errors:
        if body_size == 0:
            errors.append(
                Finding(
                    rule=RULE_COUNTS,
                    citation=MAJORITY_CITATION,
                    message="Tổng số đảng viên tính biểu quyết bằng 0: không thể biểu quyết.",
                    subject="body_size",
                )
            )
        if present > body_size:
            errors.append(
                Finding(
                    rule=RULE_COUNTS,
                    citation=MAJORITY_CITATION,
                    message=(
                        f"Số có mặt ({present}) lớn hơn tổng số đảng viên tính biểu quyết "
                        f"({body_size})."
                    ),
                    subject="present",
                )
            )
        ballots = votes_for + votes_against + abstain
        if ballots > present:
            errors.append(
                Finding(
                    rule=RULE_COUNTS,
                    citation=MAJORITY_CITATION,
                    message=(
                        f"Tổng số tán thành, không tán thành và không biểu quyết ({ballots}) "
                        f"lớn hơn số có mặt ({present})."
                    ),
                    subject="votes_for",
                )
            )
    if errors:
        return Verdict(False, tuple(errors))
    needed = votes_needed(body_size)
    adopted = votes_for >= needed
    verdict_words = "được thông qua" if adopted else "không được thông qua"
    message = (
        f"{votes_for}/{body_size} đồng chí tán thành; cần ít nhất {needed} (quá nửa tổng số): "
        f"nghị quyết {verdict_words}."
    )
    finding = Finding(
        rule=RULE_MAJORITY,
        citation=MAJORITY_CITATION,
        message=message,
        severity=Severity.INFO,
    )
    return Verdict(adopted, (finding,))


# --- attendance ---------------------------------------------------------------------------------


class MeetingKind(LabelledStrEnum):
    CELL_REGULAR = "cell_regular", "Sinh hoạt chi bộ thường kỳ"
    COMMITTEE = "committee", "Hội nghị cấp ủy"  # hội nghị cấp ủy, ban thường vụ
    MEMBERS_CONGRESS = "members_congress", "Đại hội đảng viên"
    CONFIDENCE_VOTE = "confidence_vote", "Hội nghị lấy phiếu tín nhiệm"


@dataclass(frozen=True)
class AttendanceRule:
    """How many of those convened must be present: at least (or, if `strict`, more than)
    `minimum` of them. Values we could not check against the text carry `verified=False`."""

    kind: MeetingKind
    minimum: Fraction
    strict: bool
    source: str
    verified: bool = False

    def required(self, convened: int) -> int:
        """The fewest present that satisfy the rule for `convened` members."""
        needed = self.minimum * convened
        whole = needed.numerator // needed.denominator
        if self.strict:
            return whole + 1
        return whole if whole == needed else whole + 1

    @property
    def citation(self) -> str:
        return self.source

    @property
    def words(self) -> str:
        share = f"{self.minimum.numerator}/{self.minimum.denominator}"
        return f"{'quá' if self.strict else 'ít nhất'} {share} số được triệu tập"


DEFAULT_ATTENDANCE_RULES: Mapping[MeetingKind, AttendanceRule] = MappingProxyType(
    {
        MeetingKind.CONFIDENCE_VOTE: AttendanceRule(
            MeetingKind.CONFIDENCE_VOTE,
            Fraction(2, 3),
            strict=False,
            source="Quy định 96-QĐ/TW ngày 02/02/2023 về lấy phiếu tín nhiệm",
            verified=True,
        ),
        MeetingKind.COMMITTEE: AttendanceRule(
            MeetingKind.COMMITTEE,
            Fraction(2, 3),
            strict=False,
            source="Quy chế làm việc của cấp ủy",
        ),
        MeetingKind.MEMBERS_CONGRESS: AttendanceRule(
            MeetingKind.MEMBERS_CONGRESS,
            Fraction(2, 3),
            strict=False,
            source="Quy định 24-QĐ/TW về thi hành Điều lệ Đảng; chỉ thị về đại hội đảng các cấp",
        ),
        MeetingKind.CELL_REGULAR: AttendanceRule(
            MeetingKind.CELL_REGULAR,
            Fraction(1, 2),
            strict=True,
            source="Hướng dẫn sinh hoạt chi bộ của cấp ủy cấp trên",
        ),
    }
)


def check_attendance(
    kind: MeetingKind,
    present: int,
    convened: int,
    rules: Mapping[MeetingKind, AttendanceRule] = DEFAULT_ATTENDANCE_RULES,
    *,
    meeting_name: str = "",
) -> Verdict[bool]:
    """Whether enough of those convened are present for a meeting of `kind` to be valid (a
    confidence vote needs at least 2/3 of those convened; other kinds per `rules`). The message
    names the meeting as its organizers do (`meeting_name`, e.g. a year-end conference that takes
    a congress's rule), else by `kind`."""
    rule = rules[kind]
    errors = _count_errors(
        {"present": present, "convened": convened},
        rule=RULE_ATTENDANCE_COUNTS,
        citation=rule.citation,
    )
    if not errors and present > convened:
        errors.append(
            Finding(
                rule=RULE_ATTENDANCE_COUNTS,
                citation=rule.citation,
                message=f"Số có mặt ({present}) lớn hơn số được triệu tập ({convened}).",
                subject="present",
            )
        )
    if not errors and convened == 0:
        errors.append(
            Finding(
                rule=RULE_ATTENDANCE_COUNTS,
                citation=rule.citation,
                message="Chưa có đảng viên nào được triệu tập.",
                subject="convened",
            )
        )
    if errors:
        return Verdict(False, tuple(errors))
    needed = rule.required(convened)
    valid = present >= needed
    message = (
        f"{meeting_name or kind.label}: có mặt {present}/{convened}, cần {rule.words} "
        f"(ít nhất {needed}): "
        f"{'đủ' if valid else 'không đủ'} số lượng để tiến hành."
    )
    finding = Finding(
        rule=RULE_ATTENDANCE,
        citation=rule.citation,
        message=message,
        severity=Severity.INFO if valid else Severity.ERROR,
    )
    return Verdict(valid, (finding,))


def check_recorded_outcome(
    claimed_adopted: bool,
    *,
    votes_for: int,
    votes_against: int,
    abstain: int,
    body_size: int,
    present: int,
    kind: MeetingKind | None = None,
    convened: int | None = None,
    rules: Mapping[MeetingKind, AttendanceRule] = DEFAULT_ATTENDANCE_RULES,
) -> list[Finding]:
    """Refuse a recorded outcome (in the minutes) that the rules do not support: "adopted" needs
    a valid meeting (when `kind` and `convened` are given) and more than half of the body voting
    for; "not adopted" with such a majority at a valid meeting is refused too. Returns the
    errors, empty when the record stands.

    `present` counts the body's members present, and the quorum compares it with `convened`:
    a convened member left out of the body who attended anyway does not count towards the quorum,
    which errs on the side of refusing.
    """
    outcome = resolution_outcome(votes_for, votes_against, abstain, body_size, present)
    if not outcome.ok:
        return list(outcome.errors)
    if kind is not None and convened is not None:
        attendance = check_attendance(kind, present, convened, rules)
        if any(f.rule == RULE_ATTENDANCE_COUNTS for f in attendance.errors):
            return list(attendance.errors)
        if not attendance.value:
            # A meeting short of its quorum adopts nothing, whatever the votes.
            if not claimed_adopted:
                return []
            return [
                *attendance.errors,
                _unsupported(claimed_adopted, "hội nghị không đủ số lượng để tiến hành."),
            ]
    if claimed_adopted != outcome.value:
        return [_unsupported(claimed_adopted, outcome.findings[0].message)]
    return []


def _unsupported(claimed_adopted: bool, reason: str) -> Finding:
    claimed = "thông qua" if claimed_adopted else "không thông qua"
    return Finding(
        rule=RULE_OUTCOME_UNSUPPORTED,
        citation=MAJORITY_CITATION,
        message=f"Biên bản ghi nghị quyết «{claimed}» nhưng theo số liệu: {reason}",
        subject="claimed_adopted",
    )


RULE_SAFE_LINK = "meetings.award.link"


def is_safe_link(link: str) -> bool:
    """A link shown as a hyperlink on the meeting's page: a path of this site ("/…", not "//" nor
    "/\\", which browsers read as another host) or an http(s) address; never "javascript:",
    "data:" or the like, whatever its case or the spaces and control characters around it."""
    if not link:
        return True
    if any(ord(ch) < 32 or ch == "\\" for ch in link):
        return False
    if link.startswith("/"):
        return not link.startswith("//")
    return link.lower().startswith(("https://", "http://"))


def shown_link(link: object) -> str:
    """The link of a stored award as pages and the API show it: "" unless `is_safe_link` (an
    award stored before the write-side check, or restored from such a backup, shows as text)."""
    text = str(link or "")
    return text if is_safe_link(text) else ""
