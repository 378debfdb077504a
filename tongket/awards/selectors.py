"""Every read of the award register, starting from what the user may see.

An award is visible when its recipient is: a member inside the user's subtrees (or the user's own
record), or an organization inside them. A proposal is visible to the proposing organization's
readers and to the issuer's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from tongket.accounts.scope import User, scope_for
from tongket.awards.domain import CommitteeSigner, award_signer
from tongket.awards.models import (
    Award,
    AwardDecision,
    AwardForm,
    AwardProposal,
    ExemplaryChoice,
    PastResult,
    ProposalCandidate,
)
from tongket.core.errors import DomainError
from tongket.core.lookups import first_or_not_found
from tongket.core.rules import Finding
from tongket.people.models import Member, Organization, PartyRole, PartyRoleKind
from tongket.people.selectors import get_member, get_organization
from tongket.reports.documents.certificate import Certificate
from tongket.reports.documents.formats import signature_on


def visible_awards(user: User | None) -> QuerySet[Award]:
    scope = scope_for(user)
    awards = Award.objects.all()
    if not scope.is_superuser:
        query = scope.path_q("member__org_path") | scope.path_q("organization__path")
        if scope.own_member_id is not None:
            query |= Q(member_id=scope.own_member_id)
        awards = awards.filter(query)
    return awards.select_related("form", "decision__issuer", "member__organization", "organization")


def awards_in_subtree(
    user: User | None, org: Organization, year: int | None = None
) -> QuerySet[Award]:
    """Visible awards to `org`, to a member of its subtree, or to an organization in it."""
    awards = visible_awards(user).filter(
        Q(member__org_path__startswith=org.path) | Q(organization__path__startswith=org.path)
    )
    return awards if year is None else awards.filter(year=year)


@dataclass(frozen=True)
class AwardRow:
    """One award as the register, the exports and the command show it.

    `decision_number` and `decision_date` are those of the decision in force: the latest
    correction of the decision that created the award, if any.
    """

    award_id: int
    year: int
    form_code: str
    form_name: str
    issuer_code: str
    issuer_name: str
    recipient_kind: str  # "member" | "organization"
    recipient: str  # card number or organization code
    recipient_name: str
    recipient_unit: str  # a member's cell; empty for an organization
    achievement: str
    decision_number: str
    decision_date: dt.date
    corrected: bool
    is_sample: bool
    decision_id: int  # the decision in force (see decision_number)


def _decisions_in_force(decisions: Iterable[AwardDecision]) -> dict[int, AwardDecision]:
    """For each decision, the latest correction of its chain (itself when never corrected)."""
    by_root: dict[int, AwardDecision] = {}
    roots = set()
    for d in decisions:
        root = d.original_id or d.pk
        roots.add(root)
    if not roots:
        return {}
    chains = AwardDecision.objects.filter(Q(pk__in=roots) | Q(original_id__in=roots))
    chains = chains.select_related("issuer").order_by("pk")
    for d in chains:
        by_root[d.original_id or d.pk] = d  # later rows (corrections) win
    return by_root


def award_rows(awards: Iterable[Award]) -> list[AwardRow]:
    """Rows for awards fetched with `visible_awards` (one extra query for the corrections)."""
    listed = list(awards)
    in_force = _decisions_in_force(a.decision for a in listed)
    rows = []
    for a in listed:
        decision = in_force.get(a.decision.original_id or a.decision.pk, a.decision)
        member = a.member
        rows.append(
            AwardRow(
                award_id=a.pk,
                year=a.year,
                form_code=a.form.code,
                form_name=a.form.name,
                issuer_code=decision.issuer.code,
                issuer_name=decision.issuer_name,
                recipient_kind="member" if member is not None else "organization",
                recipient=a.recipient_code,
                recipient_name=a.recipient_name,
                recipient_unit=member.organization.name if member is not None else "",
                achievement=a.achievement,
                decision_number=decision.number,
                decision_date=decision.date,
                corrected=decision.pk != a.decision.pk,
                is_sample=a.is_sample,
                decision_id=decision.pk,
            )
        )
    return rows


@dataclass(frozen=True)
class RegisterGroup:
    form_code: str
    form_name: str
    issuer_name: str
    rows: tuple[AwardRow, ...]


@dataclass(frozen=True)
class OrganizationRegister:
    """The awards of an organization's subtree for one year, grouped by form and issuer."""

    organization: Organization
    year: int
    years: tuple[int, ...]  # years that have visible awards, newest first
    groups: tuple[RegisterGroup, ...]
    own_awards: tuple[AwardRow, ...]  # awards to the organization itself, every year

    @property
    def count(self) -> int:
        return sum(len(g.rows) for g in self.groups)


def register_rows(user: User | None, org: Organization, year: int) -> list[AwardRow]:
    awards = awards_in_subtree(user, org, year).order_by(
        "form__sort_order", "decision__issuer__path", "member__sort_name", "organization__path"
    )
    return award_rows(awards)


def organization_register(user: User | None, code: str, year: int | None) -> OrganizationRegister:
    """The organization's award page: NotFound when the user may not see the organization."""
    org = get_organization(user, code)
    years = tuple(
        sorted(set(awards_in_subtree(user, org).values_list("year", flat=True)), reverse=True)
    )
    chosen = year if year is not None else (years[0] if years else dt.date.today().year)
    groups: dict[tuple[str, str], list[AwardRow]] = {}
    names: dict[str, str] = {}
    for row in register_rows(user, org, chosen):
        groups.setdefault((row.form_code, row.issuer_name), []).append(row)
        names[row.form_code] = row.form_name
    own = award_rows(visible_awards(user).filter(organization=org).order_by("-year", "pk"))
    return OrganizationRegister(
        organization=org,
        year=chosen,
        years=years,
        groups=tuple(
            RegisterGroup(form_code, names[form_code], issuer, tuple(rows))
            for (form_code, issuer), rows in groups.items()
        ),
        own_awards=tuple(own),
    )


def member_awards(user: User | None, card_number: str) -> tuple[Member, list[AwardRow]]:
    """Every award of one member over the years, newest first."""
    member = get_member(user, card_number)
    awards = visible_awards(user).filter(member=member).order_by("-year", "form__sort_order")
    return member, award_rows(awards)


def get_award(user: User | None, award_id: int) -> Award:
    return first_or_not_found(
        visible_awards(user).filter(pk=award_id), "Không tìm thấy khen thưởng."
    )


def visible_decisions(user: User | None) -> QuerySet[AwardDecision]:
    """Decisions the user may read: those of an issuer inside the user's subtrees, and those whose
    chain (the decision and its corrections) rewarded someone the user may see."""
    scope = scope_for(user)
    decisions = AwardDecision.objects.select_related("issuer")
    if scope.is_superuser:
        return decisions
    roots = (
        visible_awards(user)
        .annotate(root=Coalesce("decision__original_id", "decision_id"))
        .values("root")
    )
    return decisions.filter(
        scope.path_q("issuer__path") | Q(pk__in=roots) | Q(original_id__in=roots)
    )


def get_decision(user: User | None, decision_id: int) -> AwardDecision:
    return first_or_not_found(
        visible_decisions(user).filter(pk=decision_id), "Không tìm thấy quyết định khen thưởng."
    )


def may_correct(user: User | None, decision: AwardDecision) -> bool:
    """Whether the user may correct the decision (`services.correct_decision` checks the same):
    a writer of the issuer, or of every recipient the decision's chain rewarded."""
    scope = scope_for(user)
    if scope.writes(decision.issuer.path):
        return True
    root = decision.original_id or decision.pk
    rows = Award.objects.filter(Q(decision_id=root) | Q(decision__original_id=root)).values_list(
        "member__org_path", "organization__path"
    )
    paths = [member_path or org_path or "" for member_path, org_path in rows]
    return bool(paths) and all(scope.writes(p) for p in paths)


# --- proposals --------------------------------------------------------------------------------


def visible_proposals(user: User | None) -> QuerySet[AwardProposal]:
    scope = scope_for(user)
    proposals = AwardProposal.objects.select_related("organization", "issuer", "form", "decision")
    if scope.is_superuser:
        return proposals
    return proposals.filter(scope.path_q("organization__path") | scope.path_q("issuer__path"))


def get_proposal(user: User | None, proposal_id: int) -> AwardProposal:
    return first_or_not_found(
        visible_proposals(user).filter(pk=proposal_id), "Không tìm thấy danh sách đề nghị."
    )


def proposal_candidates(proposal: AwardProposal) -> list[ProposalCandidate]:
    return list(
        proposal.candidates.select_related("member__organization", "organization").order_by("pk")
    )


def proposals_for(user: User | None, org: Organization) -> QuerySet[AwardProposal]:
    return visible_proposals(user).filter(organization=org)


def generated_forms() -> QuerySet[AwardForm]:
    """Forms a proposal can be generated for from a decided cycle (they read the level)."""
    from tongket.awards.domain import (
        AWARD_FORMS,
        RULE_PARTY_EXCELLENT,
        RULE_PARTY_EXCELLENT_CONSECUTIVE,
    )

    level_rules = {RULE_PARTY_EXCELLENT, RULE_PARTY_EXCELLENT_CONSECUTIVE}
    codes = [code for code, form in AWARD_FORMS.items() if level_rules.intersection(form.rule_ids)]
    return AwardForm.objects.filter(code__in=codes)


# --- certificates -------------------------------------------------------------------------------


def certificate_title(form_name: str) -> str:
    """The word printed large on the certificate: "Bằng khen", "Giấy khen", or for a title of
    emulation "Giấy chứng nhận"."""
    lowered = form_name.lower()
    if lowered.startswith("bằng khen"):
        return "Bằng khen"
    if lowered.startswith("giấy khen"):
        return "Giấy khen"
    return "Giấy chứng nhận"


def _roles_on(issuer: Organization, role: str, date: dt.date) -> list[PartyRole]:
    return list(
        PartyRole.objects.filter(organization=issuer, role=role, start__lte=date)
        .filter(Q(end__isnull=True) | Q(end__gte=date))
        .select_related("member")
        .order_by("start", "pk")
    )


@dataclass(frozen=True)
class DecisionSigner:
    """Who signs a decision and its certificates, and why when it is not the recorded signer."""

    on_behalf: str
    signer: CommitteeSigner
    finding: Finding | None


def decision_signer(decision: AwardDecision, award: Award | None = None) -> DecisionSigner:
    """Who signs the decision (or, with `award`, that award's certificate), never one of those
    it rewards (`awards.signer.not_own_award`): the recorded signer, or the issuer's Secretary
    on the decision's date when the decision names nobody; the issuer's Deputy Secretary when
    the signer is among those rewarded."""
    root = decision.original_id or decision.pk
    rewarded = Award.objects.filter(Q(decision_id=root) | Q(decision__original_id=root))
    if award is not None:
        rewarded = rewarded.filter(pk=award.pk)
    recipients: list[str] = []
    for card, name in rewarded.values_list("member__card_number", "recipient_name"):
        recipients.extend((card or "", name))
    secretaries = _roles_on(decision.issuer, PartyRoleKind.SECRETARY, decision.date)
    name = decision.signer_name.strip()
    title = decision.signer_title.strip() or "Bí thư"
    card = next((r.member.card_number for r in secretaries if r.member.full_name == name), "")
    if not name and secretaries and title.casefold() == "bí thư":
        name, card = secretaries[0].member.full_name, secretaries[0].member.card_number
    deputies = [
        CommitteeSigner("Phó Bí thư", r.member.full_name, r.member.card_number)
        for r in _roles_on(decision.issuer, PartyRoleKind.DEPUTY_SECRETARY, decision.date)
    ]
    signer, finding = award_signer(CommitteeSigner(title, name, card), deputies, recipients)
    return DecisionSigner(decision.signer_on_behalf, signer, finding)


def certificate_for(user: User | None, award_id: int) -> Certificate:
    """The facts printed on an award's certificate, with the decision in force and its signer
    (never the recipient: `decision_signer`)."""
    award = get_award(user, award_id)
    row = award_rows([award])[0]
    decision = _decisions_in_force([award.decision]).get(
        award.decision.original_id or award.decision.pk, award.decision
    )
    signed = decision_signer(decision, award)
    if not signed.signer.name:
        raise DomainError(
            f"Quyết định số {decision.number} chưa ghi họ tên người ký và chưa có Bí thư của "
            f"{decision.issuer.name} vào ngày {decision.date:%d/%m/%Y}: hãy đính chính quyết "
            "định, ghi người ký, rồi in giấy khen.",
            field="signer_name",
            rule="awards.certificate.signer_name",
        )
    is_person = award.member is not None
    return Certificate(
        issuer_body=decision.issuer_name,
        form_name=certificate_title(award.form.name),
        recipient_name=award.recipient_name,
        achievement=award.achievement,
        decision_number=row.decision_number,
        decision_date=row.decision_date,
        place=decision.issuer.place,
        signature=signature_on(
            decision.date, signed.on_behalf, signed.signer.title, signed.signer.name
        ),
        recipient_title="Đồng chí" if is_person else "",
        recipient_detail=row.recipient_unit,
    )


# --- the award decision as a document -----------------------------------------------------------


@dataclass(frozen=True)
class AwardDecisionRecord:
    """A decision an organization issued, as its document prints it: the version in force,
    its recipients the user may see, and who signs (`decision_signer`)."""

    decision_id: int
    number: str  # 45-QĐ/ĐU
    date: dt.date
    year: int
    issuer_name: str
    form_name: str
    rows: tuple[AwardRow, ...]
    signer: DecisionSigner

    @property
    def common_achievement(self) -> str:
        """The achievement when every recipient has the same one, else empty."""
        texts = {row.achievement.strip() for row in self.rows}
        return texts.pop() if len(texts) == 1 else ""


def award_decision_record(
    user: User | None, org: Organization, year: int
) -> AwardDecisionRecord | None:
    """The organization's own award decision for `year` (the one rewarding most recipients
    when it issued several), in force, with the recipients the user may see."""
    roots = (
        visible_decisions(user)
        .filter(issuer=org, year=year, original__isnull=True)
        .order_by("date", "pk")
    )
    best: tuple[AwardDecision, list[Award]] | None = None
    for root in roots:
        awards = list(
            visible_awards(user)
            .filter(Q(decision_id=root.pk) | Q(decision__original_id=root.pk))
            .order_by("member__organization__path", "member__sort_name", "organization__path")
        )
        if awards and (best is None or len(awards) > len(best[1])):
            best = (root, awards)
    if best is None:
        return None
    root, awards = best
    decision = _decisions_in_force([root]).get(root.pk, root)
    rows = tuple(award_rows(awards))
    forms = {certificate_title(a.form.name) for a in awards}
    return AwardDecisionRecord(
        decision_id=decision.pk,
        number=decision.number,
        date=decision.date,
        year=decision.year,
        issuer_name=decision.issuer_name,
        form_name=forms.pop() if len(forms) == 1 else "",
        rows=rows,
        signer=decision_signer(decision),
    )


def past_results_in(org: Organization, years: Iterable[int]) -> QuerySet[PastResult]:
    """Results entered from earlier records for subjects in `org`'s subtree (itself included)
    in `years`: what multi-year awards count beside the product's own decisions."""
    return PastResult.objects.filter(
        subject_path__startswith=org.path, year__in=list(years)
    ).select_related("member", "organization")


def subject_decision(
    member: Member | None, org: Organization | None, year: int
) -> tuple[str, dt.date] | None:
    """The current yearly classification decision of one member or organization for `year`,
    wherever it was made (a member transferred since keeps the decision of the old
    organization), as (number, date); None when the product did not decide it."""
    from tongket.evaluation.models import Decision  # the evaluation app's Django layer

    subject = (
        Q(evaluation__member=member) if member is not None else Q(evaluation__organization=org)
    )
    found = (
        Decision.objects.filter(
            subject,
            evaluation__cycle__year=year,
            evaluation__cycle__quarter__isnull=True,
            status="current",
        )
        .values_list("number", "date")
        .first()
    )
    return (found[0], found[1]) if found is not None else None


def organization_decision_id(code: str, year: int) -> int:
    """The current yearly classification decision of organization `code` for `year`."""
    from tongket.evaluation.models import Decision  # the evaluation app's Django layer

    return first_or_not_found(
        Decision.objects.filter(
            evaluation__organization__code=code.strip(),
            evaluation__cycle__year=year,
            evaluation__cycle__quarter__isnull=True,
            status="current",
        ).values_list("pk", flat=True),
        f"Không có quyết định xếp loại năm {year} của tổ chức «{code}».",
    )


def exemplary_in(org: Organization, years: Iterable[int]) -> dict[tuple[int, str], str]:
    """The "tiêu biểu" choices standing on a current classification decision, for organizations
    in `org`'s subtree in `years`: (year, organization code) → the choosing document."""
    rows = ExemplaryChoice.objects.filter(
        subject_path__startswith=org.path,
        year__in=list(years),
        decision__status="current",
    ).values_list("year", "organization__code", "number", "date")
    return {
        (year, code): f"văn bản số {number} ngày {date:%d/%m/%Y}"
        for year, code, number, date in rows
    }


def visible_past_results(user: User | None, card_number: str) -> list[PastResult]:
    """The earlier results entered for one member the user may see, oldest first."""
    member = get_member(user, card_number)
    return list(PastResult.objects.filter(member=member).order_by("year"))
