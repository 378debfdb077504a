"""Screens of meetings: list, preparation, running (htmx attendance, speakers, votes), record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tongket.accounts.scope import scope_for
from tongket.core.errors import DomainError, NotFound
from tongket.core.http import not_found_as_404, posted, write_form
from tongket.meetings import selectors, services
from tongket.meetings.forms import (
    AgendaForm,
    AttendanceForm,
    AwardForm,
    ChairForm,
    ClosingForm,
    DiscussionForm,
    GuestForm,
    MeetingForm,
    SecretaryForm,
    VoteForm,
)
from tongket.meetings.models import Meeting
from tongket.people.models import Member
from tongket.programs.models import Program

View = Callable[..., HttpResponse]


def _writable_meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    """A meeting the user may change: 404 if it cannot see it, 403 if it may only read it."""
    meeting = selectors.get_meeting(request.user, meeting_id)
    if not scope_for(request.user).writes(meeting.organization.path):
        raise DjangoPermissionDenied("Bạn chỉ được xem hội nghị này.")
    return meeting


def _members(meeting: Meeting) -> Any:
    return Member.objects.filter(org_path__startswith=meeting.organization.path).order_by(
        "sort_name"
    )


def _draft_programs(meeting: Meeting) -> Any:
    return Program.objects.filter(organization=meeting.organization, status="draft")


def _forms(meeting: Meeting, data: Any = None, only: str = "") -> dict[str, forms.Form]:
    """Every form of the preparation and running pages; `only` is bound to `data`."""
    members = _members(meeting)
    programs = _draft_programs(meeting)
    within = meeting.organization
    factories: dict[str, Callable[[Any], forms.Form]] = {
        "chair_form": lambda d: ChairForm(d, members=members, within=within),
        "secretary_form": lambda d: SecretaryForm(d, members=members, within=within),
        "guest_form": lambda d: GuestForm(d),
        "agenda_form": lambda d: AgendaForm(d, members=members, programs=programs, within=within),
        "discussion_form": lambda d: DiscussionForm(d, members=members, within=within),
        "vote_form": lambda d: VoteForm(d, programs=programs),
        "award_form": lambda d: AwardForm(d),
        "closing_form": lambda d: ClosingForm(d, initial={"text": meeting.closing_directions}),
    }
    built = {name: make(data if name == only else None) for name, make in factories.items()}
    for name, form in built.items():
        # Several forms share a page: distinct ids keep every label tied to its own input.
        form.auto_id = f"id_{name.removesuffix('_form')}_%s"
    return built


@login_required
def index(request: HttpRequest) -> HttpResponse:
    rows = selectors.meeting_list(request.user)
    can_create = selectors.organizations_for_new_meeting(request.user).exists()
    return render(request, "meetings/index.html", {"rows": rows, "can_create": can_create})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    organizations = selectors.organizations_for_new_meeting(request.user)
    if not organizations.exists():
        raise DjangoPermissionDenied("Bạn không có quyền tạo hội nghị.")
    form = MeetingForm(posted(request), organizations=organizations)
    meeting = write_form(
        request,
        form,
        lambda data: services.create_meeting_of(actor=request.user, data=data),
        "Đã tạo hội nghị. Hãy chuẩn bị chương trình và triệu tập.",
    )
    if meeting is not None:
        return redirect("meetings:prepare", meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form})


@login_required
@not_found_as_404
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    page = selectors.meeting_page(request.user, meeting_id)
    return render(request, "meetings/meeting_detail.html", {"page": page})


def _work_page(
    request: HttpRequest,
    meeting_id: int,
    template: str,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    page = selectors.meeting_page(request.user, meeting_id)
    if not page.can_write:
        raise NotFound("Không tìm thấy hội nghị.")
    context: dict[str, Any] = {"page": page, **_forms(page.meeting)}
    context.update(bound or {})
    return render(request, template, context, status=status)


@login_required
@not_found_as_404
def meeting_prepare(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _work_page(request, meeting_id, "meetings/prepare.html")


@login_required
@not_found_as_404
def meeting_run(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _work_page(request, meeting_id, "meetings/run.html")


# One POST endpoint per action: parse the form, call one service, go back to the page.
Action = Callable[[HttpRequest, Meeting, dict[str, Any], forms.Form], object]


def _action(form_name: str, page: str, success: str, call: Action) -> View:
    @login_required
    @not_found_as_404
    @require_POST
    def view(request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = _writable_meeting(request, meeting_id)
        form = _forms(meeting, request.POST, only=form_name)[form_name]
        if write_form(request, form, lambda data: call(request, meeting, data, form), success):
            return redirect(f"meetings:{page}", meeting.pk)
        return _work_page(
            request, meeting.pk, f"meetings/{page}.html", {form_name: form}, status=422
        )

    return view


chair_add = _action(
    "chair_form",
    "prepare",
    "Đã thêm đồng chí chủ trì.",
    lambda r, m, d, f: services.add_chair(
        actor=r.user,
        meeting_id=m.pk,
        member_card=d["member"].card_number,
        title_at_time=d["title_at_time"],
    ),
)
secretary_set = _action(
    "secretary_form",
    "prepare",
    "Đã chọn thư ký.",
    lambda r, m, d, f: services.set_secretary(
        actor=r.user, meeting_id=m.pk, member_card=d["member"].card_number, title=d["title"]
    ),
)
guest_add = _action(
    "guest_form",
    "prepare",
    "Đã thêm khách mời.",
    lambda r, m, d, f: services.add_guest(
        actor=r.user, meeting_id=m.pk, name=d["name"], title=d["title"]
    ),
)
agenda_add = _action(
    "agenda_form",
    "prepare",
    "Đã thêm nội dung vào chương trình hội nghị.",
    lambda r, m, d, f: services.add_agenda_item(
        actor=r.user,
        meeting_id=m.pk,
        title=d["title"],
        presenter_card=d["presenter"].card_number if d["presenter"] else None,
        presenter_title=d["presenter_title"],
        document_title=d["document_title"],
        program_id=d["program"].pk if d["program"] else None,
    ),
)
discussion_add = _action(
    "discussion_form",
    "run",
    "Đã ghi ý kiến phát biểu.",
    lambda r, m, d, f: services.add_discussion(
        actor=r.user,
        meeting_id=m.pk,
        summary=d["summary"],
        speaker_card=d["speaker"].card_number if d["speaker"] else None,
        speaker_name=d["speaker_name"],
    ),
)


def _record_vote(request: HttpRequest, meeting: Meeting, d: dict[str, Any], form: Any) -> object:
    return services.record_vote(
        actor=request.user,
        meeting_id=meeting.pk,
        motion=d["motion"],
        votes_for=d["votes_for"],
        votes_against=d["votes_against"],
        abstain=d["abstain"],
        program_id=d["program"].pk if d["program"] else None,
        claimed_adopted=form.claimed_adopted(),
    )


vote_add = _action("vote_form", "run", "Đã ghi kết quả biểu quyết.", _record_vote)
award_add = _action(
    "award_form",
    "run",
    "Đã ghi khen thưởng được trao.",
    lambda r, m, d, f: services.add_award_handout(
        actor=r.user, meeting_id=m.pk, text=d["text"], link=d["link"]
    ),
)
closing_set = _action(
    "closing_form",
    "run",
    "Đã ghi kết luận bế mạc.",
    lambda r, m, d, f: services.set_closing_directions(
        actor=r.user, meeting_id=m.pk, text=d["text"]
    ),
)


def _counted(page: str, success: str, call: Callable[..., int]) -> View:
    """A button without a form on the meeting's `page`: `call(actor=, meeting_id=)` answers how
    many members it touched, said by `success` (its `{count}`), or its refusal is said."""

    @login_required
    @not_found_as_404
    @require_POST
    def view(request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = _writable_meeting(request, meeting_id)
        try:
            count = call(actor=request.user, meeting_id=meeting.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success.format(count=count))
        return redirect(f"meetings:{page}", meeting.pk)

    return view


convene = _counted("prepare", "Đã triệu tập thêm {count} đảng viên.", services.convene_members)
attendance_all = _counted(
    "run", "Đã điểm danh có mặt {count} đảng viên.", services.mark_all_present
)


@login_required
@not_found_as_404
@require_POST
def attendance(request: HttpRequest, participant_id: int) -> HttpResponse:
    """Mark one member; with htmx, answer the row and the refreshed count (out of band)."""
    participant = selectors.get_participant(request.user, participant_id)
    meeting = _writable_meeting(request, participant.meeting_id)
    if not selectors.can_write(request.user, meeting):
        raise NotFound("Không tìm thấy hội nghị.")
    form = AttendanceForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            participant = services.mark_attendance(
                actor=request.user,
                participant_id=participant.pk,
                attendance=form.cleaned_data["attendance"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            error = exc.message
    else:
        error = "Điểm danh không hợp lệ."
    if not getattr(request, "htmx", False):
        if error:
            messages.error(request, error)
        return redirect("meetings:run", meeting.pk)
    page = selectors.meeting_page(request.user, meeting.pk)
    row = next(p for p in page.participants if p.pk == participant.pk)
    return render(
        request,
        "meetings/_attendance_response.html",
        {"p": row, "page": page, "error": error},
    )


@login_required
@not_found_as_404
@require_POST
def close(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _writable_meeting(request, meeting_id)
    try:
        services.close_meeting(actor=request.user, meeting_id=meeting.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("meetings:run", meeting.pk)
    messages.success(request, "Hội nghị đã kết thúc; biên bản đã được chốt.")
    return redirect("meetings:detail", meeting.pk)
