"""Pages of the people app: parse input, read through the selectors, write through one service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django_htmx.middleware import HtmxDetails

from tongket.accounts.scope import Scope, User, scope_for
from tongket.core.errors import NotFound
from tongket.core.formatting import format_number
from tongket.core.http import not_found_as_404, posted, run_service
from tongket.core.pagecache import EVALUATION_WORK, MEMBER_WORK, CachedPage, scope_paths
from tongket.people import pickers, selectors, services
from tongket.people.forms import (
    EndRoleForm,
    MemberCreateForm,
    MemberEditForm,
    MemberFormBase,
    OrganizationCreateForm,
    OrganizationEditForm,
    PartyRoleForm,
    PostForm,
    TransferForm,
    VietnameseForm,
)
from tongket.people.models import Member, MemberStatus, Organization, OrganizationKind
from tongket.people.permissions import (
    can_administer_somewhere,
    can_edit_member,
    can_see_member,
    can_see_organization,
    can_write_somewhere,
)

T = TypeVar("T")

ORG_MEMBERS_PER_PAGE = 100
LIST_PER_PAGE = 50
FILTER_ORG_LIMIT = 200
SEARCH_LIMIT = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class EstimatedPage(Page):  # type: ignore[type-arg]
    """A page of an EstimatedPaginator: a next page exists when one more row was found."""

    def __init__(self, rows: list[Any], number: int, paginator: Any, *, more: bool) -> None:
        super().__init__(rows, number, paginator)
        self._more = more

    def has_next(self) -> bool:
        return self._more


class EstimatedPaginator(Paginator):  # type: ignore[type-arg]
    """A very large unfiltered list: the total is an estimate (shown as "khoảng N"), and the
    pages are not bounded by it: each page reads one row more to know whether another follows."""

    estimated = True

    def __init__(self, object_list: Any, per_page: int, *, estimate: int) -> None:
        super().__init__(object_list, per_page)
        self._estimate = estimate

    @cached_property
    def count(self) -> int:
        return self._estimate

    def validate_number(self, number: Any) -> int:
        try:
            value = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger("Số trang không hợp lệ.") from exc
        if value < 1:
            raise EmptyPage("Số trang phải từ 1 trở lên.")
        return value

    def page(self, number: Any) -> EstimatedPage:
        value = self.validate_number(number)
        bottom = (value - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        return EstimatedPage(rows[: self.per_page], value, self, more=len(rows) > self.per_page)


class CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told its total by a query the page runs anyway (no second COUNT(*))."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _allow(allowed: bool) -> None:
    """The user sees the object but may not change it: 403 (an unseen object is already 404)."""
    if not allowed:
        raise DjangoPermissionDenied("Bạn không có quyền thực hiện thao tác này.")


def _call(
    form: VietnameseForm, action: Callable[[], T], aliases: Mapping[str, str] | None = None
) -> T | None:
    """Run a service; its refusal lands on the form (the service's transaction rolled back)."""
    return run_service(action, lambda exc: form.add_domain_error(exc, aliases))


def _role_label(scope: Scope, org: Organization) -> str:
    if scope.administers(org.path):
        return "Quản trị"
    if scope.writes(org.path):
        return "Cập nhật đảng viên"
    if scope.reads(org.path):
        return "Chỉ xem"
    return "Hồ sơ của tôi"


def _form_page(
    request: HttpRequest,
    form: VietnameseForm,
    *,
    title: str,
    submit_label: str,
    cancel_url: str,
    trail: list[tuple[str, str]],
    intro: str = "",
    **extra: Any,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "submit_label": submit_label,
        "cancel_url": cancel_url,
        "trail": trail,
        "intro": intro,
        **extra,
    }
    return render(request, "people/form.html", context)


def _member_form(
    request: HttpRequest,
    form: VietnameseForm,
    member: Member,
    *,
    write: Callable[[dict[str, Any]], T],
    done: Callable[[T], str],
    title: str,
    submit_label: str,
    intro: str = "",
    aliases: Mapping[str, str] | None = None,
) -> HttpResponse:
    """A form about one member, back to their page and under their trail: a valid post is
    written by `write` (a refusal lands on the form), then the member's page says `done`."""
    if request.method == "POST" and form.is_valid():
        result = _call(form, lambda: write(form.cleaned_data), aliases)
        if result is not None:
            messages.success(request, done(result))
            return redirect("people:member", card_number=member.card_number)
    return _form_page(
        request,
        form,
        title=title,
        submit_label=submit_label,
        cancel_url=reverse("people:member", args=[member.card_number]),
        trail=_member_trail(member),
        intro=intro,
    )


def _org_trail(user: User, org: Organization) -> list[tuple[str, str]]:
    chain = [*selectors.visible_ancestors(user, org), org]
    return [(o.name, reverse("people:organization", args=[o.code])) for o in chain]


def _member_trail(member: Member) -> list[tuple[str, str]]:
    return [
        ("Đảng viên", reverse("people:member_list")),
        (member.full_name, reverse("people:member", args=[member.card_number])),
    ]


# Reading pages ------------------------------------------------------------------------------


@login_required
@not_found_as_404
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    roots = selectors.root_organizations_for(user)
    counts = selectors.member_counts(user, roots)
    own = None
    if scope.own_member_id is not None:
        own = selectors.visible_members(user).filter(pk=scope.own_member_id).first()
    # The count only where the user reads the whole organization: a member who sees himself
    # alone in his cell is not told «1 đảng viên».
    rows = [
        {
            "org": org,
            "count": counts.get(org.pk, 0) if scope.reads(org.path) else None,
            "role": _role_label(scope, org),
        }
        for org in roots
    ]
    return render(request, "people/home.html", {"rows": rows, "own": own})


@login_required
@not_found_as_404
def organization_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    org = selectors.get_organization(user, code)
    scope = scope_for(user)

    def build() -> dict[str, Any]:
        whole_subtree = scope.reads(org.path)
        child_orgs = selectors.children_of(org) if whole_subtree else []
        # One grouped query gives the totals, the statuses and each child's count; the
        # paginator is told the total instead of counting the subtree again.
        breakdown = selectors.member_breakdown(user, org, child_orgs)
        statuses = breakdown.statuses
        seats = selectors.committee(org)
        return {
            "ancestors": selectors.visible_ancestors(user, org),
            "children": [(child, breakdown.by_child[child.pk]) for child in child_orgs],
            "seats": seats,
            "linkable": {
                seat.member.pk
                for seat in seats
                if can_see_member(scope, org_path=seat.member.org_path, member_id=seat.member.pk)
            },
            "page_obj": CountedPaginator(
                selectors.members_of(user, org, expected=breakdown.total),
                ORG_MEMBERS_PER_PAGE,
                count=breakdown.total,
            ).get_page(request.GET.get("page")),
            "total": sum(statuses.values()),
            "full_count": statuses.get(MemberStatus.FULL, 0),
            "probationary_count": statuses.get(MemberStatus.PROBATIONARY, 0),
            "show_cell": bool(child_orgs),
        }

    page = CachedPage(
        request, paths=[org.path], objects=[org, org.agency], build=build, ignored=EVALUATION_WORK
    )
    context = {
        "org": org,
        "can_admin": scope.administers(org.path),
        "can_write": scope.writes(org.path) and org.kind != OrganizationKind.AGENCY,
    }
    return page.render("people/organization_detail.html", context)


def _member_count_figures(user: User | None, keys: list[str]) -> dict[str, str]:
    """The live figures of `{% live_figure org.pk org.path %}`: each organization's members,
    from the member tally (`selectors.member_counts`, one query), formatted."""
    orgs = [Organization(pk=int(pk), path=path) for pk, path in (k.split(":", 1) for k in keys)]
    counts = selectors.member_counts(user, orgs)
    return {key: format_number(counts[org.pk]) for key, org in zip(keys, orgs, strict=True)}


@login_required
@not_found_as_404
def organization_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    kind = request.GET.get("kind", "")

    def build() -> dict[str, Any]:
        orgs = selectors.visible_organizations(user).select_related("parent").order_by("path")
        if kind in OrganizationKind.values:
            orgs = orgs.filter(kind=kind)
        page = Paginator(orgs, LIST_PER_PAGE).get_page(request.GET.get("page"))
        return {"page_obj": page, "rows": [{"org": org} for org in page.object_list]}

    context = {
        "kinds": OrganizationKind.choices,
        "kind": kind,
        "can_create": can_administer_somewhere(scope),
    }
    # The counts come from the member tally on every request: members' changes and the
    # evaluations' leave the cached list alone.
    page = CachedPage(
        request,
        paths=scope_paths(request),
        build=build,
        ignored=EVALUATION_WORK + MEMBER_WORK,
        live=lambda keys: _member_count_figures(user, keys),
    )
    return page.render("people/organization_list.html", context)


@login_required
@not_found_as_404
def member_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    org = None
    org_code = request.GET.get("org", "").strip()
    if org_code:
        org = selectors.get_organization(user, org_code)
    query = request.GET.get("q", "").strip()

    def build() -> dict[str, Any]:
        paginator: Paginator[Member]
        if query:
            members = selectors.search_members(user, query, limit=500, within=org)
            paginator = Paginator(members, LIST_PER_PAGE)
        elif org is not None:
            # Counted from the member tally; a small subtree is then sorted, not walked.
            count = selectors.member_counts(user, [org])[org.pk]
            members = selectors.members_of(user, org, expected=count)
            paginator = CountedPaginator(members, LIST_PER_PAGE, count=count)
        else:
            members = selectors.visible_members(user).order_by("sort_name")
            estimate = selectors.estimated_total(members)
            paginator = (
                EstimatedPaginator(members, LIST_PER_PAGE, estimate=estimate)
                if estimate is not None
                else Paginator(members, LIST_PER_PAGE)
            )
        # A drop-down only while it stays short; past that the organization is typed by its
        # code (a province holds thousands of cells: a select of every one would weigh MBs).
        filter_orgs = list(
            selectors.visible_organizations(user)
            .exclude(kind=OrganizationKind.AGENCY)
            .order_by("path")[: FILTER_ORG_LIMIT + 1]
        )
        return {
            "page_obj": paginator.get_page(request.GET.get("page")),
            "filter_orgs": filter_orgs if len(filter_orgs) <= FILTER_ORG_LIMIT else None,
        }

    context = {
        "org": org,
        "query": query,
        "can_create": can_write_somewhere(scope),
    }
    paths = [org.path, *scope_paths(request)] if org is not None else scope_paths(request)
    page = CachedPage(request, paths=paths, objects=[org], build=build, ignored=EVALUATION_WORK)
    return page.render("people/member_list.html", context)


@login_required
@not_found_as_404
def member_detail(request: HttpRequest, card_number: str) -> HttpResponse:
    user = request.user
    member = selectors.member_detail(user, card_number)
    scope = scope_for(user)
    can_write = scope.writes(member.org_path)
    memberships = list(member.memberships.all())
    party_roles = list(member.party_roles.all())
    posts = list(member.posts.all())
    context = {
        "member": member,
        "memberships": [(m, can_see_organization(scope, m.organization.path)) for m in memberships],
        "current_roles": [r for r in party_roles if r.end is None],
        "past_roles": [r for r in party_roles if r.end is not None],
        "current_posts": [p for p in posts if p.end is None],
        "past_posts": [p for p in posts if p.end is not None],
        "org_visible": can_see_organization(scope, member.organization.path),
        "can_write": can_write,
        "can_transfer": can_write
        and selectors.writable_party_organizations(user)
        .exclude(pk=member.organization_id)
        .exists(),
        "can_assign_role": scope.administers(member.org_path),
        "is_own": member.pk == scope.own_member_id,
    }
    return render(request, "people/member_detail.html", context)


@login_required
@not_found_as_404
def search(request: HtmxHttpRequest) -> HttpResponse:
    """Members and organizations by name, without diacritics; a partial for htmx live search."""
    user = request.user
    query = request.GET.get("q", "").strip()
    within = None
    org_code = request.GET.get("org", "").strip()
    if org_code:
        within = selectors.get_organization(user, org_code)
    members: list[Member] = []
    more = False
    orgs: list[Organization] = []
    if query:
        members, more = selectors.quick_search_members(
            user, query, limit=SEARCH_LIMIT, within=within
        )
        orgs = list(selectors.search_organizations(user, query, within=within))
    context = {
        "query": query,
        "members": members,
        "more": more,
        "orgs": orgs,
        "within": within,
    }
    # A history restore asks for the whole page, not the fragment it once swapped in.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "people/_search_results.html", context)
    return render(request, "people/search.html", context)


@login_required
@not_found_as_404
def organization_suggest(request: HttpRequest) -> HttpResponse:
    """The `<option>`s of an organization picker (`people.pickers`): the organizations of its
    purpose matching what the user typed, for htmx to put in the box's `<datalist>`."""
    field = request.GET.get("field", "q")
    text = request.GET.get(field, "") or request.GET.get("q", "")
    kinds = [k for k in request.GET.get("kinds", "").split(",") if k in OrganizationKind.values]
    organizations = pickers.choices_for(request.GET.get("for", "read"), request.user, kinds)
    if organizations is None:
        raise Http404("Không có danh sách tổ chức này.")
    return render(
        request,
        "people/_organization_options.html",
        {"orgs": pickers.suggestions(organizations, text)},
    )


@login_required
@not_found_as_404
def member_suggest(request: HttpRequest) -> HttpResponse:
    """The `<option>`s of a member picker (`people.pickers.MemberChoiceField`): members the
    user may see in the organization's subtree whose name or card number matches."""
    field = request.GET.get("field", "q")
    text = request.GET.get(field, "") or request.GET.get("q", "")
    code = request.GET.get("within", "").strip()
    within = selectors.get_organization(request.user, code) if code else None
    members: list[Member] = []
    if text.strip():
        members, _more = selectors.quick_search_members(
            request.user, text, limit=pickers.SUGGEST_LIMIT, within=within
        )
    return render(request, "people/_member_options.html", {"members": members})


# Writing pages ------------------------------------------------------------------------------


@login_required
@not_found_as_404
def organization_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    parent_code = request.GET.get("parent", "").strip()
    parent = selectors.get_organization(user, parent_code) if parent_code else None
    if parent is not None:
        _allow(scope.administers(parent.path))
    else:
        _allow(can_administer_somewhere(scope))
    initial: dict[str, Any] = {"kind": OrganizationKind.CELL}
    if parent is not None:
        initial.update(parent=parent.code, agency=parent.agency.code if parent.agency else "")
    form = OrganizationCreateForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = _call(
            form,
            lambda: services.create_organization(
                actor=user,
                data=services.OrganizationInput(
                    code=data["code"],
                    name=data["name"],
                    kind=data["kind"],
                    parent_code=data["parent"] or None,
                    short_name=data["short_name"],
                    agency_code=data["agency"] or None,
                    founded_on=data["founded_on"],
                ),
            ),
        )
        if org is not None:
            messages.success(request, f"Đã tạo tổ chức «{org.name}».")
            return redirect("people:organization", code=org.code)
    trail = (
        _org_trail(user, parent) if parent else [("Tổ chức", reverse("people:organization_list"))]
    )
    cancel = trail[-1][1]
    return _form_page(
        request,
        form,
        title="Thêm tổ chức",
        submit_label="Tạo tổ chức",
        cancel_url=cancel,
        trail=trail,
    )


@login_required
@not_found_as_404
def organization_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    org = selectors.get_organization(user, code)
    _allow(scope_for(user).administers(org.path))
    is_root = org.parent_id is None
    initial = {
        "code": org.code,
        "name": org.name,
        "short_name": org.short_name,
        "parent": org.parent.code if org.parent else "",
        "agency": org.agency.code if org.agency else "",
        "version": org.version,
    }
    form = OrganizationEditForm(posted(request), initial=initial, is_root=is_root)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        updated = _call(
            form,
            lambda: services.update_organization(
                actor=user,
                code=org.code,
                name=data["name"],
                short_name=data["short_name"],
                renamed_on=data["renamed_on"],
                parent_code=None if is_root else data["parent"].strip(),
                agency_code=data["agency"].strip(),
                expected_version=data["version"],
                new_code=data["code"].strip() or None,
            ),
        )
        if updated is not None:
            messages.success(request, f"Đã lưu tổ chức «{updated.name}».")
            return redirect("people:organization", code=updated.code)
    return _form_page(
        request,
        form,
        title=f"Sửa tổ chức: {org.name}",
        submit_label="Lưu thay đổi",
        cancel_url=reverse("people:organization", args=[org.code]),
        trail=_org_trail(user, org),
    )


def _member_input(
    form: MemberFormBase, card_number: str, organization_code: str
) -> services.MemberInput:
    """The member's record as typed in the form (the fields every member form has, by name)."""
    data = form.cleaned_data
    return services.MemberInput(
        card_number=card_number,
        organization_code=organization_code,
        **{name: data[name] for name in MemberFormBase.base_fields},
    )


@login_required
@not_found_as_404
def member_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    organizations = selectors.writable_party_organizations(user)
    _allow(organizations.exists())
    initial: dict[str, Any] = {"status": MemberStatus.FULL}
    wanted = request.GET.get("org", "").strip()
    if wanted:
        org = selectors.get_organization(user, wanted)
        initial["organization"] = org.code
    form = MemberCreateForm(posted(request), initial=initial, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = _call(
            form,
            lambda: services.create_member(
                actor=user, data=_member_input(form, data["card_number"], data["organization"])
            ),
        )
        if member is not None:
            messages.success(request, f"Đã thêm đảng viên {member.full_name}.")
            return redirect("people:member", card_number=member.card_number)
    return _form_page(
        request,
        form,
        title="Thêm đảng viên",
        submit_label="Thêm đảng viên",
        cancel_url=reverse("people:member_list"),
        trail=[("Đảng viên", reverse("people:member_list"))],
    )


@login_required
@not_found_as_404
def member_edit(request: HttpRequest, card_number: str) -> HttpResponse:
    user = request.user
    member = selectors.get_member(user, card_number)
    _allow(can_edit_member(scope_for(user), member.org_path))
    initial = {
        "full_name": member.full_name,
        "gender": member.gender,
        "birth_date": member.birth_date,
        "joined_on": member.joined_on,
        "status": member.status,
        "full_member_on": member.full_member_on,
        "version": member.version,
    }
    form = MemberEditForm(posted(request), initial=initial)
    return _member_form(
        request,
        form,
        member,
        write=lambda data: services.update_member(
            actor=user,
            card_number=member.card_number,
            data=_member_input(form, member.card_number, member.organization.code),
            expected_version=data["version"],
        ),
        done=lambda _: "Đã lưu hồ sơ đảng viên.",
        title=f"Sửa hồ sơ: {member.full_name}",
        submit_label="Lưu thay đổi",
        intro=f"Số thẻ đảng viên: {member.card_number} (khóa định danh, không sửa được). "
        "Đổi nơi sinh hoạt bằng chức năng «Chuyển sinh hoạt».",
    )


@login_required
@not_found_as_404
def member_transfer(request: HttpRequest, card_number: str) -> HttpResponse:
    user = request.user
    member = selectors.get_member(user, card_number)
    _allow(can_edit_member(scope_for(user), member.org_path))
    targets = selectors.writable_party_organizations(user).exclude(pk=member.organization_id)
    _allow(targets.exists())
    form = TransferForm(posted(request), organizations=targets)
    return _member_form(
        request,
        form,
        member,
        write=lambda data: services.transfer_member(
            actor=user,
            card_number=member.card_number,
            to_code=data["organization"],
            on=data["on"],
            note=data["note"],
        ),
        done=lambda moved: f"Đã chuyển sinh hoạt {moved.full_name} đến {moved.organization.name}.",
        title=f"Chuyển sinh hoạt: {member.full_name}",
        submit_label="Chuyển sinh hoạt",
        intro=f"Hiện sinh hoạt tại {member.organization.name}. Lịch sử sinh hoạt được giữ lại.",
    )


@login_required
@not_found_as_404
def party_role_assign(request: HttpRequest, card_number: str) -> HttpResponse:
    user = request.user
    member = selectors.get_member(user, card_number)
    organizations = selectors.administered_organizations_of(user, member)
    _allow(bool(organizations))
    form = PartyRoleForm(
        posted(request),
        organizations=organizations,
        initial={"organization": organizations[-1].code},
    )
    return _member_form(
        request,
        form,
        member,
        write=lambda data: services.assign_party_role(
            actor=user,
            card_number=member.card_number,
            organization_code=data["organization"],
            role=data["role"],
            start=data["start"],
            term=data["term"],
        ),
        done=lambda role: f"Đã giao chức vụ {role.get_role_display()}.",
        aliases={"card_number": ""},
        title=f"Giao chức vụ đảng: {member.full_name}",
        submit_label="Giao chức vụ",
    )


@login_required
@not_found_as_404
def post_assign(request: HttpRequest, card_number: str) -> HttpResponse:
    user = request.user
    member = selectors.get_member(user, card_number)
    _allow(can_edit_member(scope_for(user), member.org_path))
    agencies = list(selectors.agencies_for(user))
    _allow(bool(agencies))
    initial = {"agency": member.organization.agency.code} if member.organization.agency else {}
    form = PostForm(posted(request), agencies=agencies, initial=initial)
    return _member_form(
        request,
        form,
        member,
        write=lambda data: services.assign_post(
            actor=user,
            card_number=member.card_number,
            agency_code=data["agency"],
            title=data["title"],
            start=data["start"],
            title_detail=data["title_detail"],
        ),
        done=lambda post: f"Đã ghi chức vụ {post.label}.",
        title=f"Thêm chức vụ chính quyền: {member.full_name}",
        submit_label="Lưu chức vụ",
    )


def _end_page(
    request: HttpRequest,
    member: Member,
    *,
    what: str,
    end: Callable[[dt.date, str], object],
) -> HttpResponse:
    return _member_form(
        request,
        EndRoleForm(posted(request)),
        member,
        write=lambda data: end(data["end"], data["reason"]),
        done=lambda _: f"Đã kết thúc {what}.",
        title=f"Kết thúc {what}: {member.full_name}",
        submit_label="Kết thúc",
        intro="Sau khi kết thúc, tổ chức có thể giao chức vụ này cho người kế nhiệm.",
    )


@login_required
def party_role_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a Party role (date, reason), which lets the organization name a successor."""
    user = request.user
    role = selectors.get_party_role(user, pk)
    if role is None:
        raise Http404("Không tìm thấy chức vụ.")
    _allow(scope_for(user).administers(role.organization.path) and role.end is None)
    return _end_page(
        request,
        role.member,
        what=f"chức vụ {role.get_role_display()} {role.organization.name}",
        end=lambda on, reason: services.end_party_role(
            actor=user, role_id=role.pk, end=on, reason=reason
        ),
    )


@login_required
def post_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a government post (date, reason)."""
    user = request.user
    post = selectors.get_post(user, pk)
    if post is None:
        raise Http404("Không tìm thấy chức vụ.")
    _allow(scope_for(user).writes(post.member.org_path) and post.end is None)
    return _end_page(
        request,
        post.member,
        what=f"chức vụ {post.label} {post.agency.name}",
        end=lambda on, reason: services.end_post(
            actor=user, post_id=post.pk, end=on, reason=reason
        ),
    )


@login_required
def member_file(request: HttpRequest, card_number: str) -> HttpResponse:
    """The member's file on one printable page: Party roles, posts, transfers, evaluations (every
    tier, year by year), awards and discipline; what the user may see of each."""
    from tongket.awards.selectors import member_awards
    from tongket.evaluation import selectors as evaluation_selectors

    user = request.user
    try:
        member = selectors.member_detail(user, card_number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    evaluations = evaluation_selectors.rows(
        evaluation_selectors.visible_evaluations(user)
        .filter(member=member)
        .select_related("cycle")
        .order_by("-cycle__year", "-cycle__quarter", "cycle__organization__path")
    )
    try:
        _member, awards = member_awards(user, member.card_number)
    except NotFound:
        awards = []
    scope = scope_for(user)
    context = {
        "member": member,
        "memberships": [
            (m, can_see_organization(scope, m.organization.path)) for m in member.memberships.all()
        ],
        "party_roles": list(member.party_roles.all()),
        "posts": list(member.posts.all()),
        "evaluations": [
            (row, evaluation_selectors.period_label(row.evaluation.cycle)) for row in evaluations
        ],
        "discipline": [
            (row.evaluation, evaluation_selectors.period_label(row.evaluation.cycle))
            for row in evaluations
            if row.evaluation.disciplined
        ],
        "awards": awards,
        "today": timezone.localdate(),
    }
    return render(request, "people/member_file.html", context)


@login_required
def organization_tree(request: HttpRequest) -> HttpResponse:
    """The organizations as a collapsible tree (plain <details>, no script) with member counts;
    each links to its page and to the members of its whole subtree."""
    tree = selectors.organization_tree(request.user)
    return render(request, "people/organization_tree.html", {"tree": tree})
