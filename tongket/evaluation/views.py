"""Evaluation screens: parse, check access, call one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tongket.accounts.scope import Scope, scope_for
from tongket.core.errors import DomainError, NotFound, refusal_text
from tongket.core.formatting import format_number
from tongket.core.http import content_disposition, not_found_as_404, posted, refuse_on_form
from tongket.core.pagecache import SEASON_WORK, CachedPage, scope_paths
from tongket.core.rules import Finding, RuleGroup, group_by_rule
from tongket.evaluation import documents, forms, permissions, selectors, services, stats
from tongket.evaluation.models import Cycle, Decision, DecisionStatus, Evaluation, SubjectKind
from tongket.evaluation.regulations.calendar import STEPS, final_deadline
from tongket.evaluation.selectors import Outcome
from tongket.people.models import Organization
from tongket.people.permissions import can_administer_somewhere
from tongket.reports.documents.docx_renderer import render_docx
from tongket.reports.documents.markdown_renderer import render_markdown

View = Callable[..., HttpResponse]

CYCLES_PER_PAGE = 50


def _grouped(
    findings: Sequence[Finding], rows: Sequence[selectors.Row]
) -> list[tuple[RuleGroup, list[tuple[str, str, str]]]]:
    """Findings of a decision page as one box per rule, each subject with its name."""
    names = {row.code: row.name for row in rows}
    return [
        (group, [(f.subject, names.get(f.subject, ""), f.message) for f in group.items])
        for group in group_by_rule(findings)
    ]


def _error_findings(exc: DomainError) -> list[Finding]:
    return list(exc.findings) or [
        Finding(rule=exc.rule, citation=exc.citation, message=exc.message)
    ]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The cycles the user can see (a page at a time), and the user's own evaluations."""
    scope = scope_for(request.user)

    def build() -> dict[str, Any]:
        page = Paginator(
            selectors.visible_cycles(request.user).order_by("-year", "org_path", "pk"),
            CYCLES_PER_PAGE,
        ).get_page(request.GET.get("page"))
        cycles = list(page.object_list)
        # A cell secretary (or a member) sees a cycle through their own cells only: the cells
        # of every such cycle on the page come in one query.
        partial = [cycle for cycle in cycles if not permissions.can_view_cycle(scope, cycle)]
        units = selectors.cycle_units_of(request.user, partial)
        entries = [
            {
                "cycle": cycle,
                "period": selectors.period_label(cycle),
                "regulation": selectors.regulation_title(cycle),
                "whole": permissions.can_view_cycle(scope, cycle),
                "units": units.get(cycle.pk, []),
            }
            for cycle in cycles
        ]
        return {"entries": entries, "page_obj": page}

    # The list of cycles shows none of the season's work (decisions, assessments); the user's
    # own results, which do, are read on every request (none for a user without a member).
    page = CachedPage(request, paths=scope_paths(request), build=build, ignored=SEASON_WORK)
    # Offices open cycles (the page itself checks the organizations); no query here.
    return page.render(
        "evaluation/index.html",
        {
            "can_open": can_administer_somewhere(scope),
            "own": selectors.own_evaluations(request.user),
        },
    )


@login_required
def regulations(request: HttpRequest) -> HttpResponse:
    """The regulations the evaluation follows, by year, with their parameters; which values are
    not yet checked against the text is said to administrators only."""
    return render(
        request,
        "evaluation/regulations.html",
        {
            "profiles": selectors.regulations(),
            "unverified_shown": permissions.can_see_unverified_parameters(scope_for(request.user)),
        },
    )


def _cycle_for_reader(request: HttpRequest, cycle_id: int) -> Cycle:
    cycle = selectors.get_cycle(request.user, cycle_id)
    if not permissions.can_view_cycle(scope_for(request.user), cycle):
        raise NotFound("Không tìm thấy kỳ đánh giá.")
    return cycle


def _cycle_for_office(request: HttpRequest, cycle_id: int, refusal: str) -> Cycle:
    """A cycle the user sees (404 otherwise) and whose deciding body's office the user is
    (403 with `refusal` otherwise)."""
    cycle = _cycle_for_reader(request, cycle_id)
    if not permissions.can_manage_cycle(scope_for(request.user), cycle):
        raise DjangoPermissionDenied(refusal)
    return cycle


@login_required
@not_found_as_404
def cycle_dashboard(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle_for_reader(request, cycle_id)

    def build() -> dict[str, Any]:
        return {
            "board": stats.dashboard(cycle),
            "quota_groups": selectors.quota_groups(cycle),
            "history": selectors.cycle_history(cycle),
            "quarters": selectors.year_quarters(cycle),
            "organizations": selectors.rows(
                Evaluation.objects.filter(
                    cycle=cycle, subject_kind=SubjectKind.ORGANIZATION
                ).order_by("subject_path")
            ),
        }

    page = CachedPage(
        request,
        paths=[cycle.organization.path],
        objects=[cycle, cycle.organization],
        build=build,
    )
    can_manage = permissions.can_manage_cycle(scope_for(request.user), cycle)
    return page.render(
        "evaluation/dashboard.html",
        {
            "cycle": cycle,
            "period": selectors.period_label(cycle),
            "can_manage": can_manage,
            "missing": selectors.missing_subjects_of(cycle) if can_manage else [],
        },
    )


@login_required
@not_found_as_404
@require_http_methods(["POST"])
def cycle_add_subjects(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Thêm vào kỳ: the office adds the members and cells the cycle page says are missing."""
    try:
        added = services.add_missing_subjects(actor=request.user, cycle_id=cycle_id)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    else:
        if added:
            messages.success(request, f"Đã thêm {format_number(added)} đối tượng vào kỳ đánh giá.")
        else:
            messages.warning(request, "Không có đối tượng nào còn thiếu trong kỳ đánh giá này.")
    return redirect("evaluation:cycle", cycle_id=cycle_id)


@login_required
@not_found_as_404
def not_classified(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle_for_reader(request, cycle_id)
    return render(
        request,
        "evaluation/not_classified.html",
        {
            "cycle": cycle,
            "period": selectors.period_label(cycle),
            "rows": selectors.not_classified_rows(request.user, cycle),
            "not_reviewed": selectors.not_reviewed_rows(request.user, cycle),
        },
    )


def _unit(request: HttpRequest, cycle: Cycle, code: str) -> Organization:
    unit = selectors.cycle_units(request.user, cycle).filter(code=code).first()
    if unit is None:
        raise NotFound("Không tìm thấy chi bộ.")
    return unit


def _bulk_form(request: HttpRequest, rows: list[selectors.Row]) -> forms.BulkDecisionForm:
    ids = [row.evaluation.pk for row in rows if row.decision is None]
    data = request.POST if request.method == "POST" else None
    initial = {
        f"outcome_{row.evaluation.pk}": (
            (row.appraisal or row.proposal or row.self_assessment).level  # type: ignore[union-attr]
        )
        for row in rows
        if row.decision is None and (row.appraisal or row.proposal or row.self_assessment)
    }
    return forms.BulkDecisionForm(data, evaluation_ids=ids, initial=initial)


def _items(outcomes: Mapping[int, Outcome]) -> list[services.DecisionItem]:
    """The page's outcomes as the batch's items, in the order of the evaluations."""
    return [services.DecisionItem(pk, outcomes[pk]) for pk in sorted(outcomes)]


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def unit_page(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    """A cell's members: self-assessments, the cell's proposals, decisions; the bulk decision."""
    cycle = selectors.get_cycle(request.user, cycle_id)
    unit = _unit(request, cycle, code)
    scope = scope_for(request.user)
    can_decide = permissions.can_manage_cycle(scope, cycle)
    rows = selectors.unit_rows(request.user, cycle, unit)
    form = _bulk_form(request, rows) if can_decide else None
    problems: list[Finding] = []
    if request.method == "POST":
        if form is None:
            raise NotFound("Không tìm thấy chi bộ.")
        if form.is_valid():
            try:
                decided = services.decide_many(
                    actor=request.user,
                    cycle_id=cycle.pk,
                    unit_code=unit.code,
                    items=_items(form.outcomes()),
                    number=form.cleaned_data["number"] or "",
                    date=form.cleaned_data["date"],
                    justification=form.cleaned_data["justification"],
                )
            except DomainError as exc:
                problems = _error_findings(exc)
            else:
                messages.success(request, f"Đã ban hành quyết định cho {len(decided)} đảng viên.")
                return redirect("evaluation:unit", cycle_id=cycle.pk, code=unit.code)
    return render(
        request,
        "evaluation/unit.html",
        {
            "cycle": cycle,
            "period": selectors.period_label(cycle),
            "unit": unit,
            "lines": [
                (
                    row,
                    form[f"outcome_{row.evaluation.pk}"]
                    if form is not None and row.decision is None
                    else None,
                )
                for row in rows
            ],
            "collective": selectors.unit_collective(cycle, unit),
            "calendar": selectors.calendar_of(cycle),
            "form": form,
            "problems": _grouped(problems, rows),
            "can_propose": permissions.can_propose(scope, rows[0].evaluation) if rows else False,
            "whole": permissions.can_view_cycle(scope, cycle),
        },
        status=422 if problems else 200,
    )


@login_required
@not_found_as_404
@require_POST
def unit_check(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    """htmx: the checks the bulk decision would run, shown inline before it is issued."""
    cycle = selectors.get_cycle(request.user, cycle_id)
    unit = _unit(request, cycle, code)
    if not permissions.can_manage_cycle(scope_for(request.user), cycle):
        raise DjangoPermissionDenied("Bạn chỉ được xem kết quả của chi bộ này.")
    rows = selectors.unit_rows(request.user, cycle, unit)
    form = _bulk_form(request, rows)
    found: list[Finding] = []
    if form.is_valid() and form.outcomes():
        found = services.preview_decisions(
            actor=request.user,
            cycle_id=cycle.pk,
            items=_items(form.outcomes()),
            justification=form.cleaned_data["justification"],
        )
    return render(
        request,
        "evaluation/_checks.html",
        {
            "groups": _grouped(found, rows),
            "checked": bool(form.is_valid() and form.outcomes()),
        },
    )


def _self_form(
    ev: Evaluation, profile: Any, data: Any = None, initial: Any = None
) -> forms.SelfAssessmentForm:
    if selectors.uses_points(profile):
        frame = selectors.point_frame(ev)
        return forms.SelfAssessmentForm(
            data,
            initial=initial,
            point_criteria=tuple((c.code, c.title, c.max_points) for c in frame.criteria),
        )
    return forms.SelfAssessmentForm(
        data, initial=initial, grade_criteria=selectors.grade_criteria(ev)
    )


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def evaluation_page(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """One subject: self-assessment form, the cell's proposal, the committee's appraisal, the
    decision and its history."""
    ev = selectors.get_evaluation(request.user, evaluation_id)
    cycle = ev.cycle
    profile = selectors.profile_of(cycle)
    scope = scope_for(request.user)
    tiers = selectors.current_assessments(ev)
    decision = selectors.current_decision(ev)
    open_and_undecided = cycle.status == "open" and decision is None
    can_self = open_and_undecided and permissions.can_self_assess(scope, ev)
    can_propose = open_and_undecided and permissions.can_propose(scope, ev)
    can_manage = permissions.can_manage_cycle(scope, cycle)
    self_row = tiers.get("self")
    initial: dict[str, Any] = {}
    if self_row is not None:
        initial = {"level": self_row.level, "comment": self_row.comment}
        initial |= {f"grade_{k}": v for k, v in self_row.grades.items()}
        initial |= {f"points_{k}": v for k, v in self_row.points.items()}
    self_form = _self_form(ev, profile, initial=initial) if can_self else None
    is_member = ev.subject_kind == SubjectKind.MEMBER
    proposal_form = forms.OutcomeForm(prefix="proposal", member=is_member) if can_propose else None
    # Điều 12 step 2: the committee appraises before it decides (the office enters it).
    can_appraise = open_and_undecided and can_manage
    appraisal_form = (
        forms.AppraisalForm(prefix="appraisal", member=is_member) if can_appraise else None
    )
    decision_form = forms.DecisionForm(prefix="decision", member=is_member) if can_manage else None
    problems: list[Finding] = []
    action = request.POST.get("action", "")
    if request.method == "POST":
        try:
            if action == "self" and can_self:
                self_form = _self_form(ev, profile, data=request.POST)
                if self_form.is_valid():
                    services.submit_self_assessment(
                        actor=request.user,
                        evaluation_id=ev.pk,
                        level=self_form.level_value(),
                        grades=self_form.grades() or None,
                        points=self_form.points() or None,
                        comment=self_form.cleaned_data["comment"],
                    )
                    return _done(request, ev, "Đã gửi bản tự đánh giá.")
            elif action == "proposal" and can_propose:
                proposal_form = forms.OutcomeForm(request.POST, prefix="proposal", member=is_member)
                if proposal_form.is_valid():
                    _record_outcome(request, ev, proposal_form, services.record_proposal)
                    return _done(request, ev, "Đã ghi ý kiến, đề xuất của chi bộ.")
            elif action == "appraisal" and can_appraise:
                appraisal_form = forms.AppraisalForm(
                    request.POST, prefix="appraisal", member=is_member
                )
                if appraisal_form.is_valid():
                    _record_outcome(request, ev, appraisal_form, services.record_appraisal)
                    return _done(request, ev, "Đã ghi kết quả thẩm định của cấp ủy.")
            elif action == "decision" and can_manage:
                decision_form = forms.DecisionForm(
                    request.POST, prefix="decision", member=is_member
                )
                if decision_form.is_valid():
                    _decide(request, ev, decision, decision_form)
                    return _done(request, ev, "Đã ban hành quyết định.")
            else:
                raise NotFound()
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            problems = _error_findings(exc)
    return render(
        request,
        "evaluation/evaluation.html",
        {
            "ev": ev,
            "cycle": cycle,
            "period": selectors.period_label(cycle),
            "profile": profile,
            "code": selectors.subject_code(ev),
            "name": selectors.subject_name(ev),
            "tiers": tiers,
            "decision": decision,
            "history": selectors.decision_history(ev),
            "quarters": selectors.quarter_results(request.user, ev),
            "self_form": self_form,
            "proposal_form": proposal_form,
            "appraisal_form": appraisal_form,
            "decision_form": decision_form,
            "problems": problems,
            "whole": permissions.can_view_cycle(scope, cycle),
            "can_record_facts": open_and_undecided and can_manage,
            "can_reclassify": decision is not None and permissions.can_reclassify(scope, cycle),
        },
        status=422 if problems else 200,
    )


def _done(request: HttpRequest, ev: Evaluation, text: str) -> HttpResponse:
    """A step of the evaluation page went through: say so, and show the page again."""
    messages.success(request, text)
    return redirect("evaluation:evaluation", evaluation_id=ev.pk)


def _record_outcome(
    request: HttpRequest,
    ev: Evaluation,
    form: forms.OutcomeForm,
    record: Callable[..., object],
) -> None:
    """The cell's proposal or the committee's appraisal: an outcome and a comment."""
    record(
        actor=request.user,
        evaluation_id=ev.pk,
        outcome=form.outcome_value(),
        comment=form.cleaned_data["comment"],
    )


def _decide(
    request: HttpRequest, ev: Evaluation, current: Decision | None, form: forms.DecisionForm
) -> Decision:
    if current is not None and current.status == DecisionStatus.CURRENT:
        return _replace_decision(request, services.supersede_decision, current, form)
    return services.decide(actor=request.user, evaluation_id=ev.pk, **form.terms())


def _replace_decision(
    request: HttpRequest,
    replace: Callable[..., Decision],
    current: Decision,
    form: forms.DecisionForm | forms.ReasonedDecisionForm,
) -> Decision:
    """A new decision replacing the current one, with its reason: the deciding body's
    correction, or the superior committee's reclassification."""
    return replace(
        actor=request.user,
        decision_id=current.pk,
        reason=form.cleaned_data["reason"],
        **form.terms(),
    )


# --- the office's and the superior's screens: open and close a cycle, facts, corrections --------


def _refusal(request: HttpRequest, form: Any, exc: DomainError) -> list[Finding]:
    """A service's refusal: its message on the named field when the form has it (the rule id
    after it for the office only), and its findings for the page's list. Not found stays not
    found (404)."""
    if isinstance(exc, NotFound):
        raise exc
    if exc.field and exc.field in form.fields:
        show_rule = permissions.can_see_rule_ids(scope_for(request.user))
        form.add_error(exc.field, refusal_text(exc.message, exc.rule, show_rule=show_rule))
    return _error_findings(exc)


def _form_page(
    request: HttpRequest,
    form: Any,
    write: Callable[[], HttpResponse],
    template: str,
    context: dict[str, object],
    *,
    ready: bool = True,
) -> HttpResponse:
    """A page with one form: a valid POST (when the page is `ready` for one) goes through
    `write`, which calls the service and answers where to go next; a refusal stays on the page
    (422), its message on the form's field and its findings in the list."""
    problems: list[Finding] = []
    if request.method == "POST" and ready and form.is_valid():
        try:
            return write()
        except DomainError as exc:
            problems = _refusal(request, form, exc)
    return render(
        request,
        template,
        {**context, "form": form, "problems": problems},
        status=422 if problems else 200,
    )


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def cycle_open(request: HttpRequest) -> HttpResponse:
    """Mở kỳ đánh giá: for an organization the user's office writes for."""
    scope = scope_for(request.user)
    organizations = Organization.objects.filter(
        scope.path_q("path", write=True), kind__in=services.CYCLE_KINDS
    ).order_by("path")
    if not organizations.exists():
        raise DjangoPermissionDenied("Bạn không có quyền mở kỳ đánh giá.")
    form = forms.OpenCycleForm(posted(request), organizations=organizations)

    def open_it() -> HttpResponse:
        data = form.cleaned_data
        cycle = services.open_cycle(
            actor=request.user,
            organization_code=data["organization"],
            year=data["year"],
            quarter=data["quarter"],
        )
        messages.success(request, "Đã mở kỳ đánh giá.")
        return redirect("evaluation:cycle", cycle_id=cycle.pk)

    return _form_page(request, form, open_it, "evaluation/cycle_open.html", {})


@login_required
@not_found_as_404
@require_POST
def cycle_close(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Đóng kỳ: the office of the deciding organization ends the cycle."""
    cycle = _cycle_for_office(request, cycle_id, "Bạn chỉ được xem kỳ đánh giá này.")
    confirmed = request.POST.get("confirm") == "1"
    try:
        services.close_cycle(actor=request.user, cycle_id=cycle.pk, confirm_undecided=confirmed)
    except DomainError as exc:
        if exc.rule != "evaluation.cycle.undecided":
            messages.error(request, exc.message)
            return redirect("evaluation:cycle", cycle_id=cycle.pk)
        # What is still undecided, per tier and per cell, and one more click to confirm.
        board = stats.dashboard(cycle)
        return render(
            request,
            "evaluation/cycle_close_confirm.html",
            {"cycle": cycle, "board": board, "message": exc.message},
        )
    messages.success(request, "Đã kết thúc kỳ đánh giá.")
    return redirect("evaluation:cycle", cycle_id=cycle.pk)


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def cycle_calendar(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Lịch kiểm điểm: every reader sees the deadlines; the deciding body's office edits them."""
    cycle = _cycle_for_reader(request, cycle_id)
    can_manage = permissions.can_manage_cycle(scope_for(request.user), cycle)
    calendar = selectors.calendar_of(cycle)
    initial: dict[str, Any] = {step.field: calendar.due(step) for step in STEPS}
    initial["year_ends_otherwise"] = cycle.year_ends_otherwise
    form = forms.CalendarForm(posted(request), initial=initial)
    if request.method == "POST":
        if not can_manage:
            raise DjangoPermissionDenied("Bạn chỉ được xem lịch của kỳ đánh giá này.")
        if form.is_valid():
            try:
                services.set_calendar(
                    actor=request.user,
                    cycle_id=cycle.pk,
                    dates=form.dates(),
                    year_ends_otherwise=form.cleaned_data["year_ends_otherwise"],
                )
            except DomainError as exc:
                refuse_on_form(form, exc)
                for finding in exc.findings[1:]:
                    if finding.subject in form.fields:
                        form.add_error(finding.subject, finding.message)
            else:
                messages.success(request, "Đã lưu lịch kiểm điểm, xếp loại.")
                return redirect("evaluation:calendar", cycle_id=cycle.pk)
    return render(
        request,
        "evaluation/calendar.html",
        {
            "cycle": cycle,
            "period": selectors.period_label(cycle),
            "calendar": [(step, calendar.due(step)) for step in STEPS],
            "draft_report_due": calendar.draft_report_due,
            "final": final_deadline(
                cycle.year, cycle.quarter, year_ends_otherwise=cycle.year_ends_otherwise
            ),
            "form": form,
            "can_manage": can_manage and cycle.status == "open",
        },
        status=422 if form.errors else 200,
    )


@login_required
@not_found_as_404
@require_POST
def cycle_reopen(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Mở lại kỳ: the deciding body's office reopens a closed cycle, with a reason."""
    cycle = _cycle_for_office(request, cycle_id, "Bạn chỉ được xem kỳ đánh giá này.")
    try:
        services.reopen_cycle(
            actor=request.user, cycle_id=cycle.pk, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã mở lại kỳ đánh giá.")
    return redirect("evaluation:cycle", cycle_id=cycle.pk)


def _evaluation_for(
    request: HttpRequest,
    evaluation_id: int,
    allowed: Callable[[Scope, Cycle], bool],
    refusal: str,
) -> Evaluation:
    """An evaluation the user sees (404 otherwise) on whose cycle the user may act as `allowed`
    says (403 with `refusal` otherwise)."""
    ev = selectors.get_evaluation(request.user, evaluation_id)
    if not allowed(scope_for(request.user), ev.cycle):
        raise DjangoPermissionDenied(refusal)
    return ev


def _subject_context(ev: Evaluation, **extra: object) -> dict[str, object]:
    """What the office's pages about one subject show above their form."""
    return {
        "ev": ev,
        "cycle": ev.cycle,
        "period": selectors.period_label(ev.cycle),
        "name": selectors.subject_name(ev),
        **extra,
    }


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def evaluation_facts(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """Ghi nhận dữ kiện: what the rules read (discipline, civil-service level, leave, tasks)."""
    ev = _evaluation_for(
        request,
        evaluation_id,
        permissions.can_manage_cycle,
        "Chỉ văn phòng của cấp quyết định ghi nhận dữ kiện.",
    )
    form = forms.FactsForm(posted(request), initial=forms.FactsForm.initial_for(ev))

    def record() -> HttpResponse:
        services.record_facts(actor=request.user, evaluation_id=ev.pk, facts=form.facts())
        return _done(request, ev, "Đã ghi nhận dữ kiện.")

    return _form_page(request, form, record, "evaluation/facts.html", _subject_context(ev))


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def evaluation_reclassify(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """Hủy và xếp loại lại: the committee directly above the deciding organization."""
    ev = _evaluation_for(
        request,
        evaluation_id,
        permissions.can_reclassify,
        "Chỉ cấp ủy cấp trên trực tiếp mới được hủy kết quả và xếp loại lại.",
    )
    decision = selectors.current_decision(ev)
    form = forms.ReasonedDecisionForm(posted(request), member=ev.subject_kind == SubjectKind.MEMBER)

    def reclassify() -> HttpResponse:
        assert decision is not None
        _replace_decision(request, services.cancel_and_reclassify, decision, form)
        return _done(request, ev, "Đã hủy kết quả và ban hành quyết định xếp loại lại.")

    return _form_page(
        request,
        form,
        reclassify,
        "evaluation/reclassify.html",
        _subject_context(ev, decision=decision),
        ready=decision is not None,
    )


# --- qd366 quota groups and the 25 % exception (Điều 11, point 1.5) ------------------------------


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def quota_groups(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Nhóm tính tỷ lệ: the office of the cycle's organization puts every subject in one group
    (by kind of organization, by post, or by hand) and records the competent level's decision
    raising the rate to at most 25 % for some groups; every group with its count, cap and
    exception. One form per POST, named by `action`."""
    cycle = _cycle_for_office(
        request, cycle_id, "Chỉ văn phòng của cấp quyết định xác định nhóm tính tỷ lệ."
    )
    groups = selectors.quota_groups(cycle)
    names = sorted({g.name for g in groups})
    action = request.POST.get("action", "") if request.method == "POST" else ""
    by_basis = forms.QuotaGroupsByBasisForm(
        request.POST if action == "basis" else None, prefix="basis"
    )
    move = forms.QuotaGroupMoveForm(request.POST if action == "move" else None, prefix="move")
    exception = forms.QuotaExceptionForm(
        request.POST if action == "exception" else None, prefix="exception", group_names=names
    )
    problems: list[Finding] = []
    if request.method == "POST" and action not in ("basis", "move", "exception"):
        messages.error(request, "Chưa chọn việc cần làm: chia nhóm, chuyển nhóm hoặc ghi ngoại lệ.")
    try:
        if action == "basis" and by_basis.is_valid():
            sizes = services.assign_quota_groups(
                actor=request.user,
                cycle_id=cycle.pk,
                subject_kind=by_basis.subject_kind(),
                basis=by_basis.cleaned_data["basis"],
            )
            done = f"Đã chia {sum(sizes.values())} đối tượng vào {len(sizes)} nhóm."
            messages.success(request, done)
            return redirect("evaluation:quota_groups", cycle_id=cycle.pk)
        if action == "move" and move.is_valid():
            moved = services.move_to_quota_group(
                actor=request.user,
                cycle_id=cycle.pk,
                subject_kind=move.cleaned_data["subject_kind"],
                group=move.cleaned_data["group"],
                codes=move.code_list(),
            )
            messages.success(request, f"Đã chuyển {moved} đối tượng sang nhóm.")
            return redirect("evaluation:quota_groups", cycle_id=cycle.pk)
        if action == "exception" and exception.is_valid():
            data = exception.cleaned_data
            services.record_quota_exception(
                actor=request.user,
                cycle_id=cycle.pk,
                subject_kind=data["subject_kind"],
                groups=list(data["groups"]),
                percent=data["percent"],
                number=data["number"],
                date=data["date"],
                reason=data["reason"],
            )
            messages.success(request, "Đã ghi nhận quyết định nâng tỷ lệ.")
            return redirect("evaluation:quota_groups", cycle_id=cycle.pk)
    except DomainError as exc:
        form = {"basis": by_basis, "move": move, "exception": exception}[action]
        problems = _refusal(request, form, exc)
    invalid = action in {"basis", "move", "exception"} and not problems
    subjects = selectors.quota_group_subjects(cycle)
    return render(
        request,
        "evaluation/quota_groups.html",
        {
            "cycle": cycle,
            "period": selectors.period_label(cycle),
            "profile": selectors.profile_of(cycle),
            "groups": [(g, subjects.get((g.subject_kind, g.name), [])) for g in groups],
            "exceptions": selectors.quota_exception_rows(cycle),
            "by_basis": by_basis,
            "move": move,
            "exception": exception,
            "problems": problems,
        },
        status=422 if problems or invalid else 200,
    )


DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}


@login_required
@not_found_as_404
def reclassification_document(request: HttpRequest, decision_id: int, fmt: str) -> HttpResponse:
    """Mẫu 03: the superior's cancel-and-reclassify decision as a Party document (DOCX or
    Markdown), for whoever may read the evaluation."""
    if fmt not in DOCUMENT_TYPES:
        raise NotFound("Không có định dạng này.")
    decision = selectors.reclassification_decision(request.user, decision_id)
    document = documents.reclassification_document(decision)
    if fmt == "docx":
        content: bytes = render_docx(document)
    else:
        content = render_markdown(document).encode("utf-8")
    response = HttpResponse(content, content_type=DOCUMENT_TYPES[fmt])
    name = f"mau-03-{decision.number.replace('/', '-')}.{fmt}"
    response["Content-Disposition"] = content_disposition(name)
    return response
