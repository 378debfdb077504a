"""Turn report facts into official documents (`OfficialDocument`) and the news item; no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from tongket.core.errors import DomainError
from tongket.core.formatting import (
    date_short,
    format_count,
    format_decimal,
    format_maximum,
    format_number,
    format_percent,
    format_points,
    shown_maximum,
    stripped,
)
from tongket.core.formatting import percent as percent_of
from tongket.evaluation.domain import Level
from tongket.meetings.selectors import MinutesFacts, PersonLine, VoteLine
from tongket.reports import charts
from tongket.reports.chart_images import svg_size, svg_to_png
from tongket.reports.documents.formats import archive_line, signature_on
from tongket.reports.documents.model import (
    BAO_CAO,
    BIEN_BAN,
    CHUONG_TRINH,
    NGHI_QUYET,
    QUYET_DINH,
    THONG_BAO,
    TO_TRINH,
    Block,
    BulletList,
    DocumentType,
    Figure,
    Heading,
    OfficialDocument,
    Paragraph,
    Run,
    Signature,
    Table,
    document_number_text,
    place_date_line,
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
from tongket.reports.models import NarrativeSection
from tongket.reports.news import (
    AwardFact,
    NewsFacts,
    OrganizationNames,
    Person,
    ScorecardResult,
    TargetsResult,
    rank_word,
)

LEVEL_ROWS = (*Level.descending(), None)
# A frame loaded from the product's samples carries this mark in its title: the office sees it,
# the printed document does not.
SAMPLE_MARK = "(khung mẫu)"


def level_name(level: Level | None) -> str:
    return level.label if level is not None else "Không xếp loại"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


class _Header(TypedDict):
    """The organization's part of a document's header: the bodies, the issuer's code, the place."""

    superior_body: str
    issuer_body: str
    issuer_code: str
    place: str


def _header(facts: YearEndFacts) -> _Header:
    o = facts.organization
    return {
        "superior_body": o.superior_name,
        "issuer_body": o.committee_name,
        "issuer_code": o.issuer_code,
        "place": o.place,
    }


def _issued(
    facts: YearEndFacts,
    *,
    number: int | None,
    kind: DocumentType,
    date: dt.date,
    summary: str,
    body: Sequence[Block],
    signature: Signature | None = None,
    recipients: tuple[str, ...] | None = None,
    countersignature: Signature | None = None,
    annex_title: str = "",
    annex: Sequence[Block] = (),
) -> OfficialDocument:
    """A document of the organization's committee under its header; signed by the facts' signer
    and sent to the usual recipients (`_recipients`) unless others are given."""
    return OfficialDocument(
        **_header(facts),
        number=number,
        kind=kind,
        date=date,
        summary=summary,
        body=tuple(body),
        signature=_signature(facts, date) if signature is None else signature,
        recipients=_recipients(facts, date) if recipients is None else recipients,
        countersignature=countersignature,
        annex_title=annex_title,
        annex=tuple(annex),
    )


def _signature(facts: YearEndFacts, date: dt.date) -> Signature:
    """The signer as the format rules of the document's date write the block."""
    s = facts.signer
    return signature_on(date, s.on_behalf, s.title, s.name)


def _archive(facts: YearEndFacts, date: dt.date) -> str:
    return archive_line(date, cell=facts.organization.kind == "cell")


def _narrative_text(facts: YearEndFacts, section: str) -> str:
    """The office's text of a section, its figures written as the generated sentences write
    them (a score filled in as `326,70` reads `326,7`, the maximum `350`)."""
    for n in facts.narratives:
        if n.section == section:
            text = n.text
            for line in facts.scorecards or ():
                text = text.replace(
                    f"{format_decimal(line.points)} điểm/{format_decimal(line.maximum)} điểm",
                    f"{format_points(line.points)} điểm/"
                    f"{format_maximum(line.maximum, line.points)} điểm",
                )
            return text.strip()
    return ""


def _narrative(facts: YearEndFacts, section: str) -> list[Block]:
    """The office's paragraphs; a section the office has not written prints nothing, and a
    paragraph whose figure has no data yet is left out (`missing_sections` names it)."""
    text = _narrative_text(facts, section)
    return [Paragraph(p.strip()) for p in text.split("\n\n") if p.strip() and NO_DATA not in p]


def _printed_title(title: str) -> str:
    return " ".join(title.replace(SAMPLE_MARK, " ").split())


def _folded(text: str) -> str:
    """For telling whether the office's text already states a figure."""
    return " ".join(text.replace("được xếp loại", "").replace("xếp loại", "").split()).lower()


def missing_sections(facts: YearEndFacts) -> tuple[str, ...]:
    """What the year-end report leaves out for want of data, in the office's words (for the
    office's screen, never the printed document)."""
    missing: list[str] = []
    if facts.classification is None:
        missing.append(f"kết quả xếp loại năm {facts.year} đã được quyết định")
    if facts.targets is None and not facts.scorecards:
        missing.append("chỉ tiêu và kết quả chấm điểm, xếp hạng")
    if facts.programs is None:
        missing.append(f"chương trình công tác, kiểm tra, giám sát năm {facts.year}")
    if facts.awards is None:
        missing.append(f"khen thưởng năm {facts.year}")
    if facts.conference is None:
        missing.append("hội nghị tổng kết")
    written = {n.section: n for n in facts.narratives if n.text.strip()}
    missing.extend(
        f"phần viết «{NarrativeSection(section).label}»"
        for section in NARRATIVE_SECTIONS
        if section not in written
    )
    missing.extend(
        f"số liệu của một đoạn trong phần viết «{n.title}» (đoạn đó chưa được in)"
        for n in written.values()
        if NO_DATA in n.text
    )
    return tuple(missing)


NARRATIVE_SECTIONS = (
    "political_ideological",
    "political_tasks",
    "organization_personnel",
    "inspection",
    "mass_mobilization",
    "limitations",
    "directions",
)


# --- sentences with the figures -------------------------------------------------------------------


def classification_sentence(facts: YearEndFacts, *, stated: str = "") -> str:
    """`Đảng bộ … được … xếp loại “Hoàn thành tốt nhiệm vụ”; 02 chi bộ …; 10 đồng chí …`.

    A clause the office's text (`stated`) already says is left out; nothing left, no sentence.
    """
    c = facts.classification
    if c is None:
        return ""
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
    known = _folded(stated)
    clauses = [clause for clause in clauses if not known or _folded(clause) not in known]
    if not clauses:
        return ""
    return f"Kết quả đánh giá, xếp loại năm {facts.year}: " + "; ".join(clauses) + "."


def score_clause(line: ScoreLine) -> str:
    text = (
        f"{_printed_title(line.title)} đạt {format_points(line.points)} điểm/"
        f"{format_maximum(line.maximum, line.points)} điểm"
    )
    if line.level:
        text += f", xếp loại {_lower(line.level)}"
    if line.rank is not None:
        text += f", xếp thứ {rank_word(line.rank)}"
        if line.of:
            text += f" trong {line.of} {line.peer_group or 'đơn vị'}".rstrip()
    return text


def scores_sentence(facts: YearEndFacts, *, stated: str = "") -> str:
    """Targets met and each score with its rank; what the office's text already says (the
    same figures) is told once: its rank, if any, follows as `xếp thứ Nhất trong 20 đơn vị`."""
    parts: list[str] = []
    if facts.targets is not None:
        met = f"{facts.targets.met}/{facts.targets.total}"
        if met not in stated:
            parts.append(f"hoàn thành {met} chỉ tiêu cơ bản được giao")
    for s in facts.scorecards or ():
        said = f"{format_points(s.points)} điểm/{format_maximum(s.maximum, s.points)} điểm"
        if said in stated:
            if s.rank is not None:
                parts.append(
                    f"theo {_lower(_printed_title(s.title))} xếp thứ {rank_word(s.rank)}"
                    + (f" trong {s.of} {s.peer_group or 'đơn vị'}" if s.of else "")
                )
            continue
        parts.append(score_clause(s))
    if not parts:
        return ""
    return f"Kết quả thực hiện nhiệm vụ chính trị năm {facts.year}: " + "; ".join(parts) + "."


def _level_table(facts: YearEndFacts, what: str) -> Table | None:
    current = facts.classification
    previous = facts.previous
    if current is None:
        return None

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
            p = format_number(before.count(level) if level is not None else before.not_classified)
        rows.append((level_name(level), format_number(n), share, p))
    rows.append(("Tổng số", format_number(now.total), "100%" if now.total else "-", _total(before)))
    if before is None:
        # No decided results the year before: a column of dashes says nothing.
        return Table(
            headers=("Mức xếp loại", f"Năm {facts.year}", "Tỷ lệ"),
            rows=tuple(row[:3] for row in rows),
            caption=f"Kết quả xếp loại {what} năm {facts.year}",
            column_widths=(5, 2, 2),
            column_align="LRR",
        )
    return Table(
        headers=("Mức xếp loại", f"Năm {facts.year}", "Tỷ lệ", f"Năm {facts.year - 1}"),
        rows=tuple(rows),
        caption=f"Kết quả xếp loại {what} năm {facts.year} so với năm {facts.year - 1}",
        column_widths=(5, 2, 2, 2),
        column_align="LRRR",
    )


def _total(counts: LevelCounts | None) -> str:
    return "-" if counts is None else format_number(counts.total)


def _awards_blocks(facts: YearEndFacts) -> list[Block]:
    if not facts.awards:
        return []
    grouped: dict[tuple[str, str], int] = {}
    for a in facts.awards:
        grouped[(a.form, a.issuer)] = grouped.get((a.form, a.issuer), 0) + 1
    table = Table(
        headers=("Hình thức", "Cấp khen", "Số lượng"),
        rows=tuple((form, issuer, format_number(n)) for (form, issuer), n in grouped.items()),
        caption=f"Khen thưởng năm {facts.year} theo hình thức và cấp khen",
        column_widths=(4, 4, 2),
        column_align="LLR",
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
    """One clause per form and issuer; an achievement all the recipients share is said once."""
    first = lines[0]
    given = f"tặng {first.form}" if first.form else "khen thưởng"
    shared = {a.achievement for a in lines}
    if len(shared) == 1:
        common = shared.pop()
        named = ", ".join(a.recipient for a in lines)
        why = f" có thành tích {common}" if common else ""
        text = f"{first.issuer} {given} cho {format_count(len(lines))} trường hợp{why}: {named}"
    else:
        named = "; ".join(
            f"{a.recipient} (thành tích {a.achievement})" if a.achievement else a.recipient
            for a in lines
        )
        text = f"{first.issuer} {given} cho {format_count(len(lines))} trường hợp: {named}"
    return text.replace("  ", " ")


def award_clause(a: AwardLine) -> str:
    given = f"tặng {a.form}" if a.form else "khen thưởng"
    text = f"{a.recipient} được {a.issuer} {given}".replace("  ", " ")
    if a.achievement:
        text += f" về thành tích {a.achievement}"
    return text


def _programs_blocks(facts: YearEndFacts) -> list[Block]:
    if not facts.programs:
        return []
    blocks: list[Block] = [
        Table(
            headers=("Chương trình", "Số nội dung", "Đã thực hiện", "Hoãn", "Chưa xong"),
            rows=tuple(
                (
                    p.title,
                    format_number(p.total),
                    format_number(p.done),
                    format_number(p.postponed),
                    format_number(p.remaining),
                )
                for p in facts.programs
            ),
            caption=f"Thực hiện chương trình công tác, kiểm tra, giám sát năm {facts.year}",
            column_widths=(5, 2, 2, 2, 2),
            column_align="LRRRR",
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
        return []
    text = (
        f"{c.title or 'Hội nghị tổng kết'} ngày {date_short(c.date)}: "
        f"{format_count(c.present)}/{format_count(c.convened)} đồng chí tham dự"
    )
    if c.cells:
        text += f", đến từ {format_count(c.cells)} chi bộ"
    return [Paragraph(text + ".")]


# A chart's width on the page; its height follows the SVG's proportions.
CHART_WIDTH_MM = Decimal(150)


def _figure(svg: str, table: charts.ChartTable) -> list[Block]:
    """The page's chart as a picture with its caption above (kept with it), its figures in
    `table` for the forms without pictures."""
    width, height = svg_size(svg)
    return [
        Heading(table.caption, level=3, centered=True),
        Figure(
            png=svg_to_png(svg),
            width_mm=CHART_WIDTH_MM,
            height_mm=(CHART_WIDTH_MM * Decimal(height) / Decimal(width)).quantize(Decimal("0.1")),
            caption=table.caption,
            table=_numbers_table(table),
        ),
    ]


def _level_figures(facts: YearEndFacts) -> list[Block]:
    """The dashboard's two level charts, drawn from the same figures as the page's."""
    blocks: list[Block] = []
    for what, history in (
        ("chi bộ", [(year, cells) for year, cells, _members in facts.level_history]),
        ("đảng viên", [(year, members) for year, _cells, members in facts.level_history]),
    ):
        if any(c.total for _, c in history):
            svg = charts.level_distribution_svg(history, what=what)
            blocks.extend(_figure(svg, charts.level_counts_table(history, what=what)))
    return blocks


def _score_figures(facts: YearEndFacts) -> list[Block]:
    if not facts.score_history:
        return []
    svg = charts.score_history_svg(facts.score_history)
    return _figure(svg, charts.score_history_table(facts.score_history))


def _numbers_table(table: charts.ChartTable) -> Table:
    """A chart's table: its first column names, the others numbers, right-aligned."""
    return Table(
        headers=table.headers,
        rows=table.rows,
        caption=table.caption,
        column_align="L" + "R" * (len(table.headers) - 1),
    )


# --- the year-end report --------------------------------------------------------------------------


def build_year_end_report(
    facts: YearEndFacts, *, date: dt.date, number: int | None = None
) -> OfficialDocument:
    """Báo cáo tổng kết công tác xây dựng Đảng năm N, phương hướng, nhiệm vụ năm N+1, without
    placeholders: a section with no data is left out (`missing_sections` tells the office)."""
    number_of_document = number
    y = facts.year
    o = facts.organization
    tasks = _narrative_text(facts, "political_tasks")
    personnel = _narrative_text(facts, "organization_personnel")
    counted = f"{format_count(facts.member_count)} đảng viên"
    people: list[Block] = []
    if not (counted in personnel and f"{format_count(facts.cell_count)} chi bộ" in personnel):
        people.append(
            Paragraph(
                f"Đến cuối năm {y}, {o.name} có {counted}, "
                f"sinh hoạt tại {format_count(facts.cell_count)} chi bộ."
            )
        )
    sections: list[tuple[str, list[Block]]] = [
        ("Công tác chính trị, tư tưởng", _narrative(facts, "political_ideological")),
        (
            "Lãnh đạo thực hiện nhiệm vụ chính trị",
            [
                *_narrative(facts, "political_tasks"),
                *_sentence(scores_sentence(facts, stated=tasks)),
                *_score_figures(facts),
            ],
        ),
        (
            "Công tác tổ chức, cán bộ và xây dựng tổ chức đảng",
            [
                *_narrative(facts, "organization_personnel"),
                *people,
                *_sentence(classification_sentence(facts, stated=personnel)),
                *_present(_level_table(facts, "tổ chức đảng"), _level_table(facts, "đảng viên")),
                *_level_figures(facts),
            ],
        ),
        (
            "Công tác kiểm tra, giám sát và thi hành kỷ luật đảng",
            [*_narrative(facts, "inspection"), *_programs_blocks(facts)],
        ),
        (
            "Công tác dân vận và lãnh đạo các đoàn thể chính trị - xã hội",
            _narrative(facts, "mass_mobilization"),
        ),
        ("Công tác thi đua, khen thưởng", _awards_blocks(facts)),
        ("Hội nghị tổng kết", _conference_blocks(facts)),
    ]
    body: list[Block] = [
        Paragraph(
            f"Thực hiện sự lãnh đạo, chỉ đạo của cấp ủy cấp trên, {o.committee_name} báo cáo "
            f"tổng kết công tác xây dựng Đảng năm {y} và phương hướng, nhiệm vụ năm {y + 1} "
            "như sau:"
        ),
        Heading(f"I- KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM {y}", level=1),
    ]
    # A section with nothing to say is left out, and the others keep consecutive numbers.
    number = 0
    for title, blocks in sections:
        if blocks:
            number += 1
            body.extend((Heading(f"{number}. {title}", level=2), *blocks))
    for title, section in (
        ("II- HẠN CHẾ, KHUYẾT ĐIỂM VÀ NGUYÊN NHÂN", "limitations"),
        (f"III- PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {y + 1}", "directions"),
    ):
        blocks = _narrative(facts, section)
        if blocks:
            body.extend((Heading(title, level=1), *blocks))
    return _issued(
        facts,
        number=number_of_document,
        kind=BAO_CAO,
        date=date,
        summary=f"Tổng kết công tác xây dựng Đảng năm {y}, phương hướng, nhiệm vụ năm {y + 1}",
        body=body,
    )


def _sentence(text: str) -> list[Block]:
    return [Paragraph(text)] if text else []


def _present(*blocks: Block | None) -> list[Block]:
    return [b for b in blocks if b is not None]


def _recipients(facts: YearEndFacts, date: dt.date) -> tuple[str, ...]:
    superior = facts.organization.superior_name
    out = []
    if superior:
        out.append(f"{_committee_of(superior)} (b/c)")
    if facts.organization.kind != "cell":
        out.append("Các chi bộ trực thuộc")
    out.append(_archive(facts, date))
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


def _article(number: int, text: str) -> Paragraph:
    """`Điều 1.` in bold, then the article's text (HD 36, Phụ lục: quyết định)."""
    return Paragraph(runs=(Run(f"Điều {number}. ", bold=True), Run(text)))


def build_decision(
    facts: YearEndFacts, *, date: dt.date, number: int | None = None
) -> OfficialDocument:
    """Quyết định công nhận kết quả xếp loại chất lượng: the authority and "QUYẾT ĐỊNH:"
    centred, articles in bold, the list of results annexed after the signature."""
    c = _require_classification(facts)
    cells = [r for r in c.rows if r.subject_kind == "organization"]
    members = [r for r in c.rows if r.subject_kind == "member"]
    o = facts.organization
    y = facts.year
    body: list[Block] = [
        Paragraph(o.committee_name.upper(), bold=True, centered=True),
        Paragraph(
            "Căn cứ Điều lệ Đảng Cộng sản Việt Nam; căn cứ quy định, hướng dẫn của Trung ương về "
            "kiểm điểm, đánh giá, xếp loại chất lượng hằng năm đối với tổ chức đảng, đảng viên;",
            italic=True,
        ),
        Paragraph(
            f"Xét đề nghị của các chi bộ trực thuộc và kết quả kiểm điểm năm {y},",
            italic=True,
        ),
        Heading("QUYẾT ĐỊNH:", level=1, centered=True),
        _article(
            1,
            f"Công nhận kết quả xếp loại chất lượng năm {y} đối với "
            f"{format_count(len(cells))} chi bộ và {format_count(len(members))} đảng viên "
            "(có danh sách kèm theo). " + classification_sentence(facts),
        ),
        _article(
            2,
            "Các chi bộ trực thuộc, Văn phòng và các đồng chí có tên tại Điều 1 "
            "chịu trách nhiệm thi hành Quyết định này.",
        ),
    ]
    annex: list[Block] = []
    if cells:
        # A cell is its own organization: its row names it once, with its level.
        annex.append(
            Table(
                headers=("TT", "Tổ chức đảng", "Mức xếp loại"),
                rows=tuple(
                    (str(i), r.name, _result_level(r)) for i, r in enumerate(cells, start=1)
                ),
                caption="I. Tổ chức đảng",
                column_widths=(1, 8, 6),
                column_align="RLL",
            )
        )
    if members:
        annex.append(
            Table(
                headers=("TT", "Họ và tên", "Số thẻ đảng viên", "Chi bộ", "Mức xếp loại"),
                rows=tuple(
                    (str(i), r.name, r.card_number or "", r.org_name, _result_level(r))
                    for i, r in enumerate(members, start=1)
                ),
                caption="II. Đảng viên",
                column_widths=(1, 4, 3, 4, 4),
                column_align="RLLLL",
            )
        )
    number_text = document_number_text(number, QUYET_DINH.code, o.issuer_code)[len("Số") :]
    return _issued(
        facts,
        number=number,
        kind=QUYET_DINH,
        date=date,
        summary=f"Về việc công nhận kết quả xếp loại chất lượng tổ chức đảng, đảng viên năm {y}",
        body=body,
        recipients=("Như Điều 2", _archive(facts, date)),
        annex_title=(
            f"DANH SÁCH KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG NĂM {y}\n"
            f"(Kèm theo Quyết định số{number_text}, "
            f"{place_date_line(o.place, date).split(', ', 1)[1]} của {o.committee_name})"
        ),
        annex=annex,
    )


def _result_level(r: ResultRow) -> str:
    if r.level is not None:
        return r.level.label
    reason = r.not_classified_reason
    return f"Không xếp loại ({reason})" if reason else "Không xếp loại"


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
        *_sentence(classification_sentence(facts)),
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
    return _issued(
        facts,
        number=number,
        kind=THONG_BAO,
        date=date,
        summary=f"Kết quả đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm {facts.year}",
        body=body,
        recipients=("Các chi bộ trực thuộc", _archive(facts, date)),
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
    return _issued(
        facts,
        number=number,
        kind=TO_TRINH,
        date=date,
        summary=f"Đề nghị khen thưởng tập thể, cá nhân năm {facts.year}",
        body=body,
    )


# --- the conference: minutes and resolution, news -------------------------------------------------


def _require_conference(facts: YearEndFacts) -> None:
    if facts.conference is None:
        raise DomainError(
            f"Chưa có dữ liệu hội nghị tổng kết năm {facts.year}.",
            field="year",
            rule="reports.no_data.conference",
        )


def _record_or_refuse(facts: YearEndFacts, record: MinutesFacts | None) -> MinutesFacts:
    if record is None:
        raise DomainError(
            f"Chưa có hội nghị tổng kết năm {facts.year} được ghi trong hệ thống.",
            field="year",
            rule="reports.no_data.conference",
        )
    return record


def _when(record: MinutesFacts) -> str:
    """`08 giờ 00, ngày 24 tháng 02 năm 2021`."""
    day = place_date_line("", record.held_on).split(", ", 1)[1]
    if record.starts_at is None:
        return day
    return f"{record.starts_at.hour:02d} giờ {record.starts_at.minute:02d}, {day}"


def _people(lines: Sequence[PersonLine]) -> str:
    return "; ".join(f"đồng chí {p.name}" + (f", {p.title}" if p.title else "") for p in lines)


def _tally(vote: VoteLine) -> str:
    """`tán thành 48/50 đồng chí (96%), không tán thành 01, không biểu quyết 01`."""
    share = format_percent(percent_of(vote.votes_for, vote.body_size)) if vote.body_size else "-"
    return (
        f"tán thành {format_count(vote.votes_for)}/{format_count(vote.body_size)} đồng chí "
        f"({share}), không tán thành {format_count(vote.votes_against)}, không biểu quyết "
        f"{format_count(vote.abstain)}"
    )


def _outcome(vote: VoteLine) -> str:
    if not vote.quorum_met:
        return "không đủ số lượng để biểu quyết"
    return "được thông qua" if vote.adopted else "không được thông qua"


def build_minutes(
    facts: YearEndFacts,
    *,
    date: dt.date | None = None,
    number: int | None = None,
    record: MinutesFacts | None = None,
) -> OfficialDocument:
    """Biên bản hội nghị from the meeting's record: time, place, chair, secretary, attendance
    with absentees and their reasons, agenda, discussion, each vote's tally and outcome; signed
    by the secretary (left) and the chair (right)."""
    r = _record_or_refuse(facts, record)
    absent = r.convened - r.present
    body: list[Block] = [
        Paragraph(runs=(Run("Thời gian: ", bold=True), Run(_when(r) + "."))),
    ]
    if r.place:
        body.append(Paragraph(runs=(Run("Địa điểm: ", bold=True), Run(r.place + "."))))
    if r.chairs:
        body.append(Paragraph(runs=(Run("Chủ trì: ", bold=True), Run(_people(r.chairs) + "."))))
    if r.secretary is not None:
        body.append(
            Paragraph(runs=(Run("Thư ký: ", bold=True), Run(_people((r.secretary,)) + ".")))
        )
    if r.guests:
        body.append(Paragraph(runs=(Run("Khách mời: ", bold=True), Run(_people(r.guests) + "."))))
    body.append(
        Paragraph(
            runs=(
                Run("Thành phần: ", bold=True),
                Run(
                    f"triệu tập {format_count(r.convened)} đồng chí; có mặt "
                    f"{format_count(r.present)} đồng chí; vắng {format_count(absent)} đồng chí"
                    + ("." if not r.absences else ":")
                ),
            )
        )
    )
    if r.absences:
        body.append(
            BulletList(
                tuple(
                    f"đồng chí {a.name} ({a.organization}), "
                    + (f"vắng có lý do: {a.reason}" if a.excused else "vắng không có lý do")
                    for a in r.absences
                )
            )
        )
    if r.agenda:
        body.append(Heading("I- NỘI DUNG", level=2))
        for i, item in enumerate(r.agenda, start=1):
            text = f"{i}. {item.title}"
            if item.presenter:
                text += f": đồng chí {item.presenter}"
                text += f", {item.presenter_title}" if item.presenter_title else ""
                text += f" trình bày {item.document_title}" if item.document_title else " trình bày"
            body.append(Paragraph(text + "."))
    if r.discussion:
        body.append(Heading("II- Ý KIẾN THẢO LUẬN", level=2))
        body.extend(
            Paragraph(runs=(Run(f"Đồng chí {d.speaker}: ", italic=True), Run(d.summary)))
            for d in r.discussion
        )
    if r.votes:
        body.append(Heading("III- BIỂU QUYẾT", level=2))
        body.extend(
            Paragraph(f"{i}. {v.motion}: {_tally(v)}; {_outcome(v)}.")
            for i, v in enumerate(r.votes, start=1)
        )
    if r.closing_directions:
        body.append(Heading("IV- KẾT LUẬN", level=2))
        body.append(Paragraph(r.closing_directions))
    body.append(
        Paragraph(
            "Biên bản đã được thông qua trước hội nghị, các đồng chí dự họp nhất trí với nội dung "
            "biên bản."
        )
    )
    chair = r.chairs[0] if r.chairs else None
    return _issued(
        facts,
        number=number,
        kind=BIEN_BAN,
        date=date or r.held_on,
        summary=r.title,
        body=body,
        signature=Signature("", "Chủ trì hội nghị", chair.name if chair else ""),
        countersignature=Signature("", "Thư ký hội nghị", r.secretary.name if r.secretary else ""),
        recipients=(),
    )


def build_resolution(
    facts: YearEndFacts,
    *,
    date: dt.date | None = None,
    number: int | None = None,
    record: MinutesFacts | None = None,
) -> OfficialDocument:
    """Nghị quyết of the meeting: what it adopted by vote, each with its tally (Điều lệ Đảng,
    Điều 9 khoản 5), and the tasks it sets."""
    r = _record_or_refuse(facts, record)
    when = date or r.held_on
    o = facts.organization
    preamble = (
        f"{r.title} họp {_when(r)}" + (f", tại {r.place}" if r.place else "") + ", với "
        f"{format_count(r.present)}/{format_count(r.convened)} đồng chí được triệu tập có mặt,"
    )
    body: list[Block] = [
        Paragraph("Căn cứ Điều lệ Đảng Cộng sản Việt Nam;", italic=True),
        Paragraph(preamble, italic=True),
        Heading("QUYẾT NGHỊ:", level=1, centered=True),
    ]
    items = [
        f"Thông qua {d.document_title} với {format_count(d.votes_for)}/"
        f"{format_count(d.body_size)} đồng chí tán thành."
        for d in r.resolutions
    ]
    items.extend(f"{v.motion}: {_tally(v)}; {_outcome(v)}." for v in r.votes if not v.adopted)
    body.extend(Paragraph(f"{i}. {text}") for i, text in enumerate(items, start=1))
    directions = _narrative(facts, "directions")
    if directions:
        body.append(Paragraph(f"{len(items) + 1}. Nhiệm vụ năm {facts.year + 1}:"))
        body.extend(directions)
    body.append(
        Paragraph(
            f"Các chi bộ trực thuộc và toàn thể đảng viên {o.name} có trách nhiệm thực hiện "
            "Nghị quyết này."
        )
    )
    return _issued(
        facts,
        number=number,
        kind=NGHI_QUYET,
        date=when,
        summary=r.title,
        body=body,
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
            # The sample frame's mark is the office's to see, never the article's.
            subject=(
                f"{s.unit} theo {_lower(_printed_title(s.title))}"
                if s.unit
                else _printed_title(s.title)
            ),
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
    kind: str,
    facts: YearEndFacts,
    *,
    date: dt.date,
    number: int | None = None,
    record: MinutesFacts | None = None,
) -> OfficialDocument:
    """The document of `kind` (see KINDS) for the facts; minutes and resolution from the
    meeting's `record`."""
    if kind == "minutes":
        return build_minutes(facts, date=date, number=number, record=record)
    if kind == "resolution":
        return build_resolution(facts, date=date, number=number, record=record)
    builders = {
        "year-end": build_year_end_report,
        "decision": build_decision,
        "notice": build_notice,
        "awards": build_awards_proposal,
    }
    if kind not in builders:
        raise DomainError(
            f"Không có loại báo cáo «{kind}». Các loại: {', '.join([*builders, 'news'])}.",
            field="kind",
            rule="reports.kind.unknown",
        )
    return builders[kind](facts, date=date, number=number)


# --- programs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramItemLine:
    code: str
    content: str
    activity: str  # "Kiểm tra", "Giám sát", "Nhiệm vụ"
    in_charge: str
    when: str  # "Tháng 3", "Quý II", "Cả năm"


@dataclass(frozen=True)
class ProgramRecord:
    """A work or inspection/supervision program as adopted, for its formal document."""

    title: str
    year: int
    inspection: bool
    adopted_on: dt.date | None
    adopted_at: str
    items: tuple[ProgramItemLine, ...]


def build_program(
    facts: YearEndFacts, program: ProgramRecord, *, date: dt.date, number: int | None = None
) -> OfficialDocument:
    """Chương trình công tác (or kiểm tra, giám sát) năm N: its items, owners and dates."""
    title = program.title
    prefix = "chương trình "
    summary = title[len(prefix) :] if title.lower().startswith(prefix) else title
    body: list[Block] = []
    if program.adopted_on is not None:
        where = f" tại {program.adopted_at}" if program.adopted_at else ""
        day = date_short(program.adopted_on)
        # The place often already names the day ("Hội nghị …, ngày 24/02/2021").
        when = "" if day in where else f" ngày {day}"
        body.append(Paragraph(f"Chương trình được thông qua{where}{when}.", italic=True))
    if program.inspection:
        headers: tuple[str, ...] = ("TT", "Nội dung", "Hình thức", "Chủ trì", "Thời gian")
        rows: tuple[tuple[str, ...], ...] = tuple(
            (i.code, i.content, i.activity, i.in_charge, i.when) for i in program.items
        )
        widths: tuple[int, ...] = (1, 7, 2, 4, 2)
    else:
        headers = ("TT", "Nội dung", "Chủ trì", "Thời gian")
        rows = tuple((i.code, i.content, i.in_charge, i.when) for i in program.items)
        widths = (1, 8, 4, 2)
    body.append(Heading("I- NỘI DUNG", level=1))
    body.append(Table(headers=headers, rows=rows, column_widths=widths))
    body.append(Heading("II- TỔ CHỨC THỰC HIỆN", level=1))
    body.append(
        Paragraph(
            f"Các chi bộ trực thuộc căn cứ Chương trình này xây dựng kế hoạch của chi bộ năm "
            f"{program.year}; người chủ trì từng nội dung báo cáo kết quả với "
            f"{facts.organization.committee_name} đúng thời gian quy định."
        )
    )
    return _issued(
        facts,
        number=number,
        kind=CHUONG_TRINH,
        date=date,
        summary=summary[:1].upper() + summary[1:],
        body=body,
    )
