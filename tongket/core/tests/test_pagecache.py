"""The page cache (`tongket.core.pagecache`) and the versions that key it
(`tongket.audit.versions`).

The central test warms every cached page of the demo for every demo role, makes a change
through the services, and then requires each page as served (from the cache where its key
did not move) to equal the same page built afresh with the cache off, for every role: a
stale page or a page cached for one user and shown to another fails it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client, override_settings

from tongket.accounts import services as accounts
from tongket.audit import versions
from tongket.audit.models import PathChange
from tongket.audit.services import EventInput, record_event, record_events
from tongket.core.formatting import format_count, format_number
from tongket.core.pagecache import CSRF_PLACEHOLDER, HEADER
from tongket.evaluation import services as evaluation
from tongket.evaluation.domain import Level
from tongket.evaluation.models import Cycle, Decision, DecisionStatus, Evaluation, SubjectKind
from tongket.people import services as people
from tongket.people.models import Member, Organization
from tongket.people.tests.inputs import member_input
from tongket.scoring.models import PeerGroup

pytestmark = pytest.mark.django_db

DEPT = "QT.KCQDN.SGDDT"
TCCB = f"{DEPT}.TCCB"
TTR = f"{DEPT}.TTR"
ROLES = ("quantri", "vanphong", "bithu", "bithu2", "khoi", "dangvien")
# A CSRF token is masked afresh on every request: compare pages without them.
TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def path_of(code: str) -> str:
    return Organization.objects.get(code=code).path


def pages() -> list[str]:
    codes = ["QT.KCQDN", DEPT, TCCB, TTR, f"{DEPT}.VP"]
    urls = [f"/org/{code}/" for code in codes]
    urls += ["/org/", "/member/", f"/member/?org={TCCB}", "/member/?q=nguyen", "/evaluation/"]
    urls += [f"/evaluation/ky/{pk}/" for pk in Cycle.objects.values_list("pk", flat=True)]
    return urls + [
        f"/scoring/ranking/{pk}/" for pk in PeerGroup.objects.values_list("pk", flat=True)
    ]


def body(client: Client, url: str) -> tuple[int, str, str]:
    response = client.get(url)
    text = response.content.decode() if response.status_code == 200 else ""
    return response.status_code, TOKEN.sub("<token>", text), response.get(HEADER, "")


def served_equals_fresh(client_for: Callable[[str], Client], change: Callable[[], None]) -> int:
    """Warm the cache for every role and page, make the change, then compare every page as
    served with the page built with the cache off. Returns how many parts came from the
    cache after the change (so a test can tell the cache was really in play)."""
    clients = {role: client_for(role) for role in ROLES}
    urls = pages()
    for role in ROLES:
        for url in urls:
            clients[role].get(url)
    change()
    hits = 0
    stale: list[str] = []
    for role in ROLES:
        for url in pages():
            status, served, outcome = body(clients[role], url)
            hits += outcome.split(",").count("hit")
            with override_settings(TONGKET_PAGE_CACHE=False):
                fresh_status, fresh, _ = body(clients[role], url)
            if (status, served) != (fresh_status, fresh):
                stale.append(f"{role} {url} ({outcome})")
    assert stale == [], "served pages differ from fresh ones"
    return hits


def a_member(cell: str) -> Member:
    return Member.objects.filter(organization__code=cell, user__isnull=True).order_by("pk")[0]


def rename_member() -> None:
    member = a_member(TCCB)
    people.update_member(
        actor=None,
        card_number=member.card_number,
        data=member_input(member, full_name="Trần Văn Đổi Tên"),
    )


def transfer_member() -> None:
    member = a_member(TCCB)
    people.transfer_member(
        actor=None, card_number=member.card_number, to_code=TTR, on=dt.date(2021, 3, 1)
    )


def rename_cell() -> None:
    people.update_organization(actor=None, code=TCCB, name="Chi bộ Tổ chức – Cán bộ (mới)")


def rename_department() -> None:
    people.update_organization(actor=None, code=DEPT, name="Đảng bộ Sở Giáo dục (tên mới)")


def new_member() -> None:
    people.create_member(
        actor=None,
        data=people.MemberInput(
            card_number="45.990001",
            full_name="Nguyễn Thị Mới Vào",
            gender="female",
            joined_on=dt.date(2020, 6, 1),
            organization_code=TTR,
            status="probationary",
        ),
    )


def new_role() -> None:
    member = a_member(TTR)
    people.assign_party_role(
        actor=None,
        card_number=member.card_number,
        organization_code=TTR,
        role="deputy_secretary",
        start=dt.date(2021, 1, 1),
    )


def open_and_decide() -> None:
    cycle = evaluation.open_cycle(actor=None, organization_code=DEPT, year=2021, params={})
    ev = Evaluation.objects.filter(cycle=cycle, subject_kind=SubjectKind.MEMBER).order_by("pk")[0]
    evaluation.decide(
        actor=None,
        evaluation_id=ev.pk,
        outcome=Level.GOOD,
        number="1-QĐ/ĐU",
        date=dt.date(2022, 1, 10),
    )


def decide_in_demo_cycle() -> None:
    decision = Decision.objects.filter(
        evaluation__cycle__organization__code=DEPT,
        evaluation__subject_kind=SubjectKind.MEMBER,
        status=DecisionStatus.CURRENT,
        level=Level.EXCELLENT,
    ).order_by("pk")[0]
    evaluation.supersede_decision(
        actor=None,
        decision_id=decision.pk,
        outcome=Level.GOOD,
        number="2-QĐ/ĐU",
        date=dt.date(2021, 2, 1),
        reason="Điều chỉnh theo kết luận kiểm tra",
    )


def rename_ranked_unit() -> None:
    group = PeerGroup.objects.order_by("pk").first()
    assert group is not None
    unit = group.units.order_by("code").first()
    assert unit is not None
    people.update_organization(actor=None, code=unit.code, name=f"{unit.name} (tên mới)")


CHANGES = [
    rename_ranked_unit,
    rename_member,
    transfer_member,
    rename_cell,
    rename_department,
    new_member,
    new_role,
    open_and_decide,
    decide_in_demo_cycle,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_every_cached_page_equals_a_fresh_one_for_every_role_after_a_change(
    client_for: Callable[[str], Client], change: Callable[[], None]
) -> None:
    served_equals_fresh(client_for, change)


def test_unchanged_pages_come_from_the_cache_and_still_equal_fresh_ones(
    client_for: Callable[[str], Client],
) -> None:
    hits = served_equals_fresh(client_for, lambda: None)
    assert hits > 50


def test_a_change_in_one_cell_keeps_the_sibling_cells_page_cached(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("quantri")
    assert client.get(f"/org/{TTR}/")[HEADER] == "miss,miss"
    rename_member()  # in TCCB
    assert client.get(f"/org/{TTR}/")[HEADER] == "hit,hit"
    assert client.get(f"/org/{TCCB}/")[HEADER] == "miss,miss"
    assert client.get(f"/org/{DEPT}/")[HEADER] == "miss,miss"


def _open_cycle(office: Any) -> int:
    """The department's 2021 cycle, opened through the API: its id."""
    cycle = office.post("/api/v1/cycles/", {"organization": DEPT, "year": 2021}, format="json")
    assert cycle.status_code == 201
    opened: int = cycle.json()["id"]
    return opened


def _decide_one_member(office: Any, cycle: int, number: str) -> None:
    """A decision (good) on the cycle's first member evaluation, through the API."""
    listed = office.get(
        "/api/v1/evaluations/", {"cycle": cycle, "subject_kind": "member", "limit": "1"}
    ).json()["results"]
    decision = {"outcome": "good", "number": number, "date": "2021-12-20"}
    url = f"/api/v1/evaluations/{listed[0]['id']}/decision/"
    assert office.post(url, decision, format="json").status_code == 201


def test_the_seasons_writes_in_one_province_keep_another_provinces_page_cached(
    client_for: Callable[[str], Client], api_for: Callable[[str], Any]
) -> None:
    people.create_organization(
        actor=None,
        data=people.OrganizationInput(code="HN", name="Đảng bộ Hà Nội", kind="provincial"),
    )
    reader = client_for("quantri")
    assert reader.get("/org/HN/")[HEADER] == "miss,miss"
    assert reader.get(f"/org/{DEPT}/")[HEADER] == "miss,miss"
    assert reader.get(f"/org/{DEPT}/")[HEADER] == "hit,hit"
    office = api_for("vanphong")
    # The office of the department in the demo's province writes through the API: a new cell,
    # a cycle opened and a decision; the system creates an account (no organization).
    body = {"code": f"{DEPT}.MOI", "name": "Chi bộ Mới Thành Lập", "kind": "cell", "parent": DEPT}
    assert office.post("/api/v1/organizations/", body, format="json").status_code == 201
    _decide_one_member(office, _open_cycle(office), "15-QĐ/ĐU")
    accounts.create_user(actor=None, username="tai_khoan_moi", full_name="Tài khoản mới")

    assert reader.get("/org/HN/")[HEADER] == "hit,hit"
    # The department's page (an ancestor of every change) shows the new cell and its count.
    shown = reader.get(f"/org/{DEPT}/")
    assert shown[HEADER] == "miss,miss"
    assert "Chi bộ Mới Thành Lập" in shown.content.decode()
    cells = Organization.objects.filter(parent__code=DEPT).count()
    assert f'data-testid="child-count">{format_count(cells)}<' in shown.content.decode()


def _members_shown(page: str, code: str) -> str:
    """The member count the organization list shows in the row of `code`."""
    row = re.search(
        rf"<code>{re.escape(code)}</code>.*?<td class=\"num\">([^<]*)</td>", page, re.DOTALL
    )
    assert row is not None, f"no row for {code}"
    return row.group(1)


def test_a_decision_in_one_province_keeps_the_national_pages_cached_and_their_counts_live(
    client_for: Callable[[str], Client], api_for: Callable[[str], Any]
) -> None:
    office = api_for("vanphong")
    cycle = _open_cycle(office)
    reader = client_for("quantri")
    national = ["/org/", "/member/", "/evaluation/", f"/org/{DEPT}/", "/org/QT.KCQDN/"]
    for url in national:
        assert "hit" not in reader.get(url)[HEADER]
    # The season's work in the department: a decision through the API.
    _decide_one_member(office, cycle, "16-QĐ/ĐU")
    for url in national:
        outcome = reader.get(url)[HEADER]
        assert set(outcome.split(",")) == {"hit"}, (url, outcome)
    # A new member in one of its cells: the organization list stays cached, and its counts,
    # read from the member tally, already include them.
    before = _members_shown(reader.get("/org/").content.decode(), DEPT)
    member = {
        "card_number": "45.990002",
        "full_name": "Lê Thị Mới Kết Nạp",
        "gender": "female",
        "joined_on": "2021-06-01",
        "organization": TTR,
        "status": "probationary",
    }
    assert office.post("/api/v1/members/", member, format="json").status_code == 201
    served = reader.get("/org/")
    assert served[HEADER] == "hit"
    in_dept = Member.objects.filter(org_path__startswith=path_of(DEPT)).count()
    shown = _members_shown(served.content.decode(), DEPT)
    assert shown == format_number(in_dept) != before
    with override_settings(TONGKET_PAGE_CACHE=False):
        fresh = reader.get("/org/").content.decode()
    assert TOKEN.sub("", served.content.decode()) == TOKEN.sub("", fresh)
    # The member list shows members: built afresh.
    assert reader.get("/member/")[HEADER] == "miss"


def test_the_csrf_token_of_a_cached_part_is_the_requests_own(
    client_for: Callable[[str], Client],
) -> None:
    cycle = evaluation.open_cycle(actor=None, organization_code=DEPT, year=2021, params={})
    client = client_for("vanphong")
    url = f"/evaluation/ky/{cycle.pk}/"
    client.get(url)
    response = client.get(url)
    assert response[HEADER] == "hit"
    text = response.content.decode()
    assert CSRF_PLACEHOLDER not in text
    # The form closing the cycle is inside the cached part: its token works for this session.
    form = re.search(
        r'action="([^"]+)">\s*<input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)"',
        text,
    )
    assert form is not None
    client.handler.enforce_csrf_checks = True
    assert client.post(form.group(1), {"csrfmiddlewaretoken": "x" * 64}).status_code == 403
    # Past the CSRF check: the close itself is then refused or done, and the page redirects.
    assert client.post(form.group(1), {"csrfmiddlewaretoken": form.group(2)}).status_code == 302


def test_a_part_read_while_a_change_commits_is_stored_under_the_versions_before_it(
    client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tongket.people import selectors

    original = selectors.committee
    keys: list[str] = []

    def committee_then_change(org: Organization) -> Any:
        keys.append(versions.key_for([org.path]))
        with transaction.atomic():
            record_event(actor=None, action="test.change", org_path=org.path)
        keys.append(versions.key_for([org.path]))
        return original(org)

    monkeypatch.setattr(selectors, "committee", committee_then_change)
    client = client_for("quantri")
    # Built and stored (not thrown away), under the key read before the change committed...
    assert client.get(f"/org/{TCCB}/")[HEADER] == "miss,miss"
    monkeypatch.setattr(selectors, "committee", original)
    # ...which no request after the commit reads: they build afresh once, then hit.
    assert keys[0] != keys[1]
    assert client.get(f"/org/{TCCB}/")[HEADER] == "miss,miss"
    assert client.get(f"/org/{TCCB}/")[HEADER] == "hit,hit"


@override_settings(TONGKET_PAGE_CACHE=False)
def test_with_the_cache_off_every_part_is_built(client_for: Callable[[str], Client]) -> None:
    client = client_for("quantri")
    client.get(f"/org/{DEPT}/")
    assert client.get(f"/org/{DEPT}/")[HEADER] == "off,off"


# Versions ------------------------------------------------------------------------------------


def change_at(path: str, action: str = "test.change") -> None:
    with transaction.atomic():
        record_event(actor=None, action=action, org_path=path)


def test_a_change_moves_its_subtree_and_ancestors_keys_not_its_siblings() -> None:
    dept, tccb, ttr = path_of(DEPT), path_of(TCCB), path_of(TTR)
    before = {p: versions.key_for([p]) for p in (dept, tccb, ttr, versions.GLOBAL)}
    change_at(tccb)
    after = {p: versions.key_for([p]) for p in before}
    assert after[tccb] != before[tccb]
    assert after[dept] != before[dept]  # its subtree changed
    assert after[versions.GLOBAL] != before[versions.GLOBAL]
    assert after[ttr] == before[ttr]  # a sibling


def test_a_change_at_an_ancestor_moves_every_descendants_key() -> None:
    tccb, ttr = path_of(TCCB), path_of(TTR)
    before = versions.key_for([tccb]), versions.key_for([ttr])
    change_at(path_of(DEPT))
    assert versions.key_for([tccb]) != before[0]
    assert versions.key_for([ttr]) != before[1]


def test_a_change_of_no_organization_moves_every_key_and_downloads_move_none() -> None:
    tccb = path_of(TCCB)
    before = versions.key_for([tccb])
    change_at(tccb, action="export.members")
    change_at(tccb, action="login.failed")
    assert versions.key_for([tccb]) == before
    change_at("")
    assert versions.key_for([tccb]) != before


def test_a_transfer_moves_the_source_cells_key_too() -> None:
    tccb = path_of(TCCB)
    before = versions.key_for([tccb])
    transfer_member()
    assert versions.key_for([tccb]) != before


def test_bulk_events_move_the_keys_of_every_path_they_touch() -> None:
    tccb, ttr, vp = path_of(TCCB), path_of(TTR), path_of(f"{DEPT}.VP")
    before = {p: versions.key_for([p]) for p in (tccb, ttr, vp)}
    with transaction.atomic():
        record_events(
            actor=None,
            events=[
                EventInput("test.a", org_path=tccb),
                EventInput("test.b", org_path=ttr, also_paths=(vp,)),
                EventInput("export.x", org_path=""),
            ],
        )
    assert all(versions.key_for([p]) != before[p] for p in before)


def test_a_batch_records_each_path_once_whatever_its_size() -> None:
    tccb = path_of(TCCB)
    own = PathChange.objects.filter(path=tccb, kind=versions.OWN)
    before = own.count()
    with transaction.atomic():
        record_events(actor=None, events=[EventInput("test.a", org_path=tccb)] * 50)
    assert own.count() == before + 1


def test_compacting_piled_up_changes_gives_a_key_never_seen_before() -> None:
    tccb = path_of(TCCB)
    seen = [versions.key_for([tccb])]
    for _ in range(versions.COMPACT_ABOVE + 1):
        change_at(tccb)
        seen.append(versions.key_for([tccb]))
    assert versions.compact() > 0
    piled = PathChange.objects.filter(path=tccb, kind=versions.SUBTREE, topic="test")
    assert piled.count() == 1
    seen.append(versions.key_for([tccb]))
    change_at(tccb)
    seen.append(versions.key_for([tccb]))
    assert len(set(seen)) == len(seen)  # every commit and the compaction: a new key each
    assert versions.compact() == 0  # nothing piled up any more


def test_a_page_ignoring_a_topic_keeps_its_key_through_its_changes_and_compaction() -> None:
    tccb = path_of(TCCB)
    ignoring = ("evaluation.decision",)
    plain, quiet = versions.key_for([tccb]), versions.key_for([tccb], ignoring)
    change_at(tccb, "evaluation.decision.issue")
    assert versions.key_for([tccb]) != plain
    assert versions.key_for([tccb], ignoring) == quiet
    for _ in range(versions.COMPACT_ABOVE + 1):
        change_at(tccb, "evaluation.decision.supersede")
    assert versions.compact() > 0
    assert versions.key_for([tccb], ignoring) == quiet
    change_at(tccb, "member.update")  # a topic the page shows
    assert versions.key_for([tccb], ignoring) != quiet


def test_the_topic_of_an_action_is_its_object() -> None:
    assert versions.topic_of("evaluation.decision.issue") == "evaluation.decision"
    assert versions.topic_of("member.update") == "member"
    assert versions.topic_of("synth") == "synth"
    assert not versions.shows("evaluation.decision", ("evaluation.decision",))
    assert not versions.shows("evaluation.decision.extra", ("evaluation.decision",))
    assert versions.shows("evaluation.decisions", ("evaluation.decision",))
    assert versions.shows("evaluation.cycle", ("evaluation.decision",))


def test_a_new_epoch_moves_every_key() -> None:
    tccb = path_of(TCCB)
    before = versions.key_for([tccb])
    versions.new_epoch()
    assert versions.key_for([tccb]) != before


def test_the_cache_is_cleared_between_tests() -> None:
    assert caches["pages"].get("page:probe") is None
    caches["pages"].set("page:probe", "x")


@pytest.mark.parametrize(
    ("user", "url"),
    [
        ("quantri", f"/org/{DEPT}/"),
        ("bithu", f"/org/{TCCB}/"),
        ("vanphong", "/org/"),
        ("vanphong", "/member/"),
        ("khoi", "/evaluation/"),
    ],
)
def test_a_cached_page_runs_only_its_lookups(
    client_for: Callable[[str], Client], django_assert_max_num_queries: Any, user: str, url: str
) -> None:
    client = client_for(user)
    client.get(url)
    # The session, the user with their member record, their grants, the organization (on an
    # organization's page) and the versions.
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert "miss" not in response[HEADER]
    assert "hit" in response[HEADER]
