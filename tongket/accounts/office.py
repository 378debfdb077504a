"""The office administrator's pages: accounts (create, bulk with printed slips, deactivate,
reactivate, reset with a one-time code, require TOTP, link to a member) and grants (add,
revoke). Thin: parse, call one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tongket.accounts import bulk, permissions, selectors, services
from tongket.accounts.forms import AccountCreateForm, BulkAccountsForm, GrantForm, LinkMemberForm
from tongket.accounts.scope import scope_for
from tongket.accounts.serializers import grant_in_force
from tongket.accounts.slips import sign_in_url
from tongket.core import filejobs
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.core.http import content_disposition, form_page, posted
from tongket.people.forms import VietnameseForm
from tongket.people.pickers import PURPOSES

T = TypeVar("T")


def _office(request: HttpRequest) -> None:
    """The account pages are for office administrators and the system administrator: 403."""
    if not permissions.can_manage_accounts(scope_for(request.user)):
        raise DjangoPermissionDenied("Chỉ quản trị văn phòng mới quản lý tài khoản.")


def _call(action: Callable[[], T], form: VietnameseForm | None = None) -> T | None:
    """Run a service; a refusal lands on the form (or in a message), 404/403 as themselves."""
    try:
        return action()
    except NotFound as exc:
        if form is not None and exc.field:
            form.add_domain_error(exc)
            return None
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        if form is None:
            raise
        form.add_domain_error(exc, {"member_card": "member", "valid_until": "valid_until"})
        return None


def _seen(request: HttpRequest, username: str) -> None:
    """An account the user may not see answers 404 before anything is read from the form."""
    try:
        selectors.get_account(request.user, username)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _organizations(request: HttpRequest, form: VietnameseForm, *names: str) -> None:
    for name in names:
        form.fields[name].set_organizations(  # type: ignore[attr-defined]
            PURPOSES["accounts"](request.user)
        )


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _office(request)
    code = request.GET.get("org", "").strip()
    org = None
    if code:
        org = PURPOSES["accounts"](request.user).filter(code=code).first()
        if org is None:
            raise Http404("Không tìm thấy tổ chức.")
    accounts = list(selectors.accounts_in(request.user, org)[:500])
    return render(request, "accounts/user_list.html", {"accounts": accounts, "org": org})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    _office(request)
    form = AccountCreateForm(posted(request))
    _organizations(request, form, "home")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = _call(
            lambda: services.create_user(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                member_card=data["member"] or None,
                email=data["email"],
                home_code=data["home"] or None,
                require_totp=data["require_totp"],
            ),
            form,
        )
        if user is not None:
            code = services.issue_sign_in_code(actor=request.user, username=user.username)
            return _code_page(request, user.username, code, created=True)
    return form_page(
        request,
        "accounts/office_form.html",
        form,
        title="Tạo tài khoản",
        submit_label="Tạo tài khoản",
    )


def _code_page(request: HttpRequest, username: str, code: str, *, created: bool) -> HttpResponse:
    """The one-time code, shown once (never stored in clear): to print or pass on."""
    link = sign_in_url(username, code)
    context = {
        "username": username,
        "code": code,
        "link": link if link.startswith("http") else request.build_absolute_uri(link),
        "created": created,
    }
    response = render(request, "accounts/code_issued.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    _office(request)
    try:
        account = selectors.get_account(request.user, username)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    grants = list(account.grants.all())
    scope = scope_for(request.user)
    settings_row = getattr(account, "account", None)
    home = settings_row.home if settings_row is not None else None
    manageable = permissions.can_manage_account(
        scope,
        home_path=home.path if home is not None else None,
        is_superuser=account.is_superuser,
        grant_paths=[g.organization.path for g in grants if g.revoked_at is None],
    )
    today = timezone.localdate()
    context = {
        "account": account,
        "home": home,
        "grants": [
            (g, grant_in_force(g, today), scope.administers(g.organization.path)) for g in grants
        ],
        "manageable": manageable,
        "member": getattr(account, "member", None) if hasattr(account, "member") else None,
        "link_form": LinkMemberForm(),
        "require_totp": bool(settings_row is not None and settings_row.require_totp),
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
@require_POST
def user_active(request: HttpRequest, username: str) -> HttpResponse:
    _office(request)
    _seen(request, username)
    active = request.POST.get("active") == "1"
    _call(lambda: services.set_user_active(actor=request.user, username=username, active=active))
    messages.success(request, f"Đã {'mở lại' if active else 'khóa'} tài khoản «{username}».")
    return redirect("accounts:user", username=username)


@never_cache
@login_required
@require_POST
def user_reset(request: HttpRequest, username: str) -> HttpResponse:
    _office(request)
    _seen(request, username)
    code = _call(lambda: services.issue_sign_in_code(actor=request.user, username=username))
    assert code is not None
    return _code_page(request, username, code, created=False)


@login_required
@require_POST
def user_totp(request: HttpRequest, username: str) -> HttpResponse:
    _office(request)
    _seen(request, username)
    account = getattr(selectors.get_account(request.user, username), "account", None)
    required = request.POST.get("required") == "1"
    if account is not None and account.require_totp == required:
        # Nothing to save: say so rather than report a change that did not happen.
        messages.warning(
            request,
            "Không có gì thay đổi: tài khoản "
            + ("đã" if required else "chưa")
            + " bắt buộc xác thực hai lớp.",
        )
        return redirect("accounts:user", username=username)
    _call(
        lambda: services.set_require_totp(actor=request.user, username=username, required=required)
    )
    messages.success(request, "Đã lưu yêu cầu xác thực hai lớp.")
    return redirect("accounts:user", username=username)


@login_required
@require_POST
def user_member(request: HttpRequest, username: str) -> HttpResponse:
    _office(request)
    _seen(request, username)
    form = LinkMemberForm(request.POST)
    if form.is_valid():
        try:
            _call(
                lambda: services.link_member(
                    actor=request.user, username=username, member_card=form.cleaned_data["member"]
                )
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Đã gắn tài khoản với đảng viên.")
    else:
        messages.error(request, "Vui lòng nhập số thẻ đảng viên.")
    return redirect("accounts:user", username=username)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def user_bulk(request: HttpRequest) -> HttpResponse:
    """Accounts for every member of a cell or organization, answered as the PDF of the slips
    (the codes exist only in it: nothing keeps them in clear)."""
    _office(request)
    form = BulkAccountsForm(posted(request), initial={"organization": request.GET.get("org", "")})
    _organizations(request, form, "organization")
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["organization"]
        large = _call(lambda: bulk.is_large(request.user, code), form)
        if large:
            job = filejobs.start(
                actor=cast(AuthUser, request.user),
                kind="member_accounts",
                params={"organization": code},
                summary=f"Yêu cầu tạo tài khoản hàng loạt cho {code}",
            )
            return redirect("core:job", job_id=job.pk)
        slips = (
            None
            if large is None  # refused: the form says why
            else _call(lambda: bulk.member_slips(actor=request.user, organization_code=code), form)
        )
        if slips is not None:
            response = HttpResponse(slips.pdf, content_type="application/pdf")
            response["Content-Disposition"] = content_disposition(slips.filename)
            response["Cache-Control"] = "no-store"
            return response
    return form_page(
        request,
        "accounts/office_form.html",
        form,
        title="Tạo tài khoản hàng loạt",
        submit_label="Tạo tài khoản và in phiếu",
        intro=(
            "Mỗi đảng viên chưa có tài khoản nhận một tài khoản (tên đăng nhập là số thẻ "
            "đảng viên) và một mã đăng nhập một lần, in trên phiếu (PDF) để phát tận tay. "
            "Mã chỉ hiện trong tệp PDF này: hãy lưu hoặc in ngay."
        ),
        # A queued creation is found again here (and in «Việc của tôi»).
        job_rows=filejobs.labelled(
            filejobs.own_jobs(cast(AuthUser, request.user), "member_accounts")[:10]
        ),
    )


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    _office(request)
    grants = list(selectors.visible_grants(request.user)[:500])
    today = timezone.localdate()
    rows = [(g, grant_in_force(g, today)) for g in grants]
    return render(request, "accounts/grant_list.html", {"rows": rows, "roles": selectors.roles()})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def grant_create(request: HttpRequest) -> HttpResponse:
    _office(request)
    form = GrantForm(posted(request), initial={"username": request.GET.get("user", "")})
    _organizations(request, form, "organization")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grant = _call(
            lambda: services.grant_access(
                actor=request.user,
                username=data["username"],
                organization_code=data["organization"],
                role=data["role"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            ),
            form,
        )
        if grant is not None:
            messages.success(
                request,
                f"Đã giao vai trò {grant.get_role_display()} ở {grant.organization.name} "
                f"cho «{grant.user.get_username()}».",
            )
            return redirect("accounts:user", username=grant.user.get_username())
    return form_page(
        request,
        "accounts/office_form.html",
        form,
        title="Phân quyền",
        submit_label="Phân quyền",
        roles=selectors.roles(),
    )


@login_required
@require_POST
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    _office(request)
    grant = _call(lambda: services.revoke_grant(actor=request.user, grant_id=grant_id))
    assert grant is not None
    messages.success(request, f"Đã thu hồi phân quyền #{grant.pk}.")
    return redirect("accounts:user", username=grant.user.get_username())
