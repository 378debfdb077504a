"""Pages of the scoring app: parse input, read through the selectors, write through services."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongket.accounts.scope import scope_for
from tongket.audit.services import record_export
from tongket.core.errors import ConcurrentEdit, DomainError, NotFound, refusal_text
from tongket.core.formatting import format_decimal
from tongket.core.http import content_disposition, not_found_as_404, posted, posted_files
from tongket.core.pagecache import CachedPage
from tongket.evaluation.permissions import can_see_rule_ids
from tongket.people.models import Organization
from tongket.scoring import excel, permissions, selectors, services
from tongket.scoring.forms import SCORE_INVALID_RULE, ImportForm, SheetScoresForm
from tongket.scoring.models import Frame

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_WIDTH = 560  # px of the longest possible bar (the group's highest maximum)
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 300

View = Callable[..., HttpResponse]


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(filename)
    return response


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    groups = list(selectors.visible_peer_groups(user).order_by("-year", "frame__title"))
    sheets = list(selectors.visible_sheets(user).order_by("unit__name", "-frame__year"))
    units = {s.unit.code: s.unit for s in sheets}
    frames = Frame.objects.filter(
        Q(pk__in=[g.frame_id for g in groups]) | Q(pk__in=[s.frame_id for s in sheets])
    ).order_by("-year", "title")
    return render(
        request,
        "scoring/index.html",
        {
            "groups": groups,
            "sheets": sheets,
            "units": sorted(units.values(), key=lambda u: u.name),
            "frames": frames,
            "may_import": permissions.can_import_sheets(selectors.access_for(user)),
        },
    )


@login_required
@require_GET
@not_found_as_404
def ranking(request: HttpRequest, group_id: int) -> HttpResponse:
    group = selectors.get_peer_group(request.user, group_id)
    # The page shows the frame (its issuer's changes) and each unit's sheet and name.
    # One query, each side by its index (an OR of the two reads every organization).
    paths = (
        Organization.objects.filter(pk=group.frame.issuer_id)
        .order_by()
        .values_list("path", flat=True)
        .union(group.units.order_by().values_list("path", flat=True))
    )

    def build() -> dict[str, Any]:
        data = selectors.peer_group_ranking(request.user, group_id)
        # Bars measure what the ranking ranks: the percent of the own maximum, or the points.
        by_percent = data.frame.rank_basis == "percent"
        top = Decimal(100) if by_percent else (data.top_points or Decimal(1))
        bars = []
        for index, row in enumerate(data.rows):
            value = row.percent if by_percent else row.points
            width = (
                int((value / top * CHART_WIDTH).to_integral_value(ROUND_HALF_UP))
                if value is not None
                else 0
            )
            bars.append(
                {
                    "row": row,
                    "y": index * (BAR_HEIGHT + BAR_GAP),
                    "text_y": index * (BAR_HEIGHT + BAR_GAP) + BAR_HEIGHT - 6,
                    "width": width,
                    "value": value,
                    "value_x": LABEL_WIDTH + width + 6,
                }
            )
        return {
            "ranking": data,
            "bars": bars,
            "chart_height": max(len(bars) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT),
            "by_percent": by_percent,
        }

    page = CachedPage(request, paths=paths, objects=[group, group.frame], build=build)
    return page.render(
        "scoring/ranking.html",
        {
            "group": group,
            "chart_width": LABEL_WIDTH + CHART_WIDTH + 80,
            "label_width": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT,
        },
    )


@login_required
@require_GET
@not_found_as_404
def sheet(request: HttpRequest, sheet_id: int) -> HttpResponse:
    return _sheet_page(request, selectors.sheet_view(request.user, sheet_id))


def _scores_form(
    view: selectors.SheetView, data: QueryDict | None, *, appraisal: bool
) -> SheetScoresForm:
    """The form of the sheet's leaf criteria, filled with what is stored."""
    leaves = [row for row in view.rows if row.is_leaf]
    by_code = {line.code: line for line in view.sheet.lines.all()}
    form = SheetScoresForm(
        data, codes=[row.code for row in leaves], appraisal=appraisal, initial={}
    )
    initial: dict[str, object] = {"version": view.sheet.version}
    for row in leaves:
        line = by_code.get(row.code)
        if line is None:
            continue
        names = form.rows[row.code]
        score = line.appraised_score if appraisal else line.self_score
        initial[names.score] = format_decimal(score.normalize()) if score is not None else ""
        initial[names.text] = line.appraiser_comment if appraisal else line.evidence
        if names.not_applicable:
            initial[names.not_applicable] = line.not_applicable
    form.initial = initial
    return form


def _form_rows(form: SheetScoresForm, view: selectors.SheetView) -> list[dict[str, Any]]:
    """One table row per criterion; leaf rows carry their bound fields and refusals."""
    refusals: dict[str, list[str]] = getattr(form, "refusals", {})
    rows = []
    for row in view.rows:
        names = form.rows.get(row.code)
        rows.append(
            {
                "row": row,
                "score": form[names.score] if names else None,
                "text": form[names.text] if names else None,
                "na": form[names.not_applicable] if names and names.not_applicable else None,
                "refusals": refusals.get(row.code, []),
            }
        )
    return rows


def _sheet_page(
    request: HttpRequest,
    view: selectors.SheetView,
    *,
    self_form: SheetScoresForm | None = None,
    appraisal_form: SheetScoresForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if self_form is None and view.may_enter_self:
        self_form = _scores_form(view, None, appraisal=False)
    if appraisal_form is None and view.may_appraise:
        appraisal_form = _scores_form(view, None, appraisal=True)
    return render(
        request,
        "scoring/sheet.html",
        {
            "view": view,
            "sheet": view.sheet,
            "self_form": self_form,
            "self_rows": _form_rows(self_form, view) if self_form else [],
            "appraisal_form": appraisal_form,
            "appraisal_rows": _form_rows(appraisal_form, view) if appraisal_form else [],
        },
        status=status,
    )


def _refuse(form: SheetScoresForm, exc: DomainError, *, show_rule: bool) -> None:
    """A service refusal: each finding next to its criterion's row, the rest above the form
    (the rule id after each message for the office only)."""
    refusals: dict[str, list[str]] = {}
    general = []
    findings = exc.findings or ()
    for finding in findings:
        text = refusal_text(finding.message, finding.rule, show_rule=show_rule)
        if finding.subject in form.rows:
            refusals.setdefault(finding.subject, []).append(text)
        else:
            general.append(text)
    if not findings:
        general.append(refusal_text(exc.message, exc.rule, show_rule=show_rule))
    form.refusals = refusals  # type: ignore[attr-defined]
    for message in general:
        form.add_error(None, message)
    if refusals and not general:
        form.add_error(None, "Có tiêu chí chưa hợp lệ: xem các dòng được đánh dấu.")


def _row_form_errors(form: SheetScoresForm, *, show_rule: bool) -> None:
    """Malformed scores: shown on their row (with the rule that refused them, for the office)."""
    refusals: dict[str, list[str]] = {}
    for code, names in form.rows.items():
        for error in form.errors.get(names.score, []):
            refusals.setdefault(code, []).append(
                refusal_text(str(error), SCORE_INVALID_RULE, show_rule=show_rule)
            )
    form.refusals = refusals  # type: ignore[attr-defined]
    if refusals:
        form.add_error(None, "Có điểm không đọc được: xem các dòng được đánh dấu.")


def _post_scores(request: HttpRequest, sheet_id: int, *, appraisal: bool) -> HttpResponse:
    user = request.user
    view = selectors.sheet_view(user, sheet_id)
    found = view.sheet
    if appraisal and not permissions.can_act_for_issuer(
        selectors.access_for(user), found.frame.issuer.path
    ):
        raise DjangoPermissionDenied("Chỉ cơ quan ban hành khung chấm điểm mới thẩm định được.")
    if not appraisal and not permissions.can_write_unit(
        selectors.access_for(user), found.unit.path
    ):
        raise DjangoPermissionDenied("Bạn chỉ có quyền xem phiếu chấm điểm này.")
    form = _scores_form(view, posted(request), appraisal=appraisal)
    show_rule = can_see_rule_ids(scope_for(user))
    status = 400
    if form.is_valid():
        try:
            if appraisal:
                services.appraise_sheet(
                    actor=user,
                    sheet_id=found.pk,
                    lines=form.lines(),
                    expected_version=form.cleaned_data["version"],
                )
            else:
                services.enter_self_scores(
                    actor=user,
                    sheet_id=found.pk,
                    lines=form.lines(),
                    not_applicable=form.not_applicable(),
                    submit=request.POST.get("action") == "submit",
                    expected_version=form.cleaned_data["version"],
                )
        except ConcurrentEdit as exc:
            _refuse(form, exc, show_rule=show_rule)
            status = 409
        except DomainError as exc:
            _refuse(form, exc, show_rule=show_rule)
        else:
            if appraisal:
                done = "Đã lưu kết quả thẩm định."
            elif request.POST.get("action") == "submit":
                done = "Đã gửi phiếu tự chấm để thẩm định."
            else:
                done = "Đã lưu bản nháp điểm tự chấm."
            messages.success(request, done)
            return redirect("scoring:sheet", sheet_id=found.pk)
    else:
        _row_form_errors(form, show_rule=show_rule)
    if appraisal:
        return _sheet_page(request, view, appraisal_form=form, status=status)
    return _sheet_page(request, view, self_form=form, status=status)


@login_required
@require_POST
@not_found_as_404
def sheet_self_scores(request: HttpRequest, sheet_id: int) -> HttpResponse:
    """The unit saves its self scores as a draft, or sends the sheet for appraisal."""
    return _post_scores(request, sheet_id, appraisal=False)


@login_required
@require_POST
@not_found_as_404
def sheet_appraisal(request: HttpRequest, sheet_id: int) -> HttpResponse:
    """The issuing agency records the appraised score and comment per criterion."""
    return _post_scores(request, sheet_id, appraisal=True)


@login_required
@require_GET
@not_found_as_404
def sheet_export(request: HttpRequest, sheet_id: int) -> HttpResponse:
    found = selectors.get_sheet(request.user, sheet_id)
    data = excel.write_workbook([excel.page_for_sheet(found)])
    record_export(
        actor=request.user,
        what="score_sheet",
        fmt="xlsx",
        rows=1,
        org_path=found.unit.path,
        object_id=found.pk,
        summary=f"Xuất phiếu chấm điểm {found.frame.code} — {found.unit.name}",
        details={"sheet": found.pk, "frame": found.frame.code, "unit": found.unit.code},
    )
    return _xlsx(data, f"phieu-cham-diem-{found.frame.code}-{found.unit.code}.xlsx")


@login_required
@require_GET
@not_found_as_404
def frame_template(request: HttpRequest, frame_id: int) -> HttpResponse:
    """A blank workbook of the frame: one worksheet per unit of the user's that it scores."""
    user = request.user
    frame = Frame.objects.select_related("issuer").filter(pk=frame_id).first()
    if frame is None:
        raise NotFound("Không tìm thấy khung chấm điểm.")
    visible_group = selectors.visible_peer_groups(user).filter(frame=frame).exists()
    own_sheets = selectors.visible_sheets(user).filter(frame=frame)
    if not (
        visible_group
        or own_sheets.exists()
        or permissions.can_act_for_issuer(selectors.access_for(user), frame.issuer.path)
    ):
        raise NotFound("Không tìm thấy khung chấm điểm.")
    units = [
        (u.code, u.name)
        for u in selectors.visible_units(user)
        .filter(scoring_peer_groups__frame=frame)
        .order_by("name")
        if permissions.can_write_unit(selectors.access_for(user), u.path)
        or permissions.can_act_for_issuer(selectors.access_for(user), frame.issuer.path)
    ]
    data = excel.template_for_frame(frame, units)
    return _xlsx(data, f"mau-cham-diem-{frame.code}-v{frame.version}.xlsx")


@login_required
@require_GET
@not_found_as_404
def targets(request: HttpRequest, code: str, year: int) -> HttpResponse:
    unit = selectors.resolve_unit(request.user, code)
    current = selectors.unit_targets(request.user, unit, year)
    history = selectors.target_history(request.user, unit, year)
    return render(
        request,
        "scoring/targets.html",
        {
            "unit": unit,
            "year": year,
            "targets": current,
            "summary": selectors.targets_summary(request.user, unit, year),
            "history": history if len(history) > len(current) else [],
        },
    )


@login_required
@require_GET
@not_found_as_404
def history(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.resolve_unit(request.user, code)
    return render(
        request,
        "scoring/history.html",
        {"unit": unit, "series": selectors.year_over_year(request.user, unit)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_sheets(request: HttpRequest) -> HttpResponse:
    """Upload a workbook: every error listed with sheet, row and column, nothing half-done."""
    if not permissions.can_import_sheets(selectors.access_for(request.user)):
        raise DjangoPermissionDenied("Bạn chỉ có quyền xem, không nhập được điểm.")
    form = ImportForm(posted(request), posted_files(request))
    errors: list[excel.CellError] = []
    done: tuple[Any, ...] = ()
    message = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = excel.import_workbook(
                actor=request.user,
                source=form.cleaned_data["file"],
                mode=form.cleaned_data["mode"],
                submit=form.cleaned_data["submit"],
            )
            done = result.sheets
        except excel.ImportFailed as exc:
            errors = list(exc.errors)
            message = exc.message
        except DomainError as exc:
            message = exc.message
    status = 400 if errors or message else 200
    return render(
        request,
        "scoring/import.html",
        {"form": form, "errors": errors, "message": message, "done": done},
        status=status,
    )
