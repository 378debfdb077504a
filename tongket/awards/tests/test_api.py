"""REST API of the award register: the register read with filters and scoped like the pages,
proposals generated, adjusted, submitted and decided through the services, awards recorded with
the one-achievement-one-award refusal and its rule, decisions corrected by superseding ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from tongket.audit.models import AuditEvent
from tongket.awards import domain, services
from tongket.awards.models import Award, AwardDecision, AwardProposal, ProposalStatus
from tongket.core.tests.api import refusal, results
from tongket.core.tests.openapi import documented_paths
from tongket.evaluation.domain import Level
from tongket.evaluation.selectors import decided_results
from tongket.people.models import Member, Organization

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
TCCB = f"{ORG}.TCCB"
GIAY_KHEN = domain.PARTY_GRASSROOTS_MEMBER_EXCELLENT
EXEMPLARY = domain.PARTY_BLOC_MEMBER_EXEMPLARY
TWICE = domain.RULE_NOT_REWARDED_TWICE

ApiFor = Callable[[str], APIClient]


def cards_rated(level: Level, code: str = ORG) -> list[str]:
    org = Organization.objects.get(code=code)
    return sorted(
        r.card_number or ""
        for r in decided_results(org, 2020)
        if r.subject_kind == "member" and r.level is level
    )


def tccb_excellent_card() -> str:
    path = Organization.objects.get(code=TCCB).path
    excellent = set(cards_rated(Level.EXCELLENT))
    cards = Member.objects.filter(org_path__startswith=path, card_number__in=excellent)
    return str(cards.order_by("card_number").values_list("card_number", flat=True)[0])


def decision_body(number: str = "99-QĐ/ĐU") -> dict[str, str]:
    return {
        "number": number,
        "date": "2021-03-01",
        "signer_on_behalf": "T/M Đảng ủy",
        "signer_title": "Bí thư",
        "signer_name": "Trần Quốc Hưng",
    }


def record_body(card: str, achievement: str, form: str = domain.PARTY_BLOC_INDIVIDUAL_THEMATIC):
    return {
        "form": form,
        "issuer": "QT.KCQDN",
        "year": 2020,
        "achievement": achievement,
        "member": card,
        "decision": decision_body("7-QĐ/ĐUK"),
    }


# --- the register ------------------------------------------------------------------------------


def test_the_list_filters_by_organization_subtree_year_form_and_issuer(api_for: ApiFor) -> None:
    office = api_for("vanphong")
    giay_khen = results(
        office.get(
            "/api/v1/awards/",
            {"organization": ORG, "year": "2020", "form": GIAY_KHEN, "limit": "50"},
        )
    )
    assert sorted(r["recipient"] for r in giay_khen) == cards_rated(Level.EXCELLENT)
    assert len(giay_khen) == 10
    first = giay_khen[0]
    assert first["issuer"] == ORG
    assert first["issuer_name"] == "Đảng ủy Sở Giáo dục và Đào tạo"
    assert first["decision_number"] == "45-QĐ/ĐU"
    assert first["decision_date"] == "2021-02-24"

    # The cell's own commendation and its members' awards, not the rest of the department.
    in_cell = results(office.get("/api/v1/awards/", {"organization": TCCB, "limit": "100"}))
    tccb_path = Organization.objects.get(code=TCCB).path
    inside = Award.objects.filter(member__org_path__startswith=tccb_path).count() + 1
    assert len(in_cell) == inside
    assert {"organization"} <= {r["recipient_kind"] for r in in_cell}

    by_bloc = results(office.get("/api/v1/awards/", {"issuer": "QT.KCQDN"}))
    assert {r["achievement"] for r in by_bloc} == {
        "trong triển khai thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị trong năm 2020",
        "trong công tác báo cáo viên năm 2020",
    }
    minh = Member.objects.get(full_name="Võ Văn Minh")
    own = results(office.get("/api/v1/awards/", {"member": minh.card_number}))
    assert {r["issuer"] for r in own} >= {"QT.KCQDN", "QT"}
    assert results(office.get("/api/v1/awards/", {"year": "2019"})) == []

    bad = office.get("/api/v1/awards/", {"year": "hai nghìn"})
    assert refusal(bad)["field"] == "year"


def test_another_cells_secretary_sees_none_of_the_cells_awards(api_for: ApiFor) -> None:
    tccb_path = Organization.objects.get(code=TCCB).path
    award = Award.objects.filter(member__org_path__startswith=tccb_path).order_by("pk")[0]
    outsider = api_for("bithu2")
    listed = results(outsider.get("/api/v1/awards/", {"limit": 100}))
    assert award.pk not in {r["id"] for r in listed}
    assert all(r["recipient"] != TCCB for r in listed)
    for url in (
        f"/api/v1/awards/{award.pk}/",
        f"/api/v1/awards/{award.pk}/certificate/",
        f"/api/v1/member-awards/{award.member.card_number}/",  # type: ignore[union-attr]
        f"/api/v1/organization-awards/{TCCB}/",
        "/api/v1/awards/99999999999/",
    ):
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["rule"] == "access.not_found"
    assert outsider.get("/api/v1/awards/", {"organization": TCCB}).status_code == 404
    # The bloc's reader sees the cell's award.
    assert api_for("khoi").get(f"/api/v1/awards/{award.pk}/").status_code == 200


def test_a_member_sees_only_their_own_awards(api_for: ApiFor, user_named: Any) -> None:
    own = user_named("dangvien").member
    listed = results(api_for("dangvien").get("/api/v1/awards/", {"limit": 100}))
    assert {r["recipient"] for r in listed} <= {own.card_number}
    assert len(listed) == Award.objects.filter(member=own).count()


def test_the_member_register_lists_every_award_of_the_member(api_for: ApiFor) -> None:
    minh = Member.objects.get(full_name="Võ Văn Minh")
    body = api_for("vanphong").get(f"/api/v1/member-awards/{minh.card_number}/").json()
    assert body["full_name"] == "Võ Văn Minh"
    assert body["organization"] == minh.organization.code
    achievements = {a["achievement"] for a in body["awards"]}
    assert "trong công tác cộng tác viên dư luận xã hội năm 2020" in achievements
    assert "trong công tác báo cáo viên năm 2020" in achievements
    assert len(body["awards"]) == Award.objects.filter(member=minh).count()


def test_the_organization_register_groups_the_year_by_form_and_issuer(api_for: ApiFor) -> None:
    body = api_for("vanphong").get(f"/api/v1/organization-awards/{ORG}/", {"year": "2020"}).json()
    assert body["year"] == 2020
    assert body["years"][0] == 2020
    groups = {(g["form"], g["issuer_name"]): g["awards"] for g in body["groups"]}
    assert len(groups[(GIAY_KHEN, "Đảng ủy Sở Giáo dục và Đào tạo")]) == 10
    assert body["count"] == sum(len(a) for a in groups.values())


def test_the_certificate_is_a_pdf_even_when_the_client_asks_for_pdf(api_for: ApiFor) -> None:
    award = Award.objects.filter(form__code=GIAY_KHEN).order_by("pk")[0]
    response = api_for("vanphong").get(
        f"/api/v1/awards/{award.pk}/certificate/", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    # Handed out like the web page's certificate: audited as an export of personal data.
    assert AuditEvent.objects.filter(
        action="export.award_certificate", object_id=str(award.pk)
    ).exists()


# --- recording awards ----------------------------------------------------------------------------


def test_the_same_achievement_cannot_be_recorded_twice_and_the_rule_comes_back(
    api_for: ApiFor,
) -> None:
    card = tccb_excellent_card()
    before = Award.objects.count()
    office = api_for("vanphong")
    refused = office.post(
        "/api/v1/awards/",
        record_body(card, "Hoàn thành  xuất sắc nhiệm vụ năm 2020."),
        format="json",
    )
    error = refusal(refused)
    assert error["rule"] == TWICE
    assert "đã được khen thưởng" in error["message"]
    assert error["findings"][0]["citation"]
    assert Award.objects.count() == before

    recorded = office.post(
        "/api/v1/awards/",
        record_body(card, "trong công tác phòng, chống dịch Covid-19 năm 2020"),
        format="json",
    )
    assert recorded.status_code == 201, recorded.json()
    body = recorded.json()
    assert (body["recipient"], body["issuer"], body["decision_number"]) == (
        card,
        "QT.KCQDN",
        "7-QĐ/ĐUK",
    )
    assert body["issuer_name"] == "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh"
    assert Award.objects.count() == before + 1


def test_recording_is_refused_to_a_reader_and_hidden_from_an_outsider(api_for: ApiFor) -> None:
    body = record_body(tccb_excellent_card(), "trong công tác tuyên truyền năm 2020")
    denied = api_for("khoi").post("/api/v1/awards/", body, format="json")
    assert refusal(denied, 403)["rule"] == "access.denied"
    hidden = api_for("bithu2").post("/api/v1/awards/", body, format="json")
    assert hidden.status_code == 404
    collective = {**body, "member": "", "organization": TCCB}
    assert api_for("bithu2").post("/api/v1/awards/", collective, format="json").status_code == 404


def test_an_ineligible_recorded_award_names_the_rule_and_the_field(api_for: ApiFor) -> None:
    good = cards_rated(Level.GOOD)[0]
    refused = api_for("vanphong").post(
        "/api/v1/awards/", record_body(good, "tiêu biểu năm 2020", form=EXEMPLARY), format="json"
    )
    assert refusal(refused)["rule"] == domain.RULE_PARTY_EXCELLENT
    missing = api_for("vanphong").post(
        "/api/v1/awards/", {**record_body(good, "x"), "decision": {}}, format="json"
    )
    assert refusal(missing)["field"].startswith("decision.")


# --- proposals -----------------------------------------------------------------------------------


def test_the_demo_proposal_shows_each_candidate_with_its_reasons(api_for: ApiFor) -> None:
    proposal = AwardProposal.objects.get(organization__code=ORG, year=2020, form__code=GIAY_KHEN)
    office = api_for("vanphong")
    listed = results(office.get("/api/v1/award-proposals/", {"organization": ORG, "year": "2020"}))
    row = next(r for r in listed if r["id"] == proposal.pk)
    assert (row["status"], row["included_count"]) == ("decided", 10)
    assert "candidates" not in row

    body = office.get(f"/api/v1/award-proposals/{proposal.pk}/").json()
    assert body["form"] == GIAY_KHEN
    assert body["decision"] == proposal.decision_id
    assert len(body["candidates"]) == body["candidate_count"] >= 10
    for candidate in body["candidates"]:
        rules = {f["rule"] for f in candidate["findings"]}
        assert domain.RULE_PARTY_EXCELLENT in rules
        assert all(f["citation"] for f in candidate["findings"])
        assert candidate["eligible"] == (candidate["level"] == "excellent")
    # A cell's secretary sees no proposal of the department.
    assert api_for("bithu").get(f"/api/v1/award-proposals/{proposal.pk}/").status_code == 404


def test_an_api_client_generates_adjusts_submits_and_decides_a_proposal(api_for: ApiFor) -> None:
    office = api_for("vanphong")
    made = office.post(
        "/api/v1/award-proposals/",
        {"organization": ORG, "year": 2020, "form": EXEMPLARY},
        format="json",
    )
    assert made.status_code == 201, made.json()
    proposal = made.json()
    assert (proposal["status"], proposal["issuer"]) == ("draft", "QT.KCQDN")
    # Every excellent member already has the Giấy khen for the same words: none is included.
    assert proposal["included_count"] == 0
    excellent = [c for c in proposal["candidates"] if c["level"] == "excellent"][:2]
    assert all(
        TWICE in {f["rule"] for f in c["findings"] if f["severity"] == "error"} for c in excellent
    )
    url = f"/api/v1/award-proposals/{proposal['id']}"
    empty = office.post(f"{url}/submit/")
    assert refusal(empty)["rule"] == "awards.proposal.empty"

    for c in excellent:
        adjusted = office.post(
            f"{url}/adjust/",
            {
                "candidate": c["id"],
                "included": True,
                "achievement": "tiêu biểu trong thực hiện nhiệm vụ năm 2020",
            },
            format="json",
        )
        assert adjusted.status_code == 200, adjusted.json()
    shown = office.get(f"{url}/").json()
    assert shown["included_count"] == 2
    assert all(
        c["eligible"] for c in shown["candidates"] if c["id"] in {e["id"] for e in excellent}
    )

    submitted = office.post(f"{url}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    late = office.post(f"{url}/adjust/", {"candidate": excellent[0]["id"]}, format="json")
    assert late.json()["error"]["rule"] == "awards.proposal.not_draft"

    decided = office.post(f"{url}/decision/", decision_body("3-QĐ/ĐUK"), format="json")
    assert decided.status_code == 201, decided.json()
    assert decided.json()["status"] == "decided"
    awards = results(office.get("/api/v1/awards/", {"decision": decided.json()["decision"]}))
    assert sorted(a["recipient"] for a in awards) == sorted(c["recipient"] for c in excellent)
    again = office.post(f"{url}/decision/", decision_body("4-QĐ/ĐUK"), format="json")
    assert refusal(again)["rule"] == "awards.decision.sealed"


def test_a_decision_rewarding_an_achievement_twice_is_refused_with_the_rule(
    api_for: ApiFor,
) -> None:
    office = api_for("vanphong")
    made = office.post(
        "/api/v1/award-proposals/",
        {"organization": TCCB, "year": 2020, "form": GIAY_KHEN, "issuer": ORG},
        format="json",
    ).json()
    url = f"/api/v1/award-proposals/{made['id']}"
    again = next(c for c in made["candidates"] if c["level"] == "excellent")
    assert not again["eligible"]
    office.post(f"{url}/adjust/", {"candidate": again["id"], "included": True}, format="json")
    assert office.post(f"{url}/submit/").status_code == 200
    before = AwardDecision.objects.count()

    refused = office.post(f"{url}/decision/", decision_body("50-QĐ/ĐU"), format="json")

    error = refusal(refused)
    assert error["rule"] == TWICE
    assert again["recipient_name"] in error["message"]
    assert {f["rule"] for f in error["findings"]} == {TWICE}
    assert AwardDecision.objects.count() == before
    assert AwardProposal.objects.get(pk=made["id"]).status == ProposalStatus.SUBMITTED


def test_generating_is_refused_to_a_reader_and_for_a_year_without_results(api_for: ApiFor) -> None:
    body = {"organization": TCCB, "year": 2020, "form": GIAY_KHEN}
    assert api_for("khoi").post("/api/v1/award-proposals/", body, format="json").status_code == 403
    assert (
        api_for("bithu2").post("/api/v1/award-proposals/", body, format="json").status_code == 404
    )
    none = api_for("bithu").post("/api/v1/award-proposals/", {**body, "year": 2015}, format="json")
    assert refusal(none)["rule"] == "awards.proposal.no_decided_results"


# --- decisions and corrections -------------------------------------------------------------------


def test_a_sealed_decision_is_corrected_by_a_superseding_one_never_in_place(
    api_for: ApiFor,
) -> None:
    sealed = AwardDecision.objects.get(number="45-QĐ/ĐU")
    before = AwardDecision.objects.filter(pk=sealed.pk).values().get()
    office = api_for("vanphong")
    url = f"/api/v1/award-decisions/{sealed.pk}/correction/"

    no_reason = office.post(url, decision_body("46-QĐ/ĐU"), format="json")
    assert refusal(no_reason)["field"] == "reason"
    assert (
        api_for("khoi")
        .post(url, {**decision_body("46-QĐ/ĐU"), "reason": "Ghi nhầm số"}, format="json")
        .status_code
        == 403
    )

    corrected = office.post(
        url, {**decision_body("46-QĐ/ĐU"), "reason": "Ghi nhầm số quyết định"}, format="json"
    )
    assert corrected.status_code == 201, corrected.json()
    new = corrected.json()
    assert (new["supersedes"], new["original"], new["in_force"]) == (sealed.pk, sealed.pk, True)
    assert new["correction_reason"] == "Ghi nhầm số quyết định"
    assert AwardDecision.objects.filter(pk=sealed.pk).values().get() == before
    old = office.get(f"/api/v1/award-decisions/{sealed.pk}/").json()
    assert (old["number"], old["in_force"], old["superseded_by"]) == ("45-QĐ/ĐU", False, new["id"])

    awards = results(office.get("/api/v1/awards/", {"form": GIAY_KHEN, "year": "2020"}))
    assert {(a["decision"], a["decision_number"], a["corrected"]) for a in awards} == {
        (new["id"], "46-QĐ/ĐU", True)
    }
    twice = office.post(url, {**decision_body("47-QĐ/ĐU"), "reason": "Lần nữa"}, format="json")
    assert refusal(twice)["rule"] == "awards.decision.sealed"


def test_decisions_are_listed_as_far_as_the_user_sees(api_for: ApiFor, user_named: Any) -> None:
    office = results(api_for("vanphong").get("/api/v1/award-decisions/", {"year": 2020}))
    numbers = {d["number"] for d in office}
    assert {"45-QĐ/ĐU", "12-QĐ/ĐUK", "30-QĐ/TU"} <= numbers
    by_issuer = results(api_for("vanphong").get("/api/v1/award-decisions/", {"issuer": "QT"}))
    assert [d["number"] for d in by_issuer] == ["30-QĐ/TU"]
    # bithu2 sees the decisions that rewarded someone of their cell, no other.
    ttr_path = Organization.objects.get(code=f"{ORG}.TTR").path
    roots = set(
        Award.objects.filter(member__org_path__startswith=ttr_path).values_list(
            "decision__number", flat=True
        )
    )
    seen = {d["number"] for d in results(api_for("bithu2").get("/api/v1/award-decisions/"))}
    assert seen == roots
    hidden = AwardDecision.objects.get(number="30-QĐ/TU")
    if "30-QĐ/TU" not in roots:
        missing = api_for("bithu2").get(f"/api/v1/award-decisions/{hidden.pk}/")
        assert missing.status_code == 404


def test_the_forms_catalog_lists_the_codes_the_api_takes(api_for: ApiFor) -> None:
    listed = results(api_for("dangvien").get("/api/v1/award-forms/", {"limit": 100}))
    assert set(domain.AWARD_FORMS) == {f["code"] for f in listed}
    one = api_for("dangvien").get(f"/api/v1/award-forms/{GIAY_KHEN}/").json()
    assert one["recipient_kind"] == "individual"
    assert api_for("dangvien").get("/api/v1/award-forms/khong-co/").status_code == 404


def test_the_schema_documents_the_award_endpoints_and_the_certificate_as_binary(
    client: Any,
) -> None:
    paths = documented_paths(
        client,
        (
            "/api/v1/awards/",
            "/api/v1/awards/{id}/",
            "/api/v1/award-forms/",
            "/api/v1/award-decisions/{id}/correction/",
            "/api/v1/award-proposals/",
            "/api/v1/award-proposals/{id}/adjust/",
            "/api/v1/award-proposals/{id}/submit/",
            "/api/v1/award-proposals/{id}/decision/",
            "/api/v1/member-awards/{card_number}/",
            "/api/v1/organization-awards/{code}/",
        ),
    )
    pdf = paths["/api/v1/awards/{id}/certificate/"]["get"]["responses"]["200"]["content"]
    assert pdf["application/pdf"]["schema"] == {"type": "string", "format": "binary"}


def test_write_actions_answer_access_before_reading_the_body(api_for: ApiFor) -> None:
    proposal = AwardProposal.objects.get(organization__code=ORG, year=2020, form__code=GIAY_KHEN)
    sealed = AwardDecision.objects.get(number="45-QĐ/ĐU")
    for url in (
        f"/api/v1/award-proposals/{proposal.pk}/adjust/",
        f"/api/v1/award-proposals/{proposal.pk}/decision/",
    ):
        assert api_for("khoi").post(url, {}, format="json").status_code == 403, url
        assert api_for("bithu").post(url, {}, format="json").status_code == 404, url
    correction = f"/api/v1/award-decisions/{sealed.pk}/correction/"
    # The TCCB secretary sees the Giấy khen of the cell's members but not the other cells'.
    assert api_for("bithu").get(f"/api/v1/award-decisions/{sealed.pk}/").status_code == 200
    assert api_for("bithu").post(correction, {}, format="json").status_code == 403
    assert api_for("khoi").post(correction, {}, format="json").status_code == 403
    assert api_for("vanphong").post(correction, {}, format="json").status_code == 400
    for user in ("khoi", "dangvien"):
        for url in ("/api/v1/awards/", "/api/v1/award-proposals/"):
            assert api_for(user).post(url, {}, format="json").status_code == 403, (user, url)


def test_a_reworded_second_award_needs_a_justification_through_the_api(api_for: ApiFor) -> None:
    minh = Member.objects.get(full_name="Võ Văn Minh")
    office = api_for("vanphong")
    body = {
        "form": domain.PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
        "issuer": "QT",
        "year": 2020,
        "achievement": "Có thành tích trong công tác cộng tác viên dư luận xã hội năm 2020.",
        "member": minh.card_number,
        "decision": {
            "number": "41-QĐ/TU",
            "date": "2021-03-01",
            "signer_on_behalf": "T/M Ban Thường vụ",
            "signer_title": "Bí thư",
        },
    }
    before = Award.objects.count()
    refused = office.post("/api/v1/awards/", body, format="json")
    error = refusal(refused)
    assert (error["rule"], error["field"]) == (services.RULE_REPEAT_JUSTIFICATION, "justification")
    assert [f["rule"] for f in error["findings"]] == [domain.RULE_SAME_FORM_ISSUER_YEAR]
    assert Award.objects.count() == before
    accepted = office.post(
        "/api/v1/awards/", {**body, "justification": "Đợt khen riêng"}, format="json"
    )
    assert accepted.status_code == 201, accepted.json()
    assert Award.objects.count() == before + 1
