"""Demo step: one member's complete Mẫu 2B for 2026 with the task annex, through draft →
submitted → returned by the cell → resubmitted; the annex counts drive the level (two tasks of
ten exceeding cap it at good, a third makes excellent possible). A second member without an
account has a draft entered on behalf by the office."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.contrib.auth import get_user_model

from tongket.core.demo import DemoContext
from tongket.evaluation.domain import Level
from tongket.evaluation.models import Evaluation
from tongket.people.models import Member
from tongket.selfassessment import services
from tongket.selfassessment.domain import RemedyState, TaskLine
from tongket.selfassessment.models import SelfAssessment

YEAR = 2026
PART_A = {
    "strengths_politics": "Tuyệt đối trung thành với Đảng; chấp hành nghiêm chủ trương, đường lối "
    "của Đảng, chính sách, pháp luật của Nhà nước; tham gia đầy đủ các buổi học tập nghị quyết.",
    "strengths_ethics": "Giữ gìn phẩm chất đạo đức, lối sống giản dị, trung thực; không có biểu "
    "hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, «tự diễn biến», «tự chuyển hóa».",
    "strengths_duties": "Hoàn thành các nhiệm vụ chuyên môn về kế hoạch - tài chính được giao "
    "theo kế hoạch năm; phối hợp tốt với các phòng trong cơ quan.",
    "commitment": "Thực hiện đầy đủ nội dung cam kết tu dưỡng, rèn luyện, phấn đấu năm 2026.",
    "shortcomings": "Có lúc chưa chủ động đề xuất giải pháp mới.\nNguyên nhân: khối lượng công "
    "việc lớn, thời gian nghiên cứu còn hạn chế.",
    "explanations": "Không có vấn đề được gợi ý phải giải trình.",
    "responsibility": "",
    "direction": "Tiếp tục học tập nâng cao trình độ; chủ động đề xuất cải tiến quy trình thẩm "
    "định dự toán năm 2027.",
}
REMEDIES = (("Chậm nộp báo cáo quý I năm 2025", RemedyState.FIXED),)
TASK_TITLES = (
    "Xây dựng dự toán ngân sách năm 2027",
    "Thẩm định dự toán các đơn vị trực thuộc",
    "Báo cáo quyết toán năm 2025",
    "Hướng dẫn thu, chi học phí năm học 2026-2027",
    "Kiểm tra công tác tài chính 05 trường THPT",
    "Tổng hợp báo cáo đầu tư công 6 tháng",
    "Rà soát định mức chi thường xuyên",
    "Báo cáo tình hình thực hiện dự toán quý III",
    "Tham mưu phân bổ kinh phí chương trình mục tiêu",
    "Cập nhật cơ sở dữ liệu tài sản công",
)
DRAFT_POINTS = {
    "1.1": "4",
    "1.2": "3.5",
    "2": "8",
    "3": "7",
    "4": "6.5",
    "5.1": "19",
    "5.2": "14",
    "5.3": "9",
    "6": "14",
    "7": "6",
}  # 91
RESUBMIT_POINTS = DRAFT_POINTS | {"1.2": "4", "7": "8"}  # 93.5


def tasks(exceeded: int) -> list[TaskLine]:
    out = []
    for i, title in enumerate(TASK_TITLES):
        due = dt.date(YEAR, 1 + i, 25)
        out.append(
            TaskLine(title, due, due - dt.timedelta(days=3), quality_ok=True, exceeded=i < exceeded)
        )
    return out


def load(ctx: DemoContext) -> None:
    user = get_user_model().objects.filter(username="dangvien").first()
    member = Member.objects.filter(user=user).first() if user is not None else None
    if member is None:
        return
    ev = Evaluation.objects.filter(
        member=member, cycle__year=YEAR, cycle__quarter__isnull=True, cycle__status="open"
    ).first()
    if ev is None or SelfAssessment.objects.filter(evaluation=ev).exists():
        return
    office = get_user_model().objects.get(username="vanphong")
    form = services.start(actor=user, evaluation_id=ev.pk)
    draft = services.FormInput(
        texts=PART_A,
        remedies=REMEDIES,
        points=DRAFT_POINTS,
        proposed_level=Level.GOOD,
        tasks=tasks(exceeded=2),
    )
    services.save_draft(actor=user, form_id=form.pk, data=draft)
    # 91 points give excellent by score, but 2 of 10 tasks exceeding (< 30 %) cap it at good.
    services.submit(actor=user, form_id=form.pk)
    services.return_to_author(
        actor=office,
        form_id=form.pk,
        comment="Đề nghị bổ sung: nhiệm vụ rà soát định mức chi đã vượt yêu cầu (được Giám đốc "
        "Sở biểu dương) nhưng chưa ghi vào phụ lục; điểm tiêu chí 7 cần tương ứng.",
    )
    resubmitted = replace(
        draft, points=RESUBMIT_POINTS, proposed_level=Level.EXCELLENT, tasks=tasks(exceeded=3)
    )
    services.save_draft(actor=user, form_id=form.pk, data=resubmitted)
    services.submit(actor=user, form_id=form.pk)
    ctx.notes.append(
        f"Năm 2026: Mẫu 2B của đảng viên {member.card_number} (tài khoản dangvien) đã gửi, chi "
        "bộ trả lại, gửi lại; phụ lục 10 nhiệm vụ, 3 vượt yêu cầu: tự xếp loại hoàn thành xuất "
        "sắc nhiệm vụ (2 nhiệm vụ vượt chỉ cho phép hoàn thành tốt)."
    )
    _on_behalf(ctx, office, member)


def _on_behalf(ctx: DemoContext, office: object, colleague_of: Member) -> None:
    """A member of the same cell without an account: the office enters the form for them."""
    other = (
        Member.objects.filter(
            organization=colleague_of.organization, user__isnull=True, party_roles__isnull=True
        )
        .exclude(pk=colleague_of.pk)
        .order_by("card_number")
        .first()
    )
    if other is None:
        return
    ev = Evaluation.objects.filter(
        member=other, cycle__year=YEAR, cycle__quarter__isnull=True, cycle__status="open"
    ).first()
    if ev is None:
        return
    form = services.start(actor=office, evaluation_id=ev.pk)
    services.save_draft(
        actor=office,
        form_id=form.pk,
        data=services.FormInput(
            texts={"strengths_duties": "Nhập từ bản giấy do đồng chí nộp cho chi bộ."},
            points={"1.1": "4", "1.2": "4", "2": "7", "3": "7", "4": "6"},
            tasks=tasks(exceeded=0)[:4],
        ),
    )
    ctx.notes.append(
        f"Mẫu 2B của đảng viên {other.card_number} (không có tài khoản): văn phòng nhập thay, "
        "còn ở bản nháp."
    )
