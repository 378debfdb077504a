"""REST API v1: scoping exactly like the web, writes through the services, one error body."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tongket.audit.models import AuditEvent
from tongket.people.models import Member, Organization
from tongket.people.tests.inputs import post_new_cell

pytestmark = pytest.mark.django_db

TCCB = "QT.KCQDN.SGDDT.TCCB"
TTR = "QT.KCQDN.SGDDT.TTR"


def new_member(card: str = "99.100001", org: str = TCCB) -> dict[str, object]:
    return {
        "card_number": card,
        "full_name": "nguyễn văn mới",
        "gender": "male",
        "joined_on": "2010-05-19",
        "full_member_on": "2011-05-19",
        "status": "full",
        "organization": org,
    }


def test_a_secretary_lists_only_her_cells_members(api_for):
    body = api_for("bithu").get("/api/v1/members/").json()
    assert body["count"] == Member.objects.filter(organization__code=TCCB).count()
    assert {m["organization"] for m in body["results"]} == {TCCB}


def test_another_cells_member_answers_404_like_a_missing_one(api_for):
    other = Member.objects.filter(organization__code=TTR)[0]
    client = api_for("bithu")
    hidden = client.get(f"/api/v1/members/{other.card_number}/")
    missing = client.get("/api/v1/members/00.000000/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert hidden.json()["error"]["rule"] == "access.not_found"


def test_members_filter_by_organization_subtree_and_search_without_diacritics(api_for):
    client = api_for("vanphong")
    sub = client.get("/api/v1/members/", {"organization": TTR}).json()
    assert sub["count"] == Member.objects.filter(organization__code=TTR).count()
    whole = client.get("/api/v1/members/", {"organization": "QT.KCQDN.SGDDT"}).json()
    assert whole["count"] == 50
    found = client.get("/api/v1/members/", {"q": "le van tinh"}).json()
    assert [m["full_name"] for m in found["results"]] == ["Lê Văn Tính"]


def test_filtering_by_an_organization_outside_the_scope_answers_404(api_for):
    response = api_for("bithu").get("/api/v1/members/", {"organization": TTR})
    assert response.status_code == 404


def test_lists_are_paginated_with_limit_and_offset(api_for):
    body = api_for("vanphong").get("/api/v1/members/", {"limit": 5, "offset": 5}).json()
    assert body["count"] == 50
    assert len(body["results"]) == 5
    assert body["next"]
    assert body["previous"]


def test_a_superior_reader_cannot_write(api_for):
    client = api_for("khoi")
    card = Member.objects.filter(organization__code=TCCB)[0].card_number
    assert client.get(f"/api/v1/members/{card}/").status_code == 200
    response = client.patch(f"/api/v1/members/{card}/", {"full_name": "Ai Đó"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["rule"] == "access.denied"
    created = client.post("/api/v1/members/", new_member(), format="json")
    assert created.status_code == 403


def test_a_secretary_creates_and_updates_a_member_in_her_cell_through_the_services(api_for):
    client = api_for("bithu")
    created = client.post("/api/v1/members/", new_member(), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["full_name"] == "Nguyễn Văn Mới"
    assert AuditEvent.objects.filter(action="member.create", object_id="99.100001").exists()
    patched = client.patch(
        "/api/v1/members/99.100001/", {"birth_date": "1985-01-02", "version": 1}, format="json"
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["birth_date"] == "1985-01-02"
    assert patched.json()["version"] == 2


def test_a_stale_version_is_a_conflict(api_for):
    card = Member.objects.filter(organization__code=TCCB)[0].card_number
    response = api_for("bithu").patch(
        f"/api/v1/members/{card}/", {"full_name": "Tên Mới", "version": 99}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["rule"] == "core.concurrent_edit"


def test_a_secretary_cannot_create_a_member_in_another_cell(api_for):
    response = api_for("bithu").post("/api/v1/members/", new_member(org=TTR), format="json")
    # Like a code that does not exist (issue 17, finding 6): 400 naming the field, not 404.
    assert response.status_code == 400
    assert response.json()["error"]["rule"] == "people.organization.unknown_code"


@pytest.mark.parametrize(
    ("change", "status", "rule", "field"),
    [
        ({"gender": "khác"}, 400, "api.invalid_choice", "gender"),
        ({"joined_on": "19/05/2010"}, 400, "api.invalid", "joined_on"),
        ({"full_name": ""}, 400, "api.blank", "full_name"),
        ({"full_member_on": None}, 400, "people.member.full_date_required", "full_member_on"),
        ({"birth_date": "2011-01-01"}, 400, "people.member.dates", "joined_on"),
        ({"joined_on": "2099-05-19"}, 400, "people.member.joined_in_future", "joined_on"),
        ({"birth_date": "1993-05-20"}, 400, "people.member.admission_age", "joined_on"),
        ({"card_number": "45.000001"}, 400, "people.member.unique_card", "card_number"),
    ],
)
def test_validation_errors_name_the_field_and_the_rule(api_for, change, status, rule, field):
    response = api_for("bithu").post("/api/v1/members/", {**new_member(), **change}, format="json")
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["rule"], error["field"]) == (rule, field)
    assert error["message"]
    assert isinstance(error["findings"], list)


def test_an_office_admin_creates_and_renames_an_organization(api_for):
    client = api_for("vanphong")
    created = post_new_cell(client)
    assert created.status_code == 201, created.json()
    assert created.json()["parent"] == "QT.KCQDN.SGDDT"
    renamed = client.patch(
        "/api/v1/organizations/QT.KCQDN.SGDDT.MOI/", {"name": "Chi bộ Đổi Tên"}, format="json"
    )
    assert renamed.status_code == 200
    assert Organization.objects.get(code="QT.KCQDN.SGDDT.MOI").name == "Chi bộ Đổi Tên"


def test_a_secretary_cannot_rename_her_cell(api_for):
    response = api_for("bithu").patch(
        f"/api/v1/organizations/{TCCB}/", {"name": "Khác"}, format="json"
    )
    assert response.status_code == 403


def test_moving_an_organization_under_its_own_child_is_refused_with_the_rule(api_for):
    response = api_for("vanphong").patch(
        "/api/v1/organizations/QT.KCQDN.SGDDT/", {"parent": TCCB}, format="json"
    )
    assert response.status_code in (400, 404)
    assert response.json()["error"]["rule"] in ("people.organization.cycle", "access.not_found")


def test_organization_list_hides_the_parent_outside_the_scope(api_for):
    body = api_for("vanphong").get("/api/v1/organizations/", {"q": "so giao duc"}).json()
    department = next(o for o in body["results"] if o["code"] == "QT.KCQDN.SGDDT")
    assert department["parent"] is None


def test_posts_and_party_roles_are_scoped_and_created_through_the_services(api_for):
    client = api_for("bithu")
    roles = client.get("/api/v1/party-roles/").json()
    assert roles["count"] >= 1
    assert {r["organization"] for r in roles["results"]} == {TCCB}
    card = Member.objects.filter(organization__code=TCCB).exclude(party_roles__isnull=False)
    card_number = card[0].card_number
    post = client.post(
        "/api/v1/posts/",
        {
            "member": card_number,
            "agency": "UBND.QT.SGDDT",
            "title": "officer",
            "start": "2020-01-01",
        },
        format="json",
    )
    assert post.status_code == 201, post.json()
    assert client.get(f"/api/v1/posts/{post.json()['id']}/").status_code == 200
    assert api_for("bithu2").get(f"/api/v1/posts/{post.json()['id']}/").status_code == 404


def test_anonymous_requests_get_the_same_error_body():
    response = APIClient().get("/api/v1/members/")
    assert response.status_code == 401
    assert response.json()["error"]["rule"] == "access.not_authenticated"


def test_token_authentication_is_scoped_like_the_web(user_named):
    from io import StringIO

    out = StringIO()
    call_command("token", "bithu", stdout=out)
    key = out.getvalue().strip()
    assert AuditEvent.objects.filter(action="token.issue", object_id="bithu").exists()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = client.get("/api/v1/members/").json()
    assert {m["organization"] for m in body["results"]} == {TCCB}
    again = StringIO()
    call_command("token", "bithu", stdout=again)
    assert again.getvalue().strip() == key


def test_the_api_answers_json_only(api_for):
    response = api_for("bithu").get("/api/v1/members/", HTTP_ACCEPT="text/html")
    assert response.status_code in (200, 406)
    assert response["Content-Type"].startswith("application/json")


def test_the_schema_is_valid_json_with_the_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/members/",
        "/api/v1/organizations/{code}/",
        "/api/v1/posts/",
        "/api/v1/party-roles/",
    ):
        assert path in schema["paths"]
    assert "Error" in schema["components"]["schemas"]


def test_the_documentation_page_loads_nothing_from_elsewhere(client_for):
    response = client_for("bithu").get("/api/v1/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/api/v1/members/{card_number}/" in html
    assert not re.findall(r'(?:src|href|action)="(?:https?:)?//', html)
    assert "<script>" not in html


def test_the_schema_generates_and_validates_without_a_single_warning(tmp_path):
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    # --fail-on-warn makes any warning or error of the generator a failure (colliding enum
    # names, an operationId used twice, a field whose type cannot be guessed...).
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(tmp_path / "schema.json"),
    )
    schema = json.loads((tmp_path / "schema.json").read_text())
    enums = {name for name in schema["components"]["schemas"] if name.endswith("Enum")}
    assert {"OrganizationKindEnum", "ProgramKindEnum", "MeetingKindEnum"} <= enums
    assert {"MemberStatusEnum", "ItemStatusEnum", "DocumentKindEnum"} <= enums
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len({op["operationId"] for op in operations}) == len(operations)
    # The documentation is in Vietnamese: no English docstring leaks into it.
    english = [op["operationId"] for op in operations if op.get("description", "").isascii()]
    assert english == [op["operationId"] for op in operations if not op.get("description")]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/organizations/", {"kind": "không có"}),
        ("/api/v1/members/", {"gender": "?"}),
        ("/api/v1/posts/", {"start": "hôm qua"}),
        ("/api/v1/party-roles/", {"role": 7}),
    ],
)
def test_a_user_without_a_write_grant_is_refused_whatever_the_body(api_for, path, body):
    for username in ("khoi", "dangvien"):
        response = api_for(username).post(path, body, format="json")
        assert response.status_code == 403, (path, username)
        assert response.json()["error"]["rule"] == "access.denied"


def test_a_reader_gets_403_and_an_outsider_404_before_the_body_is_read(api_for):
    card = Member.objects.filter(organization__code=TCCB)[0].card_number
    bad = {"birth_date": "không rõ", "version": "một"}
    assert api_for("khoi").patch(f"/api/v1/members/{card}/", bad, format="json").status_code == 403
    assert (
        api_for("bithu2").patch(f"/api/v1/members/{card}/", bad, format="json").status_code == 404
    )
    renamed = api_for("bithu").patch(f"/api/v1/organizations/{TCCB}/", {"name": ""}, format="json")
    assert (renamed.status_code, renamed.json()["error"]["rule"]) == (403, "access.denied")


def test_an_empty_partial_update_writes_and_audits_nothing(api_for):
    member = Member.objects.filter(organization__code=TCCB)[0]
    org = Organization.objects.get(code=TCCB)
    versions = (member.version, org.version)
    before = AuditEvent.objects.count()
    same = api_for("bithu").patch(f"/api/v1/members/{member.card_number}/", {}, format="json")
    assert (same.status_code, same.json()["version"]) == (200, member.version)
    kept = api_for("vanphong").patch(
        f"/api/v1/organizations/{TCCB}/", {"version": org.version}, format="json"
    )
    assert (kept.status_code, kept.json()["code"]) == (200, TCCB)
    assert AuditEvent.objects.count() == before
    stale = api_for("vanphong").patch(
        f"/api/v1/organizations/{TCCB}/", {"version": org.version + 5}, format="json"
    )
    assert stale.status_code == 409
    member.refresh_from_db()
    org.refresh_from_db()
    assert (member.version, org.version) == versions


def test_the_api_documentation_lists_every_operation_of_the_schema(client, settings):
    doc = (settings.PROJECT_DIR / "docs" / "api.md").read_text(encoding="utf-8")
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = [
        f"{method.upper()} {path.removeprefix('/api/v1/')}"
        for path, methods in paths.items()
        for method in methods
    ]
    assert len(operations) > 80
    missing = [op for op in operations if f"`{op}`" not in doc]
    assert not missing, f"docs/api.md does not list: {missing}"
