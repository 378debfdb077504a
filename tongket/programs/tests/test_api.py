"""REST API of programs: drafting, adoption that seals, amendments with a reason, item tracking,
scoped like the web (outside scope 404, visible but not writable 403), every refusal with its
rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tongket.audit.models import AuditEvent
from tongket.core.tests.openapi import documented_paths
from tongket.programs.models import Amendment, Program, ProgramItem, ProgramKind

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
TCCB = f"{ORG}.TCCB"
TTR = f"{ORG}.TTR"
TINH = "45.000009"  # Lê Văn Tính, TCCB (bithu), in charge of items of the department's program
DANGVIEN = "45.000032"  # Lý Thanh Nga, KHTC (dangvien)

ApiFor = Callable[[str], APIClient]


def _program(org: str, kind: str = ProgramKind.WORK, year: int = 2021) -> Program:
    return Program.objects.get(organization__code=org, kind=kind, year=year)


@pytest.fixture
def office(api_for: ApiFor) -> APIClient:
    """The office (vanphong), which writes the department's programs."""
    return api_for("vanphong")


@pytest.fixture
def item() -> ProgramItem:
    """Item 4 of the department's 2021 inspection program."""
    return _program(ORG, ProgramKind.INSPECTION).items.get(code="4")


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.json()
    error: dict[str, Any] = response.json()["error"]
    return error


def draft(api: APIClient, kind: str = "inspection", org: str = ORG) -> dict[str, Any]:
    response = api.post(
        "/api/v1/programs/",
        {"organization": org, "year": 2022, "kind": kind, "title": "Chương trình năm 2022"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def add_item(api: APIClient, program_id: int, **fields: Any) -> Any:
    body: dict[str, Any] = {"program": program_id, "code": "1", "content": "Kiểm tra chi bộ"}
    if "quarter" not in fields:
        body["month"] = 3
    return api.post("/api/v1/program-items/", {**body, **fields}, format="json")


def test_the_list_is_scoped_and_filtered_by_organization_year_and_kind(api_for: ApiFor) -> None:
    office = api_for("vanphong")
    rows = office.get("/api/v1/programs/", {"year": "2021"}).json()["results"]
    assert {(r["organization"], r["kind"]) for r in rows} == {
        (ORG, "work"),
        (ORG, "inspection"),
        (TCCB, "cell_plan"),
    }
    work = office.get("/api/v1/programs/", {"kind": "work"}).json()["results"]
    assert [(r["organization"], r["status"], r["items_total"]) for r in work] == [
        (ORG, "adopted", 9)
    ]
    assert work[0]["items_done"] == 5
    cell = office.get("/api/v1/programs/", {"organization": TCCB}).json()["results"]
    assert [r["kind"] for r in cell] == ["cell_plan"]
    assert cell[0]["parent_program"] == _program(ORG).pk
    # Another cell reads its committee's programs, never the TCCB cell's own plan.
    other = api_for("bithu2").get("/api/v1/programs/").json()["results"]
    assert {r["organization"] for r in other} == {ORG}
    assert api_for("bithu2").get("/api/v1/programs/", {"organization": TCCB}).json()["count"] == 0
    assert office.get("/api/v1/programs/", {"organization": "KHONG.CO"}).json()["count"] == 0
    bad = office.get("/api/v1/programs/", {"year": "năm"})
    assert _error(bad, 400)["field"] == "year"


def test_the_detail_shows_items_progress_and_the_sealed_version(
    api_for: ApiFor, django_assert_max_num_queries: Any
) -> None:
    work = _program(ORG)
    with django_assert_max_num_queries(20):
        response = api_for("vanphong").get(f"/api/v1/programs/{work.pk}/")
    body = response.json()
    assert response.status_code == 200
    assert [i["code"] for i in body["items"]] == [str(n) for n in range(1, 10)]
    assert body["progress"]["by_status"]["done"] == 5
    assert body["progress"]["by_status"]["postponed"] == 1
    postponed = next(i for i in body["items"] if i["status"] == "postponed")
    assert "COVID-19" in postponed["status_reason"]
    assert postponed["status_label"] == "Tạm hoãn"
    # Every 2021 item still open is long past due.
    open_items = {i["id"] for i in body["items"] if i["status"] in ("planned", "in_progress")}
    assert set(body["progress"]["overdue"]) == open_items != set()
    assert body["adopted_on"] == "2021-02-24"
    assert len(body["adopted_snapshot"]["items"]) == 9
    assert body["can_write"] is True
    assert [p["organization"] for p in body["child_plans"]] == [TCCB]
    first = body["items"][0]
    assert first["in_charge_member"] == {"card_number": TINH, "full_name": "Lê Văn Tính"}
    assert first["timing_label"].startswith(("Tháng", "Quý"))


def test_readers_outside_a_members_cell_see_the_name_but_not_the_card_number(
    api_for: ApiFor,
) -> None:
    work = _program(ORG)
    for username in ("bithu2", "dangvien"):
        body = api_for(username).get(f"/api/v1/programs/{work.pk}/").json()
        first = body["items"][0]
        assert first["in_charge_member"] == {"card_number": None, "full_name": "Lê Văn Tính"}
        assert body["adopted_snapshot"]["items"][0]["in_charge_member"] is None
        assert body["can_write"] is False
        assert TINH not in str(body)
    # Of the committee's inspection program, a plain member reads only the item about their
    # own cell (rule programs.inspection.item.read), not the one naming two other members.
    inspection = _program(ORG, ProgramKind.INSPECTION)
    seen = api_for("dangvien").get(f"/api/v1/programs/{inspection.pk}/").json()
    assert [i["code"] for i in seen["items"]] == ["1"]
    named = ProgramItem.objects.get(program=inspection, code="3")
    assert named.content not in str(seen)
    assert api_for("dangvien").get(f"/api/v1/program-items/{named.pk}/").status_code == 404


def test_an_api_client_drafts_adopts_and_then_amends_only_with_a_reason(office: APIClient) -> None:
    program = draft(office)
    assert (program["status"], program["items"], program["adopted_snapshot"]) == (
        "draft",
        [],
        None,
    )
    first = add_item(
        office,
        program["id"],
        activity="inspection",
        subject_organizations=[TTR],
        in_charge_organization=ORG,
        in_charge_text="Ủy ban Kiểm tra Đảng ủy",
    )
    assert first.status_code == 201, first.json()
    assert first.json()["subject_organizations"] == [TTR]
    second = add_item(office, program["id"], code="2", content="Giám sát chuyên đề", quarter=2)
    assert second.status_code == 201, second.json()
    # A draft is edited freely, without a reason and without amendments.
    edited = office.patch(
        f"/api/v1/program-items/{second.json()['id']}/", {"month": 5}, format="json"
    )
    assert edited.status_code == 200, edited.json()
    assert (edited.json()["month"], edited.json()["quarter"]) == (5, None)
    assert not Amendment.objects.filter(program_id=program["id"]).exists()

    adopted = office.post(
        f"/api/v1/programs/{program['id']}/adoption/",
        {"adopted_on": "2022-02-20", "adopted_at": "Hội nghị tổng kết năm 2021"},
        format="json",
    )
    assert adopted.status_code == 200, adopted.json()
    sealed = adopted.json()["adopted_snapshot"]
    assert adopted.json()["status"] == "adopted"
    assert [i["code"] for i in sealed["items"]] == ["1", "2"]
    assert sealed["items"][1]["month"] == 5

    rule = "programs.amendment.reason_required"
    refused = add_item(office, program["id"], code="3", content="Kiểm tra đảng phí", month=9)
    assert _error(refused, 400)["rule"] == rule
    item_url = f"/api/v1/program-items/{first.json()['id']}/"
    assert _error(office.patch(item_url, {"month": 4}, format="json"), 400)["rule"] == rule

    added = add_item(
        office, program["id"], code="3", content="Kiểm tra đảng phí", month=9, reason="Bổ sung"
    )
    assert added.status_code == 201, added.json()
    changed = office.patch(
        item_url, {"month": 4, "reason": "Lùi một tháng vì trùng kỳ họp"}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert [(a["number"], a["reason"]) for a in changed.json()["amendments"]] == [
        (2, "Lùi một tháng vì trùng kỳ họp")
    ]
    detail = office.get(f"/api/v1/programs/{program['id']}/").json()
    assert [a["summary"] for a in detail["amendments"]] == [
        "Bổ sung nội dung 3",
        "Điều chỉnh nội dung 1",
    ]
    assert detail["amendments"][1]["before"]["month"] == 3
    assert detail["amendments"][1]["after"]["month"] == 4
    assert detail["adopted_snapshot"] == sealed  # the adopted version never changes
    assert AuditEvent.objects.filter(action="programs.adopt").count() >= 1


def test_adoption_is_refused_for_an_empty_program_and_for_an_adopted_one(office: APIClient) -> None:
    program = draft(office, kind="work")
    body = {"adopted_on": "2022-02-20", "adopted_at": "Hội nghị"}
    url = f"/api/v1/programs/{program['id']}/adoption/"
    assert _error(office.post(url, body, format="json"), 400)["rule"] == "programs.adopt.empty"
    again = office.post(f"/api/v1/programs/{_program(ORG).pk}/adoption/", body, format="json")
    assert _error(again, 400)["rule"] == "programs.amendment.reason_required"


def test_a_second_program_of_the_same_kind_and_year_is_refused(api_for: ApiFor) -> None:
    office = api_for("vanphong")
    response = office.post(
        "/api/v1/programs/",
        {"organization": ORG, "year": 2021, "kind": "work", "title": "Bản thứ hai"},
        format="json",
    )
    assert _error(response, 400)["rule"] == "programs.unique"
    agency = api_for("quantri").post(
        "/api/v1/programs/",
        {"organization": "UBND.QT.SGDDT", "year": 2022, "kind": "work", "title": "Cơ quan"},
        format="json",
    )
    assert _error(agency, 400)["rule"] == "programs.organization"


def test_a_cell_plan_links_only_to_its_committees_program_of_the_same_year(
    api_for: ApiFor,
) -> None:
    secretary = api_for("bithu2")
    body = {"organization": TTR, "year": 2021, "kind": "cell_plan", "title": "Kế hoạch chi bộ"}
    wrong = secretary.post(
        "/api/v1/programs/",
        {**body, "year": 2022, "parent_program": _program(ORG).pk},
        format="json",
    )
    assert _error(wrong, 400)["rule"] == "programs.parent"
    plan = secretary.post(
        "/api/v1/programs/", {**body, "parent_program": _program(ORG).pk}, format="json"
    )
    assert plan.status_code == 201, plan.json()
    assert plan.json()["parent_program"] == _program(ORG).pk


def test_status_changes_follow_the_allowed_steps_and_need_reasons(office: APIClient) -> None:
    item = _program(ORG).items.get(code="8")
    url = f"/api/v1/program-items/{item.pk}/status/"
    refused = office.post(url, {"status": "postponed"}, format="json")
    error = _error(refused, 400)
    assert (error["rule"], error["field"]) == ("programs.item.reason_required", "reason")
    assert "lý do" in error["message"]
    done = office.post(
        url, {"status": "cancelled", "reason": "Không còn phù hợp", "on": "2021-11-02"}
    )
    assert done.status_code == 200, done.json()
    assert done.json()["history"][-1] == {
        "from_status": "planned",
        "to_status": "cancelled",
        "reason": "Không còn phù hợp",
        "changed_on": "2021-11-02",
        "changed_at": done.json()["history"][-1]["changed_at"],
        "changed_by": "vanphong",
    }
    stuck = office.post(url, {"status": "done"}, format="json")
    assert _error(stuck, 400)["rule"] == "programs.item.transition"
    invalid = office.post(url, {"status": "xong"}, format="json")
    assert _error(invalid, 400)["field"] == "status"


def test_an_inspection_records_conclusions_remedies_and_their_completion(
    office: APIClient,
    item: ProgramItem,
) -> None:
    url = f"/api/v1/program-items/{item.pk}"
    refused = office.post(f"{url}/result/", {"remedy_deadline": "2021-12-31"}, format="json")
    assert _error(refused, 400)["rule"] == "programs.item.data"
    recorded = office.post(
        f"{url}/result/",
        {
            "result": "Đã kiểm tra",
            "conclusions": "Chấp hành tốt",
            "shortcomings": "Hồ sơ chưa đầy đủ",
            "remedies_required": "Bổ sung hồ sơ",
            "remedy_deadline": "2021-12-31",
        },
        format="json",
    )
    assert recorded.status_code == 200, recorded.json()
    assert (recorded.json()["remedy_open"], recorded.json()["remedies_required"]) == (
        True,
        "Bổ sung hồ sơ",
    )
    remedied = office.post(f"{url}/remedied/", {"on": "2021-12-20"}, format="json")
    assert remedied.status_code == 200, remedied.json()
    assert (remedied.json()["remedy_done_on"], remedied.json()["remedy_open"]) == (
        "2021-12-20",
        False,
    )
    work_item = _program(ORG).items.get(code="9")
    nothing = office.post(
        f"/api/v1/program-items/{work_item.pk}/remedied/", {"on": "2021-12-20"}, format="json"
    )
    assert _error(nothing, 400)["rule"] == "programs.item.data"


def test_an_item_is_scheduled_in_one_month_or_one_quarter(office: APIClient) -> None:
    program = draft(office)
    both = add_item(office, program["id"], month=3, quarter=1)
    error = _error(both, 400)
    assert (error["rule"], error["field"]) == ("api.timing", "month")
    assert _error(add_item(office, program["id"], month=None), 400)["rule"] == "api.timing"
    assert _error(add_item(office, program["id"], month=13), 400)["field"] == "month"
    outside = add_item(office, program["id"], content="Kiểm tra", month=2, code="")
    assert _error(outside, 400)["field"] == "code"
    task_only = office.post(
        "/api/v1/program-items/",
        {
            "program": draft(office, kind="work")["id"],
            "code": "1",
            "content": "Kiểm tra",
            "month": 2,
            "activity": "inspection",
        },
        format="json",
    )
    assert _error(task_only, 400)["rule"] == "programs.item.data"


def test_another_cell_gets_404_on_a_cells_plan_like_a_missing_one(api_for: ApiFor) -> None:
    plan = _program(TCCB, ProgramKind.CELL_PLAN)
    item = plan.items.get(code="1")
    outsider = api_for("bithu2")
    for response in (
        outsider.get(f"/api/v1/programs/{plan.pk}/"),
        outsider.get(f"/api/v1/program-items/{item.pk}/"),
        outsider.get("/api/v1/program-items/", {"program": plan.pk}),
        outsider.post(f"/api/v1/program-items/{item.pk}/status/", {"status": "done"}),
        outsider.post(
            f"/api/v1/programs/{plan.pk}/adoption/",
            {"adopted_on": "2021-03-01", "adopted_at": "Chi bộ"},
        ),
        add_item(outsider, plan.pk, reason="Bổ sung"),
        outsider.patch(f"/api/v1/program-items/{item.pk}/", {"content": "Khác"}, format="json"),
        outsider.get("/api/v1/programs/999999999/"),
        outsider.get("/api/v1/program-items/abc/"),
    ):
        assert _error(response, 404)["rule"] == "access.not_found"
    created = outsider.post(
        "/api/v1/programs/",
        {"organization": TCCB, "year": 2022, "kind": "cell_plan", "title": "Không được"},
        format="json",
    )
    assert _error(created, 404)["rule"] == "access.not_found"
    listed = outsider.get("/api/v1/program-items/", {"limit": 200}).json()["results"]
    assert item.pk not in {row["id"] for row in listed}


def test_readers_of_a_program_get_403_on_every_write(api_for: ApiFor) -> None:
    work = _program(ORG)
    item = work.items.get(code="9")
    for username in ("khoi", "bithu2"):
        reader = api_for(username)
        assert reader.get(f"/api/v1/programs/{work.pk}/").status_code == 200
        for response in (
            reader.post(f"/api/v1/program-items/{item.pk}/status/", {"status": "in_progress"}),
            reader.post(f"/api/v1/program-items/{item.pk}/result/", {"result": "Xong"}),
            reader.patch(
                f"/api/v1/program-items/{item.pk}/",
                {"content": "Khác", "reason": "Thử"},
                format="json",
            ),
            add_item(reader, work.pk, code="10", reason="Bổ sung"),
        ):
            assert _error(response, 403)["rule"] == "access.denied"
    created = api_for("khoi").post(
        "/api/v1/programs/",
        {"organization": ORG, "year": 2022, "kind": "work", "title": "Không được"},
        format="json",
    )
    assert _error(created, 403)["rule"] == "access.denied"


def test_a_reader_is_refused_with_403_before_the_body_is_even_read(api_for: ApiFor) -> None:
    work = _program(ORG)
    item = work.items.get(code="9")
    reader = api_for("khoi")
    for url in (
        "/api/v1/programs/",
        f"/api/v1/programs/{work.pk}/adoption/",
        "/api/v1/program-items/",
        f"/api/v1/program-items/{item.pk}/status/",
        f"/api/v1/program-items/{item.pk}/remedied/",
    ):
        assert _error(reader.post(url, {}, format="json"), 403)["rule"] == "access.denied", url
    patched = reader.patch(f"/api/v1/program-items/{item.pk}/", {"month": 99}, format="json")
    assert _error(patched, 403)["rule"] == "access.denied"
    # A writer elsewhere is told what is wrong with the body.
    invalid = api_for("bithu2").post("/api/v1/programs/", {}, format="json")
    assert _error(invalid, 400)["rule"] == "api.required"


def test_the_member_in_charge_tracks_the_item_but_cannot_change_the_plan(
    api_for: ApiFor,
) -> None:
    office = api_for("vanphong")
    program = draft(office, kind="work")
    item = add_item(
        office, program["id"], content="Tổng hợp báo cáo", in_charge_member=DANGVIEN
    ).json()
    member = api_for("dangvien")
    seen = member.get(f"/api/v1/program-items/{item['id']}/").json()
    assert seen["in_charge_member"]["card_number"] == DANGVIEN  # their own card
    assert seen["can_track"] is True
    started = member.post(
        f"/api/v1/program-items/{item['id']}/status/", {"status": "in_progress"}, format="json"
    )
    assert started.status_code == 200, started.json()
    assert started.json()["status"] == "in_progress"
    plan = member.patch(f"/api/v1/program-items/{item['id']}/", {"month": 4}, format="json")
    assert _error(plan, 403)["rule"] == "access.denied"


def test_items_are_listed_by_program_and_status(office: APIClient) -> None:
    work = _program(ORG)
    rows = office.get(
        "/api/v1/program-items/", {"program": str(work.pk), "status": "done", "limit": "100"}
    ).json()["results"]
    assert [r["code"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert all(r["program"] == work.pk for r in rows)
    in_2021 = office.get("/api/v1/program-items/", {"organization": TCCB, "year": "2021"}).json()
    assert in_2021["count"] == 4


def test_the_schema_documents_the_program_endpoints(client: Client) -> None:
    endpoints = {
        "/api/v1/programs/",
        "/api/v1/programs/{id}/",
        "/api/v1/programs/{id}/adoption/",
        "/api/v1/program-items/",
        "/api/v1/program-items/{id}/",
        "/api/v1/program-items/{id}/status/",
        "/api/v1/program-items/{id}/result/",
        "/api/v1/program-items/{id}/remedied/",
    }
    documented_paths(client, endpoints)


def test_a_result_with_nothing_in_it_is_refused_and_nothing_is_written(
    office: APIClient, item: ProgramItem
) -> None:
    url = f"/api/v1/program-items/{item.pk}/result/"
    office.post(url, {"result": "Đã kiểm tra"}, format="json")
    item.refresh_from_db()
    before = AuditEvent.objects.count()
    refused = office.post(url, {}, format="json")
    assert _error(refused, 400)["rule"] == "programs.item.result.empty"
    assert _error(refused, 400)["field"] == "result"
    assert AuditEvent.objects.count() == before
    after = ProgramItem.objects.get(pk=item.pk)
    assert (after.version, after.result) == (item.version, "Đã kiểm tra")


def test_a_result_keeps_the_fields_not_sent_and_resending_it_writes_nothing(
    office: APIClient,
    item: ProgramItem,
) -> None:
    url = f"/api/v1/program-items/{item.pk}/result/"
    full = {"result": "Đã kiểm tra", "conclusions": "Chấp hành tốt"}
    assert office.post(url, full, format="json").status_code == 200
    only = office.post(url, {"shortcomings": "Hồ sơ chưa đầy đủ"}, format="json").json()
    assert (only["result"], only["conclusions"], only["shortcomings"]) == (
        "Đã kiểm tra",
        "Chấp hành tốt",
        "Hồ sơ chưa đầy đủ",
    )
    version = only["version"]
    events = AuditEvent.objects.count()
    again = office.post(url, {"result": " Đã kiểm tra ", "conclusions": "Chấp hành tốt"})
    assert again.status_code == 200, again.json()
    assert again.json()["version"] == version
    assert AuditEvent.objects.count() == events
