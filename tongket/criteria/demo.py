"""Demo step: the department's Party committee writes and publishes its PL4 criteria for 2026
(members without posts), concretising the 30 / 70 split of 366-QĐ/TW; the content is sample
data in the shape HD 43's Phụ lục 4 gives."""

from __future__ import annotations

from decimal import Decimal

from tongket.core.demo import DEMO_ORG, DemoContext
from tongket.criteria import services
from tongket.criteria.domain import Appendix, Node
from tongket.criteria.models import CriteriaSet
from tongket.evaluation.domain import PointGroup
from tongket.people.models import Organization

G, T = PointGroup.GENERAL, PointGroup.TASKS
YEAR = 2026


def _n(
    code: str, title: str, points: int, section: PointGroup, parent: str = "", **kw: str
) -> Node:
    return Node(
        code=code,
        title=title,
        points=Decimal(points),
        section=section,
        parent=parent,
        guidance=kw.get("guidance", ""),
        evidence=kw.get("evidence", ""),
    )


PL4_2026 = (
    _n("1", "Phẩm chất chính trị, tư tưởng", 8, G),
    _n("1.1", "Trung thành với Đảng, chấp hành chủ trương, đường lối", 4, G, "1"),
    _n(
        "1.2",
        "Học tập, quán triệt nghị quyết; tự học tập nâng cao trình độ",
        4,
        G,
        "1",
        evidence="Bài thu hoạch học tập nghị quyết",
    ),
    _n(
        "2",
        "Đạo đức, lối sống",
        8,
        G,
        guidance="Trừ 2 điểm mỗi lần bị nhắc nhở về đạo đức, lối sống",
    ),
    _n(
        "3",
        "Ý thức tổ chức kỷ luật",
        7,
        G,
        guidance="Sinh hoạt chi bộ đầy đủ, đóng đảng phí đúng quy định",
    ),
    _n("4", "Tác phong, lề lối làm việc", 7, G),
    _n("5", "Kết quả thực hiện nhiệm vụ chuyên môn được giao", 45, T),
    _n(
        "5.1",
        "Khối lượng nhiệm vụ hoàn thành theo kế hoạch",
        20,
        T,
        "5",
        evidence="Phụ lục kết quả thực hiện nhiệm vụ (sản phẩm, tiến độ, chất lượng)",
    ),
    _n(
        "5.2",
        "Tiến độ thực hiện nhiệm vụ",
        15,
        T,
        "5",
        guidance="Trừ 3 điểm mỗi nhiệm vụ chậm tiến độ",
    ),
    _n("5.3", "Chất lượng, hiệu quả sản phẩm", 10, T, "5"),
    _n("6", "Thực hiện nhiệm vụ đảng viên do chi bộ phân công", 15, T),
    _n(
        "7",
        "Đổi mới, sáng tạo; nhiệm vụ vượt yêu cầu",
        10,
        T,
        evidence="Sáng kiến, đề tài được công nhận",
    ),
)


def load(ctx: DemoContext) -> None:
    org = Organization.objects.filter(code=DEMO_ORG).first()
    if org is None:
        return
    if CriteriaSet.objects.filter(organization=org, year=YEAR, appendix="PL4").exists():
        return
    draft = services.save_draft(
        actor=None,
        organization_code=DEMO_ORG,
        year=YEAR,
        appendix=Appendix.PL4,
        title="Bộ tiêu chí đánh giá đảng viên không giữ chức vụ lãnh đạo, quản lý năm 2026",
        nodes=PL4_2026,
    )
    published = services.publish_set(actor=None, set_id=draft.pk)
    ctx.notes.append(
        f"Năm 2026: Đảng ủy Sở ban hành {published.title} (Phụ lục 4, phiên bản "
        f"{published.version}); trang /criteria/, lệnh `tongket criteria export`."
    )
