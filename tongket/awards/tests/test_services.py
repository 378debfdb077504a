"""Proposals, decisions and recorded awards against the demo database (the 2020 cycle)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Model

from tongket.audit.models import AuditEvent
from tongket.awards import domain, services
from tongket.awards.models import Award, AwardDecision, AwardProposal, ProposalStatus
from tongket.awards.selectors import award_rows, awards_in_subtree
from tongket.awards.services import DecisionInput, RecordInput
from tongket.awards.tests.recording import decision, record
from tongket.core.demo import DEMO_ORG
from tongket.core.errors import DomainError, NotFound
from tongket.evaluation.domain import Level
from tongket.evaluation.selectors import decided_results
from tongket.evaluation.tests.members import enter_member
from tongket.people.models import Member, Organization

pytestmark = pytest.mark.django_db

GIAY_KHEN = domain.PARTY_GRASSROOTS_MEMBER_EXCELLENT


def excellent_cards(year: int = 2020) -> set[str]:
    org = Organization.objects.get(code=DEMO_ORG)
    return {
        r.card_number or ""
        for r in decided_results(org, year)
        if r.subject_kind == "member" and r.level is Level.EXCELLENT
    }


def good_member() -> Member:
    org = Organization.objects.get(code=DEMO_ORG)
    card = next(
        r.card_number
        for r in decided_results(org, 2020)
        if r.subject_kind == "member" and r.level is Level.GOOD
    )
    return Member.objects.get(card_number=card)


def test_the_demo_gives_a_giay_khen_to_each_of_the_ten_members_rated_excellent() -> None:
    cards = set(
        Award.objects.filter(form__code=GIAY_KHEN, year=2020).values_list(
            "member__card_number", flat=True
        )
    )
    assert len(excellent_cards()) == 10
    assert cards == excellent_cards()


def test_a_generated_list_shows_every_candidate_with_the_reasons_and_leaves_out_the_ineligible(
    user_named: Any,
) -> None:
    proposal = services.generate_proposal(
        actor=user_named("vanphong"),
        organization_code=f"{DEMO_ORG}.TCCB",
        year=2020,
        form_code=domain.PARTY_BLOC_MEMBER_EXEMPLARY,
    )
    candidates = list(proposal.candidates.select_related("member"))
    assert candidates
    assert proposal.issuer.code == "QT.KCQDN"
    for c in candidates:
        rules = {f["rule"] for f in c.findings}
        assert domain.RULE_PARTY_EXCELLENT in rules
        assert all(f["citation"] for f in c.findings)
        if c.level != Level.EXCELLENT:
            assert not c.eligible
            assert not c.included
        else:
            # The same words were rewarded by the Giấy khen: one achievement, one award.
            assert domain.RULE_NOT_REWARDED_TWICE in {
                f["rule"] for f in c.findings if f["severity"] == "error"
            }
            assert not c.eligible


def test_an_ineligible_candidate_is_refused_at_the_decision_with_the_reason(
    user_named: Any,
) -> None:
    vanphong = user_named("vanphong")
    member = good_member()
    proposal = services.generate_proposal(
        actor=vanphong,
        organization_code=member.organization.code,
        year=2020,
        form_code=domain.PARTY_BLOC_MEMBER_EXEMPLARY,
    )
    for c in proposal.candidates.all():
        services.adjust_candidate(
            actor=vanphong, candidate_id=c.pk, included=c.member_id == member.pk
        )
    services.submit_proposal(actor=vanphong, proposal_id=proposal.pk)

    with pytest.raises(DomainError) as refused:
        services.decide_proposal(actor=vanphong, proposal_id=proposal.pk, decision=decision())

    assert refused.value.rule == domain.RULE_PARTY_EXCELLENT
    assert member.full_name in refused.value.message
    assert Level.GOOD.label in refused.value.message
    assert refused.value.findings[0].citation
    assert not AwardDecision.objects.filter(number="99-QĐ/ĐU").exists()


def test_a_recorded_award_is_refused_when_the_form_needs_excellent_and_the_member_is_good(
    user_named: Any,
) -> None:
    member = good_member()
    with pytest.raises(DomainError) as refused:
        record(
            user_named("vanphong"),
            member.card_number,
            domain.PARTY_BLOC_MEMBER_EXEMPLARY,
            "tiêu biểu năm 2020",
            "5-QĐ/ĐUK",
        )
    assert refused.value.rule == domain.RULE_PARTY_EXCELLENT


@pytest.mark.parametrize(
    "form_code",
    [domain.PARTY_BLOC_INDIVIDUAL_THEMATIC, domain.PARTY_PROVINCE_INDIVIDUAL_THEMATIC],
)
def test_the_same_achievement_cannot_be_awarded_twice_even_under_another_form(
    user_named: Any, form_code: str
) -> None:
    card = sorted(excellent_cards())[0]
    with pytest.raises(DomainError) as refused:
        record(
            user_named("vanphong"),
            card,
            form_code,
            # Same achievement as the Giấy khen, written with other case and punctuation.
            "Hoàn thành  xuất sắc nhiệm vụ năm 2020.",
            "7-QĐ/ĐUK",
        )
    assert refused.value.rule == domain.RULE_NOT_REWARDED_TWICE
    assert "đã được khen thưởng" in refused.value.message
    assert Award.objects.filter(member__card_number=card, year=2020).count() >= 1


def copied(row: Model, *fields: str) -> dict[str, Any]:
    """`row`'s values of `fields`, for a row that repeats them."""
    return {field: getattr(row, field) for field in fields}


def test_the_database_refuses_the_same_achievement_key_for_the_same_recipient() -> None:
    award = Award.objects.filter(form__code=GIAY_KHEN, year=2020).first()
    assert award is not None
    other_form = award.form.__class__.objects.get(code=domain.PARTY_BLOC_INDIVIDUAL_THEMATIC)
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(
            form=other_form,
            **copied(
                award,
                "decision",
                "member",
                "recipient_name",
                "year",
                "achievement",
                "achievement_key",
            ),
        )


def test_a_different_achievement_of_the_same_member_is_recorded_and_audited(
    user_named: Any,
) -> None:
    card = sorted(excellent_cards())[0]
    award = record(
        user_named("vanphong"),
        card,
        domain.PARTY_BLOC_INDIVIDUAL_THEMATIC,
        "trong công tác phòng, chống dịch Covid-19 năm 2020",
        "8-QĐ/ĐUK",
        # The bloc already gave this member its thematic Giấy khen in 2020 (báo cáo viên).
        justification="Thành tích phòng, chống dịch, khác thành tích báo cáo viên",
    )
    assert award.decision.issuer_name == "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh"
    assert AuditEvent.objects.filter(action="awards.award.record", object_id=str(award.pk)).exists()


def test_a_decided_proposal_cannot_be_decided_again_nor_adjusted(user_named: Any) -> None:
    vanphong = user_named("vanphong")
    proposal = AwardProposal.objects.get(
        organization__code=DEMO_ORG, year=2020, form__code=GIAY_KHEN
    )
    assert proposal.status == ProposalStatus.DECIDED
    with pytest.raises(DomainError) as again:
        services.decide_proposal(actor=vanphong, proposal_id=proposal.pk, decision=decision())
    assert again.value.rule == services.RULE_DECISION_SEALED
    candidate = proposal.candidates.first()
    assert candidate is not None
    with pytest.raises(DomainError) as adjusted:
        services.adjust_candidate(actor=vanphong, candidate_id=candidate.pk, included=False)
    assert adjusted.value.rule == services.RULE_NOT_DRAFT


def test_a_sealed_decision_is_corrected_by_a_superseding_one_and_stays_unchanged(
    user_named: Any,
) -> None:
    vanphong = user_named("vanphong")
    sealed = AwardDecision.objects.get(number="45-QĐ/ĐU")
    before = AwardDecision.objects.filter(pk=sealed.pk).values().get()

    with pytest.raises(DomainError) as no_reason:
        services.correct_decision(
            actor=vanphong, decision_id=sealed.pk, reason="  ", corrected=decision("46-QĐ/ĐU")
        )
    assert no_reason.value.rule == services.RULE_CORRECTION_REASON

    new = services.correct_decision(
        actor=vanphong,
        decision_id=sealed.pk,
        reason="Ghi nhầm số quyết định",
        corrected=decision("46-QĐ/ĐU"),
    )
    assert AwardDecision.objects.filter(pk=sealed.pk).values().get() == before
    assert new.supersedes_id == sealed.pk
    assert new.original_id == sealed.pk
    with pytest.raises(DomainError) as twice:
        services.correct_decision(
            actor=vanphong, decision_id=sealed.pk, reason="Lần nữa", corrected=decision("47-QĐ/ĐU")
        )
    assert twice.value.rule == services.RULE_DECISION_SEALED

    org = Organization.objects.get(code=DEMO_ORG)
    rows = [r for r in award_rows(awards_in_subtree(None, org, 2020)) if r.form_code == GIAY_KHEN]
    assert {r.decision_number for r in rows} == {"46-QĐ/ĐU"}
    assert all(r.corrected for r in rows)


def test_the_database_refuses_a_correction_without_its_reason() -> None:
    sealed = AwardDecision.objects.get(number="45-QĐ/ĐU")
    with pytest.raises(IntegrityError), transaction.atomic():
        AwardDecision.objects.create(
            **copied(sealed, "issuer", "issuer_name", "date", "year", "signer_title"),
            number="46-QĐ/ĐU",
            supersedes=sealed,
            original=sealed,
        )


def test_the_full_flow_generates_submits_and_decides_awards(user_named: Any) -> None:
    vanphong = user_named("vanphong")
    proposal = services.generate_proposal(
        actor=vanphong,
        organization_code=DEMO_ORG,
        year=2020,
        form_code=domain.PARTY_BLOC_MEMBER_EXEMPLARY,
    )
    excellent = proposal.candidates.filter(level=Level.EXCELLENT).order_by("pk")[:2]
    for c in excellent:
        services.adjust_candidate(
            actor=vanphong,
            candidate_id=c.pk,
            included=True,
            achievement="tiêu biểu trong thực hiện nhiệm vụ năm 2020",
        )
    services.submit_proposal(actor=vanphong, proposal_id=proposal.pk)
    sealed = services.decide_proposal(
        actor=vanphong, proposal_id=proposal.pk, decision=decision("3-QĐ/ĐUK")
    )
    assert sealed.awards.count() == 2
    assert sealed.issuer.code == "QT.KCQDN"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECIDED
    assert AuditEvent.objects.filter(action="awards.proposal.decide").exists()


def test_a_secretary_cannot_write_awards_outside_the_cell(user_named: Any) -> None:
    tccb_member = Member.objects.filter(organization__code=f"{DEMO_ORG}.TCCB").first()
    assert tccb_member is not None
    with pytest.raises(NotFound):
        record(
            user_named("bithu2"),
            tccb_member.card_number,
            domain.PARTY_BLOC_INDIVIDUAL_THEMATIC,
            "trong công tác tuyên truyền năm 2020",
            "9-QĐ/ĐUK",
        )
    with pytest.raises(NotFound):
        services.generate_proposal(
            actor=user_named("bithu2"),
            organization_code=f"{DEMO_ORG}.TCCB",
            year=2020,
            form_code=GIAY_KHEN,
        )


def test_a_year_without_decided_results_gives_no_proposal(user_named: Any) -> None:
    with pytest.raises(DomainError) as refused:
        services.generate_proposal(
            actor=user_named("vanphong"), organization_code=DEMO_ORG, year=2015, form_code=GIAY_KHEN
        )
    assert refused.value.rule == services.RULE_NO_RESULTS


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Đảng bộ Sở Giáo dục và Đào tạo", "grassroots", "Đảng ủy Sở Giáo dục và Đào tạo"),
        (
            "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh",
            "bloc",
            "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh",
        ),
        ("Đảng bộ tỉnh Quảng Trị", "provincial", "Tỉnh ủy Quảng Trị"),
        ("Chi bộ Thanh tra", "cell", "Chi bộ Thanh tra"),
        ("Ủy ban nhân dân tỉnh Quảng Trị", "agency", "Ủy ban nhân dân tỉnh Quảng Trị"),
    ],
)
def test_the_signing_body_is_named_after_the_committee(name: str, kind: str, expected: str) -> None:
    assert services.committee_name(Organization(name=name, kind=kind)) == expected


# --- likely repeats need a justification ----------------------------------------------------------

REWORDED_OPINION = "Có thành tích trong công tác cộng tác viên dư luận xã hội năm 2020."


def _second_bang_khen(user: Any, justification: str = "") -> Award:
    minh = Member.objects.get(full_name="Võ Văn Minh")
    return record(
        user,
        minh.card_number,
        domain.PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
        REWORDED_OPINION,
        "41-QĐ/TU",
        issuer="QT",
        justification=justification,
    )


def test_a_reworded_second_bang_khen_of_the_province_is_refused_without_a_justification(
    user_named: Any,
) -> None:
    before = Award.objects.count()
    with pytest.raises(DomainError) as refused:
        _second_bang_khen(user_named("vanphong"))
    error = refused.value
    assert error.rule == services.RULE_REPEAT_JUSTIFICATION
    assert error.field == "justification"
    assert {f.rule for f in error.findings} == {domain.RULE_SAME_FORM_ISSUER_YEAR}
    assert "dư luận xã hội" in error.message
    assert Award.objects.count() == before


def test_a_likely_repeat_with_a_justification_is_recorded_with_it_and_audited(
    user_named: Any,
) -> None:
    award = _second_bang_khen(user_named("vanphong"), "  Đợt khen  riêng của Tỉnh ủy  ")
    assert award.justification == "Đợt khen riêng của Tỉnh ủy"
    event = AuditEvent.objects.get(action="awards.award.record", object_id=str(award.pk))
    assert event.after is not None
    assert event.after["justification"] == "Đợt khen riêng của Tỉnh ủy"


def test_a_second_award_of_the_same_form_and_issuer_asks_why_even_for_other_wording(
    user_named: Any,
) -> None:
    """Minh already has the bloc's thematic Giấy khen (báo cáo viên): another one of the same
    bloc in the same year needs the recorder's reason; an award of another issuer does not."""
    minh = Member.objects.get(full_name="Võ Văn Minh")
    with pytest.raises(DomainError) as refused:
        record(
            user_named("vanphong"),
            minh.card_number,
            domain.PARTY_BLOC_INDIVIDUAL_THEMATIC,
            "trong phong trào chuyển đổi số năm 2020",
            "42-QĐ/ĐUK",
        )
    assert [f.rule for f in refused.value.findings] == [domain.RULE_SAME_FORM_ISSUER_YEAR]


# --- who may record what (security findings 1 and 2 of 12/2026) ---------------------------------


def _outsider_member(outsider: Any) -> Member:
    return enter_member(
        "QT.KCQDN.SNV",
        "99.000002",
        "Lê Thị Ngoài",
        "female",
        dt.date(2010, 1, 1),
        actor=outsider,
        full_member_on=dt.date(2011, 1, 1),
    )


def _outsider_record(outsider: Any, card: str, issuer: str, number: str) -> Award:
    return services.record_award(
        actor=outsider,
        data=RecordInput(
            form_code=domain.PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
            issuer_code=issuer,
            year=2020,
            achievement="thành tích của một đảng viên Sở Nội vụ",
            member_card=card,
            decision=DecisionInput(number=number, date=dt.date(2021, 2, 24), signer_title="Bí thư"),
        ),
    )


def test_another_office_recording_the_same_province_decision_gets_a_record_of_its_own(
    outsider: Any,
) -> None:
    """The Tỉnh ủy is above the outsider's member: the award is recorded, but on the outsider's
    own record of the decision, not on the one the department's office made."""
    theirs = AwardDecision.objects.get(issuer__code="QT", number="30-QĐ/TU")
    card = _outsider_member(outsider).card_number
    award = _outsider_record(outsider, card, "QT", "30-QĐ/TU")
    assert award.decision_id != theirs.pk
    assert Award.objects.filter(decision=theirs).count() == 1


def test_an_award_in_the_name_of_a_sibling_committee_is_refused_like_an_unknown_issuer(
    outsider: Any,
) -> None:
    card = _outsider_member(outsider).card_number
    before = Award.objects.count()
    refusals = []
    for issuer in ("QT.KCQDN.SGDDT", "QT.KHONG.CO"):
        with pytest.raises(DomainError) as refused:
            _outsider_record(outsider, card, issuer, "77-QĐ/ĐU")
        refusals.append((refused.value.field, refused.value.rule, refused.value.message))
    (sibling, unknown) = refusals
    assert sibling[:2] == unknown[:2] == ("issuer", services.RULE_ISSUER_SCOPE)
    assert sibling[2].replace("QT.KCQDN.SGDDT", "X") == unknown[2].replace("QT.KHONG.CO", "X")
    assert Award.objects.count() == before
