"""Every read for reports: the organization the user may report on, its year's facts, documents."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from tongket.accounts.scope import User, scope_for
from tongket.core.errors import DomainError, NotFound
from tongket.core.formatting import format_count
from tongket.core.lookups import one_or_not_found
from tongket.evaluation.selectors import latest_decision_date
from tongket.people.models import Organization, OrganizationKind, OrganizationName
from tongket.people.selectors import visible_organizations
from tongket.reports import facts as f
from tongket.reports.models import Document, NarrativeSection, ReportNarrative

if TYPE_CHECKING:
    from tongket.meetings.selectors import MinutesFacts
    from tongket.people.models import Member
    from tongket.reports.builders import ProgramRecord
    from tongket.reports.documents.model import OfficialDocument
    from tongket.reports.facts import YearEndFacts
    from tongket.reports.news import NewsFacts
    from tongket.reports.referral import ReferralFacts, ReferredMember


def report_organization(user: User | None, code: str) -> Organization:
    """The organization when the user may read its whole subtree; a member who only sees his or
    her own cell's name may not report on it, and gets the same answer as for a missing code."""
    org = (
        visible_organizations(user)
        .select_related("parent", "agency")
        .filter(code=code.strip())
        .first()
    )
    if org is None or not scope_for(user).reads(org.path):
        raise NotFound("Không tìm thấy tổ chức.")
    return org


def reportable_organizations(user: User | None) -> QuerySet[Organization]:
    """Party organizations whose reports the user may read (not the government agencies)."""
    scope = scope_for(user)
    return Organization.objects.filter(scope.path_q("path")).exclude(kind="agency").order_by("path")


def narratives(org: Organization, year: int) -> dict[str, ReportNarrative]:
    return {n.section: n for n in ReportNarrative.objects.filter(organization=org, year=year)}


ROW_KINDS = ("decision", "notice")  # the documents that print every decided subject
ROW_KIND_TITLES = {"decision": "Quyết định công nhận kết quả", "notice": "Thông báo kết quả"}
# A document listing more decided subjects than this is refused before any row is read: a
# grassroots committee decides on a few thousand at most, and a province's 600,000 rows in a
# PDF would hold a web worker for minutes and gigabytes.
DOCUMENT_ROW_LIMIT = 10_000


def _refuse_overlong_list(org: Organization, year: int, kind: str) -> None:
    counts = f.evaluation_counts(org, year)
    listed = sum(c.total for c in counts) if counts is not None else 0
    if listed > DOCUMENT_ROW_LIMIT:
        raise DomainError(
            f"{ROW_KIND_TITLES[kind]} của {org.name} năm {year} sẽ liệt kê "
            f"{format_count(listed)} tập thể, "
            f"cá nhân, quá {format_count(DOCUMENT_ROW_LIMIT)} dòng của một văn bản: hãy lập văn "
            "bản này ở từng tổ chức cấp dưới (đảng bộ cơ sở, chi bộ), nơi quyết định kết quả.",
            field="kind",
            rule="reports.document.too_long",
        )


def year_end_facts(
    user: User | None,
    code: str,
    year: int,
    *,
    signer: str = "secretary",
    history: bool = True,
    rows: bool = True,
) -> f.YearEndFacts:
    """The year-end report's facts for an organization the user may read, and nothing outside it.

    `rows=False` leaves out the list of every decided subject (`classification.rows`, which the
    decision and the notice print): the counts and the organization's own level come from one
    grouped query instead, whatever the size of the subtree.
    """
    org = report_organization(user, code)
    member_count, cell_count = f.people_counts(org)
    classification = f.evaluation_section(org, year) if rows else f.evaluation_summary(org, year)
    # The previous year is only compared by its counts (the rows are the current year's).
    previous = f.evaluation_summary(org, year - 1)
    scorecards, targets = f.scoring_section(user, org, year)
    level_history: list[tuple[int, f.LevelCounts, f.LevelCounts]] = []
    score_history: list[tuple[int, f.ScoreLine]] = []
    if history:
        for past in range(year - f.HISTORY_YEARS + 1, year + 1):
            if past in (year, year - 1):
                found = {year: classification, year - 1: previous}[past]
                if found is not None:
                    level_history.append((past, found.cells, found.members))
            else:
                # Earlier years only feed the history table: counted in SQL, no rows built.
                counts = f.evaluation_counts(org, past)
                if counts is not None:
                    level_history.append((past, *counts))
            # The year's own score too: the chart shows 326,7 where the page does.
            cards = scorecards if past == year else f.scoring_section(user, org, past)[0]
            if cards:
                score_history.append((past, cards[0]))
    base = f.YearEndFacts(
        organization=f.org_facts(org),
        year=year,
        member_count=member_count,
        cell_count=cell_count,
        signer=f.signer_for(org, prefer=signer),
        classification=classification,
        previous=previous,
        scorecards=scorecards,
        targets=targets,
        awards=f.awards_section(user, org, year),
        programs=f.programs_section(user, org, year),
        conference=f.conference_section(user, org, year),
        level_history=tuple(level_history),
        score_history=tuple(score_history),
    )
    values = f.placeholder_values(base)
    written = narratives(org, year)
    texts = tuple(
        f.NarrativeText(
            section=section.value,
            title=str(section.label),
            text=f.fill_placeholders(written[section.value].text, values)
            if section.value in written
            else "",
        )
        for section in NarrativeSection
    )
    return dataclasses.replace(base, narratives=texts)


def visible_documents(user: User | None) -> QuerySet[Document]:
    scope = scope_for(user)
    return Document.objects.filter(scope.path_q("organization__path")).select_related(
        "organization"
    )


def get_document(user: User | None, document_id: int) -> Document:
    return one_or_not_found(visible_documents(user), document_id, "Không tìm thấy văn bản.")


FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
KINDS = (
    "year-end",
    "decision",
    "notice",
    "minutes",
    "resolution",
    "awards",
    "news",
    "program",
    "inspection-program",
    "award-decision",
    "certificate",
    "referral",
    "statistics",
)
# Kinds that are drawn from one record (a decision, an award, a transfer), as DOCX or PDF only.
RECORD_KINDS = ("award-decision", "certificate", "referral")
PROGRAM_KINDS = {"program": "work", "inspection-program": "inspection"}


def named_on(facts: YearEndFacts, date: dt.date) -> YearEndFacts:
    """The facts with the issuer's and its superior's names as they were on the document's
    date, from the dated names (people.OrganizationName): a 2020 document prints the 2020
    names, a 2026 document the current ones. The superior is the current parent."""
    code = facts.organization.code
    valid = (Q(valid_from__isnull=True) | Q(valid_from__lte=date)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=date)
    )
    names = dict(
        OrganizationName.objects.filter(valid)
        .filter(Q(organization__code=code) | Q(organization__children__code=code))
        .values_list("organization__code", "name")
    )
    own = names.pop(code, facts.organization.name)
    superior = next(iter(names.values()), facts.organization.superior_name)
    then = Organization(name=own, kind=facts.organization.kind)
    dated = dataclasses.replace(
        facts.organization,
        name=own,
        committee_name=f.committee_name(then),
        superior_name=superior,
    )
    return dataclasses.replace(facts, organization=dated)


def conference_record(user: User | None, code: str, year: int) -> MinutesFacts | None:
    """The record of the conference reviewing `year` (held that year or early the next), as
    the meeting's page shows it to the user."""
    from tongket.meetings.selectors import minutes_facts, visible_meetings

    meeting = (
        visible_meetings(user)
        .filter(organization__code=code, kind="year_end", held_on__year__in=(year, year + 1))
        .order_by("-held_on")
        .first()
    )
    return minutes_facts(meeting) if meeting is not None else None


def program_record(
    user: User | None, code: str, year: int, kind: str, program_id: int | None
) -> ProgramRecord:
    """The organization's program of `kind` for `year` (or the next year's, adopted at the
    year's conference), or the one named by `program_id`, as the user may see it."""
    from tongket.programs.models import Activity
    from tongket.programs.selectors import visible_items, visible_programs
    from tongket.reports.builders import ProgramItemLine, ProgramRecord

    programs = visible_programs(user).filter(organization__code=code, kind=kind)
    if program_id is not None:
        program = programs.filter(pk=program_id).first()
    else:
        program = programs.filter(year=year).first() or programs.filter(year=year + 1).first()
    if program is None:
        raise DomainError(
            f"Không tìm thấy chương trình năm {year} của tổ chức {code}"
            + (f" mang mã {program_id}." if program_id is not None else "."),
            field="program",
            rule="reports.no_data.program",
        )
    roman = ("I", "II", "III", "IV")
    items = tuple(
        ProgramItemLine(
            code=item.code,
            content=item.content,
            activity=Activity(item.activity).label if item.activity else "",
            in_charge=item.in_charge_text
            or (item.in_charge_member.full_name if item.in_charge_member else "")
            or (item.in_charge_organization.name if item.in_charge_organization else ""),
            when=(
                f"Tháng {item.month}"
                if item.month
                else f"Quý {roman[item.quarter - 1]}"
                if item.quarter
                else "Cả năm"
            ),
        )
        for item in visible_items(user)
        .filter(program=program)
        .select_related("in_charge_member", "in_charge_organization")
        .order_by("position", "pk")
    )
    return ProgramRecord(
        title=program.title,
        year=program.year,
        inspection=program.kind == "inspection",
        adopted_on=program.adopted_on,
        adopted_at=program.adopted_at,
        items=items,
    )


@dataclasses.dataclass(frozen=True)
class RenderedReport:
    content: bytes
    content_type: str
    filename: str


def render_report(
    user: User | None,
    code: str,
    year: int,
    *,
    kind: str,
    fmt: str,
    date: dt.date | None = None,
    number: int | None = None,
    signer: str = "secretary",
    program_id: int | None = None,
    award_id: int | None = None,
    member_card: str | None = None,
    preprinted: bool = False,
) -> RenderedReport:
    """A document of `kind` for the organization and year, in `fmt`, from what the user may see.

    The news item comes as Markdown to edit, as DOCX and PDF, and as an HTML page for the
    office's website (the only kind that does); the XLSX form is the statistical annex whatever
    the kind.
    """
    from tongket.reports import builders
    from tongket.reports.documents.markdown_renderer import render_markdown
    from tongket.reports.xlsx import render_annex

    if kind not in KINDS:
        raise DomainError(
            f"Không có loại báo cáo «{kind}». Các loại: {', '.join(KINDS)}.",
            field="kind",
            rule="reports.kind.unknown",
        )
    if fmt not in FORMATS:
        raise DomainError(
            f"Không có định dạng «{fmt}». Các định dạng: {', '.join(FORMATS)}.",
            field="format",
            rule="reports.format.unknown",
        )
    if fmt == "html" and kind != "news":
        raise DomainError(
            "Chỉ tin bài xuất dạng html; văn bản khác xuất dạng docx hoặc pdf.",
            field="format",
            rule="reports.format.html",
        )
    if kind in PROGRAM_KINDS and fmt in ("md", "xlsx"):
        raise DomainError(
            "Chương trình xuất dạng docx hoặc pdf.", field="format", rule="reports.format.program"
        )
    if kind == "statistics":
        return _render_statistics(user, code, year, fmt=fmt, date=date, signer=signer)
    if kind in RECORD_KINDS:
        if fmt not in ("docx", "pdf"):
            raise DomainError(
                "Văn bản này xuất dạng docx hoặc pdf.",
                field="format",
                rule="reports.format.record",
            )
        org = report_organization(user, code)
        if kind == "certificate":
            return _render_certificate(user, org, award_id, fmt=fmt, preprinted=preprinted)
        facts = year_end_facts(user, code, year, signer=signer, history=False, rows=False)
        if kind == "award-decision":
            doc = _award_decision(user, org, year, facts)
        else:
            doc = _referral(user, org, year, facts, member_card, date=date, number=number)
        return _docx_or_pdf(doc, fmt, f"{kind}-{org.code}-{year}")
    if kind == "decision" and fmt != "xlsx":
        _refuse_cell_decision(report_organization(user, code))
    listed = kind in ROW_KINDS and fmt != "xlsx"
    if listed:
        _refuse_overlong_list(report_organization(user, code), year, kind)
    # Only the decision and the notice list every decided subject; the other kinds count them
    # (a province's list is 590,000 rows: read for a minutes or a news item, it cost 14 s).
    facts = year_end_facts(
        user,
        code,
        year,
        signer=signer,
        history=kind == "year-end",
        rows=listed,
    )
    stem = f"{kind}-{facts.organization.code}-{year}"
    if fmt == "xlsx":
        return RenderedReport(render_annex(facts), FORMATS[fmt], f"{stem}.xlsx")
    if kind == "news":
        return _render_news(builders.build_news_facts(facts), fmt, stem)
    if kind in PROGRAM_KINDS:
        program = program_record(user, code, year, PROGRAM_KINDS[kind], program_id)
        when = date or program.adopted_on or timezone.localdate()
        doc = builders.build_program(named_on(facts, when), program, date=when, number=number)
        return _docx_or_pdf(doc, fmt, f"{kind}-{facts.organization.code}-{program.year}")
    given = date or (facts.conference.date if facts.conference else None)
    if given is None and kind in ROW_KINDS:
        # No conference: the recognition decision and its notice carry the decisions' date.
        given = latest_decision_date(report_organization(user, code), year)
    when = given or timezone.localdate()
    facts = named_on(facts, when)
    record = conference_record(user, code, year) if kind in ("minutes", "resolution") else None
    doc = builders.build(kind, facts, date=when, number=number, record=record)
    if fmt == "md":
        return RenderedReport(render_markdown(doc).encode(), FORMATS[fmt], f"{stem}.md")
    return _docx_or_pdf(doc, fmt, stem)


def _refuse_cell_decision(org: Organization) -> None:
    """reports.decision.cell_under_grassroots (HD 43 §3): the grassroots committee decides the
    levels of its cells and their members, so a cell under a đảng bộ cơ sở issues no recognition
    decision; the committee's own decision lists them (a chi bộ cơ sở still issues its own)."""
    parent = org.parent
    if org.kind != OrganizationKind.CELL or parent is None:
        return
    if parent.kind != OrganizationKind.GRASSROOTS:
        return
    raise DomainError(
        f"{org.name} không ban hành quyết định công nhận kết quả xếp loại: "
        f"{f.committee_name(parent)} quyết định cho các chi bộ trực thuộc và đảng viên "
        f"(Hướng dẫn 43-HD/BTCTW, mục 3). Hãy lập quyết định của {parent.name} "
        f"(mã {parent.code}).",
        field="kind",
        rule="reports.decision.cell_under_grassroots",
    )


def _render_news(news: NewsFacts, fmt: str, stem: str) -> RenderedReport:
    """The news item as Markdown (to edit), DOCX, PDF or an HTML page, all from one article."""
    from tongket.reports.documents.article import (
        render_article_docx,
        render_article_html,
        render_article_pdf,
    )
    from tongket.reports.news import news_article, render_news

    if fmt == "md":
        content = render_news(news).encode()
    elif fmt == "html":
        content = render_article_html(news_article(news)).encode()
    elif fmt == "docx":
        content = render_article_docx(news_article(news))
    else:
        content = render_article_pdf(news_article(news))
    return RenderedReport(content, FORMATS[fmt], f"{stem}.{fmt}")


def _docx_or_pdf(doc: OfficialDocument, fmt: str, stem: str) -> RenderedReport:
    from tongket.reports.documents.docx_renderer import render_docx
    from tongket.reports.documents.pdf_renderer import render_pdf

    content = render_docx(doc) if fmt == "docx" else render_pdf(doc)
    return RenderedReport(content, FORMATS[fmt], f"{stem}.{fmt}")


def _award_decision(
    user: User | None, org: Organization, year: int, facts: YearEndFacts
) -> OfficialDocument:
    """The organization's award decision of the year, as recorded."""
    from tongket.awards.selectors import award_decision_record
    from tongket.reports.award_documents import build_award_decision

    record = award_decision_record(user, org, year)
    if record is None:
        raise DomainError(
            f"{org.name} chưa có quyết định khen thưởng năm {year} được ghi trong hệ thống.",
            field="year",
            rule="reports.no_data.award_decision",
        )
    return build_award_decision(named_on(facts, record.date), record)


def _referral(
    user: User | None,
    org: Organization,
    year: int,
    facts: YearEndFacts,
    member_card: str | None,
    *,
    date: dt.date | None,
    number: int | None,
) -> OfficialDocument:
    """The letter introducing a member of the organization to another one."""
    from tongket.reports.referral import build_referral

    referral = referral_facts(user, org, year, member_card)
    when = date or referral.on
    return build_referral(named_on(facts, when), referral, date=when, number=number)


def _render_certificate(
    user: User | None, org: Organization, award_id: int | None, *, fmt: str, preprinted: bool
) -> RenderedReport:
    """An award's certificate, when the award is to someone in the organization or issued by
    it; any other award answers as a missing one."""
    from tongket.awards.selectors import certificate_for, visible_awards
    from tongket.reports.documents.certificate import (
        render_certificate_docx,
        render_certificate_pdf,
    )

    if award_id is None:
        raise DomainError(
            "Giấy khen, bằng khen cần mã khen thưởng: thêm --award MÃ.",
            field="award",
            rule="reports.certificate.award",
        )
    inside = (
        Q(member__org_path__startswith=org.path)
        | Q(organization__path__startswith=org.path)
        | Q(decision__issuer__path__startswith=org.path)
    )
    if not visible_awards(user).filter(inside, pk=award_id).exists():
        raise NotFound("Không tìm thấy khen thưởng.")
    cert = certificate_for(user, award_id)
    render = render_certificate_docx if fmt == "docx" else render_certificate_pdf
    mode = "-in-phoi" if preprinted else ""
    return RenderedReport(
        render(cert, preprinted=preprinted), FORMATS[fmt], f"certificate-{award_id}{mode}.{fmt}"
    )


def referral_facts(
    user: User | None, org: Organization, year: int, member_card: str | None
) -> ReferralFacts:
    """The member's latest transfer out of the organization (official), or else the temporary
    activity recorded in the year's review; refused when neither is recorded."""
    from tongket.evaluation.selectors import temporary_activity
    from tongket.people.selectors import get_member, transfer_out
    from tongket.reports.referral import ReferralFacts

    if not member_card:
        raise DomainError(
            "Giấy giới thiệu sinh hoạt đảng cần số thẻ đảng viên: thêm --member SỐ_THẺ.",
            field="member",
            rule="reports.referral.member",
        )
    moved = transfer_out(user, member_card, org)
    if moved is not None:
        # Within the organization the receiving cell is addressed; elsewhere its committee.
        superior = None if moved.target.path.startswith(org.path) else moved.target.parent
        return ReferralFacts(
            temporary=False,
            member=_referred(moved.member),
            source=moved.source.name,
            target=moved.target.name,
            target_superior=superior.name if superior is not None else "",
            on=moved.on,
            reason=moved.note,
        )
    member = get_member(user, member_card)
    if not member.org_path.startswith(org.path):
        raise NotFound("Không tìm thấy đảng viên.")
    cell, own = temporary_activity(member.card_number, year)
    if not cell:
        raise DomainError(
            f"Chưa ghi nhận đồng chí {member.full_name} chuyển sinh hoạt đảng ra khỏi "
            f"{org.name}, cũng chưa ghi chi bộ sinh hoạt tạm thời năm {year}.",
            field="member",
            rule="reports.no_data.referral",
        )
    return ReferralFacts(
        temporary=True,
        member=_referred(member),
        source=own,
        target=cell,
        target_superior="",
        on=timezone.localdate(),
    )


def _referred(member: Member) -> ReferredMember:
    from tongket.reports.referral import ReferredMember

    return ReferredMember(
        member.full_name,
        member.card_number,
        member.birth_date,
        member.joined_on,
        member.full_member_on,
    )


def _render_statistics(
    user: User | None, code: str, year: int, *, fmt: str, date: dt.date | None, signer: str
) -> RenderedReport:
    """The summary table for the superior, over the subtree the user may read."""
    from tongket.evaluation.stats import not_classified_reasons, subtree_counts
    from tongket.reports.documents.formats import signature_on
    from tongket.reports.statistics import (
        StatisticsFacts,
        load_layout,
        render_statistics_docx,
        render_statistics_pdf,
        render_statistics_xlsx,
    )

    if fmt not in ("xlsx", "pdf", "docx"):
        raise DomainError(
            "Biểu thống kê xuất dạng xlsx, pdf hoặc docx.",
            field="format",
            rule="reports.format.statistics",
        )
    org = report_organization(user, code)
    layout = load_layout()
    members, organizations = subtree_counts(org, year)
    # The date the office sets; else, as the recognition decision, the date of the decisions
    # the table counts (the day it is printed only when nothing is decided yet).
    when = date or latest_decision_date(org, year) or timezone.localdate()
    own = f.org_facts(org)
    s = f.signer_for(org, prefer=signer)
    facts = StatisticsFacts(
        year=year,
        date=when,
        superior_body=own.superior_name,
        issuer_body=own.committee_name,
        place=own.place,
        signature=signature_on(when, s.on_behalf, s.title, s.name),
        members=members,
        organizations=organizations,
        reasons=not_classified_reasons(org, year),
    )
    render = {
        "xlsx": render_statistics_xlsx,
        "pdf": render_statistics_pdf,
        "docx": render_statistics_docx,
    }[fmt]
    return RenderedReport(
        render(facts, layout), FORMATS[fmt], f"statistics-{org.code}-{year}.{fmt}"
    )
