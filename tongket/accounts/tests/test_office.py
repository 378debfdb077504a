"""The office administrator's account pages and the first sign-in with a one-time code."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.test import Client
from pypdf import PdfReader

from tongket.accounts import services
from tongket.audit.models import AuditEvent
from tongket.people.models import Member

pytestmark = pytest.mark.django_db

CELL = "QT.KCQDN.SGDDT.TCCB"


def test_bulk_page_answers_the_slips_pdf_with_each_member_and_a_working_code(
    client_for: Callable[[str], Client],
) -> None:
    names = set(
        Member.objects.filter(organization__code=CELL, user__isnull=True).values_list(
            "full_name", flat=True
        )
    )
    answer = client_for("vanphong").post("/accounts/users/bulk/", {"organization": CELL})
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    for name in names:
        assert name in text
    codes = re.findall(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", text)
    assert len(codes) == len(names)
    member = Member.objects.filter(organization__code=CELL, full_name=sorted(names)[0]).get()
    slip_code = next(
        c for c in codes if text.index(c) > text.index(member.card_number)
    )  # the code printed after the member's card number
    assert services.sign_in_with_code(username=member.card_number, code=slip_code, ip=None)
    assert AuditEvent.objects.filter(summary__startswith="Phiếu đăng nhập lần đầu").exists()


def test_create_page_shows_the_code_once_and_the_code_page_leads_to_set_a_password(
    client_for: Callable[[str], Client],
) -> None:
    office = client_for("vanphong")
    created = office.post(
        "/accounts/users/new/", {"username": "thu", "full_name": "Trần Thu", "home": CELL}
    )
    assert created.status_code == 200
    code = re.search(rb"data-code>([A-Z0-9-]+)<", created.content)
    assert code is not None
    assert "no-store" in created["Cache-Control"]

    visitor = Client()
    page = visitor.get(f"/accounts/login/once/?u=thu&code={code.group(1).decode()}")
    assert b'value="thu"' in page.content
    moved = visitor.post(
        "/accounts/login/once/", {"username": "thu", "code": code.group(1).decode()}
    )
    assert moved["Location"] == "/accounts/password/"
    weak = visitor.post("/accounts/password/", {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 400
    done = visitor.post(
        "/accounts/password/",
        {"new_password1": "Thu-mat-khau-2026", "new_password2": "Thu-mat-khau-2026"},
    )
    assert done.status_code == 302
    assert visitor.get("/").status_code == 200
    assert Client().login(username="thu", password="Thu-mat-khau-2026")
    again = Client().post(
        "/accounts/login/once/", {"username": "thu", "code": code.group(1).decode()}
    )
    assert again.status_code == 400
    assert "đã dùng hoặc hết hạn" in again.content.decode()


def test_first_sign_in_of_an_account_that_must_use_totp_goes_to_enrolment(
    client_for: Callable[[str], Client],
) -> None:
    office = client_for("vanphong")
    office.post("/accounts/users/new/", {"username": "ha", "home": CELL, "require_totp": "on"})
    code = services.issue_sign_in_code(actor=None, username="ha")
    visitor = Client()
    visitor.post("/accounts/login/once/", {"username": "ha", "code": code})
    done = visitor.post(
        "/accounts/password/",
        {"new_password1": "Ha-mat-khau-2026x", "new_password2": "Ha-mat-khau-2026x"},
    )
    assert done["Location"] == "/accounts/two-factor/"
    assert visitor.get("/").status_code == 302  # not signed in before the second factor


def test_detail_page_deactivates_resets_and_revokes(client_for: Callable[[str], Client]) -> None:
    office = client_for("vanphong")
    page = office.get("/accounts/users/bithu/")
    assert "Bí thư chi bộ" in page.content.decode()
    office.post("/accounts/users/bithu/active/", {"active": "0"})
    assert "Đã khóa" in office.get("/accounts/users/bithu/").content.decode()
    reset = office.post("/accounts/users/bithu/reset/")
    assert re.search(rb"data-code>[A-Z0-9-]{14}<", reset.content)
    from tongket.accounts.models import Grant

    grant = Grant.objects.get(user__username="bithu")
    office.post(f"/accounts/grants/{grant.pk}/revoke/")
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_bulk_page_lists_the_members_whose_card_number_is_already_a_login(
    client_for: Callable[[str], Client],
) -> None:
    member = Member.objects.filter(organization__code=CELL, user__isnull=True).order_by("pk")[0]
    services.create_user(actor=None, username=member.card_number, home_code=CELL)
    answer = client_for("vanphong").post("/accounts/users/bulk/", {"organization": CELL})
    assert answer.status_code == 200
    pages = PdfReader(io.BytesIO(answer.content)).pages
    last = pages[-1].extract_text()
    assert "CHƯA TẠO ĐƯỢC TÀI KHOẢN CHO 1 ĐẢNG VIÊN" in last
    assert member.full_name in last
    assert member.card_number in last
