"""Pages of the scoring app: parse input, read through the selectors, write through services."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from tongket.accounts.scope import scope_for
from tongket.audit.services import record_export
from tongket.core.errors import DomainError, NotFound
from tongket.core.http import posted, posted_files
from tongket.scoring import excel, selectors
from tongket.scoring.forms import ImportForm
from tongket.scoring.models import Frame

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_WIDTH = 560  # px of the longest possible bar (the group's highest maximum)
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 300

View = Callable[..., HttpResponse]


def not_found_is_404(view: View) -> View:
    """A NotFound from a selector or service answers 404: missing and forbidden look alike."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapped


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
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
            "may_import": _may_import(user),
        },
    )


def _may_import(user: Any) -> bool:
    """Importing score sheets needs a write grant somewhere (each sheet is checked again)."""
    scope = scope_for(user)
    return scope.is_superuser or bool(scope.write_paths)


@login_required
@require_GET
@not_found_is_404
def ranking(request: HttpRequest, group_id: int) -> HttpResponse:
    data = selectors.peer_group_ranking(request.user, group_id)
    top = data.top_points or Decimal(1)
    bars = []
    for index, row in enumerate(data.rows):
        width = (
            int((row.points / top * CHART_WIDTH).to_integral_value(ROUND_HALF_UP))
            if row.points is not None
            else 0
        )
        bars.append(
            {
                "row": row,
                "y": index * (BAR_HEIGHT + BAR_GAP),
                "text_y": index * (BAR_HEIGHT + BAR_GAP) + BAR_HEIGHT - 6,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    return render(
        request,
        "scoring/ranking.html",
        {
            "ranking": data,
            "bars": bars,
            "chart_height": max(len(bars) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT),
            "chart_width": LABEL_WIDTH + CHART_WIDTH + 80,
            "label_width": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT,
        },
    )


@login_required
@require_GET
@not_found_is_404
def sheet(request: HttpRequest, sheet_id: int) -> HttpResponse:
    view = selectors.sheet_view(request.user, sheet_id)
    return render(request, "scoring/sheet.html", {"view": view, "sheet": view.sheet})


@login_required
@require_GET
@not_found_is_404
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
@not_found_is_404
def frame_template(request: HttpRequest, frame_id: int) -> HttpResponse:
    """A blank workbook of the frame: one worksheet per unit of the user's that it scores."""
    user = request.user
    frame = Frame.objects.select_related("issuer").filter(pk=frame_id).first()
    if frame is None:
        raise NotFound("Không tìm thấy khung chấm điểm.")
    visible_group = selectors.visible_peer_groups(user).filter(frame=frame).exists()
    own_sheets = selectors.visible_sheets(user).filter(frame=frame)
    if not (visible_group or own_sheets.exists() or selectors.is_issuer_side(user, frame.issuer)):
        raise NotFound("Không tìm thấy khung chấm điểm.")
    units = [
        (u.code, u.name)
        for u in selectors.visible_units(user)
        .filter(scoring_peer_groups__frame=frame)
        .order_by("name")
        if selectors.can_write_unit(user, u) or selectors.is_issuer_side(user, frame.issuer)
    ]
    data = excel.template_for_frame(frame, units)
    return _xlsx(data, f"mau-cham-diem-{frame.code}-v{frame.version}.xlsx")


@login_required
@require_GET
@not_found_is_404
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
@not_found_is_404
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
    if not _may_import(request.user):
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
