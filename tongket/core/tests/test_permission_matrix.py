"""Permission matrix: the answer of every named URL of the site for every demo role and for an
office administrator of an unrelated organization: GET for all, POST for every write endpoint
(refusals only: nothing is written for the roles allowed to write)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tongket.awards.models import Award, AwardProposal
from tongket.core.models import FileJob
from tongket.core.tests.field_matrix import field_violations, template_violations
from tongket.evaluation.models import Decision, Evaluation
from tongket.exchange.models import ImportJob
from tongket.meetings.models import Meeting, Participant
from tongket.people.models import Member, Organization, PartyRole, Post
from tongket.people.tests.inputs import cards_in
from tongket.programs.models import Program, ProgramItem
from tongket.reports.models import NarrativeSection
from tongket.scoring.models import Frame, ScoreSheet

ROLES = ("anonymous", "quantri", "vanphong", "bithu", "bithu2", "khoi", "dangvien", "ngoai")
# ngoai: office administrator of QT.KCQDN.SNV, a sibling department outside the demo's (fixture).
OUTSIDER = "ngoai"
OUTSIDE_ORG = "QT.KCQDN.SNV"

CELL = "QT.KCQDN.SGDDT.TCCB"  # bithu's cell; bithu2 is secretary of QT.KCQDN.SGDDT.TTR
DEPARTMENT = "QT.KCQDN.SGDDT"
AGENCY = "UBND.QT.SGDDT"  # the government agency of the department
YEAR = 2020  # the demo's evaluated year

Args = dict[str, Any]


def _walk(resolver: URLResolver, namespace: str, route: str) -> Iterator[tuple[str, list[str]]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, inner, route + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            full = route + str(entry.pattern)
            params = re.findall(r"<(?:\w+:)?(\w+)>", full) + re.findall(r"\(\?P<(\w+)>", full)
            yield name, params


def url_patterns() -> dict[str, list[str]]:
    """Every named URL of the site (namespace:name) with the names of its route parameters."""
    return dict(_walk(get_resolver(), "", ""))


def _org_path(code: str) -> str:
    return Organization.objects.get(code=code).path


def _cell_member() -> Member:
    """A member of TCCB with no account: nobody but the cell's readers may see the record."""
    members = Member.objects.filter(org_path__startswith=_org_path(CELL), user__isnull=True)
    return members.order_by("card_number")[0]


def _cell_evaluation() -> Evaluation:
    return Evaluation.objects.filter(subject_path__startswith=_org_path(CELL)).order_by("pk")[0]


def _cycle() -> Args:
    return {"cycle_id": _cell_evaluation().cycle_id}


def _cycle_cell() -> Args:
    return {"cycle_id": _cell_evaluation().cycle_id, "code": CELL}


def _agency_sheet() -> Args:
    sheet = ScoreSheet.objects.filter(unit__code=AGENCY).order_by("-frame__year", "pk")[0]
    return {"sheet_id": sheet.pk}


def _agency_group() -> Args:
    sheet = ScoreSheet.objects.filter(unit__code=AGENCY).order_by("-frame__year", "pk")[0]
    return {"group_id": sheet.peer_group_id}


def _frame() -> Args:
    return {"frame_id": Frame.objects.order_by("-year", "pk")[0].pk}


def _cell_award() -> Args:
    path = _org_path(CELL)
    award = Award.objects.filter(member__org_path__startswith=path).order_by("pk")[0]
    return {"pk": award.pk}


def _cell_program() -> Args:
    return {"program_id": Program.objects.get(organization__code=CELL).pk}


def _cell_item() -> Args:
    item = ProgramItem.objects.filter(program__organization__code=CELL).order_by("pk")[0]
    return {"item_id": item.pk}


def _cell_meeting() -> Args:
    return {"meeting_id": Meeting.objects.get(organization__code=CELL).pk}


def _cell_participant() -> Args:
    part = Participant.objects.filter(meeting__organization__code=CELL).order_by("pk")[0]
    return {"participant_id": part.pk}


def _vanphong_job() -> Args:
    owner = get_user_model().objects.get(username="vanphong")
    job = ImportJob.objects.create(user=owner, filename="dang-vien.xlsx", content=b"")
    return {"job_id": job.pk}


def _vanphong_file_job() -> Args:
    owner = get_user_model().objects.get(username="vanphong")
    job = FileJob.objects.create(user=owner, kind="subtree_documents", params={}, scope=[])
    return {"job_id": job.pk}


def _department_year() -> Args:
    return {"code": DEPARTMENT, "year": YEAR}


def _cell_post() -> Args:
    post = Post.objects.filter(member__org_path__startswith=_org_path(CELL)).order_by("pk")[0]
    return {"pk": post.pk}


def _cell_party_role() -> Args:
    path = _org_path(CELL)
    return {"pk": PartyRole.objects.filter(member__org_path__startswith=path).order_by("pk")[0].pk}


def _pl4_set() -> Args:
    """The department's published PL4 criteria for 2026 (issue 20)."""
    from tongket.criteria.models import CriteriaSet

    return {"set_id": CriteriaSet.objects.get(organization__code=DEPARTMENT, appendix="PL4").pk}


def _member_form_evaluation() -> Args:
    """The demo member's (dangvien, KHTC) 2026 evaluation, with the Mẫu 2B they submitted."""
    evaluation = Evaluation.objects.get(
        member__user__username="dangvien", cycle__year=2026, cycle__quarter__isnull=True
    )
    return {"evaluation_id": evaluation.pk}


def _member_dossier_document() -> Args:
    """A PDF in the dossier of the demo member's 2026 evaluation (the demo uploads none)."""
    from tongket.dossier import services as dossier_services

    content = b"%PDF-1.4\n%%EOF\n"
    document = dossier_services.add_document(
        actor=None,
        evaluation_id=_member_form_evaluation()["evaluation_id"],
        kind="minutes",
        title="Biên bản hội nghị kiểm điểm",
        upload=dossier_services.Upload("bien-ban.pdf", len(content), content),
    )
    return {"document_id": document.pk}


def _api_member_form() -> Args:
    """dangvien's Mẫu 2B (issue 20), as the self-assessment API names it."""
    from tongket.selfassessment.models import SelfAssessment

    evaluation_id = _member_form_evaluation()["evaluation_id"]
    return {"pk": SelfAssessment.objects.get(evaluation_id=evaluation_id).pk}


def _none() -> Args:
    return {}


def _open_cell_post() -> Args:
    posts = Post.objects.filter(member__org_path__startswith=_org_path(CELL), end__isnull=True)
    return {"pk": posts.order_by("pk")[0].pk}


def _open_department_role_of_cell_member() -> Args:
    """A TCCB member's open role in the department's committee: the department ends it."""
    roles = PartyRole.objects.filter(
        member__org_path__startswith=_org_path(CELL),
        organization__code=DEPARTMENT,
        end__isnull=True,
    )
    return {"pk": roles.order_by("pk")[0].pk}


def _bithu_account() -> Args:
    """The TCCB secretary's account: managed by the cell's office administrators and above."""
    return {"username": "bithu"}


def _as_pk(path_args: Callable[[], Args], key: str) -> Callable[[], Args]:
    """The object `path_args` names by `key`, as an API route names it: `pk`."""
    return lambda: {"pk": path_args()[key]}


def _bithu_grant() -> Args:
    from tongket.accounts.models import Grant

    return {"grant_id": Grant.objects.get(user__username="bithu").pk}


_api_bithu_grant = _as_pk(_bithu_grant, "grant_id")


def _dangvien_notice() -> Args:
    """A notice in dangvien's inbox (the demo asked them to self-assess): theirs alone."""
    from tongket.notifications.models import Notification

    notice = Notification.objects.filter(user__username="dangvien").order_by("pk")[0]
    return {"pk": notice.pk}


def _cell() -> Args:
    return {"code": CELL}


def _card() -> Args:
    return {"card_number": _cell_member().card_number}


def _evaluation() -> Args:
    return {"evaluation_id": _cell_evaluation().pk}


def _cell_decision_form_03() -> Args:
    """A decision on a TCCB evaluation that is not a reclassification (the demo holds none):
    no Mẫu 03 for anyone; who reads a real one is tested in evaluation/tests/test_documents.py."""
    decision = Decision.objects.filter(evaluation=_cell_evaluation()).order_by("pk")[0]
    return {"decision_id": decision.pk, "fmt": "md"}


def _api_cycle() -> Args:
    return {"pk": _cell_evaluation().cycle_id}


def _api_evaluation() -> Args:
    return {"pk": _cell_evaluation().pk}


def _cell_year() -> Args:
    return {"code": CELL, "year": YEAR}


def _awards_export() -> Args:
    return {"code": CELL, "year": YEAR, "fmt": "csv"}


def _department_proposal() -> Args:
    return {"pk": AwardProposal.objects.get(organization__code=DEPARTMENT, year=YEAR).pk}


def _report_download() -> Args:
    return {"code": CELL, "year": YEAR, "kind": "year-end", "fmt": "md"}


def _narrative() -> Args:
    return {"code": CELL, "year": YEAR, "section": NarrativeSection.values[0]}


def _members_export() -> Args:
    return {"kind": "members", "fmt": "csv"}


_api_frame = _as_pk(_frame, "frame_id")


_api_sheet = _as_pk(_agency_sheet, "sheet_id")


_api_group = _as_pk(_agency_group, "group_id")


def _api_target() -> Args:
    from tongket.scoring.models import Target

    return {"pk": Target.objects.filter(unit__code=AGENCY).order_by("pk")[0].pk}


def _api_award_decision() -> Args:
    """The department's decision commending the TCCB cell: its issuer's readers and the cell's."""
    from tongket.awards import domain, services

    award = services.record_award(
        actor=None,
        data=services.RecordInput(
            form_code=domain.PARTY_BLOC_COLLECTIVE_THEMATIC,
            issuer_code=DEPARTMENT,
            year=YEAR,
            achievement="trong công tác kiểm tra quyền truy cập năm 2020",
            organization_code=CELL,
            decision=services.DecisionInput(
                number="1-QĐ/MT", date=dt.date(2021, 1, 5), signer_title="Bí thư"
            ),
        ),
    )
    return {"pk": award.decision_id}


def _api_award_form() -> Args:
    from tongket.awards.domain import PARTY_GRASSROOTS_MEMBER_EXCELLENT

    return {"code": PARTY_GRASSROOTS_MEMBER_EXCELLENT}


def _api_document() -> Args:
    """A resolution issued by the TCCB cell, stored with its Markdown text."""
    from tongket.reports.services import issue_document

    doc = issue_document(
        actor=None,
        organization_code=CELL,
        kind="NQ",
        year=YEAR,
        title="Nghị quyết hội nghị chi bộ",
        date=dt.date(2021, 1, 15),
        markdown="# Nghị quyết",
    )
    return {"pk": doc.pk}


def _api_document_file() -> Args:
    return {**_api_document(), "fmt": "md"}


def _api_report() -> Args:
    return {"code": CELL, "year": YEAR, "kind": "year-end", "fmt": "md"}


_api_cell_program = _as_pk(_cell_program, "program_id")


_api_cell_item = _as_pk(_cell_item, "item_id")


_api_cell_meeting = _as_pk(_cell_meeting, "meeting_id")


def _cell_audit_event() -> Args:
    from tongket.audit.models import AuditEvent

    event = AuditEvent.objects.filter(org_path__startswith=_org_path(CELL)).order_by("-id")[0]
    return {"event_id": event.pk}


Expect = tuple[int, int, int, int, int, int, int, int]
# POST expectations: None = not tried (a role allowed to write; the matrix writes nothing).
Maybe = int | None
PostExpect = tuple[int, Maybe, Maybe, Maybe, Maybe, Maybe, Maybe, Maybe]


class Entry(NamedTuple):
    """How to build a URL's arguments, the GET status of each role (in the order of ROLES),
    and for write endpoints the POST status of each role not allowed to write."""

    args: Callable[[], Args]
    expect: Expect
    post: PostExpect | None = None


# Column order: anonymous, quantri, vanphong, bithu, bithu2, khoi, dangvien, ngoai.
# 302 = to the login page (anonymous) or away from it (signed in); 405 = POST-only action.
OPEN = (200, 200, 200, 200, 200, 200, 200, 200)  # public: login-free API schema and docs
PAGE = (302, 200, 200, 200, 200, 200, 200, 200)  # landing pages: each lists what the user sees
API_LIST = (401, 200, 200, 200, 200, 200, 200, 200)  # scoped lists of the API
POST_ONLY = (302, 405, 405, 405, 405, 405, 405, 405)
API_POST_ONLY = (401, 405, 405, 405, 405, 405, 405, 405)
CELL_READ = (302, 200, 200, 200, 404, 200, 404, 404)  # a TCCB object: outsiders get 404
CELL_API_READ = (401, 200, 200, 200, 404, 200, 404, 404)
CELL_WRITE = (302, 200, 200, 200, 404, 403, 404, 404)  # khoi sees it but may not change it
ADMIN_WRITE = (302, 200, 200, 403, 404, 403, 404, 404)  # office administrators only
AGENCY_READ = (302, 200, 200, 200, 200, 200, 404, 404)  # the department's agency: its grants
DEPARTMENT_READ = (302, 200, 200, 404, 404, 200, 404, 404)  # a QT.KCQDN.SGDDT object: no cell
CREATE_FORM = (302, 200, 200, 200, 200, 403, 403, 200)  # any write grant; read-only users: 403
SET_READ = (302, 200, 200, 200, 200, 200, 200, 404)  # a department's criteria: all below it read
FORM_READ = (302, 200, 200, 404, 404, 200, 200, 404)  # a KHTC member's form: not TCCB's secretary
FORM_API_READ = (401, 200, 200, 404, 404, 200, 200, 404)
FORM_API_WRITE = (401, None, None, 404, 404, 403, None, 404)  # khoi reads it, may not write

# Accounts and grants: office administrators only (403 for everyone else); the outsider, an
# office administrator elsewhere, does not see the demo's accounts (404).
OFFICE_PAGE = (302, 200, 200, 403, 403, 403, 403, 200)
OFFICE_OBJECT = (302, 200, 200, 403, 403, 403, 403, 404)
OFFICE_API = (401, 200, 200, 403, 403, 403, 403, 200)
OFFICE_API_OBJECT = (401, 200, 200, 403, 403, 403, 403, 404)
OFFICE_API_POST_ONLY = (401, 405, 405, 403, 403, 403, 403, 405)

# POST answers of write endpoints to the roles that may not write (None: allowed, not tried).
OFFICE_CREATE_POST = (302, None, None, 403, 403, 403, 403, None)
OFFICE_OBJECT_POST = (302, None, None, 403, 403, 403, 403, 404)
OWN_POST = (302, None, None, None, None, None, None, None)  # one's own state: signed in only
OFFICE_API_CREATE_POST = (401, None, None, 403, 403, 403, 403, None)
OFFICE_API_OBJECT_POST = (401, None, None, 403, 403, 403, 403, 404)
CELL_POST = (302, None, None, None, 404, 403, 404, 404)  # a TCCB object: khoi 403, outsiders 404
CELL_API_POST = (401, None, None, None, 404, 403, 404, 404)
ADMIN_POST = (302, None, None, 403, 404, 403, 404, 404)  # office administrators only
CREATE_POST = (302, None, None, None, None, 403, 403, None)  # no write grant at all: 403
API_CREATE_POST = (401, None, None, None, None, 403, 403, None)

# API write actions get an empty JSON body: nothing can be written with it. Every one checks
# access before it reads the body: outside the user's scope 404, visible but not theirs 403.
# The deciding office's actions on a TCCB evaluation: the cell's secretary sees it, may not.
DECIDE_API_POST = (401, None, None, 403, 404, 403, 404, 404)

# A form page's POST is refused like its GET: derived from these GET expectations.
FORM_POSTS: dict[Expect, PostExpect] = {
    CELL_WRITE: CELL_POST,
    ADMIN_WRITE: ADMIN_POST,
    CREATE_FORM: CREATE_POST,
}


def post_expectation(entry: Entry) -> PostExpect | None:
    if entry.post is not None:
        return entry.post
    return FORM_POSTS.get(entry.expect)


MATRIX: dict[str, Entry] = {
    # Health checks answer everyone, with no data (a status word only).
    "healthz": Entry(_none, (200, 200, 200, 200, 200, 200, 200, 200)),
    "readyz": Entry(_none, (200, 200, 200, 200, 200, 200, 200, 200)),
    "accounts:login": Entry(_none, (200, 302, 302, 302, 302, 302, 302, 302)),
    "accounts:logout": Entry(_none, (405, 405, 405, 405, 405, 405, 405, 405)),
    "people:home": Entry(_none, PAGE),
    "people:search": Entry(_none, PAGE),
    "people:organization_suggest": Entry(_none, PAGE),
    "people:member_suggest": Entry(_none, PAGE),
    "people:organization_list": Entry(_none, PAGE),
    "people:organization_tree": Entry(_none, PAGE),
    "people:organization_create": Entry(
        _none,
        (302, 200, 200, 403, 403, 403, 403, 200),
        post=(302, None, None, 403, 403, 403, 403, None),
    ),
    "people:organization": Entry(_cell, CELL_READ),
    "people:organization_edit": Entry(_cell, ADMIN_WRITE),
    "people:member_list": Entry(_none, PAGE),
    "people:member_create": Entry(_none, CREATE_FORM),
    "people:member": Entry(_card, CELL_READ),
    "people:member_edit": Entry(_card, CELL_WRITE),
    "people:member_file": Entry(_card, CELL_READ),
    "people:member_transfer": Entry(_card, ADMIN_WRITE),
    "people:party_role_assign": Entry(_card, ADMIN_WRITE),
    "people:post_assign": Entry(_card, CELL_WRITE),
    # Ending a role: the committee's organization's administrators; a post: the member's writers.
    "people:party_role_end": Entry(_open_department_role_of_cell_member, ADMIN_WRITE),
    "people:post_end": Entry(_open_cell_post, CELL_WRITE),
    "evaluation:index": Entry(_none, PAGE),
    "evaluation:regulations": Entry(_none, PAGE),  # the public texts, to anyone signed in
    "evaluation:cycle": Entry(_cycle, DEPARTMENT_READ),
    "evaluation:not_classified": Entry(_cycle, DEPARTMENT_READ),
    # The calendar: the cycle's readers see it; its office edits it, the bloc may not.
    "evaluation:calendar": Entry(
        _cycle, DEPARTMENT_READ, post=(302, None, None, 404, 404, 403, 404, 404)
    ),
    "evaluation:unit": Entry(_cycle_cell, CELL_READ),
    "evaluation:unit_check": Entry(_cycle_cell, POST_ONLY, post=CELL_POST),
    "evaluation:evaluation": Entry(_evaluation, CELL_READ),
    # Opening a cycle: whoever writes for a grassroots or higher organization (not a cell).
    "evaluation:cycle_open": Entry(
        _none,
        (302, 200, 200, 403, 403, 403, 403, 200),
        post=(302, None, None, 403, 403, 403, 403, None),
    ),
    "evaluation:cycle_close": Entry(
        _cycle, POST_ONLY, post=(302, None, None, 404, 404, 403, 404, 404)
    ),
    "evaluation:cycle_reopen": Entry(
        _cycle, POST_ONLY, post=(302, None, None, 404, 404, 403, 404, 404)
    ),
    # Members added after the cycle opened: its office adds them; to anyone else (the bloc
    # included) the action is not found.
    "evaluation:cycle_add_subjects": Entry(
        _cycle, POST_ONLY, post=(302, None, None, 404, 404, 404, 404, 404)
    ),
    "evaluation:facts": Entry(_evaluation, ADMIN_WRITE),
    # The cycle's office sets the 366 quota groups and exceptions; the bloc reads, may not.
    "evaluation:quota_groups": Entry(
        _cycle,
        (302, 200, 200, 404, 404, 403, 404, 404),
        post=(302, None, None, 404, 404, 403, 404, 404),
    ),
    "evaluation:form_03": Entry(_cell_decision_form_03, (302, 404, 404, 404, 404, 404, 404, 404)),
    # Only the committee directly above the deciding organization reclassifies.
    "evaluation:reclassify": Entry(
        _evaluation,
        (302, 200, 403, 403, 404, 403, 404, 404),
        post=(302, None, 403, 403, 404, 403, 404, 404),
    ),
    "scoring:index": Entry(_none, PAGE),
    "scoring:import": Entry(_none, CREATE_FORM),
    "scoring:ranking": Entry(_agency_group, AGENCY_READ),
    "scoring:sheet": Entry(_agency_sheet, AGENCY_READ),
    "scoring:sheet_export": Entry(_agency_sheet, AGENCY_READ),
    # The unit's office enters self scores; only the frame's issuer (UBND.QT) appraises.
    "scoring:sheet_self_scores": Entry(
        _agency_sheet, POST_ONLY, post=(302, None, None, 403, 403, 403, 404, 404)
    ),
    "scoring:sheet_appraisal": Entry(
        _agency_sheet, POST_ONLY, post=(302, None, 403, 403, 403, 403, 404, 404)
    ),
    "scoring:frame_template": Entry(_frame, AGENCY_READ),
    # A Party organization's code stands for its agency (UBND.QT.SGDDT) in scoring.
    "scoring:targets": Entry(_cell_year, AGENCY_READ),
    "scoring:history": Entry(_cell, AGENCY_READ),
    "awards:index": Entry(_none, PAGE),
    "awards:organization": Entry(_cell, CELL_READ),
    "awards:organization_export": Entry(_awards_export, CELL_READ),
    "awards:proposal_generate": Entry(_cell, POST_ONLY, post=CELL_POST),
    "awards:record": Entry(_cell, CELL_WRITE),
    "awards:proposal": Entry(_department_proposal, DEPARTMENT_READ),
    "awards:member": Entry(_card, CELL_READ),
    "awards:certificate": Entry(_cell_award, CELL_READ),
    "awards:decision": Entry(_api_award_decision, CELL_READ, post=CELL_POST),
    "programs:index": Entry(_none, PAGE),
    "programs:due": Entry(_none, PAGE),
    "programs:create": Entry(_none, CREATE_FORM),
    "programs:detail": Entry(_cell_program, CELL_READ),
    "programs:item_create": Entry(_cell_program, CELL_WRITE),
    "programs:item": Entry(_cell_item, CELL_READ),
    "programs:item_edit": Entry(_cell_item, CELL_WRITE),
    "programs:item_status": Entry(_cell_item, POST_ONLY, post=CELL_POST),
    "programs:item_result": Entry(_cell_item, POST_ONLY, post=CELL_POST),
    "programs:item_remedied": Entry(_cell_item, POST_ONLY, post=CELL_POST),
    "meetings:index": Entry(_none, PAGE),
    "meetings:create": Entry(_none, CREATE_FORM),
    "meetings:detail": Entry(_cell_meeting, CELL_READ),
    # The demo meeting is closed: its preparation and running pages no longer exist.
    "meetings:prepare": Entry(_cell_meeting, (302, 404, 404, 404, 404, 404, 404, 404)),
    "meetings:run": Entry(_cell_meeting, (302, 404, 404, 404, 404, 404, 404, 404)),
    "meetings:chair_add": Entry(_cell_meeting, POST_ONLY, post=CELL_POST),
    "meetings:secretary_set": Entry(_cell_meeting, POST_ONLY, post=CELL_POST),
    "meetings:guest_add": Entry(_cell_meeting, POST_ONLY, post=CELL_POST),
    "meetings:agenda_add": Entry(_cell_meeting, POST_ONLY, post=CELL_POST),
    "meetings:convene": Entry(_cell_meeting, POST_ONLY, post=CELL_POST),
    "meetings:attendance_all": Entry(_cell_meeting, POST_ONLY, post=CELL_POST),
    "meetings:attendance": Entry(_cell_participant, POST_ONLY, post=CELL_POST),
    "meetings:discussion_add": Entry(_cell_meeting, POST_ONLY, post=CELL_POST),
    "meetings:vote_add": Entry(_cell_meeting, POST_ONLY, post=CELL_POST),
    "meetings:award_add": Entry(_cell_meeting, POST_ONLY, post=CELL_POST),
    "meetings:closing_set": Entry(_cell_meeting, POST_ONLY, post=CELL_POST),
    "meetings:close": Entry(_cell_meeting, POST_ONLY, post=CELL_POST),
    # Criteria sets (issue 20): read by the department's readers and by everyone below it.
    "criteria:index": Entry(_none, PAGE),
    "criteria:detail": Entry(_pl4_set, SET_READ, post=(302, None, None, 403, 403, 403, 403, 404)),
    "criteria:download": Entry(_pl4_set, SET_READ),
    "criteria:publish": Entry(_pl4_set, POST_ONLY, post=(302, None, None, 403, 403, 403, 403, 404)),
    "criteria:new_version": Entry(
        _pl4_set, POST_ONLY, post=(302, None, None, 403, 403, 403, 403, 404)
    ),
    # A member's self-assessment: the member, and readers of their cell (not TCCB's secretary).
    "selfassessment:index": Entry(_none, PAGE),
    "selfassessment:form": Entry(
        _member_form_evaluation, FORM_READ, post=(302, None, None, 404, 404, 403, None, 404)
    ),
    "selfassessment:download": Entry(
        lambda: {**_member_form_evaluation(), "fmt": "pdf"}, FORM_READ
    ),
    # Its API: the forms the user sees; dangvien's form to the same roles as the page. Starting
    # one needs the evaluation (an empty body is refused before anything is written).
    "api:self-assessment-list": Entry(
        _none, API_LIST, post=(401, None, None, None, None, None, None, None)
    ),
    "api:self-assessment-detail": Entry(_api_member_form, FORM_API_READ, post=FORM_API_WRITE),
    "api:self-assessment-submit": Entry(_api_member_form, API_POST_ONLY, post=FORM_API_WRITE),
    # Returning: the cell's writers (the office above); the author may not (403).
    "api:self-assessment-return-to-author": Entry(
        _api_member_form, API_POST_ONLY, post=(401, None, None, 404, 404, 403, 403, 404)
    ),
    # A member's dossier (Điều 17): read as the evaluation; the cell or the office above changes
    # it, a reader above (khoi) and the member themselves may not.
    "dossier:dossier": Entry(
        _member_form_evaluation, FORM_READ, post=(302, None, None, 404, 404, 403, 403, 404)
    ),
    "dossier:form_04": Entry(lambda: {**_member_form_evaluation(), "fmt": "pdf"}, FORM_READ),
    "dossier:download": Entry(_member_dossier_document, FORM_READ),
    "dossier:remove": Entry(
        _member_dossier_document, POST_ONLY, post=(302, None, None, 404, 404, 403, 403, 404)
    ),
    "reports:index": Entry(_none, PAGE),
    "reports:organization": Entry(_cell_year, CELL_READ),
    "reports:download": Entry(_report_download, CELL_READ),
    "reports:narrative": Entry(_narrative, CELL_WRITE),
    "reports:document_issue": Entry(_cell_year, CELL_WRITE),
    "reports:document_file": Entry(_api_document_file, CELL_READ),
    "exchange:index": Entry(_none, PAGE),
    "exchange:template": Entry(_none, PAGE),
    "exchange:upload": Entry(_none, CREATE_FORM),
    "exchange:export": Entry(_members_export, PAGE),
    # An import job is its uploader's alone, even for the superuser.
    "exchange:job": Entry(_vanphong_job, (302, 404, 200, 404, 404, 404, 404, 404)),
    "exchange:apply": Entry(
        _vanphong_job, POST_ONLY, post=(302, 404, None, 404, 404, 404, 404, 404)
    ),
    "exchange:cancel": Entry(
        _vanphong_job, POST_ONLY, post=(302, 404, None, 404, 404, 404, 404, 404)
    ),
    # A job whose result is a file is its owner's alone too; its file exists once it is done.
    "core:job_list": Entry(_none, PAGE),  # each lists the user's own jobs
    "core:job": Entry(_vanphong_file_job, (302, 404, 200, 404, 404, 404, 404, 404)),
    "core:job_file": Entry(_vanphong_file_job, (302, 404, 404, 404, 404, 404, 404, 404)),
    "core:cancel": Entry(
        _vanphong_file_job, POST_ONLY, post=(302, 404, None, 404, 404, 404, 404, 404)
    ),
    # Documents for every organization below the department: only who may report on it.
    "reports:subtree_documents": Entry(
        _department_year, POST_ONLY, post=(302, None, None, 404, 404, None, 404, 404)
    ),
    "api:schema": Entry(_none, OPEN),
    "api:docs": Entry(_none, OPEN),
    "api:organization-list": Entry(_none, API_LIST, post=API_CREATE_POST),
    "api:organization-detail": Entry(
        _cell, CELL_API_READ, post=(401, None, None, 403, 404, 403, 404, 404)
    ),
    "api:member-list": Entry(_none, API_LIST, post=API_CREATE_POST),
    "api:member-detail": Entry(
        _card, CELL_API_READ, post=(401, None, None, None, 404, 403, 404, 404)
    ),
    "api:post-list": Entry(_none, API_LIST, post=API_CREATE_POST),
    "api:post-detail": Entry(_cell_post, CELL_API_READ),
    "api:party-role-list": Entry(_none, API_LIST, post=API_CREATE_POST),
    # The demo's first role of a TCCB member is held in the department's committee.
    "api:party-role-detail": Entry(_cell_party_role, (401, 200, 200, 404, 404, 200, 404, 404)),
    "api:cycle-list": Entry(_none, API_LIST, post=API_CREATE_POST),
    # A cycle is visible to whoever sees one of its evaluations (evaluation.selectors).
    "api:cycle-detail": Entry(_api_cycle, (401, 200, 200, 200, 200, 200, 200, 404)),
    "api:evaluation-list": Entry(_none, API_LIST),
    "api:evaluation-detail": Entry(_api_evaluation, CELL_API_READ),
    "api:evaluation-self-assessment": Entry(
        _api_evaluation, API_POST_ONLY, post=(401, None, None, None, 404, 403, 404, 404)
    ),
    "api:evaluation-proposal": Entry(_api_evaluation, API_POST_ONLY, post=CELL_API_POST),
    "api:evaluation-decision": Entry(_api_evaluation, API_POST_ONLY, post=DECIDE_API_POST),
    "api:evaluation-appraisal": Entry(_api_evaluation, API_POST_ONLY, post=DECIDE_API_POST),
    "api:evaluation-facts": Entry(_api_evaluation, API_POST_ONLY, post=DECIDE_API_POST),
    # -- API: scoring (scores, targets, rankings) --
    "api:frame-list": Entry(_none, API_LIST),
    "api:frame-detail": Entry(_api_frame, (401, 200, 200, 200, 200, 200, 404, 404)),
    "api:score-sheet-list": Entry(_none, API_LIST, post=API_CREATE_POST),
    "api:score-sheet-detail": Entry(_api_sheet, (401, 200, 200, 200, 200, 200, 404, 404)),
    # The agency's office enters its self scores; the frame's issuer appraises.
    "api:score-sheet-self-scores": Entry(
        _api_sheet, API_POST_ONLY, post=(401, None, None, 403, 403, 403, 404, 404)
    ),
    "api:score-sheet-appraisal": Entry(
        _api_sheet, API_POST_ONLY, post=(401, None, 403, 403, 403, 403, 404, 404)
    ),
    "api:peer-group-list": Entry(_none, API_LIST),
    "api:peer-group-detail": Entry(_api_group, (401, 200, 200, 200, 200, 200, 404, 404)),
    "api:peer-group-publish": Entry(
        _api_group, API_POST_ONLY, post=(401, None, 403, 403, 403, 403, 404, 404)
    ),
    "api:target-list": Entry(_none, API_LIST, post=API_CREATE_POST),
    "api:target-detail": Entry(
        _api_target,
        (401, 200, 200, 200, 200, 200, 404, 404),
        post=(401, None, 403, 403, 403, 403, 404, 404),
    ),
    # Bulk decision, correction and reclassification (evaluation API).
    # A cycle is visible to whoever sees one of its evaluations, decided by its office only.
    "api:cycle-decisions": Entry(
        _api_cycle, API_POST_ONLY, post=(401, None, None, 403, 403, 403, 403, 404)
    ),
    "api:evaluation-correction": Entry(_api_evaluation, API_POST_ONLY, post=DECIDE_API_POST),
    # Only the committee directly above the deciding organization reclassifies.
    "api:evaluation-reclassification": Entry(
        _api_evaluation, API_POST_ONLY, post=(401, None, 403, 403, 404, 403, 404, 404)
    ),
    # -- API: awards and documents --
    "api:award-form-list": Entry(_none, API_LIST),
    "api:award-form-detail": Entry(_api_award_form, (401, 200, 200, 200, 200, 200, 200, 200)),
    # Creating (recording an award, generating a list, issuing a document) needs a write grant.
    "api:award-list": Entry(_none, API_LIST, post=API_CREATE_POST),
    "api:award-detail": Entry(_cell_award, CELL_API_READ),
    "api:award-certificate": Entry(_cell_award, CELL_API_READ),
    "api:award-decision-list": Entry(_none, API_LIST),
    "api:award-decision-detail": Entry(_api_award_decision, CELL_API_READ),
    # The TCCB secretary may correct it: every recipient is in the cell.
    "api:award-decision-correction": Entry(_api_award_decision, API_POST_ONLY, post=CELL_API_POST),
    "api:award-proposal-list": Entry(_none, API_LIST, post=API_CREATE_POST),
    # The department's Giấy khen list: its readers only, no cell.
    "api:award-proposal-detail": Entry(
        _department_proposal, (401, 200, 200, 404, 404, 200, 404, 404)
    ),
    "api:award-proposal-adjust": Entry(
        _department_proposal, API_POST_ONLY, post=(401, None, None, 404, 404, 403, 404, 404)
    ),
    "api:award-proposal-submit": Entry(
        _department_proposal, API_POST_ONLY, post=(401, None, None, 404, 404, 403, 404, 404)
    ),
    "api:award-proposal-decision": Entry(
        _department_proposal, API_POST_ONLY, post=(401, None, None, 404, 404, 403, 404, 404)
    ),
    "api:member-awards-detail": Entry(_card, CELL_API_READ),
    "api:organization-awards-detail": Entry(_cell, CELL_API_READ),
    "api:document-list": Entry(_none, API_LIST, post=API_CREATE_POST),
    "api:document-detail": Entry(_api_document, CELL_API_READ),
    "api:document-issue": Entry(_api_document, API_POST_ONLY, post=CELL_API_POST),
    "api:document-file": Entry(_api_document_file, CELL_API_READ),
    "api:report-render": Entry(_api_report, CELL_API_READ),
    # -- API: programs and meetings --
    "api:program-list": Entry(_none, API_LIST, post=API_CREATE_POST),
    "api:program-detail": Entry(_api_cell_program, CELL_API_READ),
    "api:program-adoption": Entry(_api_cell_program, API_POST_ONLY, post=CELL_API_POST),
    "api:program-item-list": Entry(_none, API_LIST, post=API_CREATE_POST),
    "api:program-item-detail": Entry(_api_cell_item, CELL_API_READ, post=CELL_API_POST),
    "api:program-item-status": Entry(_api_cell_item, API_POST_ONLY, post=CELL_API_POST),
    "api:program-item-result": Entry(_api_cell_item, API_POST_ONLY, post=CELL_API_POST),
    "api:program-item-remedied": Entry(_api_cell_item, API_POST_ONLY, post=CELL_API_POST),
    "api:meeting-list": Entry(_none, API_LIST, post=API_CREATE_POST),
    "api:meeting-detail": Entry(_api_cell_meeting, CELL_API_READ),
    "api:meeting-chairs": Entry(_api_cell_meeting, API_POST_ONLY, post=CELL_API_POST),
    "api:meeting-secretary": Entry(_api_cell_meeting, API_POST_ONLY, post=CELL_API_POST),
    "api:meeting-guests": Entry(_api_cell_meeting, API_POST_ONLY, post=CELL_API_POST),
    "api:meeting-agenda": Entry(_api_cell_meeting, API_POST_ONLY, post=CELL_API_POST),
    "api:meeting-convene": Entry(_api_cell_meeting, API_POST_ONLY, post=CELL_API_POST),
    "api:meeting-attendance": Entry(_api_cell_meeting, API_POST_ONLY, post=CELL_API_POST),
    "api:meeting-all-present": Entry(_api_cell_meeting, API_POST_ONLY, post=CELL_API_POST),
    "api:meeting-participant-flags": Entry(_api_cell_meeting, API_POST_ONLY, post=CELL_API_POST),
    "api:meeting-discussion": Entry(_api_cell_meeting, API_POST_ONLY, post=CELL_API_POST),
    "api:meeting-votes": Entry(_api_cell_meeting, API_POST_ONLY, post=CELL_API_POST),
    "api:meeting-awards": Entry(_api_cell_meeting, API_POST_ONLY, post=CELL_API_POST),
    "api:meeting-closing-directions": Entry(_api_cell_meeting, API_POST_ONLY, post=CELL_API_POST),
    "api:meeting-close": Entry(_api_cell_meeting, API_POST_ONLY, post=CELL_API_POST),
    # -- accounts and audit --
    # The second login step: without a checked password, back to the login page.
    "accounts:totp_verify": Entry(_none, (302, 302, 302, 302, 302, 302, 302, 302)),
    "accounts:totp_setup": Entry(_none, PAGE),
    # Signing in with a one-time code, then setting a password: before signing in only.
    "accounts:code_sign_in": Entry(_none, (200, 302, 302, 302, 302, 302, 302, 302)),
    "accounts:set_password": Entry(_none, (302, 302, 302, 302, 302, 302, 302, 302)),
    "accounts:password_change": Entry(_none, PAGE),
    # The inbox: every signed-in person's own notices (marking read, the e-mail opt-out: their
    # own; before signing in, the login page).
    "notifications:inbox": Entry(_none, PAGE),
    "notifications:badge": Entry(_none, PAGE),
    "notifications:read": Entry(_none, POST_ONLY, post=OWN_POST),
    "notifications:email_digest": Entry(_none, POST_ONLY, post=OWN_POST),
    # Its API: the list answers everyone their own; a notice is its owner's alone (the
    # superuser included: 404).
    "api:notification-list": Entry(_none, API_LIST),
    "api:notification-read": Entry(
        _dangvien_notice, API_POST_ONLY, post=(401, 404, 404, 404, 404, 404, None, 404)
    ),
    # Accounts and grants: office administrators (and the superuser), within their subtrees.
    "accounts:user_list": Entry(_none, OFFICE_PAGE),
    "accounts:user_create": Entry(_none, OFFICE_PAGE, post=OFFICE_CREATE_POST),
    "accounts:user_bulk": Entry(_none, OFFICE_PAGE, post=OFFICE_CREATE_POST),
    "accounts:user": Entry(_bithu_account, OFFICE_OBJECT),
    "accounts:user_active": Entry(_bithu_account, POST_ONLY, post=OFFICE_OBJECT_POST),
    "accounts:user_reset": Entry(_bithu_account, POST_ONLY, post=OFFICE_OBJECT_POST),
    "accounts:user_totp": Entry(_bithu_account, POST_ONLY, post=OFFICE_OBJECT_POST),
    "accounts:user_member": Entry(_bithu_account, POST_ONLY, post=OFFICE_OBJECT_POST),
    "accounts:grant_list": Entry(_none, OFFICE_PAGE),
    "accounts:grant_create": Entry(_none, OFFICE_PAGE, post=OFFICE_CREATE_POST),
    "accounts:grant_revoke": Entry(_bithu_grant, POST_ONLY, post=OFFICE_OBJECT_POST),
    "api:user-list": Entry(_none, OFFICE_API, post=OFFICE_API_CREATE_POST),
    "api:user-detail": Entry(_bithu_account, OFFICE_API_OBJECT, post=OFFICE_API_OBJECT_POST),
    "api:user-reset": Entry(_bithu_account, OFFICE_API_POST_ONLY, post=OFFICE_API_OBJECT_POST),
    "api:user-bulk": Entry(_none, OFFICE_API_POST_ONLY, post=OFFICE_API_CREATE_POST),
    "api:grant-list": Entry(_none, OFFICE_API, post=OFFICE_API_CREATE_POST),
    "api:grant-detail": Entry(_api_bithu_grant, OFFICE_API_OBJECT),
    "api:grant-revoke": Entry(_api_bithu_grant, OFFICE_API_POST_ONLY, post=OFFICE_API_OBJECT_POST),
    "api:grant-roles": Entry(_none, OFFICE_API),
    # The audit log: office administrators (and the superuser) only; events of their subtrees.
    "audit:index": Entry(_none, (302, 200, 200, 403, 403, 403, 403, 200)),
    "audit:event": Entry(_cell_audit_event, (302, 200, 200, 403, 403, 403, 403, 404)),
}

# Known defects, each an expected failure that must be removed once fixed (strict xfail).
KNOWN_DEFECTS: dict[tuple[str, str], str] = {}

# Redirects that are not the login page.
NOT_LOGIN_REDIRECTS: set[str] = set()


def _client(role: str, client_for: Callable[[str], Client], outsider: Any) -> Client:
    if role == "anonymous":
        client = Client()
    elif role == OUTSIDER:
        client = Client()
        client.force_login(outsider)
    else:
        client = client_for(role)
    client.raise_request_exception = False
    return client


def _cases() -> list[Any]:
    cases = []
    for name in sorted(url_patterns()):
        for role in ROLES:
            defect = KNOWN_DEFECTS.get((name, role))
            marks = [pytest.mark.xfail(strict=True, reason=defect)] if defect else []
            cases.append(pytest.param(name, role, id=f"{name}-{role}", marks=marks))
    return cases


def _post_cases() -> list[Any]:
    cases = []
    for name in sorted(url_patterns()):
        entry = MATRIX.get(name)
        expect = post_expectation(entry) if entry else None
        for role, status in zip(ROLES, expect or (None,) * len(ROLES), strict=True):
            if status is not None:
                defect = KNOWN_DEFECTS.get((f"POST {name}", role))
                marks = [pytest.mark.xfail(strict=True, reason=defect)] if defect else []
                cases.append(pytest.param(name, role, id=f"POST-{name}-{role}", marks=marks))
    return cases


def _writes_by_post(name: str) -> bool:
    """An API route whose view set answers POST/PUT/PATCH/DELETE (read from DRF's actions)."""
    pattern = _patterns_by_name().get(name)
    actions = getattr(getattr(pattern, "callback", None), "actions", None) or {}
    return bool({"post", "put", "patch", "delete"} & set(actions))


def _write_method(name: str) -> str:
    """POST, or PATCH for an API detail route that changes the object itself."""
    pattern = _patterns_by_name().get(name)
    actions = getattr(getattr(pattern, "callback", None), "actions", None) or {}
    return next((m for m in ("post", "patch", "put", "delete") if m in actions), "post")


@functools.cache
def _patterns_by_name() -> dict[str, URLPattern]:
    found: dict[str, URLPattern] = {}

    def walk(resolver: URLResolver, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                found[f"{namespace}:{entry.name}" if namespace else entry.name] = entry

    walk(get_resolver(), "")
    return found


def test_every_url_pattern_has_an_entry_in_the_permission_matrix() -> None:
    missing = sorted(set(url_patterns()) - set(MATRIX))
    assert not missing, f"new endpoint without an entry in the permission matrix: {missing}"


def test_the_permission_matrix_names_no_url_that_no_longer_exists() -> None:
    assert not sorted(set(MATRIX) - set(url_patterns()))


def test_every_write_endpoint_has_a_post_expectation() -> None:
    """POST-only actions (405 on GET) and API routes that accept a write: a POST row each."""
    missing = [
        name
        for name, entry in MATRIX.items()
        if post_expectation(entry) is None
        and (405 in entry.expect[1:] or _writes_by_post(name))
        and name != "accounts:logout"  # signing out is every signed-in user's own action
    ]
    assert not missing, f"write endpoint without a POST row in the permission matrix: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), _cases())
def test_role_gets_the_expected_status(
    name: str, role: str, client_for: Callable[[str], Client], outsider: Any
) -> None:
    entry = MATRIX.get(name)
    assert entry is not None, f"new endpoint without an entry in the permission matrix: {name}"
    url = reverse(name, kwargs=entry.args())
    response = _client(role, client_for, outsider).get(url)
    expected = entry.expect[ROLES.index(role)]
    assert response.status_code == expected, f"GET {url} as {role}: {response.status_code}"
    if role == "anonymous" and expected == 302 and name not in NOT_LOGIN_REDIRECTS:
        assert response["Location"].startswith(reverse("accounts:login"))
    if role in ("bithu2", "dangvien", OUTSIDER) and response.status_code == 200:
        body = b"".join(response) if response.streaming else response.content
        card = _cell_member().card_number.encode()
        assert card not in body, f"GET {url} as {role} shows TCCB member {card.decode()}"
    if response.status_code == 200 and role != "anonymous":
        # The second dimension: what the body carries, field by field (field_matrix.py).
        problems = _field_problems(role, url, response)
        assert not problems, f"GET {url} as {role}: {problems}"


def _field_problems(role: str, url: str, response: Any) -> list[str]:
    user = get_user_model().objects.filter(username=role).select_related("member").first()
    member = getattr(user, "member", None)
    own_card = member.card_number if member is not None else None
    if response.get("Content-Type", "").startswith("application/json"):
        return field_violations(role, own_card, url.split("?")[0], response.json())
    if response.streaming:
        return []
    names = [t.name for t in response.templates if t.name]
    return template_violations(role, names, response.content.decode(errors="replace"), own_card)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), _post_cases())
def test_role_not_allowed_to_write_is_refused_on_post_and_nothing_changes(
    name: str, role: str, client_for: Callable[[str], Client], outsider: Any
) -> None:
    from tongket.audit.models import AuditEvent

    entry = MATRIX[name]
    expect = post_expectation(entry)
    assert expect is not None
    url = reverse(name, kwargs=entry.args())
    client = _client(role, client_for, outsider)
    before = AuditEvent.objects.count()
    method = _write_method(name)
    if name.startswith("api:"):
        response = getattr(client, method)(url, data={}, content_type="application/json")
    else:
        response = client.post(url, data={})
    assert response.status_code == expect[ROLES.index(role)], (
        f"{method.upper()} {url} as {role}: {response.status_code}"
    )
    if role == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
    # A refused write records nothing (every write is audited in its own transaction).
    written = AuditEvent.objects.count() - before
    assert written == 0, f"POST {url} as {role} wrote {written} audit event(s)"


MEETING_KINDS = ("minutes", "resolution", "news")


def _variants() -> list[Any]:
    """Every report kind, every export kind and every format, each for every role, with the
    expected status of its URL's matrix row (the row's own arguments are one example only)."""
    from tongket.exchange.views import EXPORTS
    from tongket.reports.selectors import KINDS, PROGRAM_KINDS, RECORD_KINDS

    variants: list[tuple[str, Args]] = []
    for kind in KINDS:
        # The conference's minutes, resolution and news item are the department's: the cell
        # held no meeting in the demo (409 on the page, 400 in the API: nothing to report).
        # The recognition decision is the Đảng ủy's: a cell under it issues none (HD 43 §3).
        code = DEPARTMENT if kind in MEETING_KINDS or kind == "decision" else CELL
        year, fmt = YEAR, "md"
        if kind in PROGRAM_KINDS:
            # The demo's programs are the department's, adopted for 2021; a program is issued as
            # DOCX or PDF only.
            code, year, fmt = DEPARTMENT, 2021, "docx"
        if kind in RECORD_KINDS:
            # Drawn from one record (an award, its decision, a transfer): the awards pages and
            # reports/tests/test_record_documents.py check who may download them.
            continue
        if kind == "statistics":
            fmt = "xlsx"  # the summary table upward: XLSX, PDF or DOCX
        for name in ("reports:download", "api:report-render"):
            variants.append((name, {"code": code, "year": year, "kind": kind, "fmt": fmt}))
    for fmt in ("docx", "pdf", "xlsx"):
        variants.append(
            ("reports:download", {"code": CELL, "year": YEAR, "kind": "year-end", "fmt": fmt})
        )
    # The news item's page for the website: the only kind that comes as HTML.
    for name in ("reports:download", "api:report-render"):
        variants.append((name, {"code": DEPARTMENT, "year": YEAR, "kind": "news", "fmt": "html"}))
    for kind in EXPORTS:
        for fmt in ("xlsx", "csv"):
            if not (kind == "all" and fmt == "csv"):
                variants.append(("exchange:export", {"kind": kind, "fmt": fmt}))
    for fmt in ("xlsx", "csv"):
        variants.append(("awards:organization_export", {"code": CELL, "year": YEAR, "fmt": fmt}))
    return [
        pytest.param(name, args, role, id=f"{name}-{'-'.join(map(str, args.values()))}-{role}")
        for name, args in variants
        for role in ROLES
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args", "role"), _variants())
def test_every_report_and_export_kind_answers_each_role_like_its_matrix_row(
    name: str, args: Args, role: str, client_for: Callable[[str], Client], outsider: Any
) -> None:
    url = reverse(name, kwargs=args)
    response = _client(role, client_for, outsider).get(url)
    expect: tuple[int, ...] = MATRIX[name].expect
    if args.get("code") == DEPARTMENT:
        expect = tuple(401 if name.startswith("api:") and s == 302 else s for s in DEPARTMENT_READ)
    expected = expect[ROLES.index(role)]
    assert response.status_code == expected, f"GET {url} as {role}: {response.status_code}"
    if role in ("bithu2", "dangvien", OUTSIDER) and response.status_code == 200:
        body = b"".join(response) if response.streaming else response.content
        card = _cell_member().card_number.encode()
        # Text formats only: a card number inside a zipped XLSX/DOCX/PDF is not visible here.
        if args.get("fmt") in ("md", "csv"):
            assert card not in body, f"GET {url} as {role} shows TCCB member {card.decode()}"


# -- An office administrator of one cell's subtree: nothing outside it -----------------------

CELL_ADMIN = "vpchibo"
OTHER_CELL = "QT.KCQDN.SGDDT.TTR"


@pytest.fixture
def cell_admin() -> Any:
    """An office administrator of the TCCB cell's subtree only (made as the system would)."""
    from tongket.accounts.models import Role
    from tongket.accounts.services import create_user, grant_access

    user = create_user(actor=None, username=CELL_ADMIN, password="Chi-bo-2026-kiem-thu")
    grant_access(actor=None, username=CELL_ADMIN, organization_code=CELL, role=Role.OFFICE_ADMIN)
    return user


@pytest.mark.django_db
def test_a_cell_office_administrator_sees_no_account_grant_or_member_outside_the_cell(
    cell_admin: Any,
) -> None:
    from rest_framework.test import APIClient

    from tongket.accounts.models import Grant

    web = Client()
    web.force_login(cell_admin)
    api = APIClient()
    api.force_authenticate(cell_admin)
    outside_grant = Grant.objects.get(user__username="bithu2")
    assert web.get(reverse("accounts:user", args=["bithu"])).status_code == 200
    for username in ("bithu2", "vanphong", "khoi", "quantri", "dangvien"):
        assert web.get(reverse("accounts:user", args=[username])).status_code == 404
        assert api.get(reverse("api:user-detail", args=[username])).status_code == 404
        assert api.post(reverse("api:user-reset", args=[username])).status_code == 404
    assert api.post(reverse("api:grant-revoke", args=[outside_grant.pk])).status_code == 404
    assert api.get(reverse("api:grant-detail", args=[outside_grant.pk])).status_code == 404
    pages = [
        web.get(reverse("accounts:user_list")).content,
        web.get(reverse("accounts:grant_list")).content,
        api.get(reverse("api:user-list")).content,
        api.get(reverse("api:grant-list")).content,
    ]
    for body in pages:
        assert b"bithu2" not in body
        assert b"vanphong" not in body
        assert OTHER_CELL.encode() not in body
    for card in cards_in(OTHER_CELL)[:2]:
        assert web.get(reverse("people:member", args=[card])).status_code == 404
    # Nor a member's self-assessment outside the cell, nor anyone's notice (issues 18, 20).
    form = _api_member_form()
    assert api.get(reverse("api:self-assessment-detail", kwargs=form)).status_code == 404
    assert api.post(reverse("api:self-assessment-return-to-author", kwargs=form)).status_code == 404
    listed = api.get(reverse("api:self-assessment-list")).json()["results"]
    assert form["pk"] not in {row["id"] for row in listed}
    notice = _dangvien_notice()
    assert api.post(reverse("api:notification-read", kwargs=notice)).status_code == 404
    assert api.get(reverse("api:notification-list")).json()["count"] == 0


@pytest.mark.django_db
def test_a_cell_office_administrator_grants_nothing_outside_the_cell(cell_admin: Any) -> None:
    from rest_framework.test import APIClient

    from tongket.accounts.models import Grant

    web = Client()
    web.force_login(cell_admin)
    api = APIClient()
    api.force_authenticate(cell_admin)
    before = Grant.objects.count()
    # Organizations above, beside, and one that does not exist: the same refusal.
    for org in (DEPARTMENT, OTHER_CELL, OUTSIDE_ORG):
        answer = api.post(
            reverse("api:grant-list"),
            {"username": "bithu", "organization": org, "role": "office_admin"},
            format="json",
        )
        assert answer.status_code == 400, answer.content
        assert answer.json()["error"]["rule"] == "people.organization.unknown_code"
        form = web.post(
            reverse("accounts:grant_create"),
            {"username": "bithu", "organization": org, "role": "office_admin"},
        )
        assert form.status_code == 400
        assert "không hợp lệ cho tổ chức".encode() in form.content
    # Inside the cell, but to an account of another cell: unknown to the administrator.
    answer = api.post(
        reverse("api:grant-list"),
        {"username": "bithu2", "organization": CELL, "role": "superior_reader"},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["rule"] == "accounts.unknown_user"
    bulk = api.post(reverse("api:user-bulk"), {"organization": OTHER_CELL}, format="json")
    assert bulk.status_code == 400
    assert bulk.json()["error"]["rule"] == "people.organization.unknown_code"
    assert Grant.objects.count() == before
    assert Member.objects.filter(organization__code=OTHER_CELL, user__isnull=True).exists()


# -- Items of an inspection and supervision program: rule programs.inspection.item.read ------

# The department's 2021 program (programs/demo.py): item → the roles (besides quantri,
# vanphong and khoi, who read the committee's whole program) who may read it. 1 concerns the
# KHTC cell (dangvien is a member there), 4 the TTR cell (bithu2 its secretary); 2, 3 and 5
# concern other cells and members.
INSPECTION_READERS = {
    "1": {"dangvien"},
    "2": set(),
    "3": set(),
    "4": {"bithu2"},
    "5": set(),
}
COMMITTEE_READERS = {"quantri", "vanphong", "khoi"}


def _inspection_items() -> dict[str, ProgramItem]:
    program = Program.objects.get(organization__code=DEPARTMENT, kind="inspection", year=2021)
    return {i.code: i for i in program.items.all()}


def _api(role: str, user_named: Callable[[str], Any], outsider: Any) -> Any:
    from rest_framework.test import APIClient

    api = APIClient()
    if role != "anonymous":
        api.force_authenticate(outsider if role == OUTSIDER else user_named(role))
    return api


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_exactly_the_inspection_items_the_rule_allows_in_every_response(
    role: str, client_for: Callable[[str], Client], user_named: Any, outsider: Any
) -> None:
    items = _inspection_items()
    program = next(iter(items.values())).program
    allowed = {
        code
        for code, readers in INSPECTION_READERS.items()
        if role in readers or role in COMMITTEE_READERS
    }
    web = _client(role, client_for, outsider)
    api = _api(role, user_named, outsider)
    sees_program = role in COMMITTEE_READERS | {"bithu", "bithu2", "dangvien"}
    for code, item in items.items():
        page = web.get(reverse("programs:item", args=[item.pk]))
        detail = api.get(reverse("api:program-item-detail", args=[item.pk]))
        if role == "anonymous":
            assert (page.status_code, detail.status_code) == (302, 401)
            continue
        expected = 200 if code in allowed else 404
        assert (page.status_code, detail.status_code) == (expected, expected), (role, code)
    if role == "anonymous":
        return
    # The bodies: the program page, the API's program, its items list, the sealed version.
    hidden = [i.content for code, i in items.items() if code not in allowed]
    shown = [i.content for code, i in items.items() if code in allowed]
    page = web.get(reverse("programs:detail", args=[program.pk]))
    body = api.get(reverse("api:program-detail", args=[program.pk]))
    listed = api.get(reverse("api:program-item-list"), {"program": program.pk, "limit": 100})
    assert page.status_code == body.status_code == (200 if sees_program else 404)
    if not sees_program:
        return
    html = page.content.decode()
    data = body.json()
    assert sorted(i["code"] for i in data["items"]) == sorted(allowed)
    assert sorted(i["code"] for i in listed.json()["results"]) == sorted(allowed)
    snapshot = data["adopted_snapshot"]
    assert sorted(i["code"] for i in snapshot["items"]) == sorted(allowed)
    assert data["progress"]["total"] == len(allowed)
    for text in hidden:
        assert text not in html, (role, text)
        assert text not in str(data), (role, text)
    for text in shown:
        assert text in html, (role, text)
        assert text in str(data), (role, text)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["bithu", "bithu2", "dangvien"])
def test_the_inspection_program_document_lists_only_the_items_its_reader_may_read(
    role: str, user_named: Any
) -> None:
    from tongket.reports.selectors import program_record

    record = program_record(user_named(role), DEPARTMENT, 2021, "inspection", None)
    assert {line.code for line in record.items} == _readers_of(role)


def _readers_of(role: str) -> set[str]:
    return {code for code, readers in INSPECTION_READERS.items() if role in readers}
