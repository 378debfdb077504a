"""Screens of programs: list, program page with progress, item tracking (parse, call, render)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tongket.core.http import not_found_as_404, posted, write_form
from tongket.people.models import Organization
from tongket.programs import selectors, services
from tongket.programs.forms import ItemForm, ProgramForm, RemediedForm, ResultForm, StatusForm
from tongket.programs.models import Program, ProgramItem

View = Callable[..., HttpResponse]


def _today() -> dt.date:
    return timezone.localdate()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    rows = selectors.program_list(request.user)
    can_create = selectors.organizations_for_new_program(request.user).exists()
    return render(request, "programs/index.html", {"rows": rows, "can_create": can_create})


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    organizations = selectors.organizations_for_new_program(request.user)
    if not organizations.exists():
        raise PermissionDenied("Bạn không có quyền lập chương trình.")
    form = ProgramForm(
        posted(request),
        organizations=organizations,
        parents=selectors.parent_program_choices(request.user),
        initial={"year": _today().year},
    )
    program = write_form(
        request,
        form,
        lambda data: services.create_program(
            actor=request.user,
            organization_code=data["organization"],
            year=data["year"],
            kind=data["kind"],
            title=data["title"],
            parent_program_id=data["parent_program"].pk if data["parent_program"] else None,
        ),
        "Đã tạo dự thảo chương trình.",
    )
    if program is not None:
        return redirect("programs:detail", program.pk)
    return render(request, "programs/program_form.html", {"form": form})


@login_required
@not_found_as_404
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    page = selectors.program_page(request.user, program_id, today=_today())
    return render(request, "programs/program_detail.html", {"page": page, "today": _today()})


def _subject_orgs(program_org: Organization) -> Any:
    return Organization.objects.filter(path__startswith=program_org.path).exclude(kind="agency")


def _item_input(data: dict[str, Any]) -> services.ItemInput:
    """The form's plan: the organizations concerned are chosen as records, named by code."""
    codes = [o.code for o in data.get("subject_organizations", [])]
    return services.ItemInput.of({**data, "subject_organizations": codes})


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, program_id: int) -> HttpResponse:
    program = selectors.get_program(request.user, program_id)

    def write(data: dict[str, Any]) -> object:
        return services.add_item(
            actor=request.user,
            program_id=program.pk,
            data=_item_input(data),
            reason=data["reason"],
            on=_today(),
        )

    return _plan_form(request, program, None, write, "Đã thêm nội dung.")


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.get_item(request.user, item_id)

    def write(data: dict[str, Any]) -> object:
        # The form leaves out the organization in charge and the members concerned: kept.
        plan = replace(
            _item_input(data),
            in_charge_organization_code=(
                item.in_charge_organization.code if item.in_charge_organization else None
            ),
            subject_member_cards=tuple(m.card_number for m in item.subject_members.all()),
        )
        return services.update_item(
            actor=request.user, item_id=item.pk, data=plan, reason=data["reason"], on=_today()
        )

    return _plan_form(request, item.program, item, write, "Đã lưu điều chỉnh.")


def _plan_form(
    request: HttpRequest,
    program: Program,
    item: ProgramItem | None,
    write: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """The form of an item's plan: a new item of `program` (item None) or a change of `item`,
    for a writer of the program only. A valid POST is written with `write`; a refusal shows on
    the form, success goes back to the item (or the program)."""
    if not selectors.can_write(request.user, program):
        raise PermissionDenied("Bạn chỉ được xem chương trình này.")
    initial = None
    if item is not None:
        plan = services.item_plan(item)
        initial = {
            **plan,
            "in_charge_member": plan["in_charge_member"] or "",
            "subject_organizations": list(item.subject_organizations.all()),
        }
    form = ItemForm(
        posted(request), organizations=_subject_orgs(program.organization), initial=initial
    )
    if write_form(request, form, write, done):
        if item is None:
            return redirect("programs:detail", program.pk)
        return redirect("programs:item", item.pk)
    return render(
        request, "programs/item_form.html", {"form": form, "program": program, "item": item}
    )


def _item_context(request: HttpRequest, item: ProgramItem, **forms: Any) -> dict[str, Any]:
    today = _today()
    return {
        "item": item,
        "row": selectors.item_row(item, today),
        "history": selectors.item_history(item),
        "amendments": list(item.amendments.all()),
        "can_track": selectors.can_track(request.user, item),
        "can_write": selectors.can_write(request.user, item.program),
        "status_form": forms.get("status_form") or StatusForm(initial={"on": today}),
        "result_form": forms.get("result_form")
        or ResultForm(
            initial={
                "result": item.result,
                "conclusions": item.conclusions,
                "shortcomings": item.shortcomings,
                "remedies_required": item.remedies_required,
                "remedy_deadline": item.remedy_deadline,
            }
        ),
        "remedied_form": forms.get("remedied_form") or RemediedForm(initial={"on": today}),
    }


@login_required
@not_found_as_404
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.get_item(request.user, item_id)
    return render(request, "programs/item_detail.html", _item_context(request, item))


def _tracked(request: HttpRequest, item_id: int) -> ProgramItem:
    item = selectors.get_item(request.user, item_id)
    if not selectors.can_track(request.user, item):
        raise PermissionDenied("Bạn chỉ được xem nội dung chương trình này.")
    return item


def _item_step(
    form_class: type[StatusForm | ResultForm | RemediedForm],
    form_name: str,
    done: str,
    write: Callable[[Any, ProgramItem, dict[str, Any]], object],
) -> View:
    """The view of a tracking step posted on an item's page: written through `write(actor, item,
    data)` (then back to the page with `done`), or the page again (422) with the form
    `form_name` and its errors."""

    @login_required
    @not_found_as_404
    @require_POST
    def view(request: HttpRequest, item_id: int) -> HttpResponse:
        item = _tracked(request, item_id)
        form = form_class(request.POST)
        if write_form(request, form, lambda data: write(request.user, item, data), done):
            return HttpResponseRedirect(reverse("programs:item", args=[item.pk]))
        return render(
            request,
            "programs/item_detail.html",
            _item_context(request, item, **{form_name: form}),
            status=422,
        )

    return view


def _change_status(actor: Any, item: ProgramItem, data: dict[str, Any]) -> object:
    return services.change_item_status(
        actor=actor, item_id=item.pk, status=data["status"], reason=data["reason"], on=data["on"]
    )


def _record_result(actor: Any, item: ProgramItem, data: dict[str, Any]) -> object:
    return services.record_item_result(actor=actor, item_id=item.pk, **data)


def _mark_remedied(actor: Any, item: ProgramItem, data: dict[str, Any]) -> object:
    return services.mark_remedied(actor=actor, item_id=item.pk, on=data["on"])


item_status = _item_step(StatusForm, "status_form", "Đã cập nhật trạng thái.", _change_status)
item_result = _item_step(ResultForm, "result_form", "Đã ghi kết quả.", _record_result)
item_remedied = _item_step(
    RemediedForm, "remedied_form", "Đã ghi nhận khắc phục xong.", _mark_remedied
)


@login_required
def due(request: HttpRequest) -> HttpResponse:
    """The person in charge's list of what is due (the same partial the home page includes)."""
    items = selectors.due_items_for(request.user, _today())
    return render(request, "programs/due.html", {"due_items": items})
