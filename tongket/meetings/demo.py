"""Demo step: the conference of 24/02/2021 as the seed article tells it, and one cell meeting.

From the article: the chairs (Lê Văn Tính, Phó Bí thư Đảng ủy; Võ Văn Minh, Ủy viên Ban Thường vụ
Đảng ủy, Phó Giám đốc Sở), the guest (Nguyễn Thanh Quang - Chủ tịch Công đoàn Giáo dục tỉnh), the 50
members of the 07 cells, the 2020 report presented by Lê Văn Tính, the two 2021 programs adopted,
the Giấy khen handed out and the closing directions. The place, the secretary, the speakers'
words and the vote counts are sample data consistent with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tongket.core.demo import DEMO_ORG, DemoContext
from tongket.meetings import services
from tongket.meetings.models import AgendaItem, Attendance, Meeting, MeetingKind
from tongket.people.models import Member
from tongket.programs import demo as programs_demo
from tongket.programs.models import Program, ProgramKind

CONFERENCE_DATE = dt.date(2021, 2, 24)
CONFERENCE_TITLE = (
    "Hội nghị tổng kết công tác xây dựng Đảng năm 2020 và triển khai nhiệm vụ năm 2021"
)
GUEST = ("Nguyễn Thanh Quang", "Chủ tịch Công đoàn Giáo dục tỉnh")
REPORT_TITLE = (
    "Báo cáo tổng kết công tác Đảng năm 2020 và phương hướng, nhiệm vụ trọng tâm năm 2021"
)
CLOSING_DIRECTIONS = (
    "Trong thời gian tới, Đảng bộ Sở Giáo dục và Đào tạo Quảng Trị cần nỗ lực phát huy những kết "
    "quả đã đạt được, tiếp tục đổi mới công tác quản lý, phương thức lãnh đạo, phát huy sáng kiến "
    "của mỗi cá nhân, tập hợp, đoàn kết, phấn đấu hoàn thành tốt nhiệm vụ chính trị do Đảng bộ cấp "
    "trên giao; các chi bộ chủ động, xây dựng kế hoạch công tác xây dựng đảng năm 2021 và có trách "
    "nhiệm chỉ đạo, đôn đốc, kiểm tra việc tổ chức thực hiện tốt các nội dung, kế hoạch theo yêu "
    "cầu, nhiệm vụ được giao."
)
AWARDS = (
    "Giấy khen của Đảng ủy Sở tặng 10 đồng chí đảng viên hoàn thành xuất sắc nhiệm vụ năm 2020",
    "Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng được Đảng ủy Khối khen thưởng về thành tích "
    "triển khai thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị năm 2020",
    "Đồng chí Võ Văn Minh - UV BTV Đảng ủy, Phó Giám đốc Sở được Tỉnh ủy tặng Bằng khen về thành "
    "tích công tác cộng tác viên dư luận xã hội và Đảng ủy Khối khen về thành tích báo cáo viên",
)
CELL_MEETING_DATE = dt.date(2021, 3, 5)
TCCB = f"{DEMO_ORG}.TCCB"


def _card(name: str) -> str:
    return Member.objects.get(full_name=name, org_path__startswith=_root_path()).card_number


def _root_path() -> str:
    from tongket.people.models import Organization

    return Organization.objects.get(code=DEMO_ORG).path


def _cell_member(suffix: str, offset: int) -> Member:
    return Member.objects.filter(organization__code=f"{DEMO_ORG}.{suffix}").order_by("card_number")[
        offset
    ]


def _program(org: str, kind: str) -> Program:
    return Program.objects.get(organization__code=org, year=programs_demo.YEAR, kind=kind)


def _adopt(meeting_id: int, program: Program, point: AgendaItem, *, votes_for: int) -> None:
    """The unanimous vote under `point` that adopts `program` (and seals it)."""
    services.record_vote(
        actor=None,
        meeting_id=meeting_id,
        motion=f"Thông qua {program.title}",
        votes_for=votes_for,
        votes_against=0,
        abstain=0,
        program_id=program.pk,
        agenda_item_id=point.pk,
        claimed_adopted=True,
    )


def _close(meeting_id: int, directions: str) -> None:
    """The closing directions written, then the record closed."""
    services.set_closing_directions(actor=None, meeting_id=meeting_id, text=directions)
    services.close_meeting(actor=None, meeting_id=meeting_id)


def _conference() -> None:
    meeting = services.create_meeting(
        actor=None,
        organization_code=DEMO_ORG,
        kind=MeetingKind.YEAR_END,
        title=CONFERENCE_TITLE,
        held_on=CONFERENCE_DATE,
        starts_at=dt.time(8, 0),
        place="Hội trường Sở Giáo dục và Đào tạo Quảng Trị",
    )
    pk = meeting.pk
    tinh, minh = _card("Lê Văn Tính"), _card("Võ Văn Minh")
    services.add_chair(
        actor=None, meeting_id=pk, member_card=tinh, title_at_time="Phó Bí thư Đảng ủy"
    )
    services.add_chair(
        actor=None,
        meeting_id=pk,
        member_card=minh,
        title_at_time="Ủy viên Ban Thường vụ Đảng ủy, Phó Giám đốc Sở",
    )
    secretary = _cell_member("VP", 2)
    services.set_secretary(
        actor=None,
        meeting_id=pk,
        member_card=secretary.card_number,
        title="Thư ký hội nghị",
    )
    services.add_guest(actor=None, meeting_id=pk, name=GUEST[0], title=GUEST[1])
    services.convene_members(actor=None, meeting_id=pk)
    services.mark_all_present(actor=None, meeting_id=pk)

    work = _program(DEMO_ORG, ProgramKind.WORK)
    inspection = _program(DEMO_ORG, ProgramKind.INSPECTION)
    deputy, standing = "Phó Bí thư Đảng ủy", "Ủy viên Ban Thường vụ Đảng ủy"
    agenda: tuple[dict[str, Any], ...] = (
        {
            "title": "Trình bày Báo cáo tổng kết công tác Đảng năm 2020, phương hướng, nhiệm vụ "
            "năm 2021",
            "presenter_card": tinh,
            "presenter_title": deputy,
            "document_title": REPORT_TITLE,
        },
        {"title": "Thảo luận, phát biểu ý kiến tại Hội nghị"},
        {
            "title": "Thông qua Chương trình công tác của Đảng ủy Sở năm 2021",
            "presenter_card": tinh,
            "presenter_title": deputy,
            "program_id": work.pk,
        },
        {
            "title": "Thông qua Chương trình kiểm tra, giám sát của Đảng ủy Sở năm 2021",
            "presenter_card": minh,
            "presenter_title": standing,
            "program_id": inspection.pk,
        },
        {"title": "Trao khen thưởng năm 2020", "presenter_card": minh},
        {"title": "Phát biểu bế mạc Hội nghị", "presenter_card": tinh, "presenter_title": deputy},
    )
    report, _, work_point, inspection_point, _, _ = (
        services.add_agenda_item(actor=None, meeting_id=pk, **point) for point in agenda
    )
    speeches = (
        (
            _cell_member("GDMNTH", 0),
            "Đề nghị các chi bộ tiếp tục nâng cao chất lượng sinh hoạt chi bộ thường kỳ, gắn "
            "nội dung sinh hoạt với nhiệm vụ chuyên môn của từng phòng.",
        ),
        (
            _cell_member("KHTC", 0),
            "Thống nhất với báo cáo; đề nghị bổ sung vào chương trình kiểm tra, giám sát nội "
            "dung giám sát việc thực hiện quy chế làm việc của chi bộ.",
        ),
        (
            _cell_member("TTR", 0),
            "Đề nghị Đảng ủy tiếp tục chỉ đạo việc học tập và làm theo tư tưởng, đạo đức, phong "
            "cách Hồ Chí Minh, gắn với thực hiện nhiệm vụ chính trị của ngành.",
        ),
    )
    for speaker, summary in speeches:
        services.add_discussion(
            actor=None,
            meeting_id=pk,
            speaker_card=speaker.card_number,
            summary=summary,
            agenda_item_id=report.pk,
        )
    services.add_discussion(
        actor=None,
        meeting_id=pk,
        speaker_name=f"{GUEST[0]} - {GUEST[1]}",
        summary="Ghi nhận kết quả công tác xây dựng Đảng năm 2020 của Đảng bộ Sở; đề nghị "
        "tiếp tục phối hợp chăm lo đời sống cán bộ, nhà giáo.",
    )
    for program, point in ((work, work_point), (inspection, inspection_point)):
        _adopt(pk, program, point, votes_for=50)
    for text in AWARDS:
        services.add_award_handout(actor=None, meeting_id=pk, text=text)
    _close(pk, CLOSING_DIRECTIONS)


def _cell_meeting() -> None:
    """The TCCB cell's March meeting adopting its 2021 plan: one member away on mission, so
    point 9.3 leaves them out and the body counts 6."""
    meeting = services.create_meeting(
        actor=None,
        organization_code=TCCB,
        kind=MeetingKind.CELL_REGULAR,
        title="Sinh hoạt chi bộ thường kỳ tháng 3 năm 2021",
        held_on=CELL_MEETING_DATE,
        place="Phòng họp Sở Giáo dục và Đào tạo",
    )
    pk = meeting.pk
    tinh = _card("Lê Văn Tính")
    services.add_chair(actor=None, meeting_id=pk, member_card=tinh, title_at_time="Bí thư Chi bộ")
    services.convene_members(actor=None, meeting_id=pk)
    away = meeting.participants.exclude(member__card_number=tinh).order_by("member__card_number")
    services.mark_attendance(
        actor=None,
        participant_id=away.last().pk,  # type: ignore[union-attr]
        attendance=Attendance.ABSENT_EXCUSED,
        reason="Đi công tác theo quyết định của Sở",
    )
    services.mark_all_present(actor=None, meeting_id=pk)
    plan = _program(TCCB, ProgramKind.CELL_PLAN)
    point = services.add_agenda_item(
        actor=None,
        meeting_id=pk,
        title="Thông qua kế hoạch công tác xây dựng Đảng năm 2021 của Chi bộ",
        presenter_card=tinh,
        presenter_title="Bí thư Chi bộ",
        program_id=plan.pk,
    )
    _adopt(pk, plan, point, votes_for=6)
    _close(
        pk,
        "Các đồng chí đảng viên thực hiện nghiêm kế hoạch đã thông qua; chi ủy theo dõi, "
        "đôn đốc hằng tháng.",
    )


def load(ctx: DemoContext) -> None:
    if not Program.objects.filter(organization__code=DEMO_ORG, year=programs_demo.YEAR).exists():
        return
    if not Meeting.objects.filter(
        organization__code=DEMO_ORG, kind=MeetingKind.YEAR_END, held_on=CONFERENCE_DATE
    ).exists():
        _conference()
        ctx.notes.append(
            "Đã nạp Hội nghị tổng kết ngày 24/02/2021: 50/50 đảng viên của 07 chi bộ có mặt, "
            "thông qua hai chương trình năm 2021."
        )
    if not Meeting.objects.filter(organization__code=TCCB, held_on=CELL_MEETING_DATE).exists():
        _cell_meeting()
    programs_demo.record_progress(ctx)
