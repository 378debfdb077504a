"""Demo step: the 2020 awards the seed article reports, dated at the conference of 24/02/2021.

- Giấy khen of the Đảng ủy Sở to each member rated excellent for 2020 (from the evaluation demo's
  decided results; nothing is created when there are none);
- the Đảng ủy Khối's commendation of Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng for implementing
  Chỉ thị 05-CT/TW in 2020;
- the Tỉnh ủy's Bằng khen to Võ Văn Minh for his work as a public-opinion collaborator;
- the Đảng ủy Khối's commendation of Võ Văn Minh as a báo cáo viên.

- 2026 (issue 24, point 8): the member the evaluation demo rates excellent in the open 2026 cycle
  has 2022–2025 entered from the records (excellent under 132-QĐ/TW, 124-QĐ/TW, 366-QĐ/TW), and a
  draft list proposes him for the Giấy khen for 5 years running (sample decision numbers).

The article gives neither decision numbers nor signers' names for these: the numbers are sample
data (`is_sample=True`), the Đảng ủy Sở's signer is its current Secretary in the demo, and the
outside issuers' signers are left blank.
"""

from __future__ import annotations

import datetime as dt

from django.db import DatabaseError

from tongket.awards import domain, services
from tongket.awards.models import Award, AwardForm, AwardProposal, PastResult
from tongket.awards.services import DecisionInput, RecordInput
from tongket.core.demo import DEMO_ORG, DemoContext
from tongket.core.errors import DomainError
from tongket.people.models import Member, Organization
from tongket.people.selectors import secretary_name

YEAR = 2020
CONFERENCE = dt.date(2021, 2, 24)
BLOC = "QT.KCQDN"
PROVINCE = "QT"
TCCB = f"{DEMO_ORG}.TCCB"
MINH = "Võ Văn Minh"

ACHIEVEMENT_DIRECTIVE_05 = (
    "trong triển khai thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị trong năm 2020"
)
ACHIEVEMENT_OPINION = "trong công tác cộng tác viên dư luận xã hội năm 2020"
ACHIEVEMENT_REPORTER = "trong công tác báo cáo viên năm 2020"


def load(ctx: DemoContext) -> None:
    org = Organization.objects.filter(code=DEMO_ORG).first()
    if org is None:
        return
    missing = set(domain.AWARD_FORMS) - set(AwardForm.objects.values_list("code", flat=True))
    if missing:
        services.sync_award_forms(actor=None)
    _giay_khen(ctx, org)
    _outside_awards(ctx)
    _five_years(ctx, org)


def _giay_khen(ctx: DemoContext, org: Organization) -> None:
    form_code = domain.PARTY_GRASSROOTS_MEMBER_EXCELLENT
    if AwardProposal.objects.filter(organization=org, year=YEAR, form__code=form_code).exists():
        return
    try:
        proposal = services.generate_proposal(
            actor=None, organization_code=DEMO_ORG, year=YEAR, form_code=form_code
        )
    except ModuleNotFoundError as exc:
        if exc.name != "tongket.evaluation.selectors":
            raise
        ctx.notes.append(
            "Khen thưởng: chưa có kết quả xếp loại năm 2020 (ứng dụng đánh giá chưa sẵn sàng), "
            "chưa lập Giấy khen của Đảng ủy Sở."
        )
        return
    except DatabaseError:
        # The evaluation app's tables are missing (its migrations not applied yet).
        ctx.notes.append(
            "Khen thưởng: chưa đọc được kết quả xếp loại năm 2020 (dữ liệu đánh giá chưa được "
            "tạo), chưa lập Giấy khen của Đảng ủy Sở."
        )
        return
    except DomainError as exc:
        if exc.rule != services.RULE_NO_RESULTS:
            raise
        ctx.notes.append(
            "Khen thưởng: chưa có kết quả xếp loại năm 2020 được quyết định, "
            "chưa lập Giấy khen của Đảng ủy Sở."
        )
        return
    services.submit_proposal(actor=None, proposal_id=proposal.pk)
    decision = services.decide_proposal(
        actor=None,
        proposal_id=proposal.pk,
        decision=DecisionInput(
            number=f"45-QĐ/{org.issuer_code or 'ĐU'}",
            date=CONFERENCE,
            signer_on_behalf="T/M Đảng ủy",
            signer_title="Bí thư",
            signer_name=secretary_name(org),
            is_sample=True,
        ),
    )
    count = decision.awards.count()
    ctx.notes.append(
        f"Khen thưởng năm 2020: Đảng ủy Sở tặng Giấy khen cho {count:02d} đảng viên hoàn thành "
        f"xuất sắc nhiệm vụ (Quyết định số {decision.number} ngày 24/02/2021, số quyết định là "
        "dữ liệu mẫu)."
    )


def _outside_awards(ctx: DemoContext) -> None:
    minh = Member.objects.filter(
        full_name=MINH, org_path__startswith=Organization.objects.get(code=DEMO_ORG).path
    ).first()
    bloc = Organization.objects.filter(code=BLOC).first()
    province = Organization.objects.filter(code=PROVINCE).first()
    if minh is None or bloc is None or province is None:
        return
    bloc_number = f"12-QĐ/{bloc.issuer_code or 'ĐUK'}"
    wanted = (
        RecordInput(
            form_code=domain.PARTY_BLOC_COLLECTIVE_THEMATIC,
            issuer_code=BLOC,
            year=YEAR,
            achievement=ACHIEVEMENT_DIRECTIVE_05,
            organization_code=TCCB,
            decision=_outside_decision(bloc_number),
        ),
        RecordInput(
            form_code=domain.PARTY_PROVINCE_INDIVIDUAL_THEMATIC,
            issuer_code=PROVINCE,
            year=YEAR,
            achievement=ACHIEVEMENT_OPINION,
            member_card=minh.card_number,
            decision=_outside_decision(f"30-QĐ/{province.issuer_code or 'TU'}"),
        ),
        RecordInput(
            form_code=domain.PARTY_BLOC_INDIVIDUAL_THEMATIC,
            issuer_code=BLOC,
            year=YEAR,
            achievement=ACHIEVEMENT_REPORTER,
            member_card=minh.card_number,
            decision=_outside_decision(bloc_number),
        ),
    )
    created = 0
    for data in wanted:
        key = domain.normalize_text(data.achievement)
        exists = Award.objects.filter(year=YEAR, achievement_key=key).exists()
        if not exists:
            services.record_award(actor=None, data=data)
            created += 1
    if created:
        ctx.notes.append(
            "Khen thưởng năm 2020: Đảng ủy Khối khen Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng "
            "(Chỉ thị 05-CT/TW) và đồng chí Võ Văn Minh (báo cáo viên); Tỉnh ủy tặng Bằng khen "
            "đồng chí Võ Văn Minh (cộng tác viên dư luận xã hội). Số quyết định là dữ liệu mẫu."
        )


def _outside_decision(number: str) -> DecisionInput:
    return DecisionInput(
        number=number,
        date=CONFERENCE,
        signer_on_behalf="T/M Ban Thường vụ",
        signer_title="Bí thư",
        is_sample=True,
    )


# Years 2022–2025 of the 5-year member, as the office copies them from the grassroots
# committee's decisions (sample numbers): one under 132-QĐ/TW, two under 124-QĐ/TW, one under
# 366-QĐ/TW.
PAST_YEARS = (
    (2022, "52-QĐ/ĐU", dt.date(2022, 12, 20)),
    (2023, "61-QĐ/ĐU", dt.date(2023, 12, 22)),
    (2024, "58-QĐ/ĐU", dt.date(2024, 12, 19)),
    (2025, "64-QĐ/ĐU", dt.date(2025, 12, 23)),
)
FIVE_YEAR_SEASON = 2026


def _five_years(ctx: DemoContext, org: Organization) -> None:
    from tongket.evaluation.demo import FIVE_YEAR_DECISION
    from tongket.evaluation.domain import Level
    from tongket.evaluation.selectors import decided_results

    form_code = domain.PARTY_BLOC_MEMBER_5_YEARS
    if AwardProposal.objects.filter(
        organization=org, year=FIVE_YEAR_SEASON, form__code=form_code
    ).exists():
        return
    card = next(
        (
            r.card_number
            for r in decided_results(org, FIVE_YEAR_SEASON)
            if r.decision_number == FIVE_YEAR_DECISION and r.level is Level.EXCELLENT
        ),
        None,
    )
    member = Member.objects.filter(card_number=card).first() if card else None
    if member is None:
        return
    for year, number, date in PAST_YEARS:
        if not PastResult.objects.filter(member=member, year=year).exists():
            services.record_past_result(
                actor=None,
                data=services.PastResultInput(
                    year=year,
                    level="excellent",
                    decision_number=number,
                    decision_date=date,
                    deciding_body=services.committee_name(org),
                    member_card=member.card_number,
                ),
            )
    proposal = services.generate_proposal(
        actor=None, organization_code=DEMO_ORG, year=FIVE_YEAR_SEASON, form_code=form_code
    )
    eligible = proposal.candidates.filter(eligible=True).count()
    ctx.notes.append(
        f"Khen thưởng năm 2026: kết quả 2022–2025 của đồng chí {member.full_name} nhập từ hồ "
        "sơ (hoàn thành xuất sắc nhiệm vụ theo Quy định 132, 124, 366); danh sách đề nghị Giấy "
        f"khen 5 năm liền (2022–2026) đang lập: {eligible:02d} đảng viên đủ điều kiện."
    )
