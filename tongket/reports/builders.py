"""Turn report facts into official documents (`OfficialDocument`) and the news item; no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tongket.core.errors import DomainError
from tongket.core.formatting import (
    date_short,
    format_count,
    format_maximum,
    format_percent,
    format_points,
    shown_maximum,
    stripped,
)
from tongket.core.formatting import percent as percent_of
from tongket.evaluation.domain import Level
from tongket.reports import charts
from tongket.reports.documents import (
    BAO_CAO,
    BIEN_BAN,
    NGHI_QUYET,
    QUYET_DINH,
    THONG_BAO,
    TO_TRINH,
    Block,
    BulletList,
    DocumentType,
    Heading,
    OfficialDocument,
    Paragraph,
    Signature,
    Table,
)
from tongket.reports.facts import (
    NO_DATA,
    AwardLine,
    Classification,
    LevelCounts,
    ResultRow,
    ScoreLine,
    YearEndFacts,
)
from tongket.reports.news import (
    AwardFact,
    NewsFacts,
    OrganizationNames,
    Person,
    ScorecardResult,
    TargetsResult,
    rank_word,
)

MISSING_TEXT = f"({NO_DATA[:1].upper()}{NO_DATA[1:]}.)"
NOT_WRITTEN = "(Văn phòng chưa viết nội dung mục này.)"
LEVEL_ROWS = (*Level.descending(), None)


def level_name(level: Level | None) -> str:
    return level.label if level is not None else "Không xếp loại"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _header_args(facts: YearEndFacts) -> dict[str, object]:
    o = facts.organization
    return {
        "superior_body": o.superior_name,
        "issuer_body": o.committee_name,
        "issuer_code": o.issuer_code,
        "place": o.place,
    }


def _signature(facts: YearEndFacts) -> Signature:
    s = facts.signer
    return Signature(s.on_behalf, s.title, s.name)


def _narrative(facts: YearEndFacts, section: str) -> list[Block]:
    for n in facts.narratives:
        if n.section == section:
            if not n.text.strip():
                return [Paragraph(NOT_WRITTEN, italic=True)]
            return [Paragraph(p.strip()) for p in n.text.split("\n\n") if p.strip()]
    return [Paragraph(NOT_WRITTEN, italic=True)]


# --- sentences with the figures -------------------------------------------------------------------


def classification_sentence(facts: YearEndFacts) -> str:
    """`Đảng bộ … được … xếp loại “Hoàn thành tốt nhiệm vụ”; 02 chi bộ …; 10 đồng chí …`."""
    c = facts.classification
    if c is None:
        return f"Kết quả đánh giá, xếp loại năm {facts.year}: {NO_DATA}."
    clauses: list[str] = []
    if c.own_level is not None:
        by = f" được {c.own_decided_by}" if c.own_decided_by else " được"
        clauses.append(f"{facts.organization.name}{by} xếp loại “{c.own_level.label}”")
    for level in Level.descending():
        count = c.cells.count(level)
        if count:
            clauses.append(f"{format_count(count)} chi bộ được xếp loại {_lower(level.label)}")
    for level in Level.descending():
        count = c.members.count(level)
        if count:
            clauses.append(
                f"{format_count(count)} đồng chí đảng viên xếp loại {_lower(level.label)}"
            )
    if c.members.not_classified:
        clauses.append(
            f"{format_count(c.members.not_classified)} đồng chí đảng viên không xếp loại"
        )
    return f"Kết quả đánh giá, xếp loại năm {facts.year}: " + "; ".join(clauses) + "."


def score_clause(line: ScoreLine) -> str:
    text = (
        f"{line.title} đạt {format_points(line.points)} điểm/"
        f"{format_maximum(line.maximum, line.points)} điểm"
    )
    if line.level:
        text += f", xếp loại {_lower(line.level)}"
    if line.rank is not None:
        text += f", xếp thứ {rank_word(line.rank)}"
        if line.of:
            text += f" trong {line.of} {line.peer_group or 'đơn vị'}".rstrip()
    return text


def scores_sentence(facts: YearEndFacts) -> str:
    parts: list[str] = []
    if facts.targets is not None:
        parts.append(
            f"hoàn thành {facts.targets.met}/{facts.targets.total} chỉ tiêu cơ bản được giao"
        )
    else:
        parts.append(f"chỉ tiêu: {NO_DATA}")
    if facts.scorecards:
        parts.extend(score_clause(s) for s in facts.scorecards)
    else:
        parts.append(f"chấm điểm, xếp hạng: {NO_DATA}")
    return f"Kết quả thực hiện nhiệm vụ chính trị năm {facts.year}: " + "; ".join(parts) + "."


def _level_table(facts: YearEndFacts, what: str) -> Block:
    current = facts.classification
    previous = facts.previous
    if current is None:
        return Paragraph(f"Xếp loại {what}: {NO_DATA}.", italic=True)

    def counts(c: Classification | None) -> LevelCounts | None:
        if c is None:
            return None
        return c.cells if what == "tổ chức đảng" else c.members

    now, before = counts(current), counts(previous)
    assert now is not None
    rows: list[tuple[str, ...]] = []
    for level in LEVEL_ROWS:
        n = now.count(level) if level is not None else now.not_classified
        share = format_percent(percent_of(n, now.total)) if now.total else "-"
        p = "-"
        if before is not None:
            p = format_count(before.count(level) if level is not None else before.not_classified)
        rows.append((level_name(level), format_count(n), share, p))
    rows.append(("Tổng số", format_count(now.total), "100%" if now.total else "-", _total(before)))
    return Table(
        headers=("Mức xếp loại", f"Năm {facts.year}", "Tỷ lệ", f"Năm {facts.year - 1}"),
        rows=tuple(rows),
        caption=f"Kết quả xếp loại {what} năm {facts.year} so với năm {facts.year - 1}",
        column_widths=(5, 2, 2, 2),
    )


def _total(counts: LevelCounts | None) -> str:
    return "-" if counts is None else format_count(counts.total)


def _awards_blocks(facts: YearEndFacts) -> list[Block]:
    if facts.awards is None:
        return [Paragraph(f"Khen thưởng năm {facts.year}: {NO_DATA}.", italic=True)]
    grouped: dict[tuple[str, str], int] = {}
    for a in facts.awards:
        grouped[(a.form, a.issuer)] = grouped.get((a.form, a.issuer), 0) + 1
    table = Table(
        headers=("Hình thức", "Cấp khen", "Số lượng"),
        rows=tuple((form, issuer, format_count(n)) for (form, issuer), n in grouped.items()),
        caption=f"Khen thưởng năm {facts.year} theo hình thức và cấp khen",
        column_widths=(4, 4, 2),
    )
    # Every award is named, whatever the count: one clause for a form given once, one clause
    # listing the recipients of a form given several times.
    by_group: dict[tuple[str, str], list[AwardLine]] = {}
    for a in facts.awards:
        by_group.setdefault((a.form, a.issuer), []).append(a)
    clauses = tuple(
        award_clause(lines[0]) if len(lines) == 1 else _group_clause(lines)
        for lines in by_group.values()
    )
    blocks: list[Block] = [table]
    if clauses:
        blocks.append(BulletList(clauses))
    return blocks


def _group_clause(lines: list[AwardLine]) -> str:
    first = lines[0]
    given = f"tặng {first.form}" if first.form else "khen thưởng"
    named = "; ".join(
        f"{a.recipient} (thành tích {a.achievement})" if a.achievement else a.recipient
        for a in lines
    )
    return f"{first.issuer} {given} cho {format_count(len(lines))} trường hợp: {named}".replace(
        "  ", " "
    )


def award_clause(a: AwardLine) -> str:
    given = f"tặng {a.form}" if a.form else "khen thưởng"
    text = f"{a.recipient} được {a.issuer} {given}".replace("  ", " ")
    if a.achievement:
        text += f" về thành tích {a.achievement}"
    return text


def _programs_blocks(facts: YearEndFacts) -> list[Block]:
    if facts.programs is None:
        return [Paragraph(f"Thực hiện chương trình năm {facts.year}: {NO_DATA}.", italic=True)]
    blocks: list[Block] = [
        Table(
            headers=("Chương trình", "Số nội dung", "Đã thực hiện", "Hoãn", "Chưa xong"),
            rows=tuple(
                (
                    p.title,
                    format_count(p.total),
                    format_count(p.done),
                    format_count(p.postponed),
                    format_count(p.remaining),
                )
                for p in facts.programs
            ),
            caption=f"Thực hiện chương trình công tác, kiểm tra, giám sát năm {facts.year}",
            column_widths=(5, 2, 2, 2, 2),
        )
    ]
    conclusions = tuple(c for p in facts.programs for c in p.conclusions)
    if conclusions:
        blocks.append(Paragraph("Kết luận kiểm tra, giám sát:", bold=True))
        blocks.append(BulletList(conclusions))
    return blocks


def _conference_blocks(facts: YearEndFacts) -> list[Block]:
    c = facts.conference
    if c is None:
        return [Paragraph(f"Hội nghị tổng kết: {NO_DATA}.", italic=True)]
    text = (
        f"{c.title or 'Hội nghị tổng kết'} ngày {date_short(c.date)}: "
        f"{format_count(c.present)}/{format_count(c.convened)} đồng chí tham dự"
    )
    if c.cells:
        text += f", đến từ {format_count(c.cells)} chi bộ"
    return [Paragraph(text + ".")]


def _chart_tables(facts: YearEndFacts) -> list[Block]:
    """The dashboard's charts, in print as the tables they are drawn from (no image library)."""
    blocks: list[Block] = []
    if len(facts.level_history) > 1:
        table = charts.level_history_table(facts.level_history)
        blocks.append(Table(headers=table.headers, rows=table.rows, caption=table.caption))
    if len(facts.score_history) > 1:
        table = charts.score_history_table(facts.score_history)
        blocks.append(Table(headers=table.headers, rows=table.rows, caption=table.caption))
    return blocks


# --- the year-end report --------------------------------------------------------------------------


def build_year_end_report(
    facts: YearEndFacts, *, date: dt.date, number: int | None = None
) -> OfficialDocument:
    """Báo cáo tổng kết công tác xây dựng Đảng năm N, phương hướng, nhiệm vụ năm N+1."""
    y = facts.year
    o = facts.organization
    body: list[Block] = [
        Paragraph(
            f"Thực hiện sự lãnh đạo, chỉ đạo của cấp ủy cấp trên, {o.committee_name} báo cáo "
            f"tổng kết công tác xây dựng Đảng năm {y} và phương hướng, nhiệm vụ năm {y + 1} "
            "như sau:"
        ),
        Heading(f"I- KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM {y}", level=1),
        Heading("1. Công tác chính trị, tư tưởng", level=2),
        *_narrative(facts, "political_ideological"),
        Heading("2. Lãnh đạo thực hiện nhiệm vụ chính trị", level=2),
        *_narrative(facts, "political_tasks"),
        Paragraph(scores_sentence(facts)),
        Heading("3. Công tác tổ chức, cán bộ và xây dựng tổ chức đảng", level=2),
        *_narrative(facts, "organization_personnel"),
        Paragraph(
            f"Đến cuối năm {y}, {o.name} có {format_count(facts.member_count)} đảng viên, "
            f"sinh hoạt tại {format_count(facts.cell_count)} chi bộ."
        ),
        Paragraph(classification_sentence(facts)),
        _level_table(facts, "tổ chức đảng"),
        _level_table(facts, "đảng viên"),
        Heading("4. Công tác kiểm tra, giám sát và thi hành kỷ luật đảng", level=2),
        *_narrative(facts, "inspection"),
        *_programs_blocks(facts),
        Heading("5. Công tác dân vận và lãnh đạo các đoàn thể chính trị - xã hội", level=2),
        *_narrative(facts, "mass_mobilization"),
        Heading("6. Công tác thi đua, khen thưởng", level=2),
        *_awards_blocks(facts),
        Heading("7. Hội nghị tổng kết", level=2),
        *_conference_blocks(facts),
        *_chart_tables(facts),
        Heading("II- HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN", level=1),
        *_narrative(facts, "limitations"),
        Heading(f"III- PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {y + 1}", level=1),
        *_narrative(facts, "directions"),
    ]
    return OfficialDocument(
        **_header_args(facts),  # type: ignore[arg-type]
        number=number,
        kind=BAO_CAO,
        date=date,
        summary=f"Tổng kết công tác xây dựng Đảng năm {y}, phương hướng, nhiệm vụ năm {y + 1}",
        body=tuple(body),
        signature=_signature(facts),
        recipients=_recipients(facts),
    )


def _recipients(facts: YearEndFacts) -> tuple[str, ...]:
    superior = facts.organization.superior_name
    out = []
    if superior:
        out.append(f"{_committee_of(superior)} (b/c)")
    if facts.organization.kind != "cell":
        out.append("Các chi bộ trực thuộc")
    out.append("Lưu Văn phòng")
    return tuple(out)


def _committee_of(name: str) -> str:
    return "Đảng ủy " + name[len("Đảng bộ ") :] if name.startswith("Đảng bộ ") else name


# --- decision, notice, awards proposal ------------------------------------------------------------


def _require_classification(facts: YearEndFacts) -> Classification:
    if facts.classification is None:
        raise DomainError(
            f"Chưa có kết quả xếp loại năm {facts.year} đã được quyết định.",
            field="year",
            rule="reports.no_data.classification",
        )
    return facts.classification


def _result_rows(rows: Sequence[ResultRow]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            str(i),
            r.name,
            r.card_number or "-",
            r.org_name,
            r.level.label if r.level is not None else f"Không xếp loại ({r.not_classified_reason})",
        )
        for i, r in enumerate(rows, start=1)
    )


def build_decision(
    facts: YearEndFacts, *, date: dt.date, number: int | None = None
) -> OfficialDocument:
    """Quyết định công nhận kết quả xếp loại chất lượng, with the annexed list."""
    c = _require_classification(facts)
    cells = [r for r in c.rows if r.subject_kind == "organization"]
    members = [r for r in c.rows if r.subject_kind == "member"]
    o = facts.organization
    body: list[Block] = [
        Paragraph(f"{o.committee_name.upper()}", bold=True),
        Paragraph(
            "Căn cứ Điều lệ Đảng Cộng sản Việt Nam; căn cứ quy định, hướng dẫn của Trung ương về "
            "kiểm điểm, đánh giá, xếp loại chất lượng hằng năm đối với tổ chức đảng, đảng viên;",
            italic=True,
        ),
        Paragraph(
            f"Xét đề nghị của các chi bộ trực thuộc và kết quả kiểm điểm năm {facts.year},",
            italic=True,
        ),
        Heading("QUYẾT ĐỊNH", level=1),
        Paragraph(
            f"Điều 1. Công nhận kết quả xếp loại chất lượng năm {facts.year} đối với "
            f"{format_count(len(cells))} chi bộ và {format_count(len(members))} đảng viên "
            "(có danh sách kèm theo)."
        ),
        Paragraph(classification_sentence(facts)),
        Paragraph(
            "Điều 2. Các chi bộ trực thuộc, Văn phòng và các đồng chí có tên tại Điều 1 "
            "chịu trách nhiệm thi hành Quyết định này."
        ),
        Heading(f"DANH SÁCH KÈM THEO QUYẾT ĐỊNH: KẾT QUẢ XẾP LOẠI NĂM {facts.year}", level=2),
    ]
    if cells:
        body.append(
            Table(
                headers=("TT", "Tổ chức", "Số thẻ", "Trực thuộc", "Mức xếp loại"),
                rows=_result_rows(cells),
                caption="Tổ chức đảng",
                column_widths=(1, 5, 2, 4, 4),
            )
        )
    if members:
        body.append(
            Table(
                headers=("TT", "Họ và tên", "Số thẻ", "Chi bộ", "Mức xếp loại"),
                rows=_result_rows(members),
                caption="Đảng viên",
                column_widths=(1, 4, 3, 4, 4),
            )
        )
    return OfficialDocument(
        **_header_args(facts),  # type: ignore[arg-type]
        number=number,
        kind=QUYET_DINH,
        date=date,
        summary=f"Về việc công nhận kết quả xếp loại chất lượng tổ chức đảng, đảng viên năm "
        f"{facts.year}",
        body=tuple(body),
        signature=_signature(facts),
        recipients=("Như Điều 2", "Lưu Văn phòng"),
    )


def build_notice(
    facts: YearEndFacts, *, date: dt.date, number: int | None = None
) -> OfficialDocument:
    """Thông báo kết quả xếp loại tới các chi bộ: one table per cell of its members."""
    c = _require_classification(facts)
    body: list[Block] = [
        Paragraph(
            f"{facts.organization.committee_name} thông báo kết quả đánh giá, xếp loại chất "
            f"lượng năm {facts.year} đến các chi bộ như sau:"
        ),
        Paragraph(classification_sentence(facts)),
    ]
    by_cell: dict[str, list[ResultRow]] = {}
    for row in c.rows:
        if row.subject_kind == "member":
            by_cell.setdefault(row.org_name, []).append(row)
    cell_levels = {r.name: r for r in c.rows if r.subject_kind == "organization"}
    for cell, rows in by_cell.items():
        own = cell_levels.get(cell)
        title = f"{cell}: {level_name(own.level)}" if own is not None else cell
        body.append(Heading(title, level=3))
        body.append(
            Table(
                headers=("TT", "Họ và tên", "Mức xếp loại"),
                rows=tuple(
                    (str(i), r.name, level_name(r.level)) for i, r in enumerate(rows, start=1)
                ),
                column_widths=(1, 5, 5),
            )
        )
    body.append(
        Paragraph(
            "Đề nghị các chi bộ thông báo đến đảng viên và xây dựng kế hoạch khắc phục hạn chế, "
            "khuyết điểm đã được chỉ ra."
        )
    )
    return OfficialDocument(
        **_header_args(facts),  # type: ignore[arg-type]
        number=number,
        kind=THONG_BAO,
        date=date,
        summary=f"Kết quả đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm {facts.year}",
        body=tuple(body),
        signature=_signature(facts),
        recipients=("Các chi bộ trực thuộc", "Lưu Văn phòng"),
    )


def build_awards_proposal(
    facts: YearEndFacts, *, date: dt.date, number: int | None = None
) -> OfficialDocument:
    """Tờ trình đề nghị khen thưởng with the list of proposed recipients."""
    if facts.awards is None:
        raise DomainError(
            f"Chưa có dữ liệu khen thưởng năm {facts.year}.",
            field="year",
            rule="reports.no_data.awards",
        )
    body: list[Block] = [
        Paragraph(
            f"Căn cứ kết quả đánh giá, xếp loại chất lượng năm {facts.year}, "
            f"{facts.organization.committee_name} đề nghị khen thưởng các tập thể, cá nhân "
            "có tên trong danh sách sau:"
        ),
        Table(
            headers=("TT", "Tập thể, cá nhân", "Hình thức", "Cấp khen", "Thành tích"),
            rows=tuple(
                (str(i), a.recipient, a.form, a.issuer, a.achievement or "-")
                for i, a in enumerate(facts.awards, start=1)
            ),
            caption=f"Danh sách đề nghị khen thưởng năm {facts.year}",
            column_widths=(1, 4, 3, 3, 5),
        ),
    ]
    return OfficialDocument(
        **_header_args(facts),  # type: ignore[arg-type]
        number=number,
        kind=TO_TRINH,
        date=date,
        summary=f"Đề nghị khen thưởng tập thể, cá nhân năm {facts.year}",
        body=tuple(body),
        signature=_signature(facts),
        recipients=_recipients(facts),
    )


# --- the conference: minutes and resolution, news -------------------------------------------------


def _require_conference(facts: YearEndFacts) -> None:
    if facts.conference is None:
        raise DomainError(
            f"Chưa có dữ liệu hội nghị tổng kết năm {facts.year}.",
            field="year",
            rule="reports.no_data.conference",
        )


def build_minutes(
    facts: YearEndFacts, *, date: dt.date | None = None, number: int | None = None
) -> OfficialDocument:
    """Biên bản hội nghị tổng kết: when, who, attendance, what was presented and adopted."""
    _require_conference(facts)
    c = facts.conference
    assert c is not None
    chairs = "; ".join(f"đồng chí {n}, {t}" for n, t in c.chairs) or NO_DATA
    body: list[Block] = [
        Paragraph(f"Thời gian: {c.date.day:02d}/{c.date.month:02d}/{c.date.year}."),
        Paragraph(f"Chủ trì: {chairs}."),
        Paragraph(
            f"Có mặt: {format_count(c.present)}/{format_count(c.convened)} đồng chí được triệu tập"
            + (f", thuộc {format_count(c.cells)} chi bộ." if c.cells else ".")
        ),
        Heading("NỘI DUNG", level=2),
    ]
    if c.presenter is not None:
        body.append(
            Paragraph(
                f"Đồng chí {c.presenter[0]}, {c.presenter[1]} trình bày Báo cáo tổng kết công tác "
                f"xây dựng Đảng năm {facts.year}, phương hướng, nhiệm vụ năm {facts.year + 1}."
            )
        )
    body.append(Paragraph(classification_sentence(facts)))
    body.append(Paragraph(scores_sentence(facts)))
    if c.adopted:
        body.append(Paragraph("Hội nghị đã thông qua:", bold=True))
        body.append(BulletList(c.adopted))
    if c.closing_remarks:
        body.append(Paragraph(f"Kết luận: {c.closing_remarks}"))
    return OfficialDocument(
        **_header_args(facts),  # type: ignore[arg-type]
        number=number,
        kind=BIEN_BAN,
        date=date or c.date,
        summary=f"Hội nghị tổng kết công tác xây dựng Đảng năm {facts.year}",
        body=tuple(body),
        signature=Signature("", "Chủ trì hội nghị", c.chairs[0][0] if c.chairs else ""),
        recipients=("Lưu Văn phòng",),
    )


def build_resolution(
    facts: YearEndFacts, *, date: dt.date | None = None, number: int | None = None
) -> OfficialDocument:
    """Nghị quyết hội nghị tổng kết: the results it records and the tasks it sets."""
    _require_conference(facts)
    c = facts.conference
    assert c is not None
    body: list[Block] = [
        Paragraph(
            f"Hội nghị tổng kết công tác xây dựng Đảng năm {facts.year} họp ngày "
            f"{date_short(c.date)}, với {format_count(c.present)}/{format_count(c.convened)} "
            "đồng chí tham dự,"
        ),
        Heading("QUYẾT NGHỊ", level=1),
        Paragraph(f"1. Thông qua Báo cáo tổng kết công tác xây dựng Đảng năm {facts.year}."),
        Paragraph(classification_sentence(facts)),
        Paragraph(scores_sentence(facts)),
    ]
    if c.adopted:
        body.append(Paragraph("2. Thông qua:"))
        body.append(BulletList(c.adopted))
    body.extend(_narrative(facts, "directions"))
    return OfficialDocument(
        **_header_args(facts),  # type: ignore[arg-type]
        number=number,
        kind=NGHI_QUYET,
        date=date or c.date,
        summary=f"Hội nghị tổng kết công tác xây dựng Đảng năm {facts.year}",
        body=tuple(body),
        signature=_signature(facts),
        recipients=_recipients(facts),
    )


def build_news_facts(facts: YearEndFacts) -> NewsFacts:
    """The news item's facts from the same year-end facts, so article and report agree."""
    _require_conference(facts)
    c = facts.conference
    assert c is not None
    cl = facts.classification
    if cl is None or cl.own_level is None:
        raise DomainError(
            f"Chưa có kết quả xếp loại năm {facts.year} của {facts.organization.name}.",
            field="year",
            rule="reports.no_data.classification",
        )
    o = facts.organization
    committee = o.committee_name + (f" {o.place}" if o.place and o.place not in o.name else "")
    short = o.committee_name.split(" ")
    names = OrganizationNames(
        committee=committee,
        committee_short=" ".join(short[:3]) if len(short) >= 3 else o.committee_name,
        party_body=o.name,
        party_body_short=" ".join(o.name.split(" ")[:3]),
    )
    fallback = Person(facts.signer.name, f"{facts.signer.title} {o.committee_name.split(' ')[0]}")
    presenter = Person(*c.presenter) if c.presenter else fallback
    closing = Person(*c.closing_speaker) if c.closing_speaker else presenter
    scorecards = tuple(
        ScorecardResult(
            subject=f"{s.unit} theo {_lower(s.title)}" if s.unit else s.title,
            points=stripped(s.points),
            maximum=shown_maximum(s.maximum, s.points),
            rank=s.rank,
            of=s.of,
            peer_group=s.peer_group or "đơn vị",
        )
        for s in (facts.scorecards or ())
    )
    groups: dict[tuple[str, str], int] = {}
    for a in facts.awards or ():
        groups[(a.form, a.issuer)] = groups.get((a.form, a.issuer), 0) + 1
    return NewsFacts(
        conference_date=c.date,
        year=facts.year,
        names=names,
        chairs=tuple(Person(n, t) for n, t in c.chairs),
        presenter=presenter,
        member_count=c.present or facts.member_count,
        cell_count=c.cells or facts.cell_count,
        organization_level=cl.own_level,
        rated_by=cl.own_decided_by or "cấp ủy cấp trên",
        closing_speaker=closing,
        directions=c.closing_remarks or "tiếp tục phát huy những kết quả đã đạt được",
        guests=tuple(Person(n, t) for n, t in c.guests),
        adopted_documents=c.adopted,
        targets=TargetsResult(
            next((s.unit for s in facts.scorecards or () if s.unit), o.name),
            facts.targets.met,
            facts.targets.total,
            "cấp trên",
        )
        if facts.targets is not None
        else None,
        scorecards=scorecards,
        cells_by_level=tuple((lv, cl.cells.count(lv)) for lv in Level.descending()),
        members_excellent=cl.members.excellent,
        # Bulk awards (a Giấy khen to every excellent member) are told as the count of excellent
        # members; the article names the one-off commendations, as the seed does.
        awards=tuple(
            AwardFact(a.recipient, a.form, a.issuer, a.achievement or "năm " + str(facts.year))
            for a in (facts.awards or ())
            if groups[(a.form, a.issuer)] == 1
        ),
        author="Văn phòng",
    )


KINDS: dict[str, DocumentType] = {
    "year-end": BAO_CAO,
    "decision": QUYET_DINH,
    "notice": THONG_BAO,
    "minutes": BIEN_BAN,
    "resolution": NGHI_QUYET,
    "awards": TO_TRINH,
}


def build(
    kind: str, facts: YearEndFacts, *, date: dt.date, number: int | None = None
) -> OfficialDocument:
    """The document of `kind` (see KINDS) for the facts."""
    builders = {
        "year-end": build_year_end_report,
        "decision": build_decision,
        "notice": build_notice,
        "minutes": build_minutes,
        "resolution": build_resolution,
        "awards": build_awards_proposal,
    }
    if kind not in builders:
        raise DomainError(
            f"Không có loại báo cáo «{kind}». Các loại: {', '.join([*builders, 'news'])}.",
            field="kind",
            rule="reports.kind.unknown",
        )
    return builders[kind](facts, date=date, number=number)
