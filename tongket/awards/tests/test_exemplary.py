"""HD 06-HD/TW mục 19: the periodic Party awards beyond the member's Giấy khen — a member 5 years
running (Bằng khen of the provincial standing committee), a cell or grassroots organization
"hoàn thành xuất sắc nhiệm vụ tiêu biểu" in the year and 5 years running — and the committee's
choice of a collective as exemplary, recorded beside its sealed decision."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest

from tongket.audit.models import AuditEvent
from tongket.awards import domain, services
from tongket.awards.domain import Candidate, RecipientKind, check_eligibility
from tongket.awards.models import AwardForm, ExemplaryChoice
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.evaluation.domain import Level
from tongket.evaluation.models import Decision

EXCELLENT = Level.EXCELLENT
YEARS = range(2022, 2027)


def _collective(
    levels: dict[int, Level], exemplary: set[int], kind: str = "cell", year: int = 2026
) -> Candidate:
    return Candidate(
        kind=RecipientKind.COLLECTIVE,
        year=year,
        subject="QT.X",
        party_level=levels.get(year),
        party_levels_before={y: lv for y, lv in levels.items() if y != year},
        exemplary_years=frozenset(exemplary),
        organization_kind=kind,
    )


def _errors(form_code: str, candidate: Candidate) -> dict[str, str]:
    verdict = check_eligibility(domain.AWARD_FORMS[form_code], candidate)
    return {f.rule: f.message for f in verdict.findings if f.severity.value == "error"}


ALL = dict.fromkeys(YEARS, EXCELLENT)


@pytest.mark.parametrize(
    ("form", "levels", "exemplary", "missing"),
    [
        # Five years excellent and exemplary 2022–2026: eligible.
        (domain.PARTY_BLOC_CELL_5_YEARS, ALL, set(YEARS), ""),
        (domain.PARTY_PROVINCE_CELL_5_YEARS, ALL, set(YEARS), ""),
        (domain.PARTY_PROVINCE_ORGANIZATION_BANNER_5_YEARS, ALL, set(YEARS), ""),
        # Four years (2023–2026): the first year is missing.
        (domain.PARTY_BLOC_CELL_5_YEARS, ALL, set(range(2023, 2027)), "2022"),
        # Excellent every year but not chosen exemplary in 2024: a gap.
        (domain.PARTY_PROVINCE_CELL_5_YEARS, ALL, set(YEARS) - {2024}, "2024"),
        (domain.PARTY_PROVINCE_ORGANIZATION_5_YEARS, ALL, set(YEARS) - {2026}, "2026"),
    ],
)
def test_five_years_exemplary_at_the_boundaries(
    form: str, levels: dict[int, Level], exemplary: set[int], missing: str
) -> None:
    kind = "cell" if "cell" in form else "grassroots"
    errors = _errors(form, _collective(levels, exemplary, kind))
    if not missing:
        assert errors == {}
        return
    assert list(errors) == [domain.RULE_PARTY_EXEMPLARY_CONSECUTIVE]
    assert errors[domain.RULE_PARTY_EXEMPLARY_CONSECUTIVE].endswith(f"các năm: {missing}.")


def test_an_excellent_gap_fails_both_five_year_rules() -> None:
    levels = {**ALL, 2023: Level.GOOD}
    errors = _errors(domain.PARTY_BLOC_CELL_5_YEARS, _collective(levels, set(YEARS) - {2023}))
    assert set(errors) == {
        domain.RULE_PARTY_EXCELLENT_CONSECUTIVE,
        domain.RULE_PARTY_EXEMPLARY_CONSECUTIVE,
    }
    assert (
        "2023 (xếp loại «Hoàn thành tốt nhiệm vụ»)"
        in (errors[domain.RULE_PARTY_EXCELLENT_CONSECUTIVE])
    )


@pytest.mark.parametrize(
    ("levels", "eligible"),
    [(dict.fromkeys(range(2023, 2027), EXCELLENT), False), (ALL, True)],
)
def test_member_bang_khen_five_years_four_is_not_enough(
    levels: dict[int, Level], eligible: bool
) -> None:
    candidate = Candidate(
        kind=RecipientKind.INDIVIDUAL,
        year=2026,
        party_level=EXCELLENT,
        party_levels_before={y: lv for y, lv in levels.items() if y != 2026},
    )
    form = domain.AWARD_FORMS[domain.PARTY_PROVINCE_MEMBER_5_YEARS]
    assert form.issuer is domain.IssuerLevel.PROVINCIAL_PARTY_COMMITTEE
    assert check_eligibility(form, candidate).value is eligible


@pytest.mark.parametrize(
    ("level", "exemplary", "rule"),
    [
        (EXCELLENT, {2026}, None),
        (EXCELLENT, set(), domain.RULE_PARTY_EXEMPLARY),  # excellent, not chosen
        (Level.GOOD, set(), domain.RULE_PARTY_EXCELLENT),
    ],
)
def test_cell_exemplary_in_the_year(level: Level, exemplary: set[int], rule: str | None) -> None:
    errors = _errors(domain.PARTY_GRASSROOTS_CELL_EXEMPLARY, _collective({2026: level}, exemplary))
    assert (rule in errors) if rule else errors == {}


def test_a_cell_form_refuses_a_grassroots_organization_and_the_reverse() -> None:
    cell_form = _errors(
        domain.PARTY_GRASSROOTS_CELL_EXEMPLARY, _collective(ALL, set(YEARS), "grassroots")
    )
    assert list(cell_form) == [domain.RULE_ORGANIZATION_KIND]
    assert "dành cho chi bộ" in cell_form[domain.RULE_ORGANIZATION_KIND]
    banner = _errors(
        domain.PARTY_PROVINCE_ORGANIZATION_BANNER_5_YEARS, _collective(ALL, set(YEARS), "cell")
    )
    assert list(banner) == [domain.RULE_ORGANIZATION_KIND]


def test_unverified_forms_are_marked() -> None:
    forms = domain.AWARD_FORMS
    assert forms[domain.PARTY_GRASSROOTS_CELL_EXEMPLARY].verified  # 0,6 × base salary known
    for code in (
        domain.PARTY_PROVINCE_MEMBER_5_YEARS,
        domain.PARTY_BLOC_CELL_5_YEARS,
        domain.PARTY_PROVINCE_CELL_5_YEARS,
        domain.PARTY_PROVINCE_ORGANIZATION_BANNER_5_YEARS,
        domain.PARTY_BLOC_ORGANIZATION_EXEMPLARY,
    ):
        assert not forms[code].verified, code
        assert forms[code].citation == domain.HD06_CITATION


# --- the product: marking, history, proposals -----------------------------------------------

VP, TCCB, SGDDT = "QT.KCQDN.SGDDT.VP", "QT.KCQDN.SGDDT.TCCB", "QT.KCQDN.SGDDT"


def _decision_of(code: str, year: int) -> int:
    """The demo's current yearly decision for an organization (read only)."""
    return Decision.objects.get(
        evaluation__organization__code=code,
        evaluation__cycle__year=year,
        evaluation__cycle__quarter__isnull=True,
        status="current",
    ).pk


def _mark(actor: Any, decision_id: int, **changes: Any) -> ExemplaryChoice:
    data: dict[str, Any] = {
        "number": "130-QĐ/ĐU",
        "date": dt.date(2021, 1, 20),
        "reason": "Tiêu biểu trong thực hiện Chỉ thị 05-CT/TW",
        **changes,
    }
    return services.mark_exemplary(actor=actor, decision_id=decision_id, **data)


@pytest.mark.django_db
def test_the_form_table_holds_the_new_forms_after_migration() -> None:
    codes = set(AwardForm.objects.values_list("code", flat=True))
    assert set(domain.AWARD_FORMS) <= codes


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "changes", "rule", "field"),
    [
        ("QT.KCQDN.SGDDT.TTR", {}, services.RULE_EXEMPLARY_NOT_EXCELLENT, "decision"),
        (VP, {"number": " "}, services.RULE_EXEMPLARY_DOCUMENT, "number"),
        (VP, {"date": dt.date(2021, 1, 1)}, services.RULE_EXEMPLARY_DOCUMENT, "date"),
        (VP, {"reason": ""}, services.RULE_EXEMPLARY_DOCUMENT, "reason"),
    ],
)
def test_marking_is_refused_with_its_rule_and_article_and_nothing_written(
    user_named: Callable[[str], Any], code: str, changes: dict[str, Any], rule: str, field: str
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        _mark(user_named("vanphong"), _decision_of(code, 2020), **changes)
    assert (caught.value.rule, caught.value.field) == (rule, field)
    assert caught.value.citation == domain.HD06_CITATION
    assert AuditEvent.objects.count() == events
    assert not ExemplaryChoice.objects.exists()


@pytest.mark.django_db
def test_only_the_deciding_body_marks_and_only_once(user_named: Callable[[str], Any]) -> None:
    decision = _decision_of(VP, 2020)
    with pytest.raises((NotFound, PermissionDenied)):
        _mark(user_named("bithu2"), decision)
    before = Decision.objects.values().get(pk=decision)
    choice = _mark(user_named("vanphong"), decision)
    assert (choice.organization.code, choice.year) == (VP, 2020)
    assert Decision.objects.values().get(pk=decision) == before  # the sealed decision untouched
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.object_id) == ("awards.exemplary.mark", str(choice.pk))
    with pytest.raises(DomainError) as caught:
        _mark(user_named("vanphong"), decision)
    assert caught.value.rule == services.RULE_EXEMPLARY_EXISTS


@pytest.mark.django_db
def test_history_carries_exemplary_only_for_an_excellent_organization(
    user_named: Callable[[str], Any],
) -> None:
    data = services.PastResultInput(
        year=2021,
        level="good",
        decision_number="15-QĐ/ĐU",
        decision_date=dt.date(2021, 12, 20),
        deciding_body="Đảng ủy Sở Giáo dục và Đào tạo",
        organization_code=VP,
        exemplary=True,
    )
    with pytest.raises(DomainError) as caught:
        services.record_past_result(actor=user_named("vanphong"), data=data)
    assert caught.value.rule == services.RULE_EXEMPLARY_NOT_EXCELLENT
    past = services.record_past_result(
        actor=user_named("vanphong"),
        data=services.PastResultInput(**{**data.__dict__, "level": "excellent"}),
    )
    assert past.exemplary


@pytest.mark.django_db
def test_the_proposal_page_and_api_list_the_exemplary_cell(
    user_named: Callable[[str], Any],
    client_for: Callable[[str], Any],
    api_for: Callable[[str], Any],
) -> None:
    office = user_named("vanphong")
    _mark(office, _decision_of(VP, 2020))
    proposal = services.generate_proposal(
        actor=office,
        organization_code=SGDDT,
        year=2020,
        form_code=domain.PARTY_GRASSROOTS_CELL_EXEMPLARY,
    )
    page = client_for("vanphong").get(f"/awards/proposals/{proposal.pk}/").content.decode()
    row = next(r for r in page.split("<tr") if "Chi bộ Văn phòng" in r)
    text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
    assert "2020 được cấp ủy chọn «hoàn thành xuất sắc nhiệm vụ tiêu biểu»" in text
    body = api_for("vanphong").get(f"/api/v1/award-proposals/{proposal.pk}/").json()
    eligible = [c["recipient"] for c in body["candidates"] if c["eligible"]]
    assert eligible == [VP]  # TCCB is excellent but not chosen; the grassroots body is no cell
    tccb = next(c for c in body["candidates"] if c["recipient"] == TCCB)
    assert domain.RULE_PARTY_EXEMPLARY in {f["rule"] for f in tccb["findings"]}


@pytest.mark.django_db
def test_the_command_enters_an_exemplary_year_and_refuses_it_for_a_good_one() -> None:
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    args = ["--org", VP, "--number", "15-QĐ/ĐU", "--body", "Đảng ủy Sở Giáo dục và Đào tạo"]
    call_command(
        "past_result", *args, "--year", "2021", "--level", "excellent",
        "--date", "20/12/2021", "--exemplary", stdout=out,
    )  # fmt: skip
    assert "(tiêu biểu)" in out.getvalue()
    with pytest.raises(CommandError, match=services.RULE_EXEMPLARY_NOT_EXCELLENT):
        call_command(
            "past_result", *args, "--year", "2019", "--level", "good",
            "--date", "20/12/2019", "--exemplary",
        )  # fmt: skip


@pytest.mark.django_db
def test_the_exemplary_command_records_an_excellent_cell_and_refuses_a_good_one() -> None:
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    args = [
        "--year",
        "2020",
        "--number",
        "130-QĐ/ĐU",
        "--date",
        "20/01/2021",
        "--reason",
        "Tiêu biểu",
    ]
    call_command("exemplary", "--org", VP, *args, stdout=out)
    assert "Chi bộ Văn phòng hoàn thành xuất sắc nhiệm vụ tiêu biểu năm 2020" in out.getvalue()
    assert AuditEvent.objects.latest("pk").action == "awards.exemplary.mark"
    with pytest.raises(CommandError, match=services.RULE_EXEMPLARY_NOT_EXCELLENT):
        call_command("exemplary", "--org", "QT.KCQDN.SGDDT.TTR", *args)
    with pytest.raises(CommandError, match="Không có quyết định xếp loại năm 2019"):
        call_command("exemplary", "--org", VP, *["--year", "2019", *args[2:]])
