"""Award pages, exports and certificates: scope (outsiders get 404), flow, query counts."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tongket.awards import domain
from tongket.awards.models import Award, AwardProposal
from tongket.awards.tests.recording import record
from tongket.core.demo import DEMO_ORG
from tongket.evaluation.domain import Level
from tongket.evaluation.selectors import decided_results
from tongket.people.models import Member, Organization

pytestmark = pytest.mark.django_db

TCCB = f"{DEMO_ORG}.TCCB"
TTR = f"{DEMO_ORG}.TTR"
GIAY_KHEN = domain.PARTY_GRASSROOTS_MEMBER_EXCELLENT

ClientFor = Callable[[str], Client]


def minh() -> Member:
    return Member.objects.get(full_name="Võ Văn Minh")


def tccb_award() -> Award:
    award = Award.objects.filter(organization__code=TCCB).first()
    assert award is not None
    return award


def test_the_index_lists_the_users_organizations(client_for: ClientFor) -> None:
    response = client_for("vanphong").get(reverse("awards:index"))
    assert response.status_code == 200
    assert "Đảng bộ Sở Giáo dục và Đào tạo" in response.content.decode()


def test_the_organization_page_lists_the_2020_awards_by_form_and_issuer(
    client_for: ClientFor, django_assert_max_num_queries: Any
) -> None:
    client = client_for("vanphong")
    url = reverse("awards:organization", args=[DEMO_ORG]) + "?year=2020"
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    register = response.context["register"]
    assert register.count == 13
    giay_khen = [g for g in register.groups if g.form_code == GIAY_KHEN]
    assert len(giay_khen) == 1
    assert len(giay_khen[0].rows) == 10
    assert giay_khen[0].issuer_name == "Đảng ủy Sở Giáo dục và Đào tạo"
    assert "Tỉnh ủy Quảng Trị" in page
    assert "Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng" in page


def test_the_organization_page_of_another_cell_answers_404(client_for: ClientFor) -> None:
    client = client_for("bithu2")
    assert client.get(reverse("awards:organization", args=[TCCB])).status_code == 404
    assert client.get(reverse("awards:organization", args=[DEMO_ORG])).status_code == 404
    assert client.get(reverse("awards:organization", args=[TTR])).status_code == 200


def test_a_members_award_page_lists_every_award_and_is_hidden_from_outsiders(
    client_for: ClientFor,
) -> None:
    url = reverse("awards:member", args=[minh().card_number])
    response = client_for("vanphong").get(url)
    assert response.status_code == 200
    rows = response.context["rows"]
    forms = {r.form_code for r in rows}
    assert domain.PARTY_PROVINCE_INDIVIDUAL_THEMATIC in forms
    assert domain.PARTY_BLOC_INDIVIDUAL_THEMATIC in forms
    assert client_for("bithu2").get(url).status_code == 404
    assert client_for("dangvien").get(url).status_code == 404


def test_a_plain_member_sees_their_own_awards_page(client_for: ClientFor, user_named: Any) -> None:
    own = user_named("dangvien").member
    response = client_for("dangvien").get(reverse("awards:member", args=[own.card_number]))
    assert response.status_code == 200


def test_the_certificate_pdf_carries_the_recipients_name_with_diacritics(
    client_for: ClientFor,
) -> None:
    # The department's own Giấy khen: its decision names the signer (the outside issuers'
    # sample decisions name none, and their certificates are refused: see below).
    award = Award.objects.get(member=minh(), form__code=domain.PARTY_GRASSROOTS_MEMBER_EXCELLENT)
    response = client_for("vanphong").get(reverse("awards:certificate", args=[award.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # A4 landscape
    text = " ".join(unicodedata.normalize("NFC", page.extract_text()).split())
    assert "Võ Văn Minh" in text
    assert "GIẤY KHEN" in text
    assert "45-QĐ/ĐU" in text


def test_a_certificate_outside_the_scope_answers_404(client_for: ClientFor) -> None:
    url = reverse("awards:certificate", args=[tccb_award().pk])
    assert client_for("bithu2").get(url).status_code == 404
    # In scope, but its decision names no signer: refused with the reason, never printed blank.
    assert client_for("bithu").get(url).status_code == 409


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_contains_nothing_outside_the_users_scope(
    client_for: ClientFor, fmt: str
) -> None:
    outside = reverse("awards:organization_export", args=[DEMO_ORG, 2020, fmt])
    assert client_for("bithu").get(outside).status_code == 404

    response = client_for("bithu").get(
        reverse("awards:organization_export", args=[TCCB, 2020, fmt])
    )
    assert response.status_code == 200
    recipients = _export_column(response.content, fmt, "Số thẻ / mã tổ chức")
    cell_cards = set(
        Member.objects.filter(organization__code=TCCB).values_list("card_number", flat=True)
    )
    assert TCCB in recipients
    assert set(recipients) <= cell_cards | {TCCB}
    assert minh().card_number not in recipients  # Minh is in another cell


def _export_column(content: bytes, fmt: str, header: str) -> list[str]:
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        index = rows[0].index(header)
        return [row[index] for row in rows[1:]]
    sheet = load_workbook(io.BytesIO(content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    index = values[1].index(header)
    return [str(row[index]) for row in values[2:]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_cells_that_look_like_formulas_are_neutralized(
    client_for: ClientFor, user_named: Any, fmt: str
) -> None:
    card = Member.objects.filter(organization__code=TTR).first()
    assert card is not None
    formula = '=HYPERLINK("http://example.com","Bấm vào đây")'
    kind = domain.PARTY_BLOC_INDIVIDUAL_THEMATIC
    record(user_named("bithu2"), card.card_number, kind, formula, "@1-QĐ/ĐUK")
    response = client_for("bithu2").get(
        reverse("awards:organization_export", args=[TTR, 2020, fmt])
    )
    achievements = _export_column(response.content, fmt, "Thành tích")
    numbers = _export_column(response.content, fmt, "Số quyết định")
    assert achievements == ['\'=HYPERLINK("http://example.com","Bấm vào đây")']
    assert numbers == ["'@1-QĐ/ĐUK"]


def test_a_proposal_page_answers_404_to_an_outsider(client_for: ClientFor) -> None:
    proposal = AwardProposal.objects.get(organization__code=DEMO_ORG, form__code=GIAY_KHEN)
    url = reverse("awards:proposal", args=[proposal.pk])
    assert client_for("bithu2").get(url).status_code == 404
    response = client_for("vanphong").get(url)
    assert response.status_code == 200
    assert response.context["included_count"] == 10


def submit_and_decide(client: Client, url: str, number: str, **signer: str) -> Any:
    """Submits the proposal on its page, then decides it by decision `number` of 05/03/2021."""
    client.post(url, {"action": "submit"})
    signed = {f"decide-{field}": value for field, value in signer.items()}
    data = {"action": "decide", "decide-number": number, "decide-date": "05/03/2021", **signed}
    return client.post(url, data)


def test_the_office_generates_adjusts_submits_and_decides_through_the_pages(
    client_for: ClientFor, django_assert_max_num_queries: Any
) -> None:
    client = client_for("vanphong")
    response = client.post(
        reverse("awards:proposal_generate", args=[TCCB]),
        {"form_code": domain.PARTY_BLOC_MEMBER_EXEMPLARY, "year": "2020"},
    )
    assert response.status_code == 302
    proposal = AwardProposal.objects.filter(organization__code=TCCB).latest("pk")
    url = reverse("awards:proposal", args=[proposal.pk])
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    excellent = proposal.candidates.filter(level=Level.EXCELLENT).first()
    assert excellent is not None
    client.post(
        url,
        {
            "action": "adjust",
            "candidate": excellent.pk,
            "included": "on",
            "achievement": "tiêu biểu trong công tác tổ chức cán bộ năm 2020",
        },
    )
    excellent.refresh_from_db()
    assert excellent.eligible
    assert excellent.included
    signer = {"signer_title": "Bí thư", "signer_name": "Nguyễn Văn A"}
    response = submit_and_decide(
        client, url, "15-QĐ/ĐUK", signer_on_behalf="T/M Ban Thường vụ", **signer
    )
    assert response.status_code == 302
    assert Award.objects.filter(decision__number="15-QĐ/ĐUK", member=excellent.member).exists()


def test_a_refused_decision_shows_the_reason_on_the_page(client_for: ClientFor) -> None:
    client = client_for("vanphong")
    org = Organization.objects.get(code=TCCB)
    good = next(
        r.card_number
        for r in decided_results(org, 2020)
        if r.subject_kind == "member" and r.level is Level.GOOD
    )
    client.post(
        reverse("awards:proposal_generate", args=[TCCB]),
        {"form_code": domain.PARTY_BLOC_MEMBER_EXEMPLARY, "year": "2020"},
    )
    proposal = AwardProposal.objects.filter(organization__code=TCCB).latest("pk")
    url = reverse("awards:proposal", args=[proposal.pk])
    candidate = proposal.candidates.get(member__card_number=good)
    client.post(
        url,
        {"action": "adjust", "candidate": candidate.pk, "included": "on", "achievement": "x y"},
    )
    signer = {"signer_title": "Bí thư", "signer_name": "Nguyễn Văn A"}
    response = submit_and_decide(client, url, "16-QĐ/ĐUK", **signer)
    assert response.status_code == 400
    assert Level.GOOD.label in response.content.decode()


def test_the_record_page_is_hidden_from_outsiders_and_forbidden_to_readers(
    client_for: ClientFor,
) -> None:
    url = reverse("awards:record", args=[TCCB])
    assert client_for("bithu2").get(url).status_code == 404
    assert client_for("khoi").get(url).status_code == 403
    assert client_for("bithu").get(url).status_code == 200


def test_the_command_lists_the_demo_awards_with_ten_giay_khen_for_the_excellent_members() -> None:
    out = io.StringIO()
    call_command("awards", org=DEMO_ORG, year=2020, json=True, stdout=out)
    rows = json.loads(out.getvalue())
    assert all(
        set(row)
        == {"form", "issuer", "recipient", "recipient_name", "achievement", "decision", "date"}
        for row in rows
    )
    giay_khen = [r for r in rows if r["form"] == domain.AWARD_FORMS[GIAY_KHEN].name]
    org = Organization.objects.get(code=DEMO_ORG)
    excellent = {
        r.card_number
        for r in decided_results(org, 2020)
        if r.subject_kind == "member" and r.level is Level.EXCELLENT
    }
    assert len(giay_khen) == 10
    assert {r["recipient"] for r in giay_khen} == excellent
    assert {r["date"] for r in rows} == {"2021-02-24"}
    by_achievement = {r["achievement"]: r for r in rows}
    opinion = by_achievement["trong công tác cộng tác viên dư luận xã hội năm 2020"]
    assert opinion["recipient_name"] == "Võ Văn Minh"
    assert opinion["issuer"] == "Tỉnh ủy Quảng Trị"
    directive = by_achievement[
        "trong triển khai thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị trong năm 2020"
    ]
    assert directive["recipient"] == TCCB
    assert directive["issuer"] == "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh"
    assert "trong công tác báo cáo viên năm 2020" in by_achievement
    assert len(rows) == 13


def test_the_command_for_a_cell_lists_only_that_cells_recipients() -> None:
    out = io.StringIO()
    call_command("awards", org=TCCB, year=2020, json=True, stdout=out)
    rows = json.loads(out.getvalue())
    cards = set(
        Member.objects.filter(organization__code=TCCB).values_list("card_number", flat=True)
    )
    assert rows
    assert {r["recipient"] for r in rows} <= cards | {TCCB}


def test_the_record_form_asks_why_for_a_reworded_second_award_and_keeps_what_was_typed(
    client_for: ClientFor,
) -> None:
    minh = Member.objects.get(full_name="Võ Văn Minh")
    url = reverse("awards:record", args=[minh.organization.code])
    reworded = "Có thành tích trong công tác cộng tác viên dư luận xã hội năm 2020."
    post = {
        "form_code": domain.PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
        "issuer_code": "QT",
        "recipient": minh.card_number,
        "year": "2020",
        "achievement": reworded,
        "number": "41-QĐ/TU",
        "date": "01/03/2021",
        "signer_title": "Bí thư",
    }
    office = client_for("vanphong")
    before = Award.objects.count()
    refused = office.post(url, post)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "cùng cơ quan khen thưởng" in page
    assert reworded in page  # the form keeps what was typed
    assert Award.objects.count() == before
    accepted = office.post(url, {**post, "justification": "Đợt khen riêng của Tỉnh ủy"})
    assert accepted.status_code == 302
    assert Award.objects.count() == before + 1
