"""Demo step: the Đảng ủy Sở's 2021 work program and inspection and supervision program (the
seed article's conference adopted both), and one cell's 2021 Party-building plan.

The programs are created as drafts here; the meetings step adopts them by vote at the
conference of 24/02/2021 and then calls `record_progress` for the year's tracking. The items are
plausible sample content, not the real documents' text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tongket.core.demo import DEMO_ORG, DemoContext
from tongket.people.models import Member
from tongket.programs import services
from tongket.programs.models import (
    Activity,
    ItemStatusChange,
    Program,
    ProgramItem,
    ProgramKind,
    ProgramStatus,
)

YEAR = 2021
INSPECTION_BODY = "Ủy ban Kiểm tra Đảng ủy Sở"
TCCB = f"{DEMO_ORG}.TCCB"

WORK_TITLE = "Chương trình công tác của Đảng ủy Sở Giáo dục và Đào tạo năm 2021"
INSPECTION_TITLE = "Chương trình kiểm tra, giám sát của Đảng ủy Sở Giáo dục và Đào tạo năm 2021"
CELL_PLAN_TITLE = (
    "Kế hoạch công tác xây dựng Đảng năm 2021 của Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng"
)


def _card(name: str) -> str:
    return Member.objects.get(full_name=name, org_path__startswith=_root_path()).card_number


def _root_path() -> str:
    from tongket.people.models import Organization

    return Organization.objects.get(code=DEMO_ORG).path


def _first_member(cell_suffix: str, offset: int = 0) -> str:
    members = Member.objects.filter(organization__code=f"{DEMO_ORG}.{cell_suffix}").order_by(
        "card_number"
    )
    return members[offset].card_number


def _work_items() -> list[services.ItemInput]:
    tinh = _card("Lê Văn Tính")
    minh = _card("Võ Văn Minh")
    office = "Đảng ủy Sở; Văn phòng Đảng ủy"
    return [
        services.ItemInput(
            "1",
            "Lãnh đạo các chi bộ tổ chức kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng "
            "và đảng viên năm 2020",
            month=1,
            in_charge_text="Thường trực Đảng ủy; các chi bộ trực thuộc",
            in_charge_member_card=tinh,
        ),
        services.ItemInput(
            "2",
            "Tổ chức Hội nghị tổng kết công tác xây dựng Đảng năm 2020, triển khai nhiệm vụ "
            "năm 2021",
            month=2,
            in_charge_text=office,
            in_charge_organization_code=DEMO_ORG,
        ),
        services.ItemInput(
            "3",
            "Tổ chức học tập, quán triệt, triển khai Nghị quyết Đại hội đại biểu toàn quốc lần "
            "thứ XIII của Đảng cho cán bộ, đảng viên",
            quarter=1,
            in_charge_text="Đảng ủy Sở; các chi bộ",
            in_charge_member_card=minh,
        ),
        services.ItemInput(
            "4",
            "Lãnh đạo cán bộ, đảng viên tham gia bầu cử đại biểu Quốc hội khóa XV và đại biểu "
            "Hội đồng nhân dân các cấp nhiệm kỳ 2021-2026",
            month=5,
            in_charge_text=office,
            in_charge_organization_code=DEMO_ORG,
        ),
        services.ItemInput(
            "5",
            "Sơ kết công tác xây dựng Đảng 6 tháng đầu năm, triển khai nhiệm vụ 6 tháng cuối năm "
            "2021",
            month=7,
            in_charge_text=office,
            in_charge_organization_code=DEMO_ORG,
        ),
        services.ItemInput(
            "6",
            "Tổ chức sinh hoạt chuyên đề toàn Đảng bộ về học tập và làm theo tư tưởng, đạo đức, "
            "phong cách Hồ Chí Minh theo Chỉ thị 05-CT/TW năm 2021",
            quarter=3,
            in_charge_text="Đảng ủy Sở; Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng",
            in_charge_member_card=tinh,
            subject_organization_codes=(TCCB,),
        ),
        services.ItemInput(
            "7",
            "Bồi dưỡng nhận thức về Đảng cho quần chúng ưu tú, xem xét kết nạp đảng viên mới",
            month=9,
            in_charge_text="Đảng ủy Sở; các chi bộ",
            in_charge_member_card=tinh,
        ),
        services.ItemInput(
            "8",
            "Lãnh đạo kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm 2021",
            quarter=4,
            in_charge_text="Thường trực Đảng ủy; các chi bộ trực thuộc",
            in_charge_member_card=tinh,
        ),
        services.ItemInput(
            "9",
            "Chuẩn bị báo cáo tổng kết công tác xây dựng Đảng năm 2021, phương hướng nhiệm vụ "
            "năm 2022",
            month=12,
            in_charge_text=office,
            in_charge_organization_code=DEMO_ORG,
        ),
    ]


def _inspection_items() -> list[services.ItemInput]:
    return [
        _inspection(
            "1",
            "Giám sát chuyên đề việc thực hiện quy chế làm việc và chế độ sinh hoạt của Chi bộ "
            "Kế hoạch - Tài chính",
            Activity.SUPERVISION,
            quarter=1,
            subject_organization_codes=(f"{DEMO_ORG}.KHTC",),
        ),
        _inspection(
            "2",
            "Kiểm tra việc thu, nộp, quản lý và sử dụng đảng phí của Chi bộ Văn phòng",
            Activity.INSPECTION,
            quarter=2,
            subject_organization_codes=(f"{DEMO_ORG}.VP",),
        ),
        _inspection(
            "3",
            "Kiểm tra đảng viên là cấp ủy viên chi bộ trong việc chấp hành Điều lệ Đảng và thực "
            "hiện nhiệm vụ đảng viên",
            Activity.INSPECTION,
            quarter=3,
            subject_member_cards=(_first_member("GDMNTH", 1), _first_member("KTQLCL", 1)),
        ),
        _inspection(
            "4",
            "Giám sát việc thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị tại Chi bộ Thanh tra",
            Activity.SUPERVISION,
            month=10,
            subject_organization_codes=(f"{DEMO_ORG}.TTR",),
        ),
        _inspection(
            "5",
            "Kiểm tra việc lãnh đạo thực hiện nhiệm vụ chính trị của Chi bộ Giáo dục Trung học - "
            "Giáo dục thường xuyên",
            Activity.INSPECTION,
            quarter=4,
            subject_organization_codes=(f"{DEMO_ORG}.GDTRH",),
        ),
    ]


def _inspection(code: str, content: str, activity: Activity, **plan: Any) -> services.ItemInput:
    """An item of the inspection and supervision program: the Party committee's Inspection
    Commission leads it."""
    return services.ItemInput(
        code,
        content,
        activity=activity,
        in_charge_text=INSPECTION_BODY,
        in_charge_organization_code=DEMO_ORG,
        **plan,
    )


def _cell_plan_items() -> list[services.ItemInput]:
    secretary = _card("Lê Văn Tính")
    return [
        services.ItemInput(
            "1",
            "Sinh hoạt chi bộ thường kỳ hằng tháng đúng quy định, nâng cao chất lượng sinh hoạt",
            quarter=1,
            in_charge_text="Bí thư Chi bộ",
            in_charge_member_card=secretary,
        ),
        services.ItemInput(
            "2",
            "Sinh hoạt chuyên đề về thực hiện Chỉ thị 05-CT/TW gắn với nhiệm vụ tổ chức cán bộ",
            quarter=2,
            in_charge_text="Chi ủy",
            in_charge_organization_code=TCCB,
        ),
        services.ItemInput(
            "3",
            "Giới thiệu quần chúng ưu tú tham gia lớp bồi dưỡng nhận thức về Đảng",
            month=8,
            in_charge_text="Chi ủy",
            in_charge_organization_code=TCCB,
        ),
        services.ItemInput(
            "4",
            "Kiểm điểm, đánh giá, xếp loại chất lượng chi bộ và đảng viên năm 2021",
            month=12,
            in_charge_text="Bí thư Chi bộ",
            in_charge_member_card=secretary,
        ),
    ]


def _create(
    kind: str, title: str, items: list[services.ItemInput], org: str, parent: int | None = None
) -> Program:
    program = services.create_program(
        actor=None,
        organization_code=org,
        year=YEAR,
        kind=kind,
        title=title,
        parent_program_id=parent,
    )
    for data in items:
        services.add_item(actor=None, program_id=program.pk, data=data)
    return program


def load(ctx: DemoContext) -> None:
    if Program.objects.filter(organization__code=DEMO_ORG, year=YEAR).exists():
        return
    work = _create(ProgramKind.WORK, WORK_TITLE, _work_items(), DEMO_ORG)
    _create(ProgramKind.INSPECTION, INSPECTION_TITLE, _inspection_items(), DEMO_ORG)
    _create(ProgramKind.CELL_PLAN, CELL_PLAN_TITLE, _cell_plan_items(), TCCB, parent=work.pk)
    ctx.notes.append(
        "Đã nạp Chương trình công tác và Chương trình kiểm tra, giám sát năm 2021 của Đảng ủy Sở "
        "(nội dung là dữ liệu mẫu)."
    )


def _item(program: Program, code: str) -> ProgramItem:
    return program.items.get(code=code)


def _status(program: Program, code: str, status: str, on: dt.date, reason: str = "") -> None:
    services.change_item_status(
        actor=None, item_id=_item(program, code).pk, status=status, reason=reason, on=on
    )


# The inspection program's items done by October 2021: (code, done on, the result as
# services.record_item_result takes it, the day the shortcomings were remedied).
INSPECTIONS_DONE: tuple[tuple[str, dt.date, dict[str, Any], dt.date | None], ...] = (
    (
        "1",
        dt.date(2021, 3, 30),
        {
            "result": "Đã giám sát theo kế hoạch; có thông báo kết quả giám sát.",
            "conclusions": "Chi bộ thực hiện cơ bản đúng quy chế làm việc và chế độ sinh hoạt "
            "chi bộ.",
            "shortcomings": "Sổ biên bản sinh hoạt chi bộ ghi chưa đầy đủ ý kiến thảo luận.",
            "remedies_required": "Chi ủy hoàn thiện sổ biên bản, ghi đầy đủ ý kiến thảo luận.",
            "remedy_deadline": dt.date(2021, 4, 30),
        },
        dt.date(2021, 4, 20),
    ),
    (
        "2",
        dt.date(2021, 6, 25),
        {
            "result": "Đã kiểm tra; có kết luận kiểm tra.",
            "conclusions": "Chi bộ thu, nộp đảng phí đầy đủ; quản lý, sử dụng đúng quy định.",
            "shortcomings": "Một số tháng nộp đảng phí lên cấp trên chưa kịp thời.",
            "remedies_required": "Nộp đảng phí đúng thời hạn hằng tháng; lập sổ theo dõi riêng.",
            "remedy_deadline": dt.date(2021, 9, 30),
        },
        None,
    ),
    (
        "3",
        dt.date(2021, 9, 24),
        {
            "result": "Đã kiểm tra 02 đồng chí.",
            "conclusions": "Các đồng chí được kiểm tra chấp hành tốt Điều lệ Đảng, hoàn thành tốt "
            "nhiệm vụ đảng viên.",
        },
        None,
    ),
)


def record_progress(ctx: DemoContext) -> None:
    """The year's tracking of the adopted programs, as of the end of October 2021: several items
    done, one postponed, inspections with conclusions and remedies. Idempotent."""
    programs = {
        p.kind: p
        for p in Program.objects.filter(
            organization__code=DEMO_ORG, year=YEAR, status=ProgramStatus.ADOPTED
        )
    }
    work = programs.get(ProgramKind.WORK)
    inspection = programs.get(ProgramKind.INSPECTION)
    if work is None or inspection is None:
        return
    if ItemStatusChange.objects.filter(item__program__in=[work, inspection]).exists():
        return
    _status(work, "1", "done", dt.date(2021, 1, 29))
    _status(work, "2", "done", dt.date(2021, 2, 24))
    _status(work, "3", "done", dt.date(2021, 3, 26))
    _status(work, "4", "done", dt.date(2021, 5, 23))
    _status(work, "5", "done", dt.date(2021, 7, 16))
    _status(
        work,
        "6",
        "postponed",
        dt.date(2021, 8, 9),
        reason=(
            "Dịch COVID-19 diễn biến phức tạp, tỉnh tạm dừng tổ chức các hoạt động tập trung đông "
            "người; chuyển sang tổ chức khi tình hình cho phép."
        ),
    )
    _status(work, "7", "in_progress", dt.date(2021, 9, 6))

    for code, done_on, result, remedied_on in INSPECTIONS_DONE:
        _status(inspection, code, "done", done_on)
        item_id = _item(inspection, code).pk
        services.record_item_result(actor=None, item_id=item_id, **result)
        if remedied_on is not None:
            services.mark_remedied(actor=None, item_id=item_id, on=remedied_on)
    _status(inspection, "4", "in_progress", dt.date(2021, 10, 11))
    ctx.notes.append("Đã ghi tiến độ thực hiện các chương trình năm 2021 (đến tháng 10/2021).")
