"""Charts drawn as SVG on the server, and the tables they are drawn from for print; no Django.

No external service and no JavaScript library; colours are SVG presentation attributes, never
`style=` attributes, so the page's Content-Security-Policy holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from tongket.core.formatting import format_maximum, format_number, format_points
from tongket.evaluation.domain import Level
from tongket.reports.facts import LevelCounts, ProgramLine, ScoreLine

# One colour per level, matching the badges of app.css (excellent: the house red).
LEVEL_COLOURS = {
    Level.EXCELLENT: "#a50e0e",
    Level.GOOD: "#2e7d4f",
    Level.COMPLETED: "#2f6db5",
    Level.NOT_COMPLETED: "#c77700",
}
NOT_CLASSIFIED_COLOUR = "#9aa0a6"
INK = "#202124"
MUTED = "#5f6368"
GRID = "#dadce0"

WIDTH = 640
HEIGHT = 280
MARGIN_LEFT = 48
MARGIN_BOTTOM = 56
MARGIN_TOP = 28
FONT = "Liberation Serif, Times New Roman, serif"


@dataclass(frozen=True)
class ChartTable:
    """What a chart shows, as a table for the printed report and for screen readers."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _text(
    x: float, y: float, text: str, *, anchor: str = "middle", size: int = 12, fill: str = INK
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}">{escape(text)}</text>'
    )


def _svg(title: str, parts: Sequence[str], height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label={quoteattr(title)} class="chart" font-family="{FONT}">'
        f"<title>{escape(title)}</title>" + "".join(parts) + "</svg>"
    )


def _empty(title: str) -> str:
    return _svg(title, [_text(WIDTH / 2, HEIGHT / 2, "Chưa có dữ liệu", fill=MUTED)])


# --- level distribution over years ----------------------------------------------------------------

_LEVEL_KEYS: tuple[tuple[str, Level | None], ...] = (
    *((lv.label, lv) for lv in Level.descending()),
    ("Không xếp loại", None),
)


def _share(counts: LevelCounts, level: Level | None) -> int:
    return counts.count(level) if level is not None else counts.not_classified


def level_distribution_svg(history: Sequence[tuple[int, LevelCounts]], *, what: str) -> str:
    """Stacked columns, one per year: how many `what` were decided at each level."""
    title = f"Xếp loại {what} qua các năm"
    years = [(y, c) for y, c in history if c.total]
    if not years:
        return _empty(title)
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = max(c.total for _, c in years)
    step = (WIDTH - MARGIN_LEFT - 16) / len(years)
    bar = min(56.0, step * 0.6)
    parts = [
        f'<line x1="{MARGIN_LEFT}" y1="{HEIGHT - MARGIN_BOTTOM}" x2="{WIDTH - 8}" '
        f'y2="{HEIGHT - MARGIN_BOTTOM}" stroke="{GRID}"/>'
    ]
    for i, (year, counts) in enumerate(years):
        x = MARGIN_LEFT + step * i + (step - bar) / 2
        y = float(HEIGHT - MARGIN_BOTTOM)
        for label, level in reversed(_LEVEL_KEYS):
            n = _share(counts, level)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            colour = (
                LEVEL_COLOURS.get(level, NOT_CLASSIFIED_COLOUR)
                if level
                else (NOT_CLASSIFIED_COLOUR)
            )
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(f"{year}: {label} {n}")}</title></rect>'
            )
            if h >= 14:
                parts.append(_text(x + bar / 2, y + h / 2 + 4, format_number(n), fill="#ffffff"))
        parts.append(_text(x + bar / 2, HEIGHT - MARGIN_BOTTOM + 16, str(year)))
    legend_x = float(MARGIN_LEFT)
    for _label, level in _LEVEL_KEYS:
        colour = LEVEL_COLOURS[level] if level else NOT_CLASSIFIED_COLOUR
        parts.append(
            f'<rect x="{legend_x:.1f}" y="{HEIGHT - 22}" width="10" height="10" fill="{colour}"/>'
        )
        short = level.short_label if level else "KXL"
        parts.append(_text(legend_x + 14, HEIGHT - 13, short, anchor="start", size=11))
        legend_x += 70
    return _svg(title, parts)


def level_history_table(
    history: Sequence[tuple[int, LevelCounts, LevelCounts]],
) -> ChartTable:
    headers = (
        "Năm",
        *(f"Chi bộ {lv.short_label}" for lv in Level.descending()),
        *(f"Đảng viên {lv.short_label}" for lv in Level.descending()),
    )
    rows = tuple(
        (
            str(year),
            *(format_number(cells.count(lv)) for lv in Level.descending()),
            *(format_number(members.count(lv)) for lv in Level.descending()),
        )
        for year, cells, members in history
    )
    return ChartTable("Xếp loại chi bộ, đảng viên qua các năm", headers, rows)


# --- scores and rank over years -------------------------------------------------------------------


def _percent(line: ScoreLine) -> Decimal:
    return line.points * 100 / line.maximum if line.maximum else Decimal(0)


def score_history_svg(history: Sequence[tuple[int, ScoreLine]]) -> str:
    """Columns of the score as a share of the unit's own maximum, with the rank above each."""
    title = "Điểm và thứ hạng qua các năm"
    if not history:
        return _empty(title)
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    step = (WIDTH - MARGIN_LEFT - 16) / len(history)
    bar = min(56.0, step * 0.6)
    parts = [
        f'<line x1="{MARGIN_LEFT}" y1="{HEIGHT - MARGIN_BOTTOM}" x2="{WIDTH - 8}" '
        f'y2="{HEIGHT - MARGIN_BOTTOM}" stroke="{GRID}"/>',
        _text(MARGIN_LEFT - 6, MARGIN_TOP + 4, "100%", anchor="end", size=10, fill=MUTED),
    ]
    for i, (year, line) in enumerate(history):
        share = _percent(line)
        h = float(plot_h * share / 100)
        x = MARGIN_LEFT + step * i + (step - bar) / 2
        y = HEIGHT - MARGIN_BOTTOM - h
        # Written as the page and the report write it: 326,7/350, 88,57/97,0.
        label = f"{format_points(line.points)}/{format_maximum(line.maximum, line.points)}"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
            f'fill="{LEVEL_COLOURS[Level.COMPLETED]}"><title>{escape(f"{year}: {label}")}'
            "</title></rect>"
        )
        rank = f"hạng {line.rank}" + (f"/{line.of}" if line.of else "") if line.rank else ""
        parts.append(_text(x + bar / 2, y - 6, rank, size=11))
        parts.append(_text(x + bar / 2, HEIGHT - MARGIN_BOTTOM + 16, str(year)))
        parts.append(_text(x + bar / 2, HEIGHT - MARGIN_BOTTOM + 32, label, size=10, fill=MUTED))
    return _svg(title, parts)


def score_history_table(history: Sequence[tuple[int, ScoreLine]]) -> ChartTable:
    rows = tuple(
        (
            str(year),
            format_points(line.points),
            format_maximum(line.maximum, line.points),
            f"{line.rank}/{line.of}" if line.rank and line.of else str(line.rank or "-"),
        )
        for year, line in history
    )
    return ChartTable(
        "Điểm và thứ hạng qua các năm", ("Năm", "Điểm", "Điểm tối đa", "Thứ hạng"), rows
    )


# --- program progress -----------------------------------------------------------------------------


def program_progress_svg(programs: Sequence[ProgramLine]) -> str:
    """One horizontal bar per program: done, postponed, not yet done."""
    title = "Tiến độ thực hiện chương trình"
    if not programs:
        return _empty(title)
    row_h = 40
    height = MARGIN_TOP + row_h * len(programs) + 40
    left = 200
    width = WIDTH - left - 16
    parts: list[str] = []
    segments = (
        ("Đã thực hiện", "done", LEVEL_COLOURS[Level.GOOD]),
        ("Hoãn", "postponed", LEVEL_COLOURS[Level.NOT_COMPLETED]),
        ("Chưa xong", "remaining", NOT_CLASSIFIED_COLOUR),
    )
    for i, program in enumerate(programs):
        y = MARGIN_TOP + row_h * i
        parts.append(_text(left - 8, y + 18, program.title[:32], anchor="end", size=11))
        x = float(left)
        for label, attr, colour in segments:
            n: int = getattr(program, attr)
            if not n or not program.total:
                continue
            w = width * n / program.total
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 6}" width="{w:.1f}" height="18" fill="{colour}">'
                f"<title>{escape(f'{label}: {n}/{program.total}')}</title></rect>"
            )
            x += w
        parts.append(
            _text(WIDTH - 12, y + 36, f"{program.done}/{program.total}", anchor="end", size=10)
        )
    legend_x = float(left)
    for label, _attr, colour in segments:
        parts.append(
            f'<rect x="{legend_x:.1f}" y="{height - 22}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(_text(legend_x + 14, height - 13, label, anchor="start", size=11))
        legend_x += 110
    return _svg(title, parts, height=height)


def program_progress_table(programs: Sequence[ProgramLine]) -> ChartTable:
    rows = tuple(
        (
            p.title,
            format_number(p.total),
            format_number(p.done),
            format_number(p.postponed),
            format_number(p.remaining),
        )
        for p in programs
    )
    return ChartTable(
        "Tiến độ thực hiện chương trình",
        ("Chương trình", "Số nội dung", "Đã thực hiện", "Hoãn", "Chưa xong"),
        rows,
    )


def level_counts_table(history: Sequence[tuple[int, LevelCounts]], *, what: str) -> ChartTable:
    """The figures of `level_distribution_svg`, one row per year."""
    return ChartTable(
        f"Xếp loại {what} qua các năm",
        ("Năm", *(lv.label for lv in Level.descending()), "Không xếp loại", "Tổng số"),
        tuple(
            (
                str(year),
                *(format_number(c.count(lv)) for lv in Level.descending()),
                format_number(c.not_classified),
                format_number(c.total),
            )
            for year, c in history
            if c.total
        ),
    )
