"""The facts of the year-end report, and one small adapter per source app that gathers them.

Each adapter calls its app's selectors and reads their typed results. A section is None only when
its source has no data for the year; the printed report then leaves it out (and the office's
screen says what is missing), never making up a figure. Adapters receive the organization the
user may see and keep only rows in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from tongket.accounts.scope import User
from tongket.awards.selectors import register_rows
from tongket.core.errors import DomainError
from tongket.core.formatting import format_count, format_maximum, format_points
from tongket.evaluation.domain import Level
from tongket.evaluation.selectors import (
    decided_results,
    own_yearly_decision,
)
from tongket.evaluation.stats import subtree_counts
from tongket.meetings.selectors import minutes_facts, visible_meetings
from tongket.people.models import SEGMENT_WIDTH, Organization, OrganizationKind, PartyRoleKind
from tongket.people.selectors import committee_roles, members_in_subtree, subtree
from tongket.programs.selectors import program_outcome, visible_programs
from tongket.scoring.selectors import unit_year

NO_DATA = "chưa có dữ liệu"
HISTORY_YEARS = 5
# The report's sections that come from another app, as the report names them.
SECTION_LABELS = {
    "classification": "kết quả đánh giá, xếp loại",
    "scorecards": "chấm điểm, xếp hạng",
    "targets": "chỉ tiêu",
    "awards": "khen thưởng",
    "programs": "chương trình công tác, kiểm tra, giám sát",
    "conference": "hội nghị",
}


# --- the facts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgFacts:
    """The organization as the report names it."""

    code: str
    name: str
    kind: str
    path: str
    issuer_code: str
    place: str
    superior_name: str
    committee_name: str  # "Đảng ủy Sở Giáo dục và Đào tạo", "Chi bộ Thanh tra"
    on_behalf: str  # "T/M ĐẢNG ỦY", "T/M CHI BỘ"


@dataclass(frozen=True)
class LevelCounts:
    """How many subjects were decided at each level, and how many were not classified."""

    excellent: int = 0
    good: int = 0
    completed: int = 0
    not_completed: int = 0
    not_classified: int = 0

    @property
    def total(self) -> int:
        return (
            self.excellent + self.good + self.completed + self.not_completed + self.not_classified
        )

    def count(self, level: Level) -> int:
        value: int = getattr(self, level.value)
        return value


@dataclass(frozen=True)
class ResultRow:
    """One decided result: a member or an organization, its level, or why it was not classified."""

    subject_kind: str  # "member" or "organization"
    card_number: str
    org_code: str
    org_name: str
    name: str
    level: Level | None
    not_classified_reason: str = ""


@dataclass(frozen=True)
class Classification:
    """The year's decided classification inside the organization."""

    own_level: Level | None
    own_decided_by: str
    own_decision: str
    cells: LevelCounts
    members: LevelCounts
    rows: tuple[ResultRow, ...]


@dataclass(frozen=True)
class ScoreLine:
    """A unit's scorecard: points of its own maximum, level and rank among its peers."""

    title: str
    points: Decimal
    maximum: Decimal
    rank: int | None = None
    of: int | None = None
    level: str = ""
    peer_group: str = ""
    unit: str = ""  # the agency scored: "Sở GD&ĐT"


@dataclass(frozen=True)
class TargetsLine:
    met: int
    total: int


@dataclass(frozen=True)
class AwardLine:
    recipient: str
    recipient_kind: str  # "member" or "organization"
    form: str
    issuer: str
    achievement: str = ""


@dataclass(frozen=True)
class ProgramLine:
    """A work or inspection program's progress at the end of the year."""

    title: str
    kind: str
    total: int
    done: int
    postponed: int
    cancelled: int = 0
    remaining: int = 0
    conclusions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConferenceLine:
    """The year-end conference: when, who attended of how many convened, from how many cells."""

    title: str
    date: dt.date
    present: int
    convened: int
    cells: int = 0
    chairs: tuple[tuple[str, str], ...] = ()  # (name, title)
    presenter: tuple[str, str] | None = None
    closing_speaker: tuple[str, str] | None = None
    guests: tuple[tuple[str, str], ...] = ()
    adopted: tuple[str, ...] = ()
    closing_remarks: str = ""


@dataclass(frozen=True)
class Signer:
    on_behalf: str
    title: str
    name: str


@dataclass(frozen=True)
class NarrativeText:
    section: str
    title: str
    text: str  # placeholders already filled


@dataclass(frozen=True)
class YearEndFacts:
    """Everything the year-end report states, gathered from what the requesting user may see.

    A section is None when its source has no data yet; the report then says so.
    """

    organization: OrgFacts
    year: int
    member_count: int
    cell_count: int
    signer: Signer
    classification: Classification | None = None
    previous: Classification | None = None
    scorecards: tuple[ScoreLine, ...] | None = None
    targets: TargetsLine | None = None
    awards: tuple[AwardLine, ...] | None = None
    programs: tuple[ProgramLine, ...] | None = None
    conference: ConferenceLine | None = None
    level_history: tuple[tuple[int, LevelCounts, LevelCounts], ...] = ()  # year, cells, members
    score_history: tuple[tuple[int, ScoreLine], ...] = ()
    narratives: tuple[NarrativeText, ...] = field(default_factory=tuple)

    @property
    def missing(self) -> tuple[str, ...]:
        """The sections without data, named as the report names them."""
        present = {
            "classification": self.classification,
            "scorecards": self.scorecards,
            "targets": self.targets,
            "awards": self.awards,
            "programs": self.programs,
            "conference": self.conference,
        }
        return tuple(label for key, label in SECTION_LABELS.items() if present[key] is None)


# --- placeholders in the office's narrative ---------------------------------------------------

PLACEHOLDER_NAMES: tuple[str, ...] = (
    "nam",
    "nam_sau",
    "so_dang_vien",
    "so_chi_bo",
    "xep_loai_dang_bo",
    "so_chi_bo_xuat_sac",
    "so_chi_bo_tot",
    "so_chi_bo_hoan_thanh",
    "so_chi_bo_khong_hoan_thanh",
    "so_dang_vien_xuat_sac",
    "so_dang_vien_tot",
    "so_dang_vien_hoan_thanh",
    "so_dang_vien_khong_hoan_thanh",
    "so_dang_vien_khong_xep_loai",
    "diem_thi_dua",
    "diem_toi_da",
    "xep_hang",
    "chi_tieu",
    "so_khen_thuong",
)


def placeholder_values(facts: YearEndFacts) -> dict[str, str]:
    """Each placeholder's text; a figure whose source has no data reads "chưa có dữ liệu"."""
    values = dict.fromkeys(PLACEHOLDER_NAMES, NO_DATA)
    values["nam"] = str(facts.year)
    values["nam_sau"] = str(facts.year + 1)
    values["so_dang_vien"] = format_count(facts.member_count)
    values["so_chi_bo"] = format_count(facts.cell_count)
    c = facts.classification
    if c is not None:
        if c.own_level is not None:
            values["xep_loai_dang_bo"] = c.own_level.label
        for prefix, counts in (("so_chi_bo", c.cells), ("so_dang_vien", c.members)):
            values[f"{prefix}_xuat_sac"] = format_count(counts.excellent)
            values[f"{prefix}_tot"] = format_count(counts.good)
            values[f"{prefix}_hoan_thanh"] = format_count(counts.completed)
            values[f"{prefix}_khong_hoan_thanh"] = format_count(counts.not_completed)
        values["so_dang_vien_khong_xep_loai"] = format_count(c.members.not_classified)
    if facts.scorecards:
        first = facts.scorecards[0]
        # One format everywhere: 326,7 điểm/350 điểm, as the generated sentences write it.
        values["diem_thi_dua"] = format_points(first.points)
        values["diem_toi_da"] = format_maximum(first.maximum, first.points)
        if first.rank is not None:
            values["xep_hang"] = str(first.rank) + (f"/{first.of}" if first.of else "")
    if facts.targets is not None:
        values["chi_tieu"] = f"{facts.targets.met}/{facts.targets.total}"
    if facts.awards is not None:
        values["so_khen_thuong"] = format_count(len(facts.awards))
    return values


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Replace `{name}` by its value; braces that are not a known name stay as written."""
    out = text
    for name, value in values.items():
        out = out.replace("{" + name + "}", value)
    return out


def _level(value: str | None) -> Level | None:
    """A level code, or None when it is blank or not one of the four levels."""
    try:
        return Level(value) if value else None
    except ValueError:
        return None


# --- organization, people and the signer -------------------------------------------------------


def committee_name(org: Organization) -> str:
    """ "Đảng bộ Sở X" is led by "Đảng ủy Sở X"; a cell signs as itself."""
    name = org.name.strip()
    if org.kind == OrganizationKind.CELL:
        return name
    if org.kind == OrganizationKind.PROVINCIAL and name.lower().startswith("đảng bộ tỉnh "):
        return "Tỉnh ủy " + name[len("Đảng bộ tỉnh ") :]
    if name.lower().startswith("đảng bộ "):
        return "Đảng ủy " + name[len("Đảng bộ ") :]
    return name


def org_facts(org: Organization) -> OrgFacts:
    parent = org.parent
    cell = org.kind == OrganizationKind.CELL
    return OrgFacts(
        code=org.code,
        name=org.name,
        kind=org.kind,
        path=org.path,
        issuer_code=org.issuer_code or ("CB" if cell else "ĐU"),
        place=org.place or (parent.place if parent is not None else "") or "Quảng Trị",
        superior_name=parent.name if parent is not None else "",
        committee_name=committee_name(org),
        on_behalf="T/M CHI BỘ" if cell else "T/M ĐẢNG ỦY",
    )


def people_counts(org: Organization) -> tuple[int, int]:
    """Members in the subtree and cells under the organization (a cell counts itself)."""
    members = members_in_subtree(org).count()
    if org.kind == OrganizationKind.CELL:
        return members, 1
    cells = subtree(org).filter(kind=OrganizationKind.CELL).count()
    return members, cells


def signer_for(org: Organization, *, prefer: str = "secretary") -> Signer:
    """The committee's secretary signs on its behalf; `prefer="deputy"` picks the deputy."""
    by_role: dict[str, str] = {}
    for role in committee_roles(org):
        by_role.setdefault(role.role, role.member.full_name)
    order = (
        (PartyRoleKind.DEPUTY_SECRETARY, PartyRoleKind.SECRETARY)
        if prefer == "deputy"
        else (PartyRoleKind.SECRETARY, PartyRoleKind.DEPUTY_SECRETARY)
    )
    on_behalf = org_facts(org).on_behalf
    for kind in order:
        if kind in by_role:
            title = "Bí thư" if kind == PartyRoleKind.SECRETARY else "Phó Bí thư"
            return Signer(on_behalf, title, by_role[kind])
    return Signer(on_behalf, "Bí thư", "")


# --- evaluation ----------------------------------------------------------------------------------


def _cell_id(path: str) -> int | None:
    """The evaluating cell of a member: the last segment of the path they were evaluated under."""
    return int(path[-SEGMENT_WIDTH:-1]) if len(path) >= SEGMENT_WIDTH else None


def _body_name(code: str) -> str:
    """The deciding body as the report names it (its short name), or its code when unknown."""
    body = Organization.objects.filter(code=code).only("name", "short_name").first()
    return (body.short_name or body.name) if body is not None else code


def evaluation_section(org: Organization, year: int) -> Classification | None:
    """Decided results of the year inside the organization (`evaluation.selectors.decided_results`).

    Counted as `tongket stats` counts them (`evaluation_counts`): every subject evaluated in the
    subtree that year, where it was evaluated. A member transferred out since still counts here,
    under the cell that evaluated them; one transferred in counts where they were evaluated.
    Cells are the subordinate organizations that were cells when evaluated.
    """
    results = decided_results(org, year)
    if not results:
        return None
    # The evaluating cells' names: the subtree's by prefix, then any cell moved out since.
    names = dict(Organization.objects.filter(path__startswith=org.path).values_list("pk", "name"))
    cell_ids = {found for found in (_cell_id(r.subject_path) for r in results) if found}
    missing = sorted(cell_ids - names.keys())
    for start in range(0, len(missing), 10_000):
        chunk = missing[start : start + 10_000]
        names.update(Organization.objects.filter(pk__in=chunk).values_list("pk", "name"))
    rows: list[ResultRow] = []
    own_level: Level | None = None
    own_by = own_decision = ""
    cells: dict[str, int] = {}
    members: dict[str, int] = {}
    for result in results:
        code = result.org_code or ""
        level = result.level
        reason = result.not_classified_reason
        reason_text = str(reason.label) if reason is not None else ""
        bucket = level.value if level is not None else "not_classified"
        is_member = result.subject_kind == "member"
        if not is_member and code == org.code:
            own_level = level
            own_by = result.deciding_body_code
            own_decision = result.decision_number
            continue
        if not is_member:
            # A subordinate đảng bộ rather than a cell: not counted here.
            if result.org_kind != OrganizationKind.CELL:
                continue
            cells[bucket] = cells.get(bucket, 0) + 1
            org_name = result.name
        else:
            members[bucket] = members.get(bucket, 0) + 1
            cell = _cell_id(result.subject_path)
            org_name = names.get(cell, "") if cell is not None else ""
        rows.append(
            ResultRow(
                subject_kind=result.subject_kind,
                card_number=(result.card_number or "") if is_member else "",
                org_code=code,
                org_name=org_name,
                name=result.name,
                level=level,
                not_classified_reason=reason_text,
            )
        )
    return Classification(
        own_level=own_level,
        own_decided_by=_body_name(own_by) if own_by else "",
        own_decision=own_decision,
        cells=LevelCounts(**cells),
        members=LevelCounts(**members),
        rows=tuple(rows),
    )


def _level_counts(counts: Mapping[str, int]) -> LevelCounts:
    return LevelCounts(
        excellent=counts.get("excellent", 0),
        good=counts.get("good", 0),
        completed=counts.get("completed", 0),
        not_completed=counts.get("not_completed", 0),
        not_classified=counts.get("not_classified", 0),
    )


def evaluation_counts(org: Organization, year: int) -> tuple[LevelCounts, LevelCounts] | None:
    """The cells' and members' counts of `evaluation_section(org, year)`, from the maintained
    results tally (`evaluation.stats.subtree_counts`, what `tongket stats` sums): a few rows
    whatever the size of the subtree. None when nothing was decided in the subtree that year,
    the organization's own rating included.
    """
    members, organizations = subtree_counts(org, year)
    decided = (
        members["total"]
        - members["pending"]
        + sum(counts["total"] - counts["pending"] for counts in organizations.values())
    )
    if not decided:
        own = own_yearly_decision(org, year)
        if own is None or not own.subject_path.startswith(org.path):
            return None
    return _level_counts(organizations.get(OrganizationKind.CELL, {})), _level_counts(members)


def evaluation_summary(org: Organization, year: int) -> Classification | None:
    """`evaluation_section(org, year)` without its rows: the organization's own level and the
    counts, in a few queries whatever the size of the subtree (the previous year's column of the
    report's tables needs nothing more)."""
    counts = evaluation_counts(org, year)
    if counts is None:
        return None
    own = own_yearly_decision(org, year)
    return Classification(
        own_level=own.level if own is not None else None,
        own_decided_by=own.deciding_body_name if own is not None else "",
        own_decision=own.decision_number if own is not None else "",
        cells=counts[0],
        members=counts[1],
        rows=(),
    )


# --- scoring -------------------------------------------------------------------------------------


def _is_agency_principal(org: Organization) -> bool:
    """The agency's scores belong to the report of its top Party organization only: a cell sits
    in the same department, but the department's ranking is not the cell's result."""
    if org.agency_id is None:
        return False
    parent = org.parent
    return parent is None or parent.agency_id != org.agency_id


def _level_text(value: str | None) -> str:
    """A scorecard's level: the label of a classification level, else as the frame names it."""
    level = _level(value)
    return level.label if level is not None else (value or "")


def scoring_section(
    user: User | None, org: Organization, year: int
) -> tuple[tuple[ScoreLine, ...] | None, TargetsLine | None]:
    """The department's scorecards and targets (`scoring.selectors.unit_year`)."""
    if not _is_agency_principal(org):
        return None, None
    try:
        found = unit_year(user, org.code, year)
    except DomainError:
        return None, None
    lines = tuple(
        ScoreLine(
            title=card.frame_title,
            points=card.points,
            maximum=card.max_points,
            rank=card.rank,
            of=card.of,
            level=_level_text(card.level),
            unit=found.unit.short_name or found.unit.name,
        )
        for card in found.scorecards
    )
    targets = found.targets
    return (lines or None), (TargetsLine(targets.met, targets.total) if targets.total else None)


# --- awards --------------------------------------------------------------------------------------


def awards_section(user: User | None, org: Organization, year: int) -> tuple[AwardLine, ...] | None:
    """Awards of the year to the organization, its cells and members that the user may see
    (`awards.selectors.register_rows`)."""
    return (
        tuple(
            AwardLine(
                recipient=row.recipient_name,
                recipient_kind=row.recipient_kind,
                form=row.form_name,
                issuer=row.issuer_name,
                achievement=row.achievement,
            )
            for row in register_rows(user, org, year)
        )
        or None
    )


# --- programs ------------------------------------------------------------------------------------


def programs_section(
    user: User | None, org: Organization, year: int
) -> tuple[ProgramLine, ...] | None:
    """The organization's own programs of the year and what they achieved
    (`programs.selectors.program_outcome`)."""
    lines: list[ProgramLine] = []
    programs = visible_programs(user).filter(organization=org, year=year).order_by("kind", "id")
    for program in programs:
        outcome = program_outcome(user, program)
        statuses = [i.status for i in outcome.not_done]
        conclusions: tuple[str, ...] = ()
        if program.kind == "inspection":
            conclusions = tuple(i.result for i in outcome.done if i.result)
        lines.append(
            ProgramLine(
                title=outcome.title,
                kind=program.kind,
                total=len(outcome.done) + len(outcome.not_done),
                done=len(outcome.done),
                postponed=statuses.count("postponed"),
                cancelled=statuses.count("cancelled"),
                remaining=sum(1 for st in statuses if st not in ("postponed", "cancelled")),
                conclusions=conclusions,
            )
        )
    return tuple(lines) or None


# --- meetings ------------------------------------------------------------------------------------


def conference_section(user: User | None, org: Organization, year: int) -> ConferenceLine | None:
    """The conference reviewing `year`, held early the next year (`meetings.selectors`)."""
    meeting = (
        visible_meetings(user)
        .filter(organization=org, kind="year_end", held_on__year__in=(year, year + 1))
        .order_by("-held_on")
        .first()
    )
    if meeting is None:
        return None
    facts = minutes_facts(meeting)
    presenter: tuple[str, str] | None = None
    for line in facts.agenda:
        if line.presenter and ("tổng kết" in line.title.lower() or not presenter):
            presenter = (line.presenter, line.presenter_title)
            if "tổng kết" in line.title.lower():
                break
    return ConferenceLine(
        title=facts.title,
        date=facts.held_on,
        present=facts.present,
        convened=facts.convened,
        cells=sum(1 for a in facts.attendance if a.present),
        chairs=tuple((p.name, p.title) for p in facts.chairs),
        presenter=presenter,
        closing_speaker=(facts.chairs[0].name, facts.chairs[0].title) if facts.chairs else None,
        guests=tuple((p.name, p.title) for p in facts.guests),
        adopted=tuple(r.document_title for r in facts.resolutions),
        closing_remarks=facts.closing_directions,
    )
