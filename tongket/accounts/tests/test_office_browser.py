"""Done means, in a real browser, from an empty database: `tongket migrate`, the organization
imported, `tongket users add` and `tongket grants add` for one office administrator of the
department, who then, through the web pages only, creates the accounts of a cell's members
(slips printed), grants the new secretary her role, ends the old secretary's role and names
the new one; the new secretary signs in with the code on her slip and sets her password."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from tongket.core.tests.commands import run
from tongket.people.tests.factories import workbook

DEPARTMENT = "QT.SYT"
CELL = "QT.SYT.VP"
OFFICE_PASSWORD = "Van-phong-So-Y-te-2026"
MEMBERS = [
    ("88.000001", "Trần Thị Hoa", "Nữ"),
    ("88.000002", "Lê Thị Ngọc", "Nữ"),
    ("88.000003", "Phạm Văn Sơn", "Nam"),
    ("88.000004", "Võ Văn Tùng", "Nam"),
]
OLD, NEW = MEMBERS[0][0], MEMBERS[1][0]


def _empty_site_with_an_office_administrator(tmp_path: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    book = tmp_path / "so-y-te.xlsx"
    book.write_bytes(
        workbook(
            organizations=[
                ["QT", "Đảng bộ tỉnh Quảng Trị", "Đảng bộ tỉnh", ""],
                [DEPARTMENT, "Đảng bộ Sở Y tế", "Đảng bộ cơ sở", "QT"],
                [CELL, "Chi bộ Văn phòng", "Chi bộ", DEPARTMENT],
            ],
            members=[
                [
                    card,
                    name,
                    dt.date(1980, 1, 1),
                    sex,
                    dt.date(2005, 3, 2),
                    dt.date(2006, 3, 2),
                    "Chính thức",
                    CELL,
                ]
                for card, name, sex in MEMBERS
            ],
            roles=[[OLD, "", CELL, "Bí thư", "2020-2025", dt.date(2020, 7, 15)]],
        )
    )
    run("import", str(book))
    assert "Đã tạo tài khoản «vanphong.syt»" in run(
        "users", "add", "vanphong.syt", "--password-stdin", stdin=f"{OFFICE_PASSWORD}\n"
    )
    assert "Đã phân quyền" in run(
        "grants", "add", "vanphong.syt", "--org", DEPARTMENT, "--role", "office_admin"
    )


@pytest.mark.browser
def test_an_office_administrator_sets_up_a_cell_from_an_empty_database(
    browser_page: Any, tmp_path: Path
) -> None:
    _empty_site_with_an_office_administrator(tmp_path)
    page = browser_page
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "vanphong.syt")
    page.fill("input[name=password]", OFFICE_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login" not in url)

    # Accounts for every member of the cell, the slips downloaded as a PDF.
    page.get_by_role("link", name="Tài khoản").first.click()
    page.get_by_role("link", name="Tạo hàng loạt và in phiếu").click()
    page.select_option("select[name=organization]", CELL)
    with page.expect_download() as download:
        page.get_by_role("button", name="Tạo tài khoản và in phiếu").click()
    pdf = tmp_path / "phieu.pdf"
    download.value.save_as(pdf)
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    for card, name, _sex in MEMBERS:
        assert name in text
        assert f"Tên đăng nhập: {card}" in text
    codes = re.findall(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", text)
    assert len(codes) == len(MEMBERS)
    new_code = codes[[card for card, *_ in MEMBERS].index(NEW)]

    # The new secretary's role in the application.
    page.goto(f"/accounts/grants/new/?user={NEW}")
    page.select_option("select[name=organization]", CELL)
    page.select_option("select[name=role]", "cell_secretary")
    page.get_by_role("button", name="Phân quyền").click()
    page.wait_for_url(f"**/accounts/users/{NEW}/")
    assert "Đã giao vai trò Bí thư chi bộ ở Chi bộ Văn phòng" in page.content()

    # The old secretary's role ends; the new one is named.
    page.goto(f"/member/{OLD}/")
    page.get_by_role("link", name="Kết thúc").click()
    page.fill("input[name=end]", "2026-06-30")
    page.fill("input[name=reason]", "Nghỉ hưu")
    page.get_by_role("button", name="Kết thúc").click()
    page.wait_for_url(f"**/member/{OLD}/")
    assert "Nghỉ hưu" in page.content()
    page.goto(f"/member/{NEW}/party-role/")
    page.select_option("select[name=organization]", CELL)
    page.select_option("select[name=role]", "secretary")
    page.fill("input[name=term]", "2025-2030")
    page.fill("input[name=start]", "2026-07-01")
    page.get_by_role("button", name="Giao chức vụ").click()
    page.wait_for_url(f"**/member/{NEW}/")
    assert "Đã giao chức vụ Bí thư" in page.content()

    # The new secretary signs in with her slip and sets her password.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Đăng nhập lần đầu bằng mã một lần").click()
    page.fill("input[name=username]", NEW)
    page.fill("input[name=code]", new_code)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/accounts/password/")
    page.fill("input[name=new_password1]", "Ngoc-Bi-thu-2026")
    page.fill("input[name=new_password2]", "Ngoc-Bi-thu-2026")
    page.get_by_role("button", name="Lưu mật khẩu").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    page.goto(f"/member/{MEMBERS[3][0]}/")
    assert MEMBERS[3][1] in page.content()  # her cell's members: she now sees and writes them
