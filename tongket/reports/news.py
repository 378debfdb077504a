"""The news item on a year-end conference: its facts and a draft article in the office's style."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tongket.core.formatting import (
    date_long,
    format_count,
    format_maximum,
    format_points,
)
from tongket.evaluation.domain import Level

# "xếp thứ Nhất", "xếp thứ Nhì": ranks up to ten are written as words, capitalised, as the
# provincial rankings are announced; beyond ten the number is written.
_RANK_WORDS = {
    1: "Nhất",
    2: "Nhì",
    3: "Ba",
    4: "Tư",
    5: "Năm",
    6: "Sáu",
    7: "Bảy",
    8: "Tám",
    9: "Chín",
    10: "Mười",
}


def rank_word(rank: int) -> str:
    """`Nhất`, `Nhì`, `Ba`, `Tư` … `Mười`, then `11`, `12` …"""
    if rank < 1:
        raise ValueError("Thứ hạng phải từ 1 trở lên.")
    return _RANK_WORDS.get(rank, str(rank))


@dataclass(frozen=True)
class Person:
    """A comrade as the article names him or her: `Lê Văn Tính`, `Phó Bí thư Đảng ủy`."""

    name: str
    title: str


@dataclass(frozen=True)
class OrganizationNames:
    """The names the article uses for the host, in full and as it is called further on."""

    committee: str  # Đảng ủy Sở Giáo dục và Đào tạo Quảng Trị
    committee_short: str  # Đảng ủy Sở
    party_body: str  # Đảng bộ Sở Giáo dục và Đào tạo
    party_body_short: str  # Đảng bộ Sở


@dataclass(frozen=True)
class ScorecardResult:
    """A unit's score against its own maximum and its rank, with the phrase that introduces it.

    `subject`: "Sở GD&ĐT được UBND tỉnh đánh giá xếp loại hoàn thành xuất sắc nhiệm vụ".
    `of` and `peer_group` give "trong 20 sở, ban, ngành cấp tỉnh"; both may be left out.
    """

    subject: str
    points: Decimal
    maximum: Decimal
    rank: int | None = None
    of: int | None = None
    peer_group: str = ""


@dataclass(frozen=True)
class TargetsResult:
    """`Ngành giáo dục và đào tạo` met `4` of `4` basic targets assigned by `tỉnh`."""

    subject: str
    met: int
    total: int
    assigned_by: str


@dataclass(frozen=True)
class AwardFact:
    """An award as the article reports it; `achievement` follows "về thành tích".

    An empty `form` reads "được … khen thưởng", as when the article does not name the form.
    """

    recipient: str
    form: str
    issuer: str
    achievement: str


@dataclass(frozen=True)
class NewsFacts:
    """What the article about a year-end Party conference reports; a selector fills it."""

    conference_date: dt.date
    year: int  # the year reviewed; the article also announces the tasks of the next one
    names: OrganizationNames
    chairs: tuple[Person, ...]
    presenter: Person
    member_count: int
    cell_count: int
    organization_level: Level
    rated_by: str
    closing_speaker: Person
    directions: str
    guests: tuple[Person, ...] = ()
    adopted_documents: tuple[str, ...] = ()
    targets: TargetsResult | None = None
    scorecards: tuple[ScorecardResult, ...] = ()
    cells_by_level: tuple[tuple[Level, int], ...] = ()
    members_excellent: int = 0
    awards: tuple[AwardFact, ...] = field(default_factory=tuple)
    author: str = ""  # the byline, e.g. "Văn phòng Sở"


@dataclass(frozen=True)
class NewsArticle:
    """The article's parts as every form draws them: the headline, the body paragraphs, the
    photo's caption (which stands after paragraph `caption_after`) and the byline."""

    headline: str
    paragraphs: tuple[str, ...]
    caption: str
    caption_after: int
    byline: str


def news_article(facts: NewsFacts) -> NewsArticle:
    """The article from its facts, each text in NFC (offices type precomposed letters)."""

    def nfc(text: str) -> str:
        return unicodedata.normalize("NFC", text)

    return NewsArticle(
        headline=nfc(_headline(facts)),
        paragraphs=tuple(
            nfc(p)
            for p in (
                _opening(facts),
                _report(facts),
                _discussion(),
                _results(facts),
                _closing(facts),
            )
        ),
        caption=nfc(
            f"Đồng chí {facts.presenter.name}, {facts.presenter.title} trình bày Báo cáo tổng kết "
            f"công tác Đảng năm {facts.year}, phương hướng, nhiệm vụ năm {facts.year + 1}"
        ),
        caption_after=2,
        byline=nfc(facts.author.upper()),
    )


def render_news(facts: NewsFacts) -> str:
    """A draft article in the style of the office's news items: plain paragraphs, a byline."""
    article = news_article(facts)
    body = list(article.paragraphs)
    body.insert(article.caption_after, _caption(article.caption))
    paragraphs = [article.headline, *body]
    if article.byline:
        paragraphs.append(article.byline)
    return "\n\n".join(paragraphs) + "\n"


def _headline(facts: NewsFacts) -> str:
    return (
        f"{facts.names.party_body} tổng kết công tác xây dựng Đảng năm {facts.year} "
        f"và triển khai nhiệm vụ năm {facts.year + 1}"
    )


def _opening(facts: NewsFacts) -> str:
    day = date_long(facts.conference_date)
    sentences = [
        f"{day[0].upper()}{day[1:]}, {facts.names.committee} tổ chức Hội nghị tổng kết công tác "
        f"xây dựng Đảng năm {facts.year} và triển khai nhiệm vụ năm {facts.year + 1}."
    ]
    if facts.chairs:
        chairs = ", ".join(f"đồng chí {p.name}, {p.title}" for p in facts.chairs)
        sentences.append(f"{_capitalize(chairs)} chủ trì Hội nghị.")
    members = (
        f"{format_count(facts.member_count)} đồng chí đảng viên đang sinh hoạt tại "
        f"{format_count(facts.cell_count)} Chi bộ trực thuộc {facts.names.party_body_short}"
    )
    if facts.guests:
        guests = ", ".join(f"đồng chí {p.name} - {p.title}" for p in facts.guests)
        sentences.append(f"Tham dự Hội nghị có {guests}, cùng với {members}.")
    else:
        sentences.append(f"Tham dự Hội nghị có {members}.")
    return " ".join(sentences)


def _report(facts: NewsFacts) -> str:
    presenter = facts.presenter
    sentences = [
        f"Thay mặt {facts.names.committee_short}, đồng chí {presenter.name}, {presenter.title} "
        f"đã trình bày Báo cáo tổng kết công tác Đảng năm {facts.year} và phương hướng, nhiệm vụ "
        f"trọng tâm năm {facts.year + 1}.",
        "Báo cáo đã nêu rõ vai trò và kết quả lãnh đạo, chỉ đạo của Đảng ủy cùng những kết quả "
        "nổi bật trong công tác xây dựng Đảng và thực hiện nhiệm vụ chính trị; công tác tổ chức, "
        "cán bộ và xây dựng đảng bộ, chi bộ trong sạch, vững mạnh; công tác lãnh đạo chính quyền "
        "và các đoàn thể chính trị - xã hội; công tác kiểm tra, giám sát và kỷ luật đảng.",
    ]
    if facts.adopted_documents:
        sentences.append(f"Hội nghị đã thông qua {join_vi(facts.adopted_documents)}.")
    return " ".join(sentences)


def _discussion() -> str:
    return (
        "Qua các ý kiến tham gia thảo luận, phát biểu ý kiến tại Hội nghị, các đảng viên đã phát "
        "huy trách nhiệm, tính gương mẫu, tiền phong của người đảng viên."
    )


def _results(facts: NewsFacts) -> str:
    clauses = [
        f"{facts.names.party_body} được {facts.rated_by} xếp loại "
        f"“{facts.organization_level.label}”"
    ]
    if facts.targets is not None:
        t = facts.targets
        clauses.append(
            f"{t.subject} đã hoàn thành đạt {t.met}/{t.total} chỉ tiêu cơ bản "
            f"do {t.assigned_by} giao"
        )
    clauses.extend(_scorecard(s) for s in facts.scorecards)
    for level, count in facts.cells_by_level:
        if count:
            clauses.append(
                f"{format_count(count)} chi bộ được xếp loại {_lower_first(level.label)}"
            )
    if facts.members_excellent:
        clauses.append(
            f"{format_count(facts.members_excellent)} đồng chí đảng viên xếp loại "
            f"{_lower_first(Level.EXCELLENT.label)}"
        )
    clauses.extend(_awards(facts.awards))
    return (
        f"Đánh giá chung năm {facts.year}, {facts.names.committee_short} đã tập trung lãnh đạo, "
        "chỉ đạo hoàn thành nhiệm vụ chính trị được giao. Kết quả, " + "; ".join(clauses) + "."
    )


def _scorecard(result: ScorecardResult) -> str:
    text = (
        f"{result.subject} với {format_points(result.points)} điểm/"
        f"{format_maximum(result.maximum, result.points)} điểm"
    )
    if result.rank is not None:
        text += f", xếp thứ {rank_word(result.rank)}"
        if result.of is not None:
            text += f" trong {result.of} {result.peer_group}".rstrip()
    return text


def _awards(awards: Sequence[AwardFact]) -> list[str]:
    """One clause per recipient, in order: "X được A tặng Bằng khen về thành tích … và được B …"."""
    clauses: list[str] = []
    recipients: list[str] = []
    grouped: dict[str, list[str]] = {}
    for award in awards:
        if award.recipient not in grouped:
            recipients.append(award.recipient)
            grouped[award.recipient] = []
        given = f"tặng {award.form}" if award.form else "khen thưởng"
        grouped[award.recipient].append(
            f"được {award.issuer} {given} về thành tích {award.achievement}"
        )
    for recipient in recipients:
        clauses.append(f"{recipient} {' và '.join(grouped[recipient])}")
    return clauses


def _closing(facts: NewsFacts) -> str:
    speaker = facts.closing_speaker
    directions = facts.directions.strip()
    if not directions.endswith((".", "!", "…")):
        directions += "."
    return (
        f"Phát biểu bế mạc Hội nghị, đồng chí {speaker.name}, {speaker.title}, nhấn mạnh: "
        f"{directions}"
    )


def _caption(text: str) -> str:
    # The editor puts the photo here; the caption is written as the office writes it.
    return f"[Ảnh: {text}]"


def join_vi(items: Sequence[str]) -> str:
    """`A`, `A và B`, `A, B và C`."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " và " + items[-1]


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
