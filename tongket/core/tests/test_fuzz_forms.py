"""Hypothesis bodies for every POST form of the web, found at run time: every named URL of the
site (from the resolver, with the permission matrix's argument builders) is fetched as an office
administrator, every <form method="post"> on every page is read (its action, fields and options),
and each POST endpoint then gets generated bodies: random and very long unicode text, missing
fields, wrong types, stale versions, other organizations' codes and ids. Never a server error;
a refusal writes nothing (the whole database compared) and tells the user why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.messages import constants, get_messages
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongket.core.tests import dbsnapshot
from tongket.core.tests.test_permission_matrix import CELL, MATRIX, ROLES, url_patterns
from tongket.meetings import services as meetings
from tongket.meetings.models import Meeting, MeetingKind
from tongket.people.models import Member, Organization

pytestmark = pytest.mark.django_db

ACTOR = "vanphong"  # the department's office: may write every form of the department
# Posting to these changes the session, not the content; the accounts tests cover them.
SESSION_URLS = {"accounts:login", "accounts:logout"}
ERROR_MARKERS = (b"form-errors", b"errorlist", b"field-invalid", b'role="alert"')
CASES: dict[str, int] = {}
OUTCOMES: dict[str, int] = {}
BY_NAME: dict[str, set[str]] = {}


@dataclass
class FieldSpec:
    name: str
    kind: str  # input type, "select" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class FormSpec:
    action: str
    fields: dict[str, FieldSpec] = field(default_factory=dict)


class FormReader(HTMLParser):
    """The POST forms of a page: action, named fields, and the options of each select."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[FormSpec] = []
        self._form: FormSpec | None = None
        self._select: FieldSpec | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "option":
            if self._select is not None:
                self._select.options.append(a.get("value", ""))
            return
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = FormSpec(a.get("action") or self.page_url)
                self.forms.append(self._form)
            else:
                self._form = None
            return
        form = self._form
        formaction = a.get("formaction") or a.get("hx-post")
        if formaction and tag in ("button", "input", "form"):
            self.forms.append(FormSpec(formaction, dict(form.fields) if form else {}))
        if form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            spec = form.fields.setdefault(name, FieldSpec(name, kind, a.get("value", "")))
            if kind in ("radio", "checkbox") and a.get("value"):
                spec.options.append(a["value"])
        elif tag == "select":
            self._select = form.fields.setdefault(name, FieldSpec(name, "select"))
        elif tag == "textarea":
            form.fields.setdefault(name, FieldSpec(name, "textarea"))
        elif tag == "button" and a.get("value"):
            spec = form.fields.setdefault(name, FieldSpec(name, "radio"))
            spec.options.append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def url_for(name: str) -> str | None:
    """The URL of a named route: meeting routes name the open meeting (the demo's own meeting
    is closed, so its forms no longer exist), the others come from the permission matrix."""
    params = set(url_patterns().get(name, ()))
    meeting = _CACHE.get("meeting")
    if meeting is not None and params == {"meeting_id"}:
        return reverse(name, kwargs={"meeting_id": meeting.pk})
    if meeting is not None and params == {"participant_id"}:
        participant = meeting.participants.order_by("pk").first()
        return reverse(name, kwargs={"participant_id": participant.pk}) if participant else None
    entry = MATRIX.get(name)
    if entry is None:
        return None
    try:
        return reverse(name, kwargs=entry.args())
    except Exception:  # the demo has no object for it
        return None


def open_meeting(actor: Any) -> Meeting:
    """A cell meeting still being prepared, its members convened."""
    meeting = meetings.create_meeting(
        actor=actor,
        organization_code=CELL,
        kind=MeetingKind.values[0],
        title="Hội nghị thử nghiệm nhập liệu",
        held_on=dt.date(2031, 12, 20),
    )
    meetings.convene_members(actor=actor, meeting_id=meeting.pk)
    return meeting


def discover(client: Client) -> dict[str, dict[str, FieldSpec]]:
    """URL name → the union of the fields of the forms that post to it, over every page."""
    found: dict[str, dict[str, FieldSpec]] = {}
    actor_column = ROLES.index(ACTOR)
    for name, entry in sorted(MATRIX.items()):
        if name.startswith("api:") or name in SESSION_URLS:
            continue
        url = url_for(name)
        if url is None:
            continue
        if entry.expect[actor_column] == 405:
            found.setdefault(name, {})
            continue
        if entry.expect[actor_column] != 200:
            continue
        response = client.get(url)
        if response.status_code != 200 or response.streaming:
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        reader = FormReader(url)
        reader.feed(response.content.decode())
        for form in reader.forms:
            try:
                target = resolve(form.action.split("?")[0])
            except Resolver404:
                continue
            key = f"{target.namespace}:{target.url_name}" if target.namespace else target.url_name
            if key is None or key in SESSION_URLS or key.startswith("api:"):
                continue
            fields = found.setdefault(key, {})
            for spec in form.fields.values():
                known = fields.setdefault(spec.name, FieldSpec(spec.name, spec.kind, spec.value))
                known.options.extend(o for o in spec.options if o not in known.options)
    return found


_CACHE: dict[str, Any] = {}


@pytest.fixture
def office(client_for: Callable[[str], Client]) -> Client:
    return client_for(ACTOR)


@pytest.fixture
def forms(office: Client, user_named: Callable[[str], Any]) -> dict[str, dict[str, FieldSpec]]:
    _CACHE["meeting"] = open_meeting(user_named(ACTOR))
    return discover(office)


count_cases = dbsnapshot.tally(
    "fuzz forms: {total} POSTs over {places} form endpoints ({outcomes})", CASES, OUTCOMES, BY_NAME
)


def identifiers() -> list[str]:
    if "ids" not in _CACHE:
        codes = list(Organization.objects.values_list("code", flat=True))
        cards = list(Member.objects.order_by("card_number").values_list("card_number", flat=True))
        pks = [str(pk) for pk in Organization.objects.values_list("pk", flat=True)]
        _CACHE["ids"] = sorted({*codes, *cards[:5], *cards[-5:], *pks, "0", "-1", "99999999"})
    ids: list[str] = _CACHE["ids"]
    return ids


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=60
)
HOSTILE = st.one_of(
    TEXT,
    st.text(min_size=1, max_size=3).map(lambda s: s * 2000),  # very long
    st.sampled_from(["", " ", "-1", "0", "1e308", "NaN", "true", "[]", "{}", "None"]),
    st.sampled_from(["31/02/2020", "2020-13-01", "01/01/0001", "9999-12-31", "29/02/2021"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["<script>alert(1)</script>", "'; DROP TABLE people_member; --", "\u202e"]),
)


def value_for(spec: FieldSpec, ids: list[str]) -> st.SearchStrategy[str | list[str]]:
    plausible: st.SearchStrategy[str]
    if spec.options:
        plausible = st.sampled_from(spec.options)
    elif spec.kind == "date":
        plausible = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(
            lambda d: d.isoformat()
        )
    elif spec.kind == "number":
        plausible = st.integers(min_value=-10, max_value=10**6).map(str)
    elif spec.kind == "hidden":
        plausible = st.just(spec.value)
    else:
        plausible = st.one_of(TEXT, st.just(spec.value))
    single = st.one_of(plausible, plausible, st.sampled_from(ids), HOSTILE)
    if spec.kind == "checkbox":
        return st.one_of(single, st.lists(single, max_size=3))
    return single


def bodies(fields: dict[str, FieldSpec], ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    per_field = {name: value_for(spec, ids) for name, spec in fields.items() if name != CSRF_FIELD}
    extra = st.dictionaries(st.sampled_from(["id", "pk", "code", "version", "x"]), HOSTILE)
    generated = st.builds(
        # A browser always sends the CSRF token, so a form's POST is never empty.
        lambda chosen, more: {**more, **chosen, CSRF_FIELD: "x"},
        st.fixed_dictionaries({}, optional=per_field),
        extra,
    )
    # The page sent back as it was shown (the prefilled values, the first of each choice).
    as_shown = {
        name: spec.options[0] if spec.options else spec.value for name, spec in fields.items()
    }
    return st.one_of(st.just({**as_shown, CSRF_FIELD: "x"}), generated)


CSRF_FIELD = "csrfmiddlewaretoken"


def told(response: Any) -> bool:
    """The user sees why nothing was saved: an error on the page or an error message."""
    body = b"" if response.streaming else response.content
    if any(marker in body for marker in ERROR_MARKERS):
        return True
    return any(m.level >= constants.WARNING for m in get_messages(response.wsgi_request))


EXAMPLES = 4  # generated bodies per form endpoint (bounded: the file runs in well under a minute)
# POST endpoints that only show something (a preview of checks): they never write.
NO_CHANGE_ALLOWED = {"evaluation:unit_check"}


def test_every_form_never_fails_and_a_refusal_writes_nothing_and_says_why(
    office: Client, forms: dict[str, dict[str, FieldSpec]]
) -> None:
    ids = identifiers()
    urls = {name: url_for(name) for name in sorted(forms)}
    targets = {name: url for name, url in urls.items() if url is not None}
    # Forms of the people, evaluation, awards, programs, meetings, reports and import pages.
    assert {n.split(":")[0] for n in targets} >= {"people", "programs", "meetings", "reports"}
    baseline = dbsnapshot.take()
    for name, url in targets.items():
        fuzz_one(office, baseline, name, url, forms[name], ids)


def fuzz_one(
    client: Client,
    baseline: dbsnapshot.Snapshot,
    name: str,
    url: str,
    fields: dict[str, FieldSpec],
    ids: list[str],
) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=bodies(fields, ids))
    def post(body: dict[str, Any]) -> None:
        CASES[name] = CASES.get(name, 0) + 1
        with transaction.atomic():
            response = client.post(url, body)
            after = dbsnapshot.take()
            transaction.set_rollback(True)
        code = response.status_code
        assert code < 500, (name, url, body)
        wrote = baseline != after
        outcome = f"{code} {'written' if wrote else 'refused'}"
        OUTCOMES[outcome] = OUTCOMES.get(outcome, 0) + 1
        BY_NAME.setdefault(name, set()).add(outcome)
        if code >= 400:
            assert not wrote, (name, url, body, baseline.diff(after))
        elif not wrote and code in (200, 302) and name not in NO_CHANGE_ALLOWED:
            # A form shown again, or a redirect, after a POST that saved nothing must say why.
            assert told(response), (name, url, code, body)

    post()
