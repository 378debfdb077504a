"""Demo step: the office's narrative for the 2020 year-end report, figures as placeholders."""

from __future__ import annotations

from tongket.core.demo import DEMO_ORG, DemoContext
from tongket.people.models import Organization
from tongket.reports import services
from tongket.reports.models import NarrativeSection, ReportNarrative

YEAR = 2020

# Wording from the seed article; the figures are placeholders so they follow the data.
NARRATIVES = {
    NarrativeSection.POLITICAL_IDEOLOGICAL: (
        "Dưới sự lãnh đạo của Đảng ủy Sở Giáo dục và Đào tạo, năm {nam} Đảng bộ Sở đã thực hiện "
        "tốt công tác chính trị, tư tưởng; cán bộ, đảng viên phát huy trách nhiệm, tính gương "
        "mẫu, tiền phong của người đảng viên."
    ),
    NarrativeSection.POLITICAL_TASKS: (
        "Ngành giáo dục và đào tạo đã hoàn thành đạt {chi_tieu} chỉ tiêu cơ bản của tỉnh giao; "
        "Sở được UBND tỉnh đánh giá với {diem_thi_dua} điểm/{diem_toi_da} điểm."
    ),
    NarrativeSection.ORGANIZATION_PERSONNEL: (
        "Toàn Đảng bộ có {so_dang_vien} đảng viên sinh hoạt tại {so_chi_bo} chi bộ trực thuộc. "
        "Kết quả xếp loại: {so_chi_bo_xuat_sac} chi bộ hoàn thành xuất sắc nhiệm vụ, "
        "{so_chi_bo_tot} chi bộ hoàn thành tốt nhiệm vụ; {so_dang_vien_xuat_sac} đồng chí đảng "
        "viên hoàn thành xuất sắc nhiệm vụ."
    ),
    NarrativeSection.INSPECTION: (
        "Đảng ủy thực hiện chương trình kiểm tra, giám sát năm {nam} theo kế hoạch; không có "
        "đảng viên vi phạm phải xử lý kỷ luật."
    ),
    NarrativeSection.MASS_MOBILIZATION: (
        "Đảng ủy lãnh đạo Công đoàn, Đoàn Thanh niên cơ quan hoạt động có hiệu quả, thực hiện tốt "
        "quy chế dân chủ ở cơ sở."
    ),
    NarrativeSection.LIMITATIONS: (
        "Một số chi bộ chưa thật sự đổi mới nội dung sinh hoạt; việc xây dựng kế hoạch ở một số "
        "chi bộ còn chậm."
    ),
    NarrativeSection.DIRECTIONS: (
        "Năm {nam_sau}, Đảng bộ Sở tiếp tục đổi mới công tác quản lý, phương thức lãnh đạo, phát "
        "huy sáng kiến của mỗi cá nhân, phấn đấu hoàn thành tốt nhiệm vụ chính trị do Đảng bộ cấp "
        "trên giao; các chi bộ chủ động xây dựng kế hoạch công tác xây dựng đảng năm {nam_sau}."
    ),
}


def load(ctx: DemoContext) -> None:
    org = Organization.objects.filter(code=DEMO_ORG).first()
    if org is None or ReportNarrative.objects.filter(organization=org, year=YEAR).exists():
        return
    for section, text in NARRATIVES.items():
        services.save_narrative(
            actor=None, organization_code=DEMO_ORG, year=YEAR, section=section.value, text=text
        )
    ctx.notes.append(f"Đã nạp phần viết của báo cáo tổng kết năm {YEAR} ({DEMO_ORG}).")
