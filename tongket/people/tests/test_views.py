"""Pages of the people app for every role: what each may read, change, and what answers 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tongket.audit.models import AuditEvent
from tongket.core.demo import DEMO_ORG
from tongket.people import services
from tongket.people.models import Member, Membership, Organization, PartyRole, Post
from tongket.people.tests.inputs import NEW_CARD, member_input, new_member_form

pytestmark = pytest.mark.django_db

TCCB = f"{DEMO_ORG}.TCCB"
TTR = f"{DEMO_ORG}.TTR"
VP = f"{DEMO_ORG}.VP"
ClientFor = Callable[[str], Client]


def first_card(cell: str, *, exclude_users: bool = True) -> str:
    members = Member.objects.filter(organization__code=cell).order_by("card_number")
    if exclude_users:
        members = members.filter(user__isnull=True)
    member = members.first()
    assert member is not None
    return member.card_number


def member_form(member: Member, **changes: Any) -> dict[str, Any]:
    data = {
        "full_name": member.full_name,
        "gender": member.gender,
        "birth_date": member.birth_date.isoformat() if member.birth_date else "",
        "joined_on": member.joined_on.isoformat(),
        "status": member.status,
        "full_member_on": member.full_member_on.isoformat() if member.full_member_on else "",
        "version": member.version,
    }
    data.update(changes)
    return data


def page_text(response: Any) -> str:
    return str(response.content.decode())


# Anonymous visitors ---------------------------------------------------------------------------

PAGES = [
    ("people:home", ()),
    ("people:organization_list", ()),
    ("people:organization", (DEMO_ORG,)),
    ("people:organization_edit", (DEMO_ORG,)),
    ("people:organization_create", ()),
    ("people:member_list", ()),
    ("people:member_create", ()),
    ("people:member", ("45.000001",)),
    ("people:member_edit", ("45.000001",)),
    ("people:member_transfer", ("45.000001",)),
    ("people:party_role_assign", ("45.000001",)),
    ("people:post_assign", ("45.000001",)),
    ("people:search", ()),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_anonymous_visitor_is_sent_to_the_login_page(name: str, args: tuple[str, ...]) -> None:
    url = reverse(name, args=args)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


# Home -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "root"),
    [("vanphong", DEMO_ORG), ("khoi", "QT.KCQDN"), ("bithu", TCCB), ("bithu2", TTR)],
)
def test_home_lists_the_organizations_the_user_works_in(
    client_for: ClientFor, username: str, root: str
) -> None:
    response = client_for(username).get(reverse("people:home"))
    assert response.status_code == 200
    assert [row["org"].code for row in response.context["rows"]] == [root]


def test_home_links_a_plain_member_to_their_own_record(
    client_for: ClientFor, user_named: Callable[[str], Any]
) -> None:
    own = Member.objects.get(user=user_named("dangvien"))
    response = client_for("dangvien").get(reverse("people:home"))
    assert response.context["own"] == own
    assert reverse("people:member", args=[own.card_number]) in page_text(response)


# The organization page ------------------------------------------------------------------------


def test_grassroots_page_shows_seven_cells_fifty_members_and_the_committee(
    client_for: ClientFor,
) -> None:
    response = client_for("vanphong").get(reverse("people:organization", args=[DEMO_ORG]))
    assert response.status_code == 200
    children = response.context["children"]
    assert len(children) == 7
    assert sum(count for _child, count in children) == 50
    assert response.context["total"] == 50
    assert response.context["page_obj"].paginator.count == 50
    assert len(response.context["page_obj"].object_list) == 50
    text = page_text(response)
    assert "Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng" in text
    seats = response.context["seats"]
    assert seats[0].member.full_name == "Trần Quốc Hưng"
    assert "Bí thư" in seats[0].role_labels
    assert "Giám đốc" in seats[0].post_labels
    assert seats[1].member.full_name == "Lê Văn Tính"
    assert "Phó Bí thư" in seats[1].role_labels
    minh = next(seat for seat in seats if seat.member.full_name == "Võ Văn Minh")
    assert "Ủy viên Ban Thường vụ" in minh.role_labels
    assert "Phó Giám đốc" in minh.post_labels


def test_members_on_the_organization_page_are_sorted_by_given_name(
    client_for: ClientFor,
) -> None:
    response = client_for("vanphong").get(reverse("people:organization", args=[DEMO_ORG]))
    sort_names = [m.sort_name for m in response.context["page_obj"].object_list]
    assert sort_names == sorted(sort_names)


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_organization_page_query_count_does_not_grow_with_members(
    client_for: ClientFor, django_assert_max_num_queries: Any, settings: Any
) -> None:
    settings.TONGKET_PAGE_CACHE = False  # the page as built, not as served from the cache
    client = client_for("vanphong")
    url = reverse("people:organization", args=[DEMO_ORG])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(20):
        client.get(url)
    before = _count_queries(client, url)
    for n in range(20):
        services.create_member(
            actor=None,
            data=services.MemberInput(
                card_number=f"99.{n:06d}",
                full_name=f"Nguyễn Văn Thử {n}",
                gender="male",
                joined_on=dt.date(2010, 1, 1),
                full_member_on=dt.date(2011, 1, 1),
                organization_code=VP if n % 2 else TTR,
            ),
        )
    assert _count_queries(client, url) == before


def test_breadcrumb_lists_only_the_ancestors_the_user_may_see(client_for: ClientFor) -> None:
    response = client_for("vanphong").get(reverse("people:organization", args=[TCCB]))
    assert [o.code for o in response.context["ancestors"]] == [DEMO_ORG]
    response = client_for("bithu").get(reverse("people:organization", args=[TCCB]))
    assert response.context["ancestors"] == []


def test_write_buttons_follow_the_users_rights(client_for: ClientFor) -> None:
    edit_org = reverse("people:organization_edit", args=[TCCB])
    add_member = reverse("people:member_create")
    admin = page_text(client_for("vanphong").get(reverse("people:organization", args=[TCCB])))
    assert edit_org in admin
    assert add_member in admin
    secretary = page_text(client_for("bithu").get(reverse("people:organization", args=[TCCB])))
    assert edit_org not in secretary
    assert add_member in secretary
    reader = page_text(client_for("khoi").get(reverse("people:organization", args=[TCCB])))
    assert edit_org not in reader
    assert add_member not in reader


def test_a_plain_member_sees_their_cell_with_only_their_own_record(
    client_for: ClientFor, user_named: Callable[[str], Any]
) -> None:
    own = Member.objects.get(user=user_named("dangvien"))
    response = client_for("dangvien").get(
        reverse("people:organization", args=[own.organization.code])
    )
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [own]


@pytest.mark.parametrize(
    ("username", "code"), [("bithu", TTR), ("bithu2", TCCB), ("bithu", DEMO_ORG)]
)
def test_cell_secretary_gets_404_for_organizations_outside_their_cell(
    client_for: ClientFor, username: str, code: str
) -> None:
    client = client_for(username)
    assert client.get(reverse("people:organization", args=[code])).status_code == 404
    assert client.get(reverse("people:organization_edit", args=[code])).status_code == 404


def test_unknown_organization_code_answers_404(client_for: ClientFor) -> None:
    response = client_for("vanphong").get(reverse("people:organization", args=["KHONG.CO"]))
    assert response.status_code == 404
    assert "Không tìm thấy" in page_text(response)


# Lists ----------------------------------------------------------------------------------------


def test_organization_list_shows_only_visible_organizations(client_for: ClientFor) -> None:
    response = client_for("bithu").get(reverse("people:organization_list"))
    assert [row["org"].code for row in response.context["rows"]] == [TCCB]
    response = client_for("vanphong").get(reverse("people:organization_list"))
    assert len(response.context["rows"]) == 8


def test_member_list_filters_by_organization_and_paginates(client_for: ClientFor) -> None:
    client = client_for("vanphong")
    response = client.get(reverse("people:member_list"))
    assert response.context["page_obj"].paginator.count == 50
    response = client.get(reverse("people:member_list"), {"org": TTR})
    assert response.context["page_obj"].paginator.count == 6
    assert all(m.organization.code == TTR for m in response.context["page_obj"])


def test_member_list_of_a_cell_secretary_holds_only_their_cell(client_for: ClientFor) -> None:
    client = client_for("bithu")
    response = client.get(reverse("people:member_list"))
    assert {m.organization.code for m in response.context["page_obj"]} == {TCCB}
    assert client.get(reverse("people:member_list"), {"org": TTR}).status_code == 404


# The member page ------------------------------------------------------------------------------


def test_member_page_shows_roles_posts_and_history(client_for: ClientFor) -> None:
    tinh = Member.objects.get(full_name="Lê Văn Tính")
    response = client_for("vanphong").get(reverse("people:member", args=[tinh.card_number]))
    assert response.status_code == 200
    text = page_text(response)
    for expected in ("Phó Bí thư", "Ủy viên Ban Thường vụ", "Trưởng phòng Tổ chức cán bộ"):
        assert expected in text
    assert "Quá trình sinh hoạt đảng" in text
    assert "Chính thức" in text


@pytest.mark.parametrize(
    ("username", "cell"), [("bithu", TTR), ("bithu2", TCCB), ("bithu", VP), ("dangvien", TCCB)]
)
def test_outsider_cannot_read_or_change_another_cells_member(
    client_for: ClientFor, username: str, cell: str
) -> None:
    card = first_card(cell)
    member = Member.objects.get(card_number=card)
    client = client_for(username)
    events = AuditEvent.objects.count()
    for name in ("people:member", "people:member_edit", "people:member_transfer"):
        assert client.get(reverse(name, args=[card])).status_code == 404, name
    for name in ("people:party_role_assign", "people:post_assign"):
        assert client.get(reverse(name, args=[card])).status_code == 404, name
    edit = client.post(
        reverse("people:member_edit", args=[card]), member_form(member, full_name="Bị Sửa")
    )
    assert edit.status_code == 404
    transfer = client.post(
        reverse("people:member_transfer", args=[card]),
        {"organization": TCCB, "on": "2024-01-01"},
    )
    assert transfer.status_code == 404
    member.refresh_from_db()
    assert member.full_name != "Bị Sửa"
    assert member.organization.code == cell
    assert AuditEvent.objects.count() == events


def test_search_never_lists_members_of_another_cell(client_for: ClientFor) -> None:
    outsider = Member.objects.get(card_number=first_card(TTR))
    for query in (outsider.full_name, outsider.name_folded, outsider.card_number):
        response = client_for("bithu").get(reverse("people:search"), {"q": query})
        assert outsider not in response.context["members"]
        assert reverse("people:member", args=[outsider.card_number]) not in page_text(response)
    # The same search finds them for the office of the grassroots organization.
    response = client_for("vanphong").get(reverse("people:search"), {"q": outsider.name_folded})
    assert outsider in response.context["members"]


def test_search_inside_another_cell_answers_404(client_for: ClientFor) -> None:
    response = client_for("bithu").get(reverse("people:search"), {"q": "nguyen", "org": TTR})
    assert response.status_code == 404


def test_search_inside_an_organization_lists_its_matching_organizations_first(
    client_for: ClientFor,
) -> None:
    # One matching cell in the demo's department (first by path), 21 under a new province.
    services.create_organization(
        actor=None,
        data=services.OrganizationInput(
            code=f"{DEMO_ORG}.TK", name="Chi bộ Tìm Kiếm", kind="cell", parent_code=DEMO_ORG
        ),
    )
    services.create_organization(
        actor=None,
        data=services.OrganizationInput(code="HN", name="Đảng bộ Hà Nội", kind="provincial"),
    )
    for n in range(21):
        services.create_organization(
            actor=None,
            data=services.OrganizationInput(
                code=f"HN.TK{n:02}", name=f"Chi bộ Tìm Kiếm {n:02}", kind="cell", parent_code="HN"
            ),
        )
    response = client_for("quantri").get(reverse("people:search"), {"q": "tim kiem", "org": "HN"})
    codes = [org.code for org in response.context["orgs"]]
    # The first 20 of the province's own, not the country's first 20 filtered afterwards.
    assert codes == [f"HN.TK{n:02}" for n in range(20)]


@pytest.mark.parametrize("username", ["khoi", "dangvien"])
def test_readers_get_403_on_write_forms_of_what_they_can_see(
    client_for: ClientFor, user_named: Callable[[str], Any], username: str
) -> None:
    client = client_for(username)
    member = (
        Member.objects.get(user=user_named("dangvien"))
        if username == "dangvien"
        else Member.objects.get(card_number=first_card(TCCB))
    )
    card = member.card_number
    events = AuditEvent.objects.count()
    urls = [
        reverse("people:member_edit", args=[card]),
        reverse("people:member_transfer", args=[card]),
        reverse("people:party_role_assign", args=[card]),
        reverse("people:post_assign", args=[card]),
        reverse("people:member_create"),
        reverse("people:organization_create"),
    ]
    if username == "khoi":
        urls += [
            reverse("people:organization_edit", args=[DEMO_ORG]),
            reverse("people:organization_edit", args=[TCCB]),
            reverse("people:organization_create") + f"?parent={DEMO_ORG}",
        ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(urls[0], member_form(member, full_name="Bị Sửa")).status_code == 403
    if username == "khoi":
        response = client.post(
            reverse("people:organization_edit", args=[TCCB]),
            {"name": "Tên mới", "parent": DEMO_ORG, "agency": "", "version": 1},
        )
        assert response.status_code == 403
    member.refresh_from_db()
    assert member.full_name != "Bị Sửa"
    assert AuditEvent.objects.count() == events


def test_cell_secretary_may_edit_their_cells_member_but_not_the_cell(
    client_for: ClientFor,
) -> None:
    client = client_for("bithu")
    member = Member.objects.get(card_number=first_card(TCCB))
    response = client.post(
        reverse("people:member_edit", args=[member.card_number]),
        member_form(member, full_name="nguyễn  thị   mới"),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Nguyễn Thị Mới"
    assert client.get(reverse("people:organization_edit", args=[TCCB])).status_code == 403
    # No other cell to move members to: transferring out is the grassroots office's work.
    assert (
        client.get(reverse("people:member_transfer", args=[member.card_number])).status_code == 403
    )


# Forms through the services -------------------------------------------------------------------


def test_stale_member_form_is_refused_with_the_concurrent_edit_message(
    client_for: ClientFor,
) -> None:
    member = Member.objects.get(card_number=first_card(VP))
    stale = member_form(member, full_name="Người Sửa Sau")
    services.update_member(
        actor=None,
        card_number=member.card_number,
        data=member_input(member, full_name="Người Sửa Trước", organization_code=VP),
    )
    events = AuditEvent.objects.count()
    response = client_for("vanphong").post(
        reverse("people:member_edit", args=[member.card_number]), stale
    )
    assert response.status_code == 200
    assert "người khác sửa" in page_text(response)
    member.refresh_from_db()
    assert member.full_name == "Người Sửa Trước"
    assert AuditEvent.objects.count() == events


def test_creating_a_member_with_a_duplicate_card_shows_the_error_on_card_number(
    client_for: ClientFor,
) -> None:
    events = AuditEvent.objects.count()
    members = Member.objects.count()
    response = client_for("vanphong").post(
        reverse("people:member_create"), new_member_form(card_number="45.000001")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["card_number"] == [
        "Số thẻ đảng viên «45.000001» không dùng được cho đảng viên mới: số thẻ đã được cấp."
    ]
    assert Member.objects.count() == members
    assert AuditEvent.objects.count() == events


def test_creating_a_member_writes_it_with_one_audit_event(client_for: ClientFor) -> None:
    events = AuditEvent.objects.count()
    response = client_for("bithu").post(reverse("people:member_create"), new_member_form())
    assert response.status_code == 302
    member = Member.objects.get(card_number=NEW_CARD)
    assert response["Location"] == reverse("people:member", args=[member.card_number])
    assert member.organization.code == TCCB
    assert AuditEvent.objects.count() == events + 1


def test_cell_secretary_cannot_create_a_member_in_another_cell(client_for: ClientFor) -> None:
    response = client_for("bithu").post(
        reverse("people:member_create"), new_member_form(organization=TTR)
    )
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not Member.objects.filter(card_number=NEW_CARD).exists()


def test_member_form_shows_vietnamese_errors_next_to_fields(client_for: ClientFor) -> None:
    response = client_for("vanphong").post(
        reverse("people:member_create"),
        new_member_form(full_name="", joined_on="31/02/2015", full_member_on=""),
    )
    errors = response.context["form"].errors
    assert errors["full_name"] == ["Vui lòng nhập họ và tên."]
    assert errors["joined_on"] == ["Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm."]
    response = client_for("vanphong").post(
        reverse("people:member_create"), new_member_form(full_member_on="")
    )
    assert response.context["form"].errors["full_member_on"] == [
        "Đảng viên chính thức phải có ngày chính thức."
    ]


@pytest.mark.parametrize(
    ("born", "joined", "words"),
    [
        ("1990-05-01", "2099-03-02", "chưa tới"),
        ("2010-05-01", "2020-03-02", "Điều lệ Đảng (Điều 1)"),
        ("2002-03-03", "2020-03-02", "17 tuổi"),
    ],
    ids=["joined-in-the-future", "admitted-at-nine", "a-day-short-of-eighteen"],
)
def test_the_member_form_refuses_impossible_joining_dates_on_the_joining_field(
    client_for: ClientFor, born: str, joined: str, words: str
) -> None:
    events = AuditEvent.objects.count()
    response = client_for("vanphong").post(
        reverse("people:member_create"),
        new_member_form(
            birth_date=born, joined_on=joined, full_member_on="", status="probationary"
        ),
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["joined_on"]
    assert words in error
    assert "Ngày vào Đảng" in error
    assert not Member.objects.filter(card_number=NEW_CARD).exists()
    assert AuditEvent.objects.count() == events


def test_the_member_form_admits_a_member_on_the_day_she_turns_eighteen(
    client_for: ClientFor,
) -> None:
    response = client_for("vanphong").post(
        reverse("people:member_create"),
        new_member_form(
            birth_date="2002-03-02", joined_on="2020-03-02", full_member_on="2021-03-02"
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Member.objects.get(card_number=NEW_CARD).joined_on == dt.date(2020, 3, 2)


def test_moving_an_organization_under_its_own_cell_is_an_error_on_the_parent_field(
    client_for: ClientFor,
) -> None:
    org = Organization.objects.get(code=DEMO_ORG)
    events = AuditEvent.objects.count()
    response = client_for("vanphong").post(
        reverse("people:organization_edit", args=[DEMO_ORG]),
        {"name": org.name, "parent": TCCB, "agency": "UBND.QT.SGDDT", "version": org.version},
    )
    # vanphong administers SGDDT but not its parent: a cycle and a foreign parent both refuse.
    assert response.status_code == 200
    assert "vòng lặp" in response.context["form"].errors["parent"][0]
    org.refresh_from_db()
    assert org.parent is not None
    assert org.parent.code == "QT.KCQDN"
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("parent", "message"),
    [
        ("KHONG.CO", "Không có tổ chức mã «KHONG.CO»."),
        ("UBND.QT", "Không có tổ chức mã «UBND.QT»."),  # exists, but outside the scope
        ("QT.KCQDN", "Không có tổ chức mã «QT.KCQDN»."),
    ],
)
def test_unknown_or_invisible_parent_code_is_an_error_on_the_parent_field(
    client_for: ClientFor, parent: str, message: str
) -> None:
    org = Organization.objects.get(code=TCCB)
    response = client_for("vanphong").post(
        reverse("people:organization_edit", args=[TCCB]),
        {"name": org.name, "parent": parent, "agency": "", "version": org.version},
    )
    assert response.context["form"].errors["parent"] == [message]
    org.refresh_from_db()
    assert org.parent is not None
    assert org.parent.code == DEMO_ORG


def test_creating_a_cell_under_the_grassroots_organization(client_for: ClientFor) -> None:
    response = client_for("vanphong").post(
        reverse("people:organization_create") + f"?parent={DEMO_ORG}",
        {"code": f"{DEMO_ORG}.MOI", "name": "Chi bộ Mới", "kind": "cell", "parent": DEMO_ORG},
    )
    assert response.status_code == 302
    org = Organization.objects.get(code=f"{DEMO_ORG}.MOI")
    assert org.parent is not None
    assert org.parent.code == DEMO_ORG
    response = client_for("vanphong").post(
        reverse("people:organization_create"),
        {"code": f"{DEMO_ORG}.MOI", "name": "Chi bộ Trùng", "kind": "cell", "parent": DEMO_ORG},
    )
    assert response.context["form"].errors["code"] == [
        f"Mã tổ chức «{DEMO_ORG}.MOI» không dùng được cho tổ chức mới: mã đã được dùng."
    ]


def test_stale_organization_form_is_refused(client_for: ClientFor) -> None:
    org = Organization.objects.get(code=TTR)
    response = client_for("vanphong").post(
        reverse("people:organization_edit", args=[TTR]),
        {"name": "Chi bộ Thanh tra Sở", "parent": DEMO_ORG, "agency": "", "version": 0},
    )
    assert "người khác sửa" in page_text(response)
    org.refresh_from_db()
    assert org.name == "Chi bộ Thanh tra"


def test_renaming_an_organization_keeps_the_old_name_in_history(client_for: ClientFor) -> None:
    org = Organization.objects.get(code=TTR)
    response = client_for("vanphong").post(
        reverse("people:organization_edit", args=[TTR]),
        {
            "name": "Chi bộ Thanh tra Sở",
            "renamed_on": "2025-07-01",
            "parent": DEMO_ORG,
            "agency": "UBND.QT.SGDDT",
            "version": org.version,
        },
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "Chi bộ Thanh tra Sở"
    assert list(org.names.order_by("pk").values_list("name", flat=True)) == [
        "Chi bộ Thanh tra",
        "Chi bộ Thanh tra Sở",
    ]


def test_transfer_through_the_form_keeps_the_membership_history(client_for: ClientFor) -> None:
    card = first_card(TTR)
    response = client_for("vanphong").post(
        reverse("people:member_transfer", args=[card]),
        {"organization": VP, "on": "2024-09-01", "note": "QĐ 12-QĐ/ĐU"},
    )
    assert response.status_code == 302
    history = list(
        Membership.objects.filter(member__card_number=card)
        .order_by("start")
        .values_list("organization__code", "end")
    )
    assert history == [(TTR, dt.date(2024, 8, 31)), (VP, None)]


def test_transfer_dated_before_the_current_membership_is_an_error_on_the_date(
    client_for: ClientFor,
) -> None:
    card = first_card(TTR)
    response = client_for("vanphong").post(
        reverse("people:member_transfer", args=[card]), {"organization": VP, "on": "1950-01-01"}
    )
    assert response.status_code == 200
    assert "on" in response.context["form"].errors
    assert Member.objects.get(card_number=card).organization.code == TTR


def test_assigning_a_party_role_and_a_post(client_for: ClientFor) -> None:
    card = first_card(TTR)
    client = client_for("vanphong")
    response = client.post(
        reverse("people:party_role_assign", args=[card]),
        {
            "organization": TTR,
            "role": "deputy_secretary",
            "term": "2020-2025",
            "start": "2021-01-04",
        },
    )
    assert response.status_code == 302
    assert PartyRole.objects.filter(
        member__card_number=card, organization__code=TTR, role="deputy_secretary"
    ).exists()
    response = client.post(
        reverse("people:party_role_assign", args=[card]),
        {"organization": TTR, "role": "secretary", "term": "2020-2025", "start": "2021-01-04"},
    )
    assert response.status_code == 200
    assert "Bí thư đương nhiệm" in response.context["form"].errors["role"][0]
    response = client.post(
        reverse("people:post_assign", args=[card]),
        {"agency": "UBND.QT.SGDDT", "title": "deputy_head_of_division", "start": "2022-01-01"},
    )
    assert response.status_code == 302
    assert Post.objects.filter(member__card_number=card, title="deputy_head_of_division").exists()


# Search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["le van tinh", "LE VAN TINH", "Lê Văn Tính", "van tinh"])
def test_search_ignores_diacritics_and_case(client_for: ClientFor, query: str) -> None:
    response = client_for("vanphong").get(reverse("people:search"), {"q": query})
    assert "Lê Văn Tính" in [m.full_name for m in response.context["members"]]
    assert "<html" in page_text(response)


def test_search_finds_organizations_too(client_for: ClientFor) -> None:
    response = client_for("vanphong").get(reverse("people:search"), {"q": "chi bo thanh tra"})
    assert [o.code for o in response.context["orgs"]] == [TTR]


def test_htmx_search_returns_only_the_results_fragment(client_for: ClientFor) -> None:
    response = client_for("bithu").get(
        reverse("people:search"), {"q": "le van tinh", "org": TCCB}, HTTP_HX_REQUEST="true"
    )
    text = page_text(response)
    assert "<html" not in text
    assert "Lê Văn Tính" in text
    assert 'data-testid="search-results"' in text
