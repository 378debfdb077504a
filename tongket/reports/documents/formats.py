"""The format rules in force on a document's date: a 2020 document keeps the 2020 format.

2018–2025: Hướng dẫn 36-HD/VPTW (03/4/2018). From 2026: Quy định 399-QĐ/TW (09/01/2026) and
Hướng dẫn 05-HD/VPTW (27/5/2026). What practitioners report of the 2026 rules but nobody could
confirm in the text (DOMAIN.md section 8, marked [?]) is kept here as a dated parameter, so an
office that reads otherwise changes one value, not the renderers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tongket.reports.documents.model import Signature

DEPUTY_TITLE = "Phó Bí thư"


@dataclass(frozen=True)
class FormatRules:
    """The dated format parameters of Party documents."""

    id: str
    valid_from: dt.date
    citation: str
    # A committee's deputy signs "T/M ĐẢNG ỦY / K/T BÍ THƯ / PHÓ BÍ THƯ" under HD 36; from 2026
    # "T/M ĐẢNG ỦY / PHÓ BÍ THƯ" with no "K/T" [?].
    deputy_signs_for_secretary: bool
    # The last line of "Nơi nhận": "Lưu Văn phòng" (HD 36's models), from 2026 "Lưu Đảng ủy." or
    # "Lưu Chi bộ." [?]; `{body}` is the committee's own word.
    archive_line: str
    # Numbers run per type through the committee's term (from 2026 [?]) or per calendar year.
    numbering_through_term: bool
    # When the committee's term is not recorded: terms of this many years from this year (the
    # congresses of 2020 and 2025) [?].
    term_years: int = 5
    first_term_start: int = 2020


HD36 = FormatRules(
    id="hd36",
    valid_from=dt.date(2018, 4, 3),
    citation="Hướng dẫn 36-HD/VPTW ngày 03/4/2018",
    deputy_signs_for_secretary=True,
    archive_line="Lưu Văn phòng",
    numbering_through_term=False,
)
QD399 = FormatRules(
    id="qd399",
    valid_from=dt.date(2026, 1, 9),
    citation="Quy định 399-QĐ/TW ngày 09/01/2026; Hướng dẫn 05-HD/VPTW ngày 27/5/2026",
    deputy_signs_for_secretary=False,
    archive_line="Lưu {body}.",
    numbering_through_term=True,
)
RULES: tuple[FormatRules, ...] = (HD36, QD399)


def rules_on(date: dt.date) -> FormatRules:
    """The rules in force on `date`; an earlier date takes HD 36, the oldest the product knows."""
    current = RULES[0]
    for rules in RULES:
        if rules.valid_from <= date:
            current = rules
    return current


def signature_on(date: dt.date, on_behalf: str, title: str, name: str) -> Signature:
    """The signature block as the rules of `date` write it.

    >>> signature_on(dt.date(2021, 2, 24), "T/M ĐẢNG ỦY", "Phó Bí thư", "A").for_secretary
    'K/T BÍ THƯ'
    >>> signature_on(dt.date(2026, 3, 5), "T/M ĐẢNG ỦY", "Phó Bí thư", "A").for_secretary
    ''
    """
    deputy = title.strip().casefold() == DEPUTY_TITLE.casefold()
    # A cell has no standing committee: its deputy signs "T/M CHI BỘ / PHÓ BÍ THƯ" in both.
    committee = on_behalf.strip().upper() != "T/M CHI BỘ"
    for_secretary = (
        "K/T BÍ THƯ" if deputy and committee and rules_on(date).deputy_signs_for_secretary else ""
    )
    return Signature(on_behalf, title, name, for_secretary=for_secretary)


def archive_line(date: dt.date, *, cell: bool) -> str:
    """ "Lưu Văn phòng" before 2026; "Lưu Đảng ủy." or "Lưu Chi bộ." from 2026."""
    return rules_on(date).archive_line.format(body="Chi bộ" if cell else "Đảng ủy")


_TERM = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")


def number_series(date: dt.date, year: int, recorded_terms: tuple[str, ...] = ()) -> str:
    """The series a document's number runs in (rule `documents.number.series`): the calendar
    year under HD 36 ("2021"); from 2026 the committee's term ("NK 2025-2030"), the recorded
    term that spans the date's year, else the congress cycle of the rules [?].

    >>> number_series(dt.date(2021, 2, 24), 2020)
    '2020'
    >>> number_series(dt.date(2026, 3, 5), 2026, ("2020-2025",))
    'NK 2025-2030'
    """
    rules = rules_on(date)
    if not rules.numbering_through_term:
        return str(year)
    for term in recorded_terms:
        found = _TERM.match(term)
        if found and int(found.group(1)) <= date.year < int(found.group(2)):
            return f"NK {found.group(1)}-{found.group(2)}"
    cycles = (date.year - rules.first_term_start) // rules.term_years
    start = rules.first_term_start + cycles * rules.term_years
    return f"NK {start}-{start + rules.term_years}"
