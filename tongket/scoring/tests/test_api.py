"""REST API of scoring: frames, sheets, rankings and targets read and written through the same
selectors and services as the pages, scoped like them, every refusal with its rule."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tongket.accounts import services as accounts
from tongket.accounts.models import Role
from tongket.core.tests.openapi import documented_paths
from tongket.scoring import domain, services
from tongket.scoring.models import Frame, PeerGroup, ScoreLine, ScoreSheet, SheetStatus, Target

pytestmark = pytest.mark.django_db

D = Decimal
SGDDT = "UBND.QT.SGDDT"
STC = "UBND.QT.STC"
DEPARTMENT = "QT.KCQDN.SGDDT"
SEALED = "scoring.sheet.sealed"

ApiFor = Callable[[str], APIClient]


@pytest.fixture
def api_for(user_named: Callable[[str], Any]) -> ApiFor:
    """An API client for a demo user, or for "tinh": the office of the province's People's
    Committee (UBND.QT), which issues the frames and the targets."""

    def make(username: str) -> APIClient:
        if username == "tinh" and not get_user_model().objects.filter(username="tinh").exists():
            get_user_model().objects.create_user("tinh", password="x")
            accounts.grant_access(
                actor=None, username="tinh", organization_code="UBND.QT", role=Role.OFFICE_ADMIN
            )
        client = APIClient()
        client.force_authenticate(user_named(username))
        return client

    return make


def small_frame() -> Frame:
    c = domain.Criterion
    frame = domain.Frame(
        code="T-2021",
        title="Khung thử năm 2021",
        issuer="Ủy ban nhân dân tỉnh Quảng Trị",
        year=2021,
        version=1,
        criteria=(
            c("1", "Nhiệm vụ", D(60), children=(c("1.1", "A", D(30)), c("1.2", "B", D(30)))),
            c("2", "Cải cách", D(40)),
            c("B", "Điểm thưởng", D(5), domain.CriterionKind.BONUS),
        ),
        bands=(
            domain.Band(D(90), "Hoàn thành xuất sắc nhiệm vụ", "excellent"),
            domain.Band(D(0), "Hoàn thành nhiệm vụ", "completed"),
        ),
    )
    return services.create_frame(actor=None, issuer_code="UBND.QT", series="T", frame=frame)


def sealed_sheet() -> ScoreSheet:
    return ScoreSheet.objects.get(unit__code=SGDDT, frame__code="QT-HTNV-SBN-2020")


def scores(values: dict[str, str], text: str = "evidence") -> dict[str, Any]:
    return {code: {"score": value, text: "Báo cáo năm."} for code, value in values.items()}


def post(api: APIClient, url: str, body: dict[str, Any] | None = None) -> Any:
    return api.post(url, body or {}, format="json")


def rule(response: Any) -> str:
    value: str = response.json()["error"]["rule"]
    return value


# --- frames ------------------------------------------------------------------------------------


def test_frames_are_listed_by_year_and_series_and_the_detail_gives_the_criteria_tree(
    api_for: ApiFor,
) -> None:
    office = api_for("vanphong")
    body = office.get("/api/v1/frames/", {"year": "2020"}).json()
    assert {f["series"] for f in body["results"]} == {"QT-HTNV-SBN", "QT-CCHC-SO"}
    task = office.get("/api/v1/frames/", {"year": "2020", "series": "QT-HTNV-SBN"}).json()
    [frame] = task["results"]
    assert (frame["code"], frame["max_points"], frame["issuer"]) == (
        "QT-HTNV-SBN-2020",
        "350.0",
        "UBND.QT",
    )
    detail = office.get(f"/api/v1/frames/{frame['id']}/").json()
    first = detail["criteria"][0]
    assert (first["code"], first["max"], first["kind"]) == ("1", "150", "normal")
    assert [c["code"] for c in first["children"]] == ["1.1", "1.2", "1.3"]
    leaf = first["children"][0]["children"][0]
    assert (leaf["code"], leaf["children"]) == ("1.1.a", [])
    assert detail["bands"][0]["code"]


def test_a_plain_member_sees_no_frame(api_for: ApiFor) -> None:
    member = api_for("dangvien")
    frame = Frame.objects.get(code="QT-HTNV-SBN-2020")
    assert member.get("/api/v1/frames/").json()["count"] == 0
    response = member.get(f"/api/v1/frames/{frame.pk}/")
    assert response.status_code == 404
    assert rule(response) == "access.not_found"


def test_the_issuer_sees_its_new_frame_before_any_unit_does(api_for: ApiFor) -> None:
    frame = small_frame()
    assert api_for("tinh").get(f"/api/v1/frames/{frame.pk}/").status_code == 200
    assert api_for("vanphong").get(f"/api/v1/frames/{frame.pk}/").status_code == 404


# --- sheets ------------------------------------------------------------------------------------


def test_sheets_filter_by_a_party_organization_and_year_and_give_the_seed_totals(
    api_for: ApiFor,
) -> None:
    office = api_for("vanphong")
    body = office.get("/api/v1/score-sheets/", {"organization": DEPARTMENT, "year": "2020"}).json()
    totals = {
        r["series"]: (r["appraised_points"], r["appraised_max"], r["rank"], r["rank_of"])
        for r in body["results"]
    }
    assert totals == {
        "QT-HTNV-SBN": ("326.7", "350.0", 1, 20),
        "QT-CCHC-SO": ("88.57", "97.0", 2, 20),
    }
    assert {r["unit"] for r in body["results"]} == {SGDDT}
    page = office.get("/api/v1/score-sheets/", {"limit": 1}).json()
    assert len(page["results"]) == 1
    assert page["count"] == 4  # 2019 and 2020, two series
    assert page["next"]


def test_the_sheet_detail_gives_every_line_with_self_and_appraised_scores(api_for: ApiFor) -> None:
    sheet = sealed_sheet()
    body = api_for("bithu").get(f"/api/v1/score-sheets/{sheet.pk}/").json()
    assert [line["code"] for line in body["lines"]] == list(
        ScoreLine.objects.filter(sheet=sheet).order_by("position").values_list("code", flat=True)
    )
    line = next(line for line in body["lines"] if line["code"] == "1.2")
    assert (line["max"], line["self_points"], line["appraised_points"]) == ("50.0", "47.0", "45.0")
    assert (line["differs"], line["difference"]) == (True, "-2.0")
    assert line["evidence"] == "Báo cáo kết quả năm của đơn vị."
    assert (body["self_total"]["points"], body["appraised_total"]["points"]) == ("330.5", "326.7")
    assert body["appraised_total"]["max"] == "350.0"
    assert body["differences"] == 3 + 3  # three leaves and the groups above them
    assert (body["status"], body["may_enter_self"], body["may_appraise"]) == (
        "sealed",
        False,
        False,
    )


def test_a_sealed_sheet_refuses_self_scores_and_appraisal_with_the_rule(api_for: ApiFor) -> None:
    sheet = sealed_sheet()
    before = list(sheet.lines.values_list("code", "self_score", "appraised_score"))
    for username, step in (("vanphong", "self-scores"), ("quantri", "appraisal")):
        response = post(
            api_for(username),
            f"/api/v1/score-sheets/{sheet.pk}/{step}/",
            {"lines": scores({"1.2": "50"})},
        )
        assert response.status_code == 400, username
        assert rule(response) == SEALED
        assert "công bố" in response.json()["error"]["message"]
    assert list(sheet.lines.values_list("code", "self_score", "appraised_score")) == before


def test_a_unit_enters_its_scores_the_issuer_appraises_and_publishing_seals_the_group(
    api_for: ApiFor,
) -> None:
    frame = small_frame()
    services.create_peer_group(actor=None, frame_id=frame.pk, name="Nhóm", unit_codes=[SGDDT, STC])
    office, issuer = api_for("vanphong"), api_for("tinh")

    opened = post(office, "/api/v1/score-sheets/", {"unit": SGDDT, "frame": frame.pk})
    assert opened.status_code == 201, opened.json()
    sheet = opened.json()
    assert (sheet["status"], len(sheet["lines"]), sheet["may_enter_self"]) == ("draft", 5, True)
    again = post(office, "/api/v1/score-sheets/", {"unit": SGDDT, "frame": frame.pk})
    assert (again.status_code, again.json()["id"]) == (200, sheet["id"])
    url = f"/api/v1/score-sheets/{sheet['id']}"

    draft = post(office, f"{url}/self-scores/", {"lines": scores({"1.1": "20"})})
    assert draft.status_code == 200, draft.json()
    assert draft.json()["self_points"] == "20.0"
    replaced = post(
        office,
        f"{url}/self-scores/",
        {"lines": scores({"1.1": "29", "1.2": "28", "B": "2"}), "not_applicable": ["2"]},
    )
    assert replaced.json()["self_total"] == {
        "points": "59.0",
        "max": "60.0",
        "frame_max": "100.0",
        "base_points": "57.0",
        "bonus_points": "2.0",
        "penalty_points": "0.0",
        "level": "Hoàn thành xuất sắc nhiệm vụ",
        "level_code": "excellent",
    }
    stale = post(
        office, f"{url}/self-scores/", {"lines": {}, "version": replaced.json()["version"] - 1}
    )
    assert stale.status_code == 409
    assert rule(stale) == "core.concurrent_edit"
    too_high = post(office, f"{url}/self-scores/", {"lines": scores({"1.1": "31"})})
    assert too_high.status_code == 400
    assert rule(too_high) == "scoring.score.above_max"
    assert too_high.json()["error"]["findings"][0]["subject"] == "1.1"
    submitted = post(
        office,
        f"{url}/self-scores/",
        {
            "lines": scores({"1.1": "29", "1.2": "28", "B": "2"}),
            "not_applicable": ["2"],
            "submit": True,
            "version": replaced.json()["version"],
        },
    )
    assert submitted.json()["status"] == "self_submitted"
    closed = post(office, f"{url}/self-scores/", {"lines": {}})
    assert rule(closed) == "scoring.sheet.self_closed"

    assert post(office, f"{url}/appraisal/", {"lines": {}}).status_code == 403
    appraised = post(
        issuer, f"{url}/appraisal/", {"lines": scores({"1.1": "27", "1.2": "28"}, "comment")}
    )
    assert appraised.status_code == 200, appraised.json()
    body = appraised.json()
    assert (body["status"], body["appraised_points"], body["appraised_max"]) == (
        "appraised",
        "55.0",
        "60.0",
    )
    line = next(line for line in body["lines"] if line["code"] == "1.1")
    assert (line["differs"], line["comment"]) == (True, "Báo cáo năm.")

    group = PeerGroup.objects.get(frame=frame)
    assert office.get(f"/api/v1/peer-groups/{group.pk}/").status_code == 404  # not yet published
    early = post(issuer, f"/api/v1/peer-groups/{group.pk}/publish/")
    assert early.status_code == 400
    assert rule(early) == "scoring.publish.not_appraised"
    assert early.json()["error"]["findings"][0]["subject"] == "Sở Tài chính"

    other = post(issuer, "/api/v1/score-sheets/", {"unit": STC, "frame": frame.pk}).json()
    values = scores({"1.1": "30", "1.2": "28", "2": "38"})
    post(
        issuer,
        f"/api/v1/score-sheets/{other['id']}/self-scores/",
        {"lines": values, "submit": True},
    )
    post(issuer, f"/api/v1/score-sheets/{other['id']}/appraisal/", {"lines": values})
    published = post(issuer, f"/api/v1/peer-groups/{group.pk}/publish/")
    assert published.status_code == 200, published.json()
    ranking = published.json()
    assert ranking["is_published"] is True
    # Ranked by the percent of each unit's own maximum: 96/100 before 55/60.
    assert [
        (r["unit"], r["rank"], r["points"], r["max"], r["percent"]) for r in ranking["rows"]
    ] == [(STC, 1, "96.0", "100.0", "96.0"), (SGDDT, 2, "55.0", "60.0", "91.67")]
    assert ScoreSheet.objects.get(pk=sheet["id"]).status == SheetStatus.SEALED
    sealed = post(issuer, f"{url}/appraisal/", {"lines": {}})
    assert rule(sealed) == SEALED
    # Published: the unit sees the ranking now, but may not publish.
    assert office.get(f"/api/v1/peer-groups/{group.pk}/").status_code == 200
    assert post(office, f"/api/v1/peer-groups/{group.pk}/publish/").status_code == 403


def test_readers_get_403_and_outsiders_404_on_sheet_writes(api_for: ApiFor) -> None:
    frame = small_frame()
    sheet = services.open_sheet(actor=None, unit_code=SGDDT, frame_id=frame.pk)
    url = f"/api/v1/score-sheets/{sheet.pk}/self-scores/"
    body = {"lines": scores({"1.1": "20"})}
    assert post(api_for("khoi"), url, body).status_code == 403
    assert post(api_for("bithu2"), url, body).status_code == 403
    refused = post(api_for("dangvien"), url, body)
    assert refused.status_code == 404
    assert rule(refused) == "access.not_found"
    assert api_for("dangvien").get(f"/api/v1/score-sheets/{sheet.pk}/").status_code == 404
    assert not ScoreLine.objects.filter(sheet=sheet, self_score__isnull=False).exists()
    # Opening a sheet needs a write grant: a plain member is refused whatever the body.
    opened = post(api_for("dangvien"), "/api/v1/score-sheets/", {"unit": STC, "frame": frame.pk})
    assert opened.status_code == 403


def test_sheet_writes_check_access_before_the_body_so_a_bad_body_gets_403_or_404(
    api_for: ApiFor,
) -> None:
    frame = small_frame()
    sheet = services.open_sheet(actor=None, unit_code=SGDDT, frame_id=frame.pk)
    bad = {"lines": {"1.1": {"score": "mười"}}, "version": "cũ"}
    for step, readers in (
        ("self-scores", ("bithu", "bithu2", "khoi")),
        ("appraisal", ("vanphong", "bithu", "khoi")),
    ):
        url = f"/api/v1/score-sheets/{sheet.pk}/{step}/"
        for reader in readers:
            refused = post(api_for(reader), url, bad)
            assert (refused.status_code, rule(refused)) == (403, "access.denied"), (step, reader)
        assert post(api_for("dangvien"), url, bad).status_code == 404
    # Whoever may write gets the body checked: the field is named.
    own = post(api_for("vanphong"), f"/api/v1/score-sheets/{sheet.pk}/self-scores/", bad)
    assert own.status_code == 400
    for path in ("/api/v1/score-sheets/", "/api/v1/targets/"):
        assert post(api_for("khoi"), path, {"unit": 1}).status_code == 403


def test_an_invalid_score_names_the_field(api_for: ApiFor) -> None:
    frame = small_frame()
    sheet = services.open_sheet(actor=None, unit_code=SGDDT, frame_id=frame.pk)
    response = post(
        api_for("vanphong"),
        f"/api/v1/score-sheets/{sheet.pk}/self-scores/",
        {"lines": {"1.1": {"score": "mười"}}},
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "lines.1.1.score"


# --- rankings ----------------------------------------------------------------------------------


def test_the_ranking_lists_the_twenty_departments_with_rank_total_and_maximum(
    api_for: ApiFor,
) -> None:
    group = sealed_sheet().peer_group
    assert group is not None
    body = api_for("vanphong").get(f"/api/v1/peer-groups/{group.pk}/").json()
    assert (body["ranked"], body["of"], body["is_published"]) == (20, 20, True)
    first = body["rows"][0]
    assert (first["unit"], first["rank"], first["points"], first["max"]) == (
        SGDDT,
        1,
        "326.7",
        "350.0",
    )
    assert first["sheet"] == sealed_sheet().pk
    assert [r["rank"] for r in body["rows"]] == sorted(r["rank"] for r in body["rows"])
    # Another department's sheet is not the user's to open.
    assert all(r["sheet"] is None for r in body["rows"][1:])
    listed = api_for("vanphong").get("/api/v1/peer-groups/", {"year": 2020}).json()
    assert group.pk in {g["id"] for g in listed["results"]}
    assert api_for("dangvien").get(f"/api/v1/peer-groups/{group.pk}/").status_code == 404


# --- targets -----------------------------------------------------------------------------------


def test_targets_are_listed_for_the_department_four_of_four_met(api_for: ApiFor) -> None:
    body = api_for("bithu").get("/api/v1/targets/", {"organization": DEPARTMENT, "year": "2020"})
    rows = body.json()["results"]
    assert len(rows) == 4
    assert all(r["met"] and r["is_current"] and r["unit"] == SGDDT for r in rows)
    mobilized = next(r for r in rows if r["name"] == "Tỷ lệ huy động trẻ 5 tuổi đến trường")
    assert (mobilized["target_value"], mobilized["achieved_value"]) == ("99.5", "99.8")
    unmet = api_for("bithu").get("/api/v1/targets/", {"organization": DEPARTMENT, "met": "false"})
    assert unmet.json()["count"] == 0
    assert api_for("dangvien").get("/api/v1/targets/").json()["count"] == 0
    hidden = api_for("dangvien").get("/api/v1/targets/", {"organization": DEPARTMENT})
    assert hidden.status_code == 404


def test_a_target_change_adds_a_version_and_the_detail_keeps_the_history(
    api_for: ApiFor,
) -> None:
    target = Target.objects.get(
        unit__code=SGDDT, year=2020, name="Tỷ lệ trường đạt chuẩn quốc gia", is_current=True
    )
    versions = Target.objects.filter(lineage=target.lineage).count()
    issuer = api_for("tinh")
    url = f"/api/v1/targets/{target.pk}/"
    no_reason = issuer.patch(url, {"achieved_value": "10"}, format="json")
    assert no_reason.status_code == 400
    assert rule(no_reason) == "scoring.target.reason"
    assert api_for("vanphong").patch(url, {"reason": "x"}, format="json").status_code == 403
    assert api_for("dangvien").patch(url, {"reason": "x"}, format="json").status_code == 404

    changed = issuer.patch(
        url, {"achieved_value": "10", "reason": "Số liệu chính thức cuối năm."}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    new = changed.json()
    assert (new["version"], new["achieved_value"], new["met"], new["name"]) == (
        versions + 1,
        "10.0",
        False,
        target.name,
    )
    assert [(v["version"], v["is_current"]) for v in new["history"]] == [
        (v, v == versions + 1) for v in range(1, versions + 2)
    ]
    assert new["history"][-1]["change_reason"] == "Số liệu chính thức cuối năm."
    assert target.achieved_value is not None
    assert new["history"][-2]["achieved_value"] == str(target.achieved_value.normalize())
    old = api_for("vanphong").get(url).json()
    assert (old["is_current"], len(old["history"])) == (False, versions + 1)
    stale = issuer.patch(url, {"achieved_value": "11", "reason": "Lần nữa."}, format="json")
    assert rule(stale) == "scoring.target.not_current"


def test_the_issuer_assigns_a_target_and_a_duplicate_is_refused(api_for: ApiFor) -> None:
    body = {
        "unit": SGDDT,
        "issuer": "UBND.QT",
        "year": 2021,
        "name": "Tỷ lệ trường đạt chuẩn quốc gia",
        "unit_of_measure": "%",
        "target_value": "62",
        "achieved_value": "61.5",
    }
    created = post(api_for("tinh"), "/api/v1/targets/", body)
    assert created.status_code == 201, created.json()
    assert (created.json()["met"], created.json()["version"]) == (False, 1)
    again = post(api_for("tinh"), "/api/v1/targets/", body)
    assert again.status_code == 400
    assert rule(again) == "scoring.target.exists"
    assert post(api_for("vanphong"), "/api/v1/targets/", {**body, "year": 2022}).status_code == 403
    assert Target.objects.filter(unit__code=SGDDT, year=2022).count() == 0


def test_the_schema_documents_the_scoring_endpoints(client: Any) -> None:
    documented_paths(
        client,
        (
            "/api/v1/frames/",
            "/api/v1/frames/{id}/",
            "/api/v1/score-sheets/",
            "/api/v1/score-sheets/{id}/",
            "/api/v1/score-sheets/{id}/self-scores/",
            "/api/v1/score-sheets/{id}/appraisal/",
            "/api/v1/peer-groups/{id}/",
            "/api/v1/peer-groups/{id}/publish/",
            "/api/v1/targets/",
            "/api/v1/targets/{id}/",
        ),
    )


def test_a_nul_byte_in_a_filter_matches_nothing_instead_of_failing(api_for: ApiFor) -> None:
    office = api_for("vanphong")
    assert office.get("/api/v1/score-sheets/", {"organization": "QT\x00"}).status_code == 404
    assert office.get("/api/v1/targets/", {"organization": "QT\x00"}).status_code == 404
    for url, param in (
        ("/api/v1/frames/", "series"),
        ("/api/v1/frames/", "issuer"),
        ("/api/v1/score-sheets/", "status"),
        ("/api/v1/peer-groups/", "series"),
        ("/api/v1/targets/", "issuer"),
    ):
        response = office.get(url, {param: "UBND\x00"})
        assert (response.status_code, response.json()["count"]) == (200, 0), (url, param)
