"""Sample scoring frames and scores as data: Quảng Trị's 2020 task scoring and PAR index.

SAMPLES, not published frames. The seed gives only the results (Sở Giáo dục và Đào tạo: 326,7 of
350 points, 1st of 20; PAR index 88,57 of 97,0, 2nd; 4/4 targets). The criteria below, their
points, the band thresholds, the other units' totals and the targets are plausible illustrations
chosen so that the sample leaf scores reproduce those results exactly (DOMAIN.md §6 marks the
2020 frame [?]). Replace them with the issuing decisions' text before real use.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from tongket.scoring.domain import (
    Band,
    Criterion,
    CriterionKind,
    Frame,
    ScoreBasis,
    Target,
    TargetDirection,
    TieBreak,
    TieBreakBy,
)

ISSUER_QUANG_TRI = "Ủy ban nhân dân tỉnh Quảng Trị"
SGDDT = "Sở Giáo dục và Đào tạo"


def _c(
    code: str,
    title: str,
    max_points: str,
    *children: Criterion,
    kind: CriterionKind = CriterionKind.NORMAL,
) -> Criterion:
    return Criterion(code, title, Decimal(max_points), kind, children)


def _scores(values: Mapping[str, str]) -> Mapping[str, Decimal]:
    return MappingProxyType({code: Decimal(v) for code, v in values.items()})


# --- task scoring (chấm điểm thi đua, xếp loại mức độ hoàn thành nhiệm vụ) -----------------------

QUANG_TRI_TASK_FRAME_2020 = Frame(
    code="QT-HTNV-SBN-2020",
    title=(
        "Bộ tiêu chí chấm điểm, xếp loại mức độ hoàn thành nhiệm vụ của các sở, ban, ngành "
        "cấp tỉnh năm 2020 (khung mẫu)"
    ),
    issuer=ISSUER_QUANG_TRI,
    year=2020,
    version=1,
    criteria=(
        _c(
            "1",
            "Kết quả thực hiện các chỉ tiêu, nhiệm vụ được giao",
            "150",
            _c(
                "1.1",
                "Kết quả thực hiện các chỉ tiêu kinh tế - xã hội được giao",
                "60",
                _c("1.1.a", "Chỉ tiêu phát triển giáo dục mầm non, phổ thông", "20"),
                _c("1.1.b", "Tỷ lệ trường đạt chuẩn quốc gia", "20"),
                _c("1.1.c", "Tỷ lệ học sinh tốt nghiệp trung học phổ thông", "20"),
            ),
            _c("1.2", "Thực hiện các nhiệm vụ trong Chương trình công tác của UBND tỉnh", "50"),
            _c("1.3", "Thực hiện các nhiệm vụ do Chủ tịch, các Phó Chủ tịch UBND tỉnh giao", "40"),
        ),
        _c(
            "2",
            "Công tác chỉ đạo, điều hành và tham mưu",
            "60",
            _c("2.1", "Chất lượng, tiến độ tham mưu ban hành văn bản", "25"),
            _c("2.2", "Xây dựng và thực hiện kế hoạch công tác năm", "20"),
            _c("2.3", "Thực hiện chế độ thông tin, báo cáo", "15"),
        ),
        _c(
            "3",
            "Công tác cải cách hành chính",
            "50",
            _c("3.1", "Kết quả Chỉ số cải cách hành chính", "30"),
            _c("3.2", "Giải quyết thủ tục hành chính đúng hạn", "20"),
        ),
        _c(
            "4",
            "Thanh tra, kiểm tra, giải quyết khiếu nại, tố cáo, phòng, chống tham nhũng",
            "40",
            _c("4.1", "Công tác thanh tra, kiểm tra", "15"),
            _c("4.2", "Tiếp công dân, giải quyết khiếu nại, tố cáo", "15"),
            _c("4.3", "Phòng, chống tham nhũng; thực hành tiết kiệm, chống lãng phí", "10"),
        ),
        _c(
            "5",
            "Xây dựng cơ quan, tổ chức bộ máy, cán bộ; thi đua, khen thưởng",
            "50",
            _c("5.1", "Sắp xếp tổ chức bộ máy, tinh giản biên chế", "20"),
            _c("5.2", "Công tác cán bộ, đào tạo, bồi dưỡng", "15"),
            _c("5.3", "Thi đua, khen thưởng; thực hiện quy chế dân chủ cơ sở", "15"),
        ),
        _c(
            "6",
            "Điểm thưởng",
            "10",
            _c("6.1", "Được Chính phủ, bộ, ngành Trung ương khen thưởng, ghi nhận", "5"),
            _c("6.2", "Có sáng kiến, mô hình mới được UBND tỉnh công nhận", "5"),
            kind=CriterionKind.BONUS,
        ),
        _c(
            "7",
            "Điểm trừ",
            "20",
            _c("7.1", "Bị UBND tỉnh phê bình bằng văn bản", "10"),
            _c("7.2", "Chậm thực hiện nhiệm vụ, chậm báo cáo được giao", "10"),
            kind=CriterionKind.PENALTY,
        ),
    ),
    bands=(
        Band(Decimal("315"), "Hoàn thành xuất sắc nhiệm vụ", "excellent"),
        Band(Decimal("280"), "Hoàn thành tốt nhiệm vụ", "good"),
        Band(Decimal("175"), "Hoàn thành nhiệm vụ", "completed"),
        Band(Decimal("0"), "Không hoàn thành nhiệm vụ", "not_completed"),
    ),
    band_basis=ScoreBasis.POINTS,
    # Every department is scored out of the same 350, so points and percent rank alike.
    rank_basis=ScoreBasis.POINTS,
    tie_break=TieBreak(TieBreakBy.CRITERION, "1"),
    citation="Khung mẫu, chưa đối chiếu bộ tiêu chí năm 2020 của UBND tỉnh Quảng Trị",
    is_sample=True,
)

SAMPLE_SGDDT_2020_TASK_SCORES = _scores(
    {
        "1.1.a": "20",
        "1.1.b": "19.5",
        "1.1.c": "20",
        "1.2": "45",
        "1.3": "37",
        "2.1": "23",
        "2.2": "18.5",
        "2.3": "14.5",
        "3.1": "27.2",
        "3.2": "19",
        "4.1": "14",
        "4.2": "14",
        "4.3": "9",
        "5.1": "18",
        "5.2": "12",
        "5.3": "14.5",
        "6.1": "0",
        "6.2": "2",
        "7.1": "0",
        "7.2": "0.5",
    }
)
SAMPLE_SGDDT_2020_TASK_NOT_APPLICABLE: frozenset[str] = frozenset()

# The other departments' totals are illustrative; two share a total to show 1, 2, 3, 3, 5.
SAMPLE_2020_TASK_PEER_TOTALS: tuple[tuple[str, Decimal], ...] = tuple(
    (unit, Decimal(points))
    for unit, points in (
        (SGDDT, "326.7"),
        ("Sở Tài chính", "321.5"),
        ("Sở Kế hoạch và Đầu tư", "318.2"),
        ("Sở Nội vụ", "318.2"),
        ("Sở Y tế", "312.4"),
        ("Sở Tư pháp", "310.0"),
        ("Sở Tài nguyên và Môi trường", "305.6"),
        ("Sở Nông nghiệp và Phát triển nông thôn", "303.1"),
        ("Sở Giao thông vận tải", "301.8"),
        ("Sở Xây dựng", "299.5"),
        ("Sở Công Thương", "298.0"),
        ("Sở Lao động - Thương binh và Xã hội", "296.3"),
        ("Sở Văn hóa, Thể thao và Du lịch", "294.7"),
        ("Sở Khoa học và Công nghệ", "292.2"),
        ("Sở Thông tin và Truyền thông", "290.9"),
        ("Sở Ngoại vụ", "288.4"),
        ("Thanh tra tỉnh", "286.0"),
        ("Ban Dân tộc tỉnh", "283.5"),
        ("Văn phòng UBND tỉnh", "281.7"),
        ("Ban Quản lý Khu kinh tế tỉnh", "279.6"),
    )
)

# --- PAR index (Chỉ số cải cách hành chính cấp sở) ---------------------------------------------

QUANG_TRI_PAR_FRAME_2020 = Frame(
    code="QT-CCHC-SO-2020",
    title="Chỉ số cải cách hành chính của các sở, ban, ngành cấp tỉnh năm 2020 (khung mẫu)",
    issuer=ISSUER_QUANG_TRI,
    year=2020,
    version=1,
    criteria=(
        _c(
            "1",
            "Công tác chỉ đạo, điều hành cải cách hành chính",
            "12",
            _c("1.1", "Kế hoạch cải cách hành chính năm", "3"),
            _c("1.2", "Báo cáo cải cách hành chính", "2"),
            _c("1.3", "Kiểm tra công tác cải cách hành chính", "3"),
            _c("1.4", "Công tác tuyên truyền cải cách hành chính", "2"),
            _c("1.5", "Sáng kiến, giải pháp mới trong cải cách hành chính", "2"),
        ),
        _c(
            "2",
            "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
            "10",
            _c("2.1", "Tham mưu xây dựng văn bản quy phạm pháp luật thuộc lĩnh vực quản lý", "4"),
            _c("2.2", "Theo dõi thi hành pháp luật", "3"),
            _c("2.3", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật", "3"),
        ),
        _c(
            "3",
            "Cải cách thủ tục hành chính",
            "20",
            _c("3.1", "Rà soát, đánh giá thủ tục hành chính", "4"),
            _c("3.2", "Công bố, công khai thủ tục hành chính", "4"),
            _c("3.3", "Thực hiện cơ chế một cửa, một cửa liên thông", "6"),
            _c("3.4", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", "6"),
        ),
        _c(
            "4",
            "Cải cách tổ chức bộ máy hành chính",
            "10",
            _c("4.1", "Sắp xếp, kiện toàn tổ chức bộ máy", "5"),
            _c("4.2", "Thực hiện phân cấp quản lý", "3"),
            _c("4.3", "Kiểm tra tổ chức, hoạt động của các đơn vị trực thuộc", "2"),
        ),
        _c(
            "5",
            "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức",
            "12",
            _c("5.1", "Xác định vị trí việc làm, cơ cấu ngạch công chức", "4"),
            _c("5.2", "Tuyển dụng, bổ nhiệm cán bộ, công chức, viên chức", "4"),
            _c("5.3", "Đào tạo, bồi dưỡng cán bộ, công chức, viên chức", "4"),
        ),
        _c(
            "6",
            "Cải cách tài chính công",
            "10",
            _c("6.1", "Giao quyền tự chủ cho các đơn vị sự nghiệp công lập trực thuộc", "4"),
            _c("6.2", "Thực hiện cơ chế tự chủ tại cơ quan", "3"),
            _c("6.3", "Quản lý, sử dụng tài sản công", "3"),
        ),
        _c(
            "7",
            "Hiện đại hóa hành chính",
            "12",
            _c("7.1", "Ứng dụng công nghệ thông tin", "6"),
            _c("7.2", "Cung cấp dịch vụ công trực tuyến", "4"),
            _c("7.3", "Áp dụng hệ thống quản lý chất lượng theo TCVN ISO 9001", "2"),
        ),
        _c(
            "8",
            "Kết quả điều tra xã hội học",
            "14",
            _c("8.1", "Đánh giá của cán bộ, công chức, viên chức", "7"),
            _c("8.2", "Đánh giá của người dân, tổ chức", "7"),
        ),
    ),
    # Units' maxima differ when criteria do not apply: only the percent compares them fairly.
    rank_basis=ScoreBasis.PERCENT,
    citation="Khung mẫu theo các lĩnh vực của Chỉ số cải cách hành chính, chưa đối chiếu "
    "văn bản năm 2020 của UBND tỉnh Quảng Trị",
    is_sample=True,
)

SAMPLE_SGDDT_2020_PAR_SCORES = _scores(
    {
        "1.1": "3",
        "1.2": "2",
        "1.3": "2",
        "1.4": "2",
        "1.5": "1",
        "2.1": "4",
        "2.2": "2.5",
        "2.3": "3",
        "3.1": "4",
        "3.2": "4",
        "3.3": "6",
        "3.4": "5",
        "4.1": "5",
        "4.3": "2",
        "5.1": "4",
        "5.2": "3",
        "5.3": "4",
        "6.1": "3",
        "6.2": "3",
        "6.3": "3",
        "7.1": "6",
        "7.2": "3",
        "7.3": "2",
        "8.1": "6.12",
        "8.2": "5.95",
    }
)
# The department had no management tasks to decentralize that year: 100 − 3 = 97,0.
SAMPLE_SGDDT_2020_PAR_NOT_APPLICABLE: frozenset[str] = frozenset({"4.2"})

# (unit, points, the unit's own maximum); illustrative. Sở Tư pháp has more points than Sở Giáo
# dục và Đào tạo but a lower percent of its own maximum, so it ranks below it.
SAMPLE_2020_PAR_PEER_RESULTS: tuple[tuple[str, Decimal, Decimal], ...] = tuple(
    (unit, Decimal(points), Decimal(own_max))
    for unit, points, own_max in (
        ("Sở Nội vụ", "93.20", "100"),
        (SGDDT, "88.57", "97"),
        ("Sở Tư pháp", "90.10", "100"),
        ("Sở Tài chính", "88.05", "98"),
        ("Sở Kế hoạch và Đầu tư", "87.30", "100"),
        ("Sở Y tế", "85.12", "97"),
        ("Sở Tài nguyên và Môi trường", "84.60", "100"),
        ("Sở Nông nghiệp và Phát triển nông thôn", "83.95", "100"),
        ("Sở Giao thông vận tải", "83.10", "99"),
        ("Sở Xây dựng", "82.75", "100"),
        ("Sở Công Thương", "82.40", "100"),
        ("Sở Lao động - Thương binh và Xã hội", "81.90", "100"),
        ("Sở Văn hóa, Thể thao và Du lịch", "81.30", "100"),
        ("Sở Khoa học và Công nghệ", "80.85", "97"),
        ("Sở Thông tin và Truyền thông", "80.20", "100"),
        ("Sở Ngoại vụ", "78.60", "95"),
        ("Thanh tra tỉnh", "78.15", "97"),
        ("Ban Dân tộc tỉnh", "76.40", "95"),
        ("Văn phòng UBND tỉnh", "77.80", "100"),
        ("Ban Quản lý Khu kinh tế tỉnh", "75.90", "100"),
    )
)

# --- targets (chỉ tiêu cơ bản tỉnh giao) ---------------------------------------------------------

SAMPLE_SGDDT_2020_TARGETS: tuple[Target, ...] = (
    Target("Tỷ lệ huy động trẻ 5 tuổi đến trường", "%", Decimal("99.5"), Decimal("99.8")),
    Target("Tỷ lệ trường đạt chuẩn quốc gia", "%", Decimal("60"), Decimal("61.2")),
    Target("Tỷ lệ học sinh tốt nghiệp trung học phổ thông", "%", Decimal("97"), Decimal("98.4")),
    Target(
        "Tỷ lệ học sinh bỏ học",
        "%",
        Decimal("0.3"),
        Decimal("0.21"),
        TargetDirection.LOWER_IS_BETTER,
    ),
)

SAMPLE_FRAMES: tuple[Frame, ...] = (QUANG_TRI_TASK_FRAME_2020, QUANG_TRI_PAR_FRAME_2020)
