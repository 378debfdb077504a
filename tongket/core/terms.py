"""Terms of art a form asks for, each with a one-line explanation and the article it comes from.

Every form field whose label is listed here shows that line as its help text (and the widget is
described by it, `aria-describedby`), unless the form gives its own help text: the renderer's
bound field (`tongket.core.renderers`) looks the label up. One table, so the same term reads the
same on every page; a new field with one of these labels is explained without touching its form.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongket.core.text import fold

QD366 = "Quy định 366-QĐ/TW"
HD43 = "Hướng dẫn 43-HD/BTCTW"


@dataclass(frozen=True)
class Term:
    labels: tuple[str, ...]  # the field labels, as shown, that this term explains
    text: str  # one line, in the user's words
    source: str  # the article it comes from

    @property
    def help(self) -> str:
        return f"{self.text} ({self.source})"


TERMS: tuple[Term, ...] = (
    Term(
        ("Nhóm tương đồng",),
        "Nhóm đối tượng có vị trí, vai trò, chức năng, nhiệm vụ tương đồng do cấp có thẩm quyền "
        "xác định; tỷ lệ «Hoàn thành xuất sắc nhiệm vụ» được tính trong từng nhóm.",
        f"{QD366}, Điều 11, điểm 1.5",
    ),
    Term(
        ("Lý do của cấp quyết định (bắt buộc khi vượt tỷ lệ)", "Lý do của cấp quyết định"),
        "Số «Hoàn thành xuất sắc nhiệm vụ» không quá 20% số «Hoàn thành tốt nhiệm vụ» của nhóm "
        "(đến 25% khi cấp có thẩm quyền quyết định); vượt tỷ lệ thì ghi rõ lý do.",
        f"{QD366}, Điều 11, điểm 1.5",
    ),
    Term(
        ("Cơ sở tính tỷ lệ",),
        "Số được xếp loại «Hoàn thành tốt nhiệm vụ» (đúng chữ của quy định, không gồm mức xuất "
        "sắc), tính trong từng nhóm tương đồng.",
        f"{QD366}, Điều 11, điểm 1.5",
    ),
    Term(
        ("Tự phát hiện, khắc phục",),
        "Vi phạm do chính tổ chức, cá nhân phát hiện và đã khắc phục: không tự động hạ mức, cấp "
        "có thẩm quyền xem xét và ghi lý do quyết định.",
        f"{QD366}, Điều 11, khoản 4",
    ),
    Term(
        ("Không đạt do bất khả kháng",),
        "Nhiệm vụ, chỉ tiêu không đạt vì nguyên nhân khách quan ngoài khả năng của đơn vị: cấp "
        "có thẩm quyền xem xét, quyết định.",
        f"{QD366}, Điều 11, khoản 4",
    ),
    Term(
        ("Có kết luận suy thoái",),
        "Cấp có thẩm quyền đã kết luận suy thoái về tư tưởng chính trị, đạo đức, lối sống, «tự "
        "diễn biến», «tự chuyển hóa»: xếp loại không hoàn thành nhiệm vụ.",
        f"{QD366}, Điều 11, khoản 4",
    ),
    Term(
        ("Mất đoàn kết nội bộ",),
        "Tập thể lãnh đạo mất đoàn kết, bè phái đã được cấp có thẩm quyền kết luận: xếp loại "
        "không hoàn thành nhiệm vụ.",
        f"{QD366}, Điều 11, khoản 4",
    ),
    Term(
        ("Kỷ luật nặng nhất của thành viên cấp ủy",),
        "Thành viên tập thể lãnh đạo bị kỷ luật từ khiển trách trở lên vì vi phạm trong thực "
        "hiện nhiệm vụ: tập thể xếp loại không hoàn thành nhiệm vụ.",
        f"{QD366}, Điều 11, khoản 4",
    ),
    Term(
        ("Bị kỷ luật trong năm",),
        "Kỷ luật từ khiển trách trở lên vì vi phạm liên quan đến nhiệm vụ, tính cho đơn vị nơi "
        "và khi vi phạm xảy ra.",
        f"{QD366}, Điều 11, khoản 4",
    ),
    Term(
        ("Số tháng nghỉ ốm",),
        "Nghỉ ốm từ 3 tháng trở lên: theo Quy định 366 được xếp loại theo kết quả thực tế của "
        "năm (Quy định 132 không cho xếp từ mức tốt trở lên).",
        f"{QD366}, Điều 5; {HD43}, điểm 7",
    ),
    Term(
        ("Nghỉ thai sản",),
        "Đánh giá, xếp loại theo kết quả thực tế thời gian công tác trong năm.",
        f"{QD366}, Điều 5; {HD43}, điểm 7",
    ),
    Term(
        ("Miễn công tác và sinh hoạt đảng", "Đình chỉ sinh hoạt đảng"),
        "Đảng viên được miễn công tác và sinh hoạt đảng hoặc đang bị đình chỉ sinh hoạt đảng "
        "không kiểm điểm, không xếp loại.",
        f"{QD366}, Điều 5",
    ),
    Term(
        (
            "Chi bộ sinh hoạt tạm thời (nếu có)",
            "Chi bộ sinh hoạt tạm thời",
            "Nhận xét bằng văn bản của chi bộ sinh hoạt tạm thời",
        ),
        "Đảng viên sinh hoạt tạm thời được xếp loại ở chi bộ sinh hoạt chính thức, sau khi có "
        "nhận xét bằng văn bản của chi bộ sinh hoạt tạm thời.",
        f"{QD366}, Điều 5; {HD43}, điểm 7",
    ),
    Term(
        ("Xếp loại công chức, viên chức",),
        "Kết quả đánh giá, xếp loại công chức, viên chức là căn cứ để xếp loại đảng viên.",
        f"{QD366}, Điều 3, khoản 4",
    ),
    Term(
        ("Xếp loại chính quyền, đoàn thể cùng cấp",),
        "Kết quả xếp loại của chính quyền, đoàn thể cùng cấp: tổ chức đảng xuất sắc cần các nơi "
        "này đạt mức tốt trở lên, tổ chức đảng tốt cần hoàn thành trở lên.",
        "Hướng dẫn 16-HD/BTCTW (Quy định 132-QĐ/TW): tiêu chuẩn các mức chất lượng tổ chức đảng",
    ),
    Term(
        ("Người đứng đầu",),
        "Người đứng đầu, cấp phó chỉ được xếp mức xuất sắc, tốt, hoàn thành khi đơn vị mình phụ "
        "trách đạt điều kiện tương ứng; tập thể được xếp trước người đứng đầu.",
        f"{QD366}, Điều 11 và Điều 12",
    ),
    Term(
        ("Số chỉ tiêu được giao", "Số chỉ tiêu đạt"),
        "Chỉ tiêu được giao trong năm và số đạt; đạt dưới 50% (trừ bất khả kháng) là không hoàn "
        "thành nhiệm vụ.",
        "Hướng dẫn 16-HD/BTCTW: đảng viên không hoàn thành nhiệm vụ; "
        + f"{QD366}, Điều 11, khoản 4",
    ),
    Term(
        ("Tự nhận mức xếp loại",),
        "Mức đảng viên tự đề xuất trong bản tự kiểm điểm; cấp có thẩm quyền quyết định sau khi "
        "cơ quan tham mưu thẩm định.",
        f"{QD366}, Điều 12; {HD43}, Mẫu 2A, 2B, 2C",
    ),
    Term(
        ("Mức đề xuất",),
        "Mức chi bộ, cơ quan tham mưu đề xuất sau khi thẩm định bản tự kiểm điểm.",
        f"{QD366}, Điều 12",
    ),
    Term(
        ("Thẩm quyền ký",),
        "Ghi «T/M» khi ký thay mặt tập thể cấp ủy, «KT.» khi cấp phó ký thay người đứng đầu.",
        "Hướng dẫn 36-HD/VPTW, mục thể thức chữ ký",
    ),
)

_BY_LABEL: dict[str, Term] = {fold(label): term for term in TERMS for label in term.labels}


def term_for(label: str) -> Term | None:
    return _BY_LABEL.get(fold(label))


def help_for(label: str) -> str:
    """The help line of a field labelled `label` ("" when it is not a term of art)."""
    term = term_for(label)
    return term.help if term is not None else ""
