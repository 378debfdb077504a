"""Pages of the award register: parse input, read through the selectors, write through a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongket.accounts.scope import scope_for
from tongket.audit.services import record_export
from tongket.awards import downloads, exports, selectors, services
from tongket.awards.forms import (
    CandidateForm,
    CorrectDecisionForm,
    DecideForm,
    GenerateProposalForm,
    RecordAwardForm,
)
from tongket.awards.models import AwardForm, ProposalStatus
from tongket.core.errors import DomainError, NotFound, PermissionDenied, refusal_text
from tongket.core.http import (
    content_disposition,
    not_found_as_404,
    not_ready,
    posted,
    run_service,
)
from tongket.core.text import is_digits
from tongket.evaluation.permissions import can_see_rule_ids
from tongket.people.forms import VietnameseForm
from tongket.people.selectors import get_organization, root_organizations_for

T = TypeVar("T")


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _call(form: VietnameseForm | None, request: HttpRequest, action: Callable[[], T]) -> T | None:
    """Run a service; a refusal lands on the form, or in the page's messages."""

    def refused(exc: DomainError) -> None:
        if form is not None:
            form.add_domain_error(exc)
        else:
            messages.error(request, exc.message)

    return run_service(action, refused)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    roots = [org for org in root_organizations_for(user) if scope.reads(org.path)]
    own = getattr(user, "member", None)
    proposals = selectors.visible_proposals(user).order_by("-year", "-created_at")[:20]
    return render(
        request,
        "awards/index.html",
        {"roots": roots, "own_member": own, "proposals": proposals},
    )


def _year_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if is_digits(raw) else None


@login_required
@require_GET
@not_found_as_404
def organization(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    register = selectors.organization_register(user, code, _year_param(request))
    org = register.organization
    can_write = scope_for(user).writes(org.path)
    generate_form = None
    if can_write:
        generate_form = GenerateProposalForm(
            forms_available=list(selectors.generated_forms()),
            initial={"year": register.year},
        )
    return render(
        request,
        "awards/organization.html",
        {
            "org": org,
            "register": register,
            "can_write": can_write,
            "generate_form": generate_form,
            "proposals": selectors.proposals_for(user, org)[:20],
        },
    )


@login_required
@require_GET
@not_found_as_404
def organization_export(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    user = request.user
    org = get_organization(user, code)
    rows = selectors.register_rows(user, org, year)
    filename = f"khen-thuong-{org.code}-{year}"
    if fmt in ("csv", "xlsx"):
        record_export(
            actor=user,
            what="awards",
            fmt=fmt,
            rows=len(rows),
            org_path=org.path,
            object_id=org.code,
            summary=f"Xuất danh sách khen thưởng năm {year} — {org.name} ({fmt.upper()})",
            details={"organization": org.code, "year": year},
        )
    if fmt == "csv":
        response = HttpResponse(exports.awards_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition(f"{filename}.csv")
        return response
    if fmt == "xlsx":
        title = f"Danh sách khen thưởng năm {year} — {org.name}"
        response = HttpResponse(
            exports.awards_xlsx(rows, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition(f"{filename}.xlsx")
        return response
    raise Http404("Không có định dạng này.")


@login_required
@require_POST
@not_found_as_404
def proposal_generate(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    org = get_organization(user, code)
    if not scope_for(user).writes(org.path):
        raise DjangoPermissionDenied("Bạn chỉ được xem khen thưởng của tổ chức này.")
    form = GenerateProposalForm(request.POST, forms_available=list(selectors.generated_forms()))
    if form.is_valid():
        proposal = _call(
            form,
            request,
            lambda: services.generate_proposal(
                actor=user,
                organization_code=org.code,
                year=form.cleaned_data["year"],
                form_code=form.cleaned_data["form_code"],
            ),
        )
        if proposal is not None:
            messages.success(request, "Đã lập danh sách đề nghị khen thưởng.")
            return redirect("awards:proposal", proposal.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return redirect(reverse("awards:organization", args=[org.code]))


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    found = selectors.get_proposal(user, pk)
    scope = scope_for(user)
    can_edit = scope.writes(found.organization.path)
    can_decide = can_edit or scope.writes(found.issuer.path)
    decide_form = DecideForm(prefix="decide")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "adjust":
        adjust = CandidateForm(request.POST)
        if not adjust.is_valid():
            messages.error(request, "Thành tích không được để trống.")
        elif (
            _call(
                None,
                request,
                lambda: services.adjust_candidate(
                    actor=user,
                    candidate_id=adjust.cleaned_data["candidate"],
                    included=adjust.cleaned_data["included"],
                    achievement=adjust.cleaned_data["achievement"],
                ),
            )
            is not None
        ):
            messages.success(request, "Đã cập nhật danh sách.")
        return redirect("awards:proposal", pk)
    if action == "submit":
        if _call(None, request, lambda: services.submit_proposal(actor=user, proposal_id=pk)):
            messages.success(request, "Đã trình danh sách đề nghị.")
        return redirect("awards:proposal", pk)
    if action == "decide":
        decide_form = DecideForm(request.POST, prefix="decide")
        if decide_form.is_valid():
            data = decide_form.cleaned_data
            decision = _call(
                decide_form,
                request,
                lambda: services.decide_proposal(
                    actor=user,
                    proposal_id=pk,
                    decision=services.DecisionInput.sent(data),
                ),
            )
            if decision is not None:
                messages.success(request, f"Đã ghi Quyết định số {decision.number}.")
                return redirect("awards:proposal", pk)
    elif action:
        raise Http404("Không có thao tác này.")
    candidates = selectors.proposal_candidates(found)
    decided_rows = (
        selectors.award_rows(selectors.visible_awards(user).filter(decision=found.decision))
        if found.decision_id
        else []
    )
    return render(
        request,
        "awards/proposal.html",
        {
            "proposal": found,
            "candidates": candidates,
            "included_count": sum(c.included for c in candidates),
            "eligible_count": sum(c.eligible for c in candidates),
            "can_edit": can_edit and found.status == ProposalStatus.DRAFT,
            "can_submit": can_edit and found.status == ProposalStatus.DRAFT,
            "can_decide": can_decide and found.status == ProposalStatus.SUBMITTED,
            "decide_form": decide_form,
            "decided_rows": decided_rows,
        },
        status=400 if decide_form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def record(request: HttpRequest, code: str) -> HttpResponse:
    """Enter an award decided by an outside issuer for a member or unit of this organization."""
    user = request.user
    org = get_organization(user, code)
    if not scope_for(user).writes(org.path):
        raise DjangoPermissionDenied("Bạn không có quyền thực hiện thao tác này.")
    available = list(AwardForm.objects.all())
    form = RecordAwardForm(posted(request), forms_available=available)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipient = data["recipient"].strip()
        is_card = not any(ch.isalpha() for ch in recipient)
        award = _call(
            form,
            request,
            lambda: services.record_award(
                actor=user,
                data=services.RecordInput(
                    form_code=data["form_code"],
                    issuer_code=data["issuer_code"],
                    year=data["year"],
                    achievement=data["achievement"],
                    member_card=recipient if is_card else "",
                    organization_code="" if is_card else recipient,
                    justification=data["justification"],
                    decision=services.DecisionInput.sent(data),
                ),
            ),
        )
        if award is not None:
            messages.success(request, "Đã ghi nhận khen thưởng.")
            url = reverse("awards:organization", args=[org.code])
            return redirect(f"{url}?year={award.year}")
    return render(
        request,
        "awards/record.html",
        {"org": org, "form": form},
        status=400 if form.errors else 200,
    )


def _as_shown(user: Any, exc: DomainError) -> DomainError:
    """The refusal as the form shows it: its message, followed by the rule that refused it for
    the office only (`can_see_rule_ids`)."""
    show_rule = can_see_rule_ids(scope_for(user))
    message = refusal_text(exc.message, exc.rule, show_rule=show_rule)
    return DomainError(message, field=exc.field, rule=exc.rule, citation=exc.citation)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """An award decision with its corrections; a writer records a correcting decision here."""
    user = request.user
    found = selectors.get_decision(user, pk)
    can_correct = selectors.may_correct(user, found)
    if request.method == "POST" and not can_correct:
        raise DjangoPermissionDenied("Bạn không có quyền đính chính quyết định này.")
    root = found.original_id or found.pk
    chain = list(
        selectors.visible_decisions(user)
        .filter(Q(pk=root) | Q(original_id=root))
        .select_related("supersedes")
        .order_by("pk")
    )
    superseded = {d.supersedes_id for d in chain if d.supersedes_id}
    latest = next((d for d in reversed(chain) if d.pk not in superseded), found)
    form = CorrectDecisionForm(
        posted(request),
        initial={
            "issuer_name": found.issuer_name,
            "signer_on_behalf": found.signer_on_behalf,
            "signer_title": found.signer_title,
            "signer_name": found.signer_name,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.correct_decision(
                actor=user,
                decision_id=found.pk,
                reason=data["reason"],
                corrected=services.DecisionInput.sent(data),
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_domain_error(_as_shown(user, exc))
        else:
            messages.success(request, f"Đã ghi Quyết định đính chính số {new.number}.")
            return redirect("awards:decision", new.pk)
    rows = selectors.award_rows(
        selectors.visible_awards(user).filter(Q(decision_id=root) | Q(decision__original_id=root))
    )
    return render(
        request,
        "awards/decision.html",
        {
            "decision": found,
            "chain": chain,
            "superseded": superseded,
            "latest": latest,
            "is_latest": latest.pk == found.pk,
            "can_correct": can_correct and latest.pk == found.pk,
            "form": form,
            "rows": rows,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
@not_found_as_404
def member(request: HttpRequest, card_number: str) -> HttpResponse:
    user = request.user
    found, rows = selectors.member_awards(user, card_number)
    return render(request, "awards/member.html", {"member": found, "rows": rows})


@login_required
@require_GET
@not_found_as_404
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate as PDF (or `?format=docx`); `?preprinted=1` prints only the variable
    text, for pre-printed certificate paper."""
    fmt = "docx" if request.GET.get("format") == "docx" else "pdf"
    preprinted = request.GET.get("preprinted") == "1"
    try:
        data = downloads.certificate_file(request.user, pk, fmt=fmt, preprinted=preprinted)
    except NotFound:
        raise  # 404, like any award the user may not see
    except DomainError as exc:
        return not_ready(request, exc.message, reverse("awards:index"))
    mode = "-in-phoi" if preprinted else ""
    types = {"pdf": "application/pdf", "docx": DOCX_TYPE}
    response = HttpResponse(data, content_type=types[fmt])
    response["Content-Disposition"] = content_disposition(
        f"giay-khen-{pk}{mode}.{fmt}", inline=fmt == "pdf"
    )
    return response
