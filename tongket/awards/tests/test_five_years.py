"""Issue 24, point 8: five years of `excellent` counted across 132-QĐ/TW, 124-QĐ/TW and
366-QĐ/TW, the earlier years entered from the records; the demo's 5-year member on the awards page,
in the API and through the command that enters a past year."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tongket.audit.models import AuditEvent
from tongket.awards import domain, services
from tongket.awards.models import AwardProposal
from tongket.core.demo import DEMO_ORG
from tongket.core.errors import DomainError, NotFound

pytestmark = pytest.mark.django_db

STAR = "45.000003"  # Hà Thanh Thắng, Chi bộ Văn phòng: the demo's 5-year member
FIVE_YEARS = domain.PARTY_BLOC_MEMBER_5_YEARS
RULE = domain.RULE_PARTY_EXCELLENT_CONSECUTIVE
YEAR_RULES = {
    2022: "Quy định 132-QĐ/TW",
    2023: "Quy định 124-QĐ/TW",
    2024: "Quy định 124-QĐ/TW",
    2025: "Quy định 366-QĐ/TW",
    2026: "Quy định 366-QĐ/TW",
}


def _five_year_proposal(client: Any) -> str:
    """The office finds the draft list on its organization's awards page: its URL."""
    page = client.get(f"/awards/org/{DEMO_ORG}/?year=2026").content.decode()
    link = re.search(r'href="(/awards/proposals/\d+/)">Giấy khen[^<]*5 năm liền<', page)
    assert link is not None, "the 5-year draft list is linked from the awards page"
    return link.group(1)


def _assert_years_listed(message: str) -> None:
    assert "5 năm liền 2022–2026" in message
    for year, rule in YEAR_RULES.items():
        assert re.search(rf"{year} \(Quyết định số [^)]*{rule}", message), (year, message)
    assert message.count("nhập từ hồ sơ") == 4  # 2022–2025 from the records, 2026 decided here


def test_the_office_sees_the_member_proposed_with_the_rule_and_the_five_years(
    client_for: Callable[[str], Any],
) -> None:
    office = client_for("vanphong")
    page = office.get(_five_year_proposal(office)).content.decode()
    row = next(r for r in page.split("<tr") if STAR in r)
    assert "Hà Thanh Thắng" in row
    assert f"<code>{RULE}</code>" in row
    message = re.sub(r"<[^>]+>", "", row)
    _assert_years_listed(" ".join(message.split()))
    # The others decided in 2026 are listed, not eligible: their earlier years are missing.
    assert "chưa đạt các năm: 2022 (chưa được xếp loại)" in page


def test_the_api_lists_the_member_with_the_five_years_and_the_rule(
    api_for: Callable[[str], Any],
) -> None:
    office = api_for("vanphong")
    listed = office.get(
        "/api/v1/award-proposals/", {"organization": DEMO_ORG, "year": "2026"}
    ).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    row = next(r for r in rows if r["form"] == FIVE_YEARS)
    body = office.get(f"/api/v1/award-proposals/{row['id']}/").json()
    eligible = [c for c in body["candidates"] if c["eligible"]]
    assert [c["recipient"] for c in eligible] == [STAR]
    finding = next(f for f in eligible[0]["findings"] if f["rule"] == RULE)
    _assert_years_listed(finding["message"])
    # Another cell's secretary does not see the list.
    assert api_for("bithu2").get(f"/api/v1/award-proposals/{row['id']}/").status_code == 404


def _past(year: int, card: str = STAR, **changes: Any) -> services.PastResultInput:
    data: dict[str, Any] = {
        "year": year,
        "level": "excellent",
        "decision_number": "9-QĐ/ĐU",
        "decision_date": dt.date(year, 12, 20),
        "deciding_body": "Đảng ủy Sở Giáo dục và Đào tạo",
        "member_card": card,
        **changes,
    }
    return services.PastResultInput(**data)


@pytest.mark.parametrize(
    ("data", "rule", "field"),
    [
        (_past(2020), services.RULE_PAST_DECIDED_IN_PRODUCT, "year"),  # the 2020 cycle decided
        (_past(2022), services.RULE_PAST_EXISTS, "year"),  # the demo entered 2022
        (_past(2026, "45.000004"), services.RULE_PAST_YEAR, "year"),
        (_past(2017, "45.000004"), "profile.no_profile_for_year", "year"),
        (_past(2021, "45.000004", level="outstanding"), services.RULE_PAST_LEVEL, "level"),
        (_past(2021, "45.000004", deciding_body=" "), services.RULE_PAST_DECISION, "deciding_body"),
        (
            _past(2021, "45.000004", decision_date=dt.date(2020, 12, 1)),
            services.RULE_PAST_DECISION,
            "decision_date",
        ),
    ],
)
def test_a_past_year_is_refused_with_its_rule_and_nothing_written(
    user_named: Callable[[str], Any], data: services.PastResultInput, rule: str, field: str
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        services.record_past_result(actor=user_named("vanphong"), data=data)
    assert (caught.value.rule, caught.value.field) == (rule, field)
    assert AuditEvent.objects.count() == events


def test_only_the_offices_that_write_the_member_enter_a_past_year(
    user_named: Callable[[str], Any],
) -> None:
    with pytest.raises(NotFound):
        services.record_past_result(actor=user_named("bithu2"), data=_past(2021))


def test_a_gap_in_the_five_years_leaves_the_member_out_and_names_the_year(
    user_named: Callable[[str], Any],
) -> None:
    """A second 5-year list for 2026 (the first left aside): with 2024 never entered for a VP
    member rated good in 2026, the rule names each missing year."""
    office = user_named("vanphong")
    services.record_past_result(actor=office, data=_past(2023, "45.000004"))
    proposal = services.generate_proposal(
        actor=office, organization_code=f"{DEMO_ORG}.VP", year=2026, form_code=FIVE_YEARS
    )
    candidate = proposal.candidates.get(member__card_number="45.000004")
    assert not candidate.eligible
    message = next(f["message"] for f in candidate.findings if f["rule"] == RULE)
    assert "2022 (chưa được xếp loại); 2024 (chưa được xếp loại); 2025" in message
    assert "2026 (xếp loại «Hoàn thành tốt nhiệm vụ»)" in message
    assert "2023" not in message.split("chưa đạt các năm:")[1]
    assert AwardProposal.objects.filter(pk=proposal.pk, year=2026).exists()


def test_the_command_enters_a_past_year_and_refuses_with_the_rule(capsys: Any) -> None:
    call_command(
        "past_result",
        "--member",
        "45.000005",
        "--year",
        "2023",
        "--level",
        "good",
        "--number",
        "61-QĐ/ĐU",
        "--date",
        "22/12/2023",
        "--body",
        "Đảng ủy Sở Giáo dục và Đào tạo",
    )
    out = capsys.readouterr().out
    assert (
        "Đã nhập kết quả năm 2023 (qd124): Hoàn thành tốt nhiệm vụ, "
        "Quyết định số 61-QĐ/ĐU ngày 22/12/2023." in out
    )
    event = AuditEvent.objects.filter(action="awards.history.record").latest("pk")
    assert event.after is not None
    assert event.after["recipient"] == "45.000005"
    with pytest.raises(CommandError, match=re.escape(f"[{services.RULE_PAST_EXISTS}]")):
        call_command(
            "past_result",
            *("--member", "45.000005", "--year", "2023", "--level", "good"),
            *("--number", "1", "--date", "22/12/2023", "--body", "Đảng ủy Sở"),
        )
