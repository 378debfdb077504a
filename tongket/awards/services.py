"""Every write to the award register: one transaction each, permission re-checked, audited.

Eligibility and the one-achievement-one-award rule live in `tongket.awards.domain`; this module
gathers the facts (the decided classification results of the evaluation app), asks the rules,
refuses with their reasons, and records what was decided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tongket.accounts.scope import Scope, User, scope_for
from tongket.audit.services import record_event
from tongket.awards import domain, selectors
from tongket.awards.domain import (
    RULE_PARTY_EXCELLENT,
    RULE_PARTY_EXCELLENT_CONSECUTIVE,
    Achievement,
    Candidate,
    IssuerLevel,
    RecipientKind,
    RecordedAward,
    check_eligibility,
    check_not_rewarded_twice,
    check_similar_awards,
    normalize_text,
)
from tongket.awards.models import (
    Award,
    AwardDecision,
    AwardForm,
    AwardProposal,
    ExemplaryChoice,
    PastResult,
    ProposalCandidate,
    ProposalStatus,
)
from tongket.awards.permissions import can_mark_exemplary
from tongket.core.actors import require_write
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.core.formatting import date_short
from tongket.core.locking import locked
from tongket.core.lookups import first_or_not_found
from tongket.core.rules import Finding, Severity
from tongket.core.text import fold, join_sentences
from tongket.evaluation.domain import Level
from tongket.evaluation.regulations import profile_for_year
from tongket.notifications import services as notifications
from tongket.notifications.domain import Kind
from tongket.people.models import Member, Organization, OrganizationKind


class DecidedResult(Protocol):
    """What this app reads of `tongket.evaluation.selectors.DecidedResult`."""

    @property
    def subject_kind(self) -> str: ...  # "member" | "organization"
    @property
    def card_number(self) -> str | None: ...
    @property
    def org_code(self) -> str | None: ...
    @property
    def level(self) -> Level | None: ...
    @property
    def decision_number(self) -> str: ...
    @property
    def decision_date(self) -> dt.date: ...


# Rules that read the Party classification: a form naming one needs the decided results.
_LEVEL_RULES = frozenset({RULE_PARTY_EXCELLENT, RULE_PARTY_EXCELLENT_CONSECUTIVE})

RULE_NO_RESULTS = "awards.proposal.no_decided_results"
RULE_FORM_NOT_GENERATED = "awards.proposal.form_not_generated"
RULE_NOT_DRAFT = "awards.proposal.not_draft"
RULE_NOT_SUBMITTED = "awards.proposal.not_submitted"
RULE_EMPTY = "awards.proposal.empty"
RULE_DECISION_REQUIRED = "awards.decision.required_field"
RULE_DECISION_DATE = "awards.decision.date_before_year_end"
RULE_DECISION_SEALED = "awards.decision.sealed"
RULE_CORRECTION_REASON = "awards.decision.correction_reason"
RULE_ACHIEVEMENT_REQUIRED = "awards.achievement.required"
RULE_UNKNOWN = "awards.unknown_reference"
RULE_FORM_KIND = "awards.form.recipient_kind"
RULE_ISSUER_SCOPE = "awards.issuer.outside_scope"


# --- small helpers ------------------------------------------------------------------------------


def _decided_results(org: Organization, year: int) -> Sequence[DecidedResult]:
    """The current classification decisions in `org`'s subtree for `year` (evaluation app)."""
    # Imported here: the evaluation app's Django layer may land after this one.
    from tongket.evaluation.selectors import decided_results

    return decided_results(org, year)


def committee_name(org: Organization) -> str:
    """The name of the body that signs for `org`: "Đảng bộ Sở X" is signed by "Đảng ủy Sở X",
    "Đảng bộ tỉnh Quảng Trị" by "Tỉnh ủy Quảng Trị"; cells and agencies sign in their own name."""
    name = org.name.strip()
    if org.kind == OrganizationKind.PROVINCIAL and name.startswith("Đảng bộ tỉnh "):
        return "Tỉnh ủy " + name.removeprefix("Đảng bộ tỉnh ")
    if name.startswith("Đảng bộ "):
        return "Đảng ủy " + name.removeprefix("Đảng bộ ")
    return name


def default_achievement(form: domain.AwardForm, year: int) -> str:
    """The achievement a yearly Party form rewards, as decisions word it."""
    if RULE_PARTY_EXCELLENT in form.rule_ids:
        return f"hoàn thành xuất sắc nhiệm vụ năm {year}"
    if RULE_PARTY_EXCELLENT_CONSECUTIVE in form.rule_ids:
        return (
            f"hoàn thành xuất sắc nhiệm vụ {form.years} năm liền ({year - form.years + 1}–{year})"
        )
    return ""


def _domain_form(code: str) -> tuple[domain.AwardForm, AwardForm]:
    form = domain.AWARD_FORMS.get(code)
    row = AwardForm.objects.filter(code=code).first()
    if form is None or row is None:
        raise DomainError(
            f"Không có hình thức khen thưởng mã «{code}».", field="form", rule=RULE_UNKNOWN
        )
    return form, row


def _organization(code: str, field: str) -> Organization:
    org = Organization.objects.filter(code=code.strip()).first()
    if org is None:
        raise DomainError(f"Không có tổ chức mã «{code}».", field=field, rule=RULE_UNKNOWN)
    return org


def _ancestors(org: Organization) -> list[Organization]:
    """`org` and the organizations above it, nearest first."""
    ids = [int(segment) for segment in org.path.split("/") if segment]
    by_id = {o.pk: o for o in Organization.objects.filter(pk__in=ids)}
    return [by_id[pk] for pk in reversed(ids) if pk in by_id]


_ISSUER_KINDS = {
    IssuerLevel.GRASSROOTS_PARTY_COMMITTEE: OrganizationKind.GRASSROOTS,
    IssuerLevel.BLOC_PARTY_COMMITTEE: OrganizationKind.BLOC,
    IssuerLevel.PROVINCIAL_PARTY_COMMITTEE: OrganizationKind.PROVINCIAL,
}


def default_issuer(org: Organization, level: IssuerLevel) -> Organization | None:
    """The organization at the form's issuer level above (or at) `org`, if the tree has one."""
    kind = _ISSUER_KINDS.get(level)
    if kind is None:
        return None
    return next((o for o in _ancestors(org) if o.kind == kind), None)


@dataclass(frozen=True)
class _Recipient:
    member: Member | None
    organization: Organization | None

    @property
    def kind(self) -> RecipientKind:
        return RecipientKind.INDIVIDUAL if self.member is not None else RecipientKind.COLLECTIVE

    @property
    def code(self) -> str:
        if self.member is not None:
            return self.member.card_number
        assert self.organization is not None
        return self.organization.code

    @property
    def name(self) -> str:
        if self.member is not None:
            return self.member.full_name
        assert self.organization is not None
        return self.organization.name

    @property
    def path(self) -> str:
        if self.member is not None:
            return self.member.org_path
        assert self.organization is not None
        return self.organization.path

    @property
    def home(self) -> Organization:
        """Where the recipient's own classification is found."""
        if self.member is not None:
            return self.member.organization
        assert self.organization is not None
        return self.organization


def _result_key(result: DecidedResult) -> tuple[str, str]:
    if result.subject_kind == "member":
        return ("member", result.card_number or "")
    return ("organization", result.org_code or "")


def _recipient_key(recipient: _Recipient) -> tuple[str, str]:
    return ("member" if recipient.member is not None else "organization", recipient.code)


@dataclass(frozen=True)
class _YearResult:
    level: Level | None
    source: str  # "Quyết định số 15-QĐ/ĐU ngày 20/12/2022", quoted by multi-year forms
    exemplary: bool = False  # chosen "hoàn thành xuất sắc nhiệm vụ tiêu biểu" that year


YearResults = dict[int, dict[tuple[str, str], _YearResult]]


def _decision_source(number: str, date: dt.date, body: str = "") -> str:
    return f"Quyết định số {number} ngày {date_short(date)}" + (f" của {body}" if body else "")


def _levels_by_year(form: domain.AwardForm, home: Organization, year: int) -> YearResults:
    """Decided levels in `home`'s subtree for every year the form's rules read (none if none):
    the product's decisions, and the results entered from earlier records (`PastResult`) for
    the subjects and years the product did not decide."""
    if not _LEVEL_RULES.intersection(form.rule_ids):
        return {}
    years = range(year - form.years + 1, year + 1)
    # The regulation each year was decided under: five years run across 132, 124 and 366.
    rules = {y: f", {profile_for_year(y).short_title}" if y >= 2018 else "" for y in years}
    out: YearResults = {y: {} for y in years}
    for past in selectors.past_results_in(home, years):
        key = _recipient_key(_Recipient(past.member, past.organization))
        out[past.year][key] = _YearResult(
            Level(past.level),
            _decision_source(past.decision_number, past.decision_date, past.deciding_body)
            + rules[past.year]
            + (", tiêu biểu" if past.exemplary else "")
            + ", nhập từ hồ sơ",
            past.exemplary,
        )
    chosen = selectors.exemplary_in(home, years)
    for y in years:
        for r in _decided_results(home, y):
            key = _result_key(r)
            choice = chosen.get((y, key[1])) if key[0] == "organization" else None
            out[y][key] = _YearResult(
                r.level,
                _decision_source(r.decision_number, r.decision_date)
                + rules[y]
                + (f"; tiêu biểu: {choice}" if choice else ""),
                choice is not None,
            )
    return {y: by_key for y, by_key in out.items() if by_key or y == year}


def _candidate(
    form: domain.AwardForm,
    recipient: _Recipient,
    year: int,
    levels: YearResults,
) -> Candidate:
    key = _recipient_key(recipient)
    found = {y: result for y, by_key in levels.items() if (result := by_key.get(key)) is not None}
    current = found.get(year)
    return Candidate(
        kind=recipient.kind,
        year=year,
        subject=recipient.code,
        party_level=current.level if current is not None else None,
        party_levels_before={
            y: r.level for y, r in found.items() if y != year and r.level is not None
        },
        party_level_sources={y: r.source for y, r in found.items()},
        exemplary_years=frozenset(y for y, r in found.items() if r.exemplary),
        organization_kind=recipient.organization.kind if recipient.organization else "",
    )


def _existing_awards(recipient: _Recipient, year: int) -> list[RecordedAward]:
    query = (
        Q(member=recipient.member) if recipient.member else Q(organization=recipient.organization)
    )
    awards = Award.objects.filter(query, year=year).select_related(
        "form", "decision", "decision__issuer"
    )
    return [
        RecordedAward(
            form_code=a.form.code,
            achievement=Achievement(recipient.code, a.year, a.achievement),
            decision=f"Quyết định số {a.decision.number} ngày {a.decision.date:%d/%m/%Y}",
            issuer=a.decision.issuer.code,
        )
        for a in awards
    ]


def _check(
    form: domain.AwardForm,
    recipient: _Recipient,
    year: int,
    achievement: str,
    levels: YearResults,
    issuer: str = "",
) -> tuple[bool, list[Finding]]:
    """Eligibility for the form plus the one-achievement-one-award rule, every reason kept:
    an exact repeat is an error, a likely repeat (same form and issuer, similar wording) a
    warning that needs a justification."""
    verdict = check_eligibility(form, _candidate(form, recipient, year, levels))
    subject = Achievement(recipient.code, year, achievement)
    existing = _existing_awards(recipient, year)
    twice = check_not_rewarded_twice(subject, existing)
    similar = [] if twice else check_similar_awards(subject, form.code, issuer, existing)
    findings = [*verdict.findings, *twice, *similar]
    return not any(f.severity is Severity.ERROR for f in findings), findings


LIKELY_REPEAT_RULES = frozenset(
    {domain.RULE_SAME_FORM_ISSUER_YEAR, domain.RULE_SIMILAR_ACHIEVEMENT}
)
RULE_REPEAT_JUSTIFICATION = "awards.achievement.repeat_justification_required"


def _require_repeat_justification(findings: Sequence[Finding], justification: str) -> str:
    """A likely repeat is recorded only with the recorder's written reason (rule
    awards.achievement.repeat_justification_required; Điều 5, khoản 2, điểm c, Luật Thi đua, khen
    thưởng 2022): the warnings are returned to the form, which asks for it."""
    likely = [f for f in findings if f.rule in LIKELY_REPEAT_RULES]
    reason = " ".join(justification.split())
    if likely and not reason:
        raise DomainError(
            join_sentences(f.message for f in likely),
            field="justification",
            rule=RULE_REPEAT_JUSTIFICATION,
            citation=domain.NO_DOUBLE_REWARD_CITATION,
            findings=likely,
        )
    return reason if likely else ""


def _require_achievement(text: str) -> str:
    cleaned = " ".join(text.split())
    if not normalize_text(cleaned):
        raise DomainError(
            "Cần ghi thành tích được khen thưởng.",
            field="achievement",
            rule=RULE_ACHIEVEMENT_REQUIRED,
        )
    return cleaned


def _proposal_snapshot(p: AwardProposal) -> dict[str, Any]:
    return {
        "organization": p.organization.code,
        "issuer": p.issuer.code,
        "year": p.year,
        "form": p.form.code,
        "status": p.status,
    }


def _candidate_snapshot(c: ProposalCandidate) -> dict[str, Any]:
    return {
        "recipient": c.member.card_number if c.member else c.organization.code,  # type: ignore[union-attr]
        "achievement": c.achievement,
        "included": c.included,
        "eligible": c.eligible,
    }


def _decision_snapshot(d: AwardDecision) -> dict[str, Any]:
    return {
        "issuer": d.issuer.code,
        "issuer_name": d.issuer_name,
        "number": d.number,
        "date": d.date.isoformat(),
        "year": d.year,
        "signer_on_behalf": d.signer_on_behalf,
        "signer_title": d.signer_title,
        "signer_name": d.signer_name,
        "supersedes": d.supersedes_id,
        "correction_reason": d.correction_reason,
    }


def _award_snapshot(a: Award) -> dict[str, Any]:
    return {
        "form": a.form.code,
        "recipient": a.recipient_code,
        "recipient_name": a.recipient_name,
        "year": a.year,
        "achievement": a.achievement,
        "decision": a.decision_id,
        **({"justification": a.justification} if a.justification else {}),
    }


# --- catalog --------------------------------------------------------------------------------------


@transaction.atomic
def sync_award_forms(*, actor: User | None) -> int:
    """Bring the `AwardForm` table in line with the domain catalog; returns rows created."""
    if not scope_for(actor).is_superuser:
        raise PermissionDenied()
    created = 0
    for order, form in enumerate(domain.AWARD_FORMS.values()):
        _row, was_created = AwardForm.objects.update_or_create(
            code=form.code, defaults=form.row(order)
        )
        created += int(was_created)
    record_event(
        actor=actor,
        action="awards.forms.sync",
        object_type="awards.AwardForm",
        summary=f"Đồng bộ danh mục hình thức khen thưởng ({created} mới)",
        after={"codes": list(domain.AWARD_FORMS)},
    )
    return created


# --- proposals ------------------------------------------------------------------------------------


@transaction.atomic
def generate_proposal(
    *,
    actor: User | None,
    organization_code: str,
    year: int,
    form_code: str,
    issuer_code: str = "",
) -> AwardProposal:
    """List every member (or organization, for a collective form) of `organization_code`'s
    subtree with a decided result for `year` as a candidate, each with its eligibility and the
    reasons; eligible candidates are included, the others listed but left out."""
    org = _organization(organization_code, "organization")
    require_write(actor, org.path)
    form, form_row = _domain_form(form_code)
    if not _LEVEL_RULES.intersection(form.rule_ids):
        raise DomainError(
            f"{form.name} không xét theo kết quả xếp loại: hãy ghi nhận từng trường hợp.",
            field="form",
            rule=RULE_FORM_NOT_GENERATED,
        )
    issuer = (
        _organization(issuer_code, "issuer") if issuer_code else default_issuer(org, form.issuer)
    )
    if issuer is None:
        raise DomainError(
            f"Không xác định được cơ quan khen thưởng ({form.issuer.label}) của {org.name}.",
            field="issuer",
            rule=RULE_UNKNOWN,
        )
    levels = _levels_by_year(form, org, year)
    wanted = "member" if form.recipient is RecipientKind.INDIVIDUAL else "organization"
    current = [key for key in levels.get(year, {}) if key[0] == wanted]
    if not current:
        raise DomainError(
            f"Chưa có kết quả xếp loại được quyết định năm {year} trong {org.name}.",
            field="year",
            rule=RULE_NO_RESULTS,
        )
    codes = [code for _kind, code in current]
    recipients: list[_Recipient]
    if wanted == "member":
        members = Member.objects.filter(card_number__in=codes).select_related("organization")
        recipients = [_Recipient(m, None) for m in members.order_by("sort_name")]
    else:
        orgs = Organization.objects.filter(code__in=codes).order_by("path")
        recipients = [_Recipient(None, o) for o in orgs]

    proposal = AwardProposal.objects.create(
        organization=org, issuer=issuer, year=year, form=form_row, created_by=_user(actor)
    )
    achievement = default_achievement(form, year)
    now = timezone.now()
    checked = []
    for recipient in recipients:
        eligible, findings = _check(form, recipient, year, achievement, levels)
        checked.append(
            ProposalCandidate(
                proposal=proposal,
                member=recipient.member,
                organization=recipient.organization,
                level=getattr(levels[year].get(_recipient_key(recipient)), "level", None) or "",
                achievement=achievement,
                eligible=eligible,
                findings=[f.as_dict() for f in findings],
                checked_at=now,
                included=eligible,
            )
        )
    # Eligible candidates first, each group in the office's name order.
    checked.sort(key=lambda c: not c.eligible)
    ProposalCandidate.objects.bulk_create(checked)
    record_event(
        actor=actor,
        action="awards.proposal.generate",
        object_type="awards.AwardProposal",
        object_id=proposal.pk,
        org_path=org.path,
        summary=(
            f"Lập danh sách đề nghị {form.name} năm {year}: "
            f"{sum(c.eligible for c in checked)}/{len(checked)} đủ điều kiện"
        ),
        after={
            **_proposal_snapshot(proposal),
            "candidates": [_candidate_snapshot(c) for c in checked],
        },
    )
    return proposal


def _user(actor: User | None) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _locked_proposal(actor: User | None, proposal_id: int) -> AwardProposal:
    proposal = locked(
        AwardProposal,
        proposal_id,
        "organization",
        "issuer",
        "form",
        missing="Không tìm thấy danh sách đề nghị.",
    )
    scope = scope_for(actor)
    if not (scope.reads(proposal.organization.path) or scope.reads(proposal.issuer.path)):
        raise NotFound("Không tìm thấy danh sách đề nghị.")
    return proposal


def _require_draft(proposal: AwardProposal) -> None:
    if proposal.status != ProposalStatus.DRAFT:
        raise DomainError(
            "Danh sách đã trình hoặc đã có quyết định: không sửa được nữa.",
            field="status",
            rule=RULE_NOT_DRAFT,
        )


@transaction.atomic
def adjust_candidate(
    *,
    actor: User | None,
    candidate_id: int,
    included: bool | None = None,
    achievement: str | None = None,
) -> ProposalCandidate:
    """Include or leave out a candidate, or reword its achievement, while the list is a draft.

    Rewording checks eligibility again (the achievement may already have been rewarded)."""
    row = ProposalCandidate.objects.filter(pk=candidate_id).values_list("proposal_id", flat=True)
    proposal_id = row.first()
    if proposal_id is None:
        raise NotFound()
    proposal = _locked_proposal(actor, proposal_id)
    require_write(actor, proposal.organization.path)
    _require_draft(proposal)
    candidate = ProposalCandidate.objects.select_related(
        "member__organization", "organization"
    ).get(pk=candidate_id)
    before = _candidate_snapshot(candidate)
    if achievement is not None:
        candidate.achievement = _require_achievement(achievement)
        form, _row = _domain_form(proposal.form.code)
        recipient = _Recipient(candidate.member, candidate.organization)
        eligible, findings = _check(
            form,
            recipient,
            proposal.year,
            candidate.achievement,
            _levels_by_year(form, recipient.home, proposal.year),
        )
        candidate.eligible = eligible
        candidate.findings = [f.as_dict() for f in findings]
        candidate.checked_at = timezone.now()
    if included is not None:
        candidate.included = included
    candidate.save()
    proposal.version += 1
    proposal.save(update_fields=["version"])
    record_event(
        actor=actor,
        action="awards.proposal.adjust",
        object_type="awards.ProposalCandidate",
        object_id=candidate.pk,
        org_path=proposal.organization.path,
        summary=f"Điều chỉnh danh sách đề nghị khen thưởng năm {proposal.year}",
        before=before,
        after=_candidate_snapshot(candidate),
    )
    return candidate


@transaction.atomic
def submit_proposal(*, actor: User | None, proposal_id: int) -> AwardProposal:
    """Send the draft to the issuer; it needs at least one candidate included."""
    proposal = _locked_proposal(actor, proposal_id)
    require_write(actor, proposal.organization.path)
    _require_draft(proposal)
    if not proposal.candidates.filter(included=True).exists():
        raise DomainError(
            "Danh sách chưa có ai được đưa vào đề nghị.", field="candidates", rule=RULE_EMPTY
        )
    proposal.status = ProposalStatus.SUBMITTED
    proposal.submitted_at = timezone.now()
    proposal.version += 1
    proposal.save(update_fields=["status", "submitted_at", "version"])
    record_event(
        actor=actor,
        action="awards.proposal.submit",
        object_type="awards.AwardProposal",
        object_id=proposal.pk,
        org_path=proposal.organization.path,
        summary=f"Trình danh sách đề nghị {proposal.form.name} năm {proposal.year}",
        after=_proposal_snapshot(proposal),
    )
    return proposal


@dataclass(frozen=True)
class DecisionInput:
    """What the issuer writes on a decision."""

    number: str
    date: dt.date
    signer_title: str
    signer_name: str = ""
    signer_on_behalf: str = ""
    issuer_name: str = ""  # defaults to the issuing committee's name
    is_sample: bool = False

    @classmethod
    def sent(cls, data: Mapping[str, Any]) -> DecisionInput:
        """The decision as a page's form or the API sends it (the optional texts may be left
        out: empty)."""
        return cls(
            number=data["number"],
            date=data["date"],
            signer_title=data["signer_title"],
            signer_name=data.get("signer_name", ""),
            signer_on_behalf=data.get("signer_on_behalf", ""),
            issuer_name=data.get("issuer_name", ""),
        )


def _clean_decision(data: DecisionInput, year: int, *, need_signer_name: bool) -> DecisionInput:
    number = data.number.strip()
    title = data.signer_title.strip()
    name = data.signer_name.strip()
    for field, value, label in (
        ("number", number, "số quyết định"),
        ("signer_title", title, "chức vụ người ký"),
        ("signer_name", name if need_signer_name else "-", "họ tên người ký"),
    ):
        if not value:
            raise DomainError(f"Cần ghi {label}.", field=field, rule=RULE_DECISION_REQUIRED)
    if data.date.year < year:
        raise DomainError(
            f"Quyết định khen thưởng thành tích năm {year} không thể ban hành trước năm đó.",
            field="date",
            rule=RULE_DECISION_DATE,
        )
    return DecisionInput(
        number=number,
        date=data.date,
        signer_title=title,
        signer_name=name,
        signer_on_behalf=data.signer_on_behalf.strip(),
        issuer_name=" ".join(data.issuer_name.split()),
        is_sample=data.is_sample,
    )


def _create_award(
    *,
    form_row: AwardForm,
    decision: AwardDecision,
    recipient: _Recipient,
    year: int,
    achievement: str,
    is_sample: bool,
    justification: str = "",
) -> Award:
    try:
        with transaction.atomic():
            award = Award.objects.create(
                justification=justification,
                form=form_row,
                decision=decision,
                member=recipient.member,
                organization=recipient.organization,
                recipient_name=recipient.name,
                year=year,
                achievement=achievement,
                achievement_key=normalize_text(achievement)[:500],
                is_sample=is_sample,
            )
    except IntegrityError as exc:
        # Another transaction rewarded the same achievement between our check and this insert.
        raise DomainError(
            f"Thành tích «{achievement}» năm {year} của {recipient.name} đã được khen thưởng.",
            field="achievement",
            rule=domain.RULE_NOT_REWARDED_TWICE,
            citation=domain.NO_DOUBLE_REWARD_CITATION,
        ) from exc
    member = recipient.member
    if member is not None and member.user_id is not None:
        notifications.notify(
            user_ids=[member.user_id],
            kind=Kind.AWARD,
            text=(
                f"{form_row.name} theo quyết định số {decision.number} ngày "
                f"{date_short(decision.date)} của {decision.issuer_name}: {achievement}"
            ),
            url=reverse("awards:member", args=[member.card_number]),
        )
    return award


@transaction.atomic
def decide_proposal(
    *, actor: User | None, proposal_id: int, decision: DecisionInput
) -> AwardDecision:
    """Record the issuer's decision on a submitted list: every included candidate is checked
    again against the current decided results and the awards already given; one refusal
    refuses the whole decision, with the reasons. The decision is sealed once written."""
    proposal = _locked_proposal(actor, proposal_id)
    scope = scope_for(actor)
    if not (scope.writes(proposal.issuer.path) or scope.writes(proposal.organization.path)):
        raise PermissionDenied()
    if proposal.status == ProposalStatus.DECIDED:
        raise DomainError(
            "Danh sách này đã có quyết định; quyết định đã ban hành không sửa được, "
            "chỉ đính chính bằng một quyết định thay thế.",
            field="status",
            rule=RULE_DECISION_SEALED,
        )
    if proposal.status != ProposalStatus.SUBMITTED:
        raise DomainError("Danh sách chưa được trình.", field="status", rule=RULE_NOT_SUBMITTED)
    data = _clean_decision(decision, proposal.year, need_signer_name=True)
    form, form_row = _domain_form(proposal.form.code)
    candidates = list(
        proposal.candidates.filter(included=True).select_related(
            "member__organization", "organization"
        )
    )
    if not candidates:
        raise DomainError(
            "Danh sách chưa có ai được đưa vào đề nghị.", field="candidates", rule=RULE_EMPTY
        )
    levels = _levels_by_year(form, proposal.organization, proposal.year)
    refused: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for candidate in candidates:
        recipient = _Recipient(candidate.member, candidate.organization)
        eligible, findings = _check(form, recipient, proposal.year, candidate.achievement, levels)
        key = (recipient.code, normalize_text(candidate.achievement))
        if key in seen:
            eligible = False
            findings.append(
                Finding(
                    rule=domain.RULE_NOT_REWARDED_TWICE,
                    citation=domain.NO_DOUBLE_REWARD_CITATION,
                    message=f"{recipient.name} có hai dòng cùng thành tích trong danh sách.",
                    subject=recipient.code,
                )
            )
        seen.add(key)
        if not eligible:
            refused.extend(
                Finding(
                    rule=f.rule,
                    citation=f.citation,
                    message=f"{recipient.name}: {f.message}",
                    subject=f.subject or recipient.code,
                )
                for f in findings
                if f.severity is Severity.ERROR
            )
    if refused:
        raise DomainError.from_findings(refused, field="candidates")

    sealed = AwardDecision.objects.create(
        issuer=proposal.issuer,
        issuer_name=data.issuer_name or committee_name(proposal.issuer),
        number=data.number,
        date=data.date,
        year=proposal.year,
        signer_on_behalf=data.signer_on_behalf,
        signer_title=data.signer_title,
        signer_name=data.signer_name,
        is_sample=data.is_sample,
        created_by=_user(actor),
    )
    awards = [
        _create_award(
            form_row=form_row,
            decision=sealed,
            recipient=_Recipient(c.member, c.organization),
            year=proposal.year,
            achievement=c.achievement,
            is_sample=data.is_sample,
        )
        for c in candidates
    ]
    proposal.status = ProposalStatus.DECIDED
    proposal.decision = sealed
    proposal.version += 1
    proposal.save(update_fields=["status", "decision", "version"])
    record_event(
        actor=actor,
        action="awards.proposal.decide",
        object_type="awards.AwardDecision",
        object_id=sealed.pk,
        org_path=proposal.organization.path,
        summary=(
            f"Quyết định số {sealed.number}: {form.name} năm {proposal.year} "
            f"cho {len(awards)} trường hợp"
        ),
        after={**_decision_snapshot(sealed), "awards": [_award_snapshot(a) for a in awards]},
    )
    return sealed


# --- awards decided elsewhere ---------------------------------------------------------------------


@dataclass(frozen=True)
class RecordInput:
    """An award decided by an outside issuer (e.g. a Bằng khen of the Tỉnh ủy), as received."""

    form_code: str
    issuer_code: str
    year: int
    achievement: str
    decision: DecisionInput
    member_card: str = ""
    organization_code: str = ""
    # Why a likely repeat (same form and issuer, or similar wording) is another achievement.
    justification: str = ""


class _Subject(Protocol):
    @property
    def member_card(self) -> str: ...
    @property
    def organization_code(self) -> str: ...


def _recipient_from(data: _Subject) -> _Recipient:
    if bool(data.member_card) == bool(data.organization_code):
        raise DomainError(
            "Chọn một người hoặc một tập thể được khen thưởng.",
            field="recipient",
            rule=RULE_UNKNOWN,
        )
    if data.member_card:
        member = first_or_not_found(
            Member.objects.select_related("organization").filter(
                card_number=data.member_card.strip()
            ),
            "Không tìm thấy đảng viên.",
        )
        return _Recipient(member, None)
    return _Recipient(None, _organization(data.organization_code, "recipient"))


def _recorded_issuer(scope: Scope, code: str, recipient: _Recipient) -> Organization:
    """The issuer of an award recorded by hand (rule awards.issuer.outside_scope): an
    organization the recorder may write, or a committee above the recipient (an office records
    what its superior decided for its own members), never a sibling or unrelated committee. One
    outside both answers exactly like a code that does not exist."""
    org = Organization.objects.filter(code=code.strip()).first()
    if org is None or not (scope.writes(org.path) or recipient.path.startswith(org.path)):
        raise DomainError(
            f"Cơ quan khen thưởng: không có tổ chức mã «{code.strip()}» trong phạm vi được ghi "
            "(chỉ ghi khen thưởng do tổ chức bạn phụ trách hoặc cấp ủy cấp trên của người, "
            "tập thể được khen quyết định).",
            field="issuer",
            rule=RULE_ISSUER_SCOPE,
        )
    return org


def _writable_decision(
    scope: Scope, issuer: Organization, number: str, date: dt.date
) -> AwardDecision | None:
    """The latest decision of `issuer` with this number and date that the recorder may write:
    the issuer is theirs, or every award it holds is in their scope. Another office's decision
    is treated as not found (its own record is made), so it neither gains a recipient its
    office never decided on nor shows its signer to the recorder."""
    found = AwardDecision.objects.filter(
        issuer=issuer, number=number, date=date, superseded_by__isnull=True
    ).order_by("-pk")
    for decision in found:
        if scope.writes(issuer.path):
            return decision
        paths = _decision_recipient_paths(decision)
        if paths and all(scope.writes(p) for p in paths):
            return decision
    return None


@transaction.atomic
def record_award(*, actor: User | None, data: RecordInput) -> Award:
    """Enter an award decided by an issuer outside the proposal flow, with the same checks:
    eligibility for the form, and no second award for the same achievement in any form.
    Several awards of one decision share the decision (same issuer, number and date)."""
    recipient = _recipient_from(data)
    require_write(actor, recipient.path)
    form, form_row = _domain_form(data.form_code)
    if form.recipient is not recipient.kind:
        raise DomainError(
            f"{form.name} dành cho {form.recipient.label.lower()}.",
            field="form",
            rule=RULE_FORM_KIND,
        )
    scope = scope_for(actor)
    issuer = _recorded_issuer(scope, data.issuer_code, recipient)
    achievement = _require_achievement(data.achievement)
    decision_data = _clean_decision(data.decision, data.year, need_signer_name=False)
    eligible, findings = _check(
        form,
        recipient,
        data.year,
        achievement,
        _levels_by_year(form, recipient.home, data.year),
        issuer=issuer.code,
    )
    if not eligible:
        raise DomainError.from_findings(
            [f for f in findings if f.severity is Severity.ERROR], field="recipient"
        )
    justification = _require_repeat_justification(findings, data.justification)
    decision = _writable_decision(scope, issuer, decision_data.number, decision_data.date)
    if decision is None:
        decision = AwardDecision.objects.create(
            issuer=issuer,
            issuer_name=decision_data.issuer_name or committee_name(issuer),
            number=decision_data.number,
            date=decision_data.date,
            year=data.year,
            signer_on_behalf=decision_data.signer_on_behalf,
            signer_title=decision_data.signer_title,
            signer_name=decision_data.signer_name,
            is_sample=decision_data.is_sample,
            created_by=_user(actor),
        )
    award = _create_award(
        form_row=form_row,
        decision=decision,
        recipient=recipient,
        year=data.year,
        achievement=achievement,
        is_sample=decision_data.is_sample,
        justification=justification,
    )
    record_event(
        actor=actor,
        action="awards.award.record",
        object_type="awards.Award",
        object_id=award.pk,
        org_path=recipient.path,
        summary=f"Ghi nhận {form.name} tặng {recipient.name} năm {data.year}",
        after={**_award_snapshot(award), "decision": _decision_snapshot(decision)},
    )
    return award


# --- corrections ----------------------------------------------------------------------------------


@transaction.atomic
def correct_decision(
    *, actor: User | None, decision_id: int, reason: str, corrected: DecisionInput
) -> AwardDecision:
    """Correct a sealed decision (number, date, signer, issuer's name) by a new decision that
    supersedes it, with the reason. The old decision and its awards stay as they were."""
    old = locked(AwardDecision, decision_id, "issuer")
    recipient_paths = _decision_recipient_paths(old)
    scope = scope_for(actor)
    if not (scope.reads(old.issuer.path) or any(scope.reads(p) for p in recipient_paths)):
        raise NotFound()
    if not (
        scope.writes(old.issuer.path)
        or (recipient_paths and all(scope.writes(p) for p in recipient_paths))
    ):
        raise PermissionDenied()
    if AwardDecision.objects.filter(supersedes=old).exists():
        raise DomainError(
            "Quyết định này đã được thay thế; hãy đính chính quyết định mới nhất.",
            field="decision",
            rule=RULE_DECISION_SEALED,
        )
    why = " ".join(reason.split())
    if not why:
        raise DomainError("Cần ghi lý do đính chính.", field="reason", rule=RULE_CORRECTION_REASON)
    data = _clean_decision(corrected, old.year, need_signer_name=bool(old.signer_name))
    new = AwardDecision.objects.create(
        issuer=old.issuer,
        issuer_name=data.issuer_name or old.issuer_name,
        number=data.number,
        date=data.date,
        year=old.year,
        signer_on_behalf=data.signer_on_behalf,
        signer_title=data.signer_title,
        signer_name=data.signer_name,
        supersedes=old,
        original_id=old.original_id or old.pk,
        correction_reason=why,
        is_sample=old.is_sample,
        created_by=_user(actor),
    )
    record_event(
        actor=actor,
        action="awards.decision.correct",
        object_type="awards.AwardDecision",
        object_id=new.pk,
        org_path=old.issuer.path,
        summary=f"Đính chính Quyết định số {old.number}: {why}",
        before=_decision_snapshot(old),
        after=_decision_snapshot(new),
    )
    return new


def _decision_recipient_paths(decision: AwardDecision) -> list[str]:
    root = decision.original_id or decision.pk
    chain = AwardDecision.objects.filter(Q(pk=root) | Q(original_id=root)).values_list(
        "pk", flat=True
    )
    rows: Sequence[tuple[str | None, str | None]] = list(
        Award.objects.filter(decision_id__in=list(chain)).values_list(
            "member__org_path", "organization__path"
        )
    )
    return [member_path or org_path or "" for member_path, org_path in rows]


# --- results decided before the product held the year -----------------------------------------

RULE_PAST_YEAR = "awards.history.year_not_past"
RULE_PAST_DECIDED_IN_PRODUCT = "awards.history.decided_in_product"
RULE_PAST_EXISTS = "awards.history.exists"
RULE_PAST_LEVEL = "awards.history.level"
RULE_PAST_DECISION = "awards.history.decision"
RULE_PAST_BEFORE_JOINING = "awards.history.before_joining"
# The level as the command takes it: its code, or as written on the decision (full or short).
_PAST_LEVELS = {
    fold(text): level for level in Level for text in (level.value, level.label, level.short_label)
}


@dataclass(frozen=True)
class PastResultInput:
    """A year's classification as the paper records give it (issue 24, point 8)."""

    year: int
    level: str  # excellent | good | completed | not_completed
    decision_number: str
    decision_date: dt.date
    deciding_body: str  # as written on the decision, e.g. "Đảng ủy Sở Giáo dục và Đào tạo"
    member_card: str = ""
    organization_code: str = ""
    exemplary: bool = False  # an organization chosen "tiêu biểu" that year (HD 06 mục 19)


def _clean_past(data: PastResultInput, today: dt.date) -> tuple[Level, str, str]:
    profile_for_year(data.year)  # DomainError before 2018
    if data.year >= today.year:
        raise DomainError(
            f"Năm {data.year} chưa qua: kết quả năm nay do kỳ đánh giá trong phần mềm quyết "
            "định, chỉ nhập từ hồ sơ các năm trước.",
            field="year",
            rule=RULE_PAST_YEAR,
        )
    level = _PAST_LEVELS.get(fold(data.level))
    if level is None:
        raise DomainError(
            f"Mức xếp loại «{data.level}» không có: ghi một trong "
            + ", ".join(f"«{lv.label}» ({lv.short_label}, {lv.value})" for lv in Level)
            + ".",
            field="level",
            rule=RULE_PAST_LEVEL,
        )
    if data.exemplary and (data.member_card or level is not Level.EXCELLENT):
        raise DomainError(
            f"Năm {data.year}: chỉ tổ chức đảng xếp loại «{Level.EXCELLENT.label}» mới được "
            "chọn «hoàn thành xuất sắc nhiệm vụ tiêu biểu».",
            field="exemplary",
            rule=RULE_EXEMPLARY_NOT_EXCELLENT,
            citation=domain.HD06_CITATION,
        )
    number, body = data.decision_number.strip(), " ".join(data.deciding_body.split())
    for value, name, words in (
        (number, "decision_number", "số quyết định"),
        (body, "deciding_body", "cấp quyết định"),
    ):
        if not value:
            raise DomainError(f"Cần ghi {words}.", field=name, rule=RULE_PAST_DECISION)
    if data.decision_date.year < data.year:
        raise DomainError(
            f"Quyết định xếp loại năm {data.year} không thể ban hành ngày "
            f"{date_short(data.decision_date)}, trước năm được xếp loại.",
            field="decision_date",
            rule=RULE_PAST_DECISION,
        )
    if data.decision_date > today:
        raise DomainError(
            f"Quyết định xếp loại năm {data.year} không thể ban hành ngày "
            f"{date_short(data.decision_date)}, sau hôm nay ({date_short(today)}).",
            field="decision_date",
            rule=RULE_PAST_DECISION,
        )
    return level, number, body


@transaction.atomic
def record_past_result(*, actor: User | None, data: PastResultInput) -> PastResult:
    """Enter a year the product did not decide, from the records (the subject's office, or a
    superior's): multi-year awards count it (Hướng dẫn 06-HD/TW, §19: 5 years running, across
    132-QĐ/TW, 124-QĐ/TW and 366-QĐ/TW). Refused for a year not yet past, for a member's year
    before joining the Party, for a subject and year the product decided anywhere (its decision
    wins, a transfer since included), for a year already entered and for a decision dated after
    today."""
    recipient = _recipient_from(data)
    require_write(actor, recipient.path)
    level, number, body = _clean_past(data, timezone.localdate())
    if recipient.member is not None and data.year < recipient.member.joined_on.year:
        raise DomainError(
            f"{recipient.name} vào Đảng ngày {date_short(recipient.member.joined_on)}: năm "
            f"{data.year} chưa là đảng viên nên không có kết quả xếp loại đảng viên để nhập.",
            field="year",
            rule=RULE_PAST_BEFORE_JOINING,
        )
    # Wherever it was decided: a member transferred since keeps the old organization's decision.
    decided = selectors.subject_decision(recipient.member, recipient.organization, data.year)
    if decided is not None:
        raise DomainError(
            f"{recipient.name} đã có kết quả năm {data.year} trong phần mềm "
            f"({_decision_source(*decided)}): không nhập lại từ hồ sơ.",
            field="year",
            rule=RULE_PAST_DECIDED_IN_PRODUCT,
        )
    subject = (
        Q(member=recipient.member) if recipient.member else Q(organization=recipient.organization)
    )
    if PastResult.objects.filter(subject, year=data.year).exists():
        raise DomainError(
            f"Kết quả năm {data.year} của {recipient.name} đã được nhập.",
            field="year",
            rule=RULE_PAST_EXISTS,
        )
    past = PastResult.objects.create(
        member=recipient.member,
        organization=recipient.organization,
        subject_path=recipient.path,
        year=data.year,
        profile_id=profile_for_year(data.year).id,
        level=level.value,
        decision_number=number,
        decision_date=data.decision_date,
        deciding_body=body,
        exemplary=data.exemplary,
        recorded_by=_user(actor),
    )
    record_event(
        actor=actor,
        action="awards.history.record",
        object_type="awards.PastResult",
        object_id=past.pk,
        org_path=recipient.path,
        summary=(
            f"Nhập kết quả xếp loại năm {data.year} từ hồ sơ: {recipient.code} – {level.label}"
        ),
        after={
            "recipient": recipient.code,
            "year": past.year,
            "profile": past.profile_id,
            "level": past.level,
            "decision_number": number,
            "decision_date": past.decision_date.isoformat(),
            "deciding_body": body,
            "exemplary": past.exemplary,
        },
    )
    return past


# --- "hoàn thành xuất sắc nhiệm vụ tiêu biểu": the committee's choice --------------------------

RULE_EXEMPLARY_NOT_EXCELLENT = "awards.exemplary.not_excellent"
RULE_EXEMPLARY_NOT_COLLECTIVE = "awards.exemplary.not_collective"
RULE_EXEMPLARY_NOT_CURRENT = "awards.exemplary.decision_not_current"
RULE_EXEMPLARY_EXISTS = "awards.exemplary.exists"
RULE_EXEMPLARY_DOCUMENT = "awards.exemplary.document"


@transaction.atomic
def mark_exemplary(
    *, actor: User | None, decision_id: int, number: str, date: dt.date, reason: str
) -> ExemplaryChoice:
    """Record that the body which decided a collective `excellent` chose it as "hoàn thành xuất
    sắc nhiệm vụ tiêu biểu" for the year (Hướng dẫn 06-HD/TW ngày 09/6/2025, mục 19), by its own
    document: the sealed classification decision is not touched. Refused for a member, for a
    decision not current or not `excellent`, twice for one decision, and without the document's
    number, a date in or after the year, and a reason."""
    from tongket.evaluation.models import Decision  # the evaluation app's Django layer

    decision = first_or_not_found(
        Decision.objects.select_for_update(of=("self",))
        .select_related("evaluation__cycle", "evaluation__organization", "deciding_body")
        .filter(pk=decision_id, evaluation__cycle__quarter__isnull=True),
        "Không tìm thấy quyết định xếp loại.",
    )
    ev, scope = decision.evaluation, scope_for(actor)
    if not scope.reads(ev.subject_path):
        raise NotFound("Không tìm thấy quyết định xếp loại.")
    if not can_mark_exemplary(scope, decision):
        raise PermissionDenied()
    year = ev.cycle.year

    def refuse(message: str, field: str, rule: str) -> DomainError:
        return DomainError(message, field=field, rule=rule, citation=domain.HD06_CITATION)

    org = ev.organization
    if org is None:
        raise refuse(
            "Chỉ chi bộ, tổ chức cơ sở đảng được chọn «hoàn thành xuất sắc nhiệm vụ tiêu biểu»; "
            "đây là quyết định xếp loại đảng viên.",
            "decision",
            RULE_EXEMPLARY_NOT_COLLECTIVE,
        )
    if decision.status != "current":
        raise refuse(
            f"Quyết định số {decision.number} đã được thay thế hoặc bị hủy: chọn tiêu biểu trên "
            "quyết định đang có hiệu lực.",
            "decision",
            RULE_EXEMPLARY_NOT_CURRENT,
        )
    if decision.level != Level.EXCELLENT.value:
        words = Level(decision.level).label if decision.level else "không xếp loại"
        raise refuse(
            f"{org.name} năm {year} được xếp loại «{words}» (Quyết định số {decision.number}): "
            f"chỉ tập thể xếp loại «{Level.EXCELLENT.label}» mới được chọn tiêu biểu.",
            "decision",
            RULE_EXEMPLARY_NOT_EXCELLENT,
        )
    if ExemplaryChoice.objects.filter(decision=decision).exists():
        raise refuse(
            f"{org.name} đã được chọn tiêu biểu năm {year}.", "decision", RULE_EXEMPLARY_EXISTS
        )
    number, reason = number.strip(), reason.strip()
    if not number:
        raise refuse("Cần ghi số văn bản chọn tiêu biểu.", "number", RULE_EXEMPLARY_DOCUMENT)
    if date < decision.date:
        raise refuse(
            f"Văn bản chọn tiêu biểu ngày {date_short(date)} trước quyết định xếp loại "
            f"ngày {date_short(decision.date)}.",
            "date",
            RULE_EXEMPLARY_DOCUMENT,
        )
    if not reason:
        raise refuse("Cần ghi lý do chọn tiêu biểu.", "reason", RULE_EXEMPLARY_DOCUMENT)
    choice = ExemplaryChoice.objects.create(
        decision=decision,
        organization=org,
        subject_path=ev.subject_path,
        year=year,
        number=number,
        date=date,
        reason=reason,
        recorded_by=_user(actor),
    )
    record_event(
        actor=actor,
        action="awards.exemplary.mark",
        object_type="awards.ExemplaryChoice",
        object_id=choice.pk,
        org_path=ev.subject_path,
        summary=f"Chọn {org.name} hoàn thành xuất sắc nhiệm vụ tiêu biểu năm {year}",
        after={
            "organization": org.code,
            "year": year,
            "decision": decision.number,
            "number": number,
            "date": date.isoformat(),
            "reason": reason,
        },
    )
    return choice
