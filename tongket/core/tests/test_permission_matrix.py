"""Permission matrix: the GET answer of every named URL of the site for every demo role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tongket.awards.models import Award, AwardProposal
from tongket.evaluation.models import Evaluation
from tongket.exchange.models import ImportJob
from tongket.meetings.models import Meeting, Participant
from tongket.people.models import Member, Organization, PartyRole, Post
from tongket.programs.models import Program, ProgramItem
from tongket.reports.models import NarrativeSection
from tongket.scoring.models import Frame, ScoreSheet

ROLES = ("anonymous", "quantri", "vanphong", "bithu", "bithu2", "khoi", "dangvien")

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


def _cell_post() -> Args:
    post = Post.objects.filter(member__org_path__startswith=_org_path(CELL)).order_by("pk")[0]
    return {"pk": post.pk}


def _cell_party_role() -> Args:
    path = _org_path(CELL)
    return {"pk": PartyRole.objects.filter(member__org_path__startswith=path).order_by("pk")[0].pk}


def _none() -> Args:
    return {}


def _cell() -> Args:
    return {"code": CELL}


def _card() -> Args:
    return {"card_number": _cell_member().card_number}


def _evaluation() -> Args:
    return {"evaluation_id": _cell_evaluation().pk}


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


class Entry(NamedTuple):
    """How to build a URL's arguments, and the GET status of each role, in the order of ROLES."""

    args: Callable[[], Args]
    expect: tuple[int, int, int, int, int, int, int]


# Column order: anonymous, quantri, vanphong, bithu, bithu2, khoi, dangvien.
# 302 = to the login page (anonymous) or away from it (signed in); 405 = POST-only action.
OPEN = (200, 200, 200, 200, 200, 200, 200)  # public: login-free API schema and docs
PAGE = (302, 200, 200, 200, 200, 200, 200)  # landing pages, each listing only what the user sees
API_LIST = (401, 200, 200, 200, 200, 200, 200)  # scoped lists of the API
POST_ONLY = (302, 405, 405, 405, 405, 405, 405)
API_POST_ONLY = (401, 405, 405, 405, 405, 405, 405)
CELL_READ = (302, 200, 200, 200, 404, 200, 404)  # a TCCB object: outsiders get 404
CELL_API_READ = (401, 200, 200, 200, 404, 200, 404)
CELL_WRITE = (302, 200, 200, 200, 404, 403, 404)  # khoi sees it but may not change it
ADMIN_WRITE = (302, 200, 200, 403, 404, 403, 404)  # office administrators only
AGENCY_READ = (302, 200, 200, 200, 200, 200, 404)  # the department's agency: every grant inside
DEPARTMENT_READ = (302, 200, 200, 404, 404, 200, 404)  # a QT.KCQDN.SGDDT object: no cell sees it
CELL_FORM_404 = (302, 200, 200, 200, 404, 404, 404)  # write form; khoi answered 404, not 403
CREATE_FORM_404 = (302, 200, 200, 200, 200, 404, 404)  # no write grant: 404, not 403

MATRIX: dict[str, Entry] = {
    "set_language": Entry(_none, (302, 302, 302, 302, 302, 302, 302)),
    "accounts:login": Entry(_none, (200, 302, 302, 302, 302, 302, 302)),
    "accounts:logout": Entry(_none, (405, 405, 405, 405, 405, 405, 405)),
    "people:home": Entry(_none, PAGE),
    "people:search": Entry(_none, PAGE),
    "people:organization_list": Entry(_none, PAGE),
    "people:organization_create": Entry(_none, (302, 200, 200, 403, 403, 403, 403)),
    "people:organization": Entry(_cell, CELL_READ),
    "people:organization_edit": Entry(_cell, ADMIN_WRITE),
    "people:member_list": Entry(_none, PAGE),
    "people:member_create": Entry(_none, (302, 200, 200, 200, 200, 403, 403)),
    "people:member": Entry(_card, CELL_READ),
    "people:member_edit": Entry(_card, CELL_WRITE),
    "people:member_transfer": Entry(_card, ADMIN_WRITE),
    "people:party_role_assign": Entry(_card, ADMIN_WRITE),
    "people:post_assign": Entry(_card, CELL_WRITE),
    "evaluation:index": Entry(_none, PAGE),
    "evaluation:cycle": Entry(_cycle, DEPARTMENT_READ),
    "evaluation:not_classified": Entry(_cycle, DEPARTMENT_READ),
    "evaluation:unit": Entry(_cycle_cell, CELL_READ),
    "evaluation:unit_check": Entry(_cycle_cell, POST_ONLY),
    "evaluation:evaluation": Entry(_evaluation, CELL_READ),
    "scoring:index": Entry(_none, PAGE),
    "scoring:import": Entry(_none, PAGE),
    "scoring:ranking": Entry(_agency_group, AGENCY_READ),
    "scoring:sheet": Entry(_agency_sheet, AGENCY_READ),
    "scoring:sheet_export": Entry(_agency_sheet, AGENCY_READ),
    "scoring:frame_template": Entry(_frame, AGENCY_READ),
    # A Party organization's code stands for its agency (UBND.QT.SGDDT) in scoring.
    "scoring:targets": Entry(_cell_year, AGENCY_READ),
    "scoring:history": Entry(_cell, AGENCY_READ),
    "awards:index": Entry(_none, PAGE),
    "awards:organization": Entry(_cell, CELL_READ),
    "awards:organization_export": Entry(_awards_export, CELL_READ),
    "awards:proposal_generate": Entry(_cell, POST_ONLY),
    "awards:record": Entry(_cell, CELL_WRITE),
    "awards:proposal": Entry(_department_proposal, DEPARTMENT_READ),
    "awards:member": Entry(_card, CELL_READ),
    "awards:certificate": Entry(_cell_award, CELL_READ),
    "programs:index": Entry(_none, PAGE),
    "programs:due": Entry(_none, PAGE),
    "programs:create": Entry(_none, CREATE_FORM_404),
    "programs:detail": Entry(_cell_program, CELL_READ),
    "programs:item_create": Entry(_cell_program, CELL_FORM_404),
    "programs:item": Entry(_cell_item, CELL_READ),
    "programs:item_edit": Entry(_cell_item, CELL_FORM_404),
    "programs:item_status": Entry(_cell_item, POST_ONLY),
    "programs:item_result": Entry(_cell_item, POST_ONLY),
    "programs:item_remedied": Entry(_cell_item, POST_ONLY),
    "meetings:index": Entry(_none, PAGE),
    "meetings:create": Entry(_none, CREATE_FORM_404),
    "meetings:detail": Entry(_cell_meeting, CELL_READ),
    # The demo meeting is closed: its preparation and running pages no longer exist.
    "meetings:prepare": Entry(_cell_meeting, (302, 404, 404, 404, 404, 404, 404)),
    "meetings:run": Entry(_cell_meeting, (302, 404, 404, 404, 404, 404, 404)),
    "meetings:chair_add": Entry(_cell_meeting, POST_ONLY),
    "meetings:secretary_set": Entry(_cell_meeting, POST_ONLY),
    "meetings:guest_add": Entry(_cell_meeting, POST_ONLY),
    "meetings:agenda_add": Entry(_cell_meeting, POST_ONLY),
    "meetings:convene": Entry(_cell_meeting, POST_ONLY),
    "meetings:attendance_all": Entry(_cell_meeting, POST_ONLY),
    "meetings:attendance": Entry(_cell_participant, POST_ONLY),
    "meetings:discussion_add": Entry(_cell_meeting, POST_ONLY),
    "meetings:vote_add": Entry(_cell_meeting, POST_ONLY),
    "meetings:award_add": Entry(_cell_meeting, POST_ONLY),
    "meetings:closing_set": Entry(_cell_meeting, POST_ONLY),
    "meetings:close": Entry(_cell_meeting, POST_ONLY),
    "reports:index": Entry(_none, PAGE),
    "reports:organization": Entry(_cell_year, CELL_READ),
    "reports:download": Entry(_report_download, CELL_READ),
    "reports:narrative": Entry(_narrative, CELL_FORM_404),
    "exchange:index": Entry(_none, PAGE),
    "exchange:template": Entry(_none, PAGE),
    "exchange:upload": Entry(_none, PAGE),
    "exchange:export": Entry(_members_export, PAGE),
    # An import job is its uploader's alone, even for the superuser.
    "exchange:job": Entry(_vanphong_job, (302, 404, 200, 404, 404, 404, 404)),
    "exchange:apply": Entry(_vanphong_job, POST_ONLY),
    "api:schema": Entry(_none, OPEN),
    "api:docs": Entry(_none, OPEN),
    "api:organization-list": Entry(_none, API_LIST),
    "api:organization-detail": Entry(_cell, CELL_API_READ),
    "api:member-list": Entry(_none, API_LIST),
    "api:member-detail": Entry(_card, CELL_API_READ),
    "api:post-list": Entry(_none, API_LIST),
    "api:post-detail": Entry(_cell_post, CELL_API_READ),
    "api:party-role-list": Entry(_none, API_LIST),
    # The demo's first role of a TCCB member is held in the department's committee.
    "api:party-role-detail": Entry(_cell_party_role, (401, 200, 200, 404, 404, 200, 404)),
    "api:cycle-list": Entry(_none, API_LIST),
    # A cycle is visible to whoever sees one of its evaluations (evaluation.selectors).
    "api:cycle-detail": Entry(_api_cycle, (401, 200, 200, 200, 200, 200, 200)),
    "api:evaluation-list": Entry(_none, API_LIST),
    "api:evaluation-detail": Entry(_api_evaluation, CELL_API_READ),
    "api:evaluation-self-assessment": Entry(_api_evaluation, API_POST_ONLY),
    "api:evaluation-proposal": Entry(_api_evaluation, API_POST_ONLY),
    "api:evaluation-decision": Entry(_api_evaluation, API_POST_ONLY),
    "api:evaluation-appraisal": Entry(_api_evaluation, API_POST_ONLY),
    # -- API: scoring (scores, targets, rankings) --
    # -- API: awards and documents --
    # -- API: programs and meetings --
    # -- accounts and audit --
}

# Known defects, each an expected failure that must be removed once fixed (strict xfail).
KNOWN_DEFECTS: dict[tuple[str, str], str] = {}

# Redirects that are not the login page: the language switch, the login page when signed in.
NOT_LOGIN_REDIRECTS = {"set_language"}


def _cases() -> list[Any]:
    cases = []
    for name in sorted(url_patterns()):
        for role in ROLES:
            defect = KNOWN_DEFECTS.get((name, role))
            marks = [pytest.mark.xfail(strict=True, reason=defect)] if defect else []
            cases.append(pytest.param(name, role, id=f"{name}-{role}", marks=marks))
    return cases


def test_every_url_pattern_has_an_entry_in_the_permission_matrix() -> None:
    missing = sorted(set(url_patterns()) - set(MATRIX))
    assert not missing, f"new endpoint without an entry in the permission matrix: {missing}"


def test_the_permission_matrix_names_no_url_that_no_longer_exists() -> None:
    assert not sorted(set(MATRIX) - set(url_patterns()))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), _cases())
def test_role_gets_the_expected_status(
    name: str, role: str, client_for: Callable[[str], Client]
) -> None:
    entry = MATRIX.get(name)
    assert entry is not None, f"new endpoint without an entry in the permission matrix: {name}"
    url = reverse(name, kwargs=entry.args())
    client = Client() if role == "anonymous" else client_for(role)
    client.raise_request_exception = False
    response = client.get(url)
    expected = entry.expect[ROLES.index(role)]
    assert response.status_code == expected, f"GET {url} as {role}"
    if role == "anonymous" and expected == 302 and name not in NOT_LOGIN_REDIRECTS:
        assert response["Location"].startswith(reverse("accounts:login"))
    if role in ("bithu2", "dangvien") and response.status_code == 200:
        body = b"".join(response) if response.streaming else response.content
        card = _cell_member().card_number.encode()
        assert card not in body, f"GET {url} as {role} shows TCCB member {card.decode()}"
