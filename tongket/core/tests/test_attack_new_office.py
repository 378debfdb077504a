"""A new office adopting Tổng kết from an empty database for the 2026 season, as README.md and
docs/ tell a person: `tongket migrate`, the import template, accounts and grants, the 2026 cycle
(self-assessment, the cell's proposal, the committee's appraisal and decision), documents.

Each test is one confirmed finding of the acceptance walk (xfail strict until fixed). State is
prepared only through the `tongket` commands (a fresh database per server), the pages and the
import, as a user would."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tongket.core.tests.production import Server
from tongket.people.models import Member

ORG_SHEET = (
    ("Mã", "Tên", "Loại", "Mã tổ chức cấp trên", "Mã cơ quan"),
    ("UBND.SYT", "Sở Y tế tỉnh Quảng Trị", "Cơ quan", None, None),
    ("QT.SYT", "Đảng bộ Sở Y tế", "Đảng bộ cơ sở", None, "UBND.SYT"),
    ("QT.SYT.VP", "Chi bộ Văn phòng", "Chi bộ", "QT.SYT", None),
    ("QT.SYT.NV", "Chi bộ Nghiệp vụ", "Chi bộ", "QT.SYT", None),
)
MEMBER_HEADER = (
    "Số thẻ",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Tình trạng",
    "Mã chi bộ",
)

DEMO_CELL = "QT.KCQDN.SGDDT.TCCB"
JOINED_2000 = ("15/03/2000", "15/03/2001", "Chính thức")


def _workbook(path: Path, sheets: dict[str, list[tuple[object, ...]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def _new_office(server: Server, tmp_path: Path) -> None:
    """An empty server set up as docs/accounts.md says: migrate, then the organizations and
    members from the import template."""
    server.ok("migrate")
    members: list[tuple[object, ...]] = [MEMBER_HEADER]
    for k in range(1, 7):
        cell = "QT.SYT.VP" if k <= 4 else "QT.SYT.NV"
        members.append(
            (f"46.{k:06d}", f"Nguyễn Văn {chr(64 + k)}", "01/02/1980", "Nam", *JOINED_2000, cell)
        )
    book = _workbook(
        tmp_path / "to-chuc-va-dang-vien.xlsx",
        {"Tổ chức": list(ORG_SHEET), "Đảng viên": members},
    )
    server.ok("import", str(book))


@pytest.mark.django_db
def test_a_member_is_decided_before_the_cell_under_qd366_order(
    tmp_path: Path, servers: Callable[[str], Server]
) -> None:
    server = servers("order")
    _new_office(server, tmp_path)
    results = _workbook(
        tmp_path / "ket-qua.xlsx",
        {
            "Kết quả xếp loại": [
                ("Số thẻ", "Năm", "Xếp loại", "Cấp quyết định", "Số quyết định", "Ngày quyết định"),
                ("46.000003", 2026, "HTNV", "QT.SYT", "5-QĐ/ĐU", "20/12/2026"),
            ]
        },
    )
    done = server.run("import", str(results))
    assert "qd366.order.collective_first" not in done.stdout + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr


def _cycle_ids(client: Client) -> set[str]:
    """The ids of the cycles that the evaluation index links to for `client`'s user."""
    return set(re.findall(r"/evaluation/ky/(\d+)/", client.get("/evaluation/").content.decode()))


@pytest.mark.django_db
def test_the_office_can_record_the_committees_appraisal_on_the_evaluation_page(
    client_for: Callable[[str], Client],
) -> None:
    office = client_for("vanphong")
    cycle_ids = _cycle_ids(office)
    assert cycle_ids
    dashboards = [office.get(f"/evaluation/ky/{c}/").content.decode() for c in cycle_ids]
    page = next(d for d in dashboards if "Năm 2026" in d and "Đang đánh giá" in d)
    unit = re.search(r"/evaluation/ky/\d+/chi-bo/[^/\"]+TCCB/", page)
    assert unit
    unit_page = office.get(unit.group(0)).content.decode()
    member = re.search(r"/evaluation/danh-gia/(\d+)/#de-xuat", unit_page) or re.search(
        r"/evaluation/danh-gia/(\d+)/", unit_page
    )
    assert member
    page_url = f"/evaluation/danh-gia/{member.group(1)}/"
    html = office.get(page_url).content.decode()
    assert 'name="action" value="decision"' in html  # the office may decide here
    assert 'name="action" value="appraisal"' in html
    done = office.post(
        page_url,
        {"action": "appraisal", "appraisal-outcome": "good", "appraisal-comment": "Đạt yêu cầu."},
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    html = office.get(page_url).content.decode()
    assert "Đã ghi kết quả thẩm định của cấp ủy." in html
    assert "Đạt yêu cầu." in html  # the appraisal's row among the steps


@pytest.mark.django_db
def test_a_cell_secretary_cannot_appraise_for_the_committee(
    client_for: Callable[[str], Client],
) -> None:
    secretary = client_for("bithu")
    pages = [
        secretary.get(f"/evaluation/ky/{c}/chi-bo/{DEMO_CELL}/") for c in _cycle_ids(secretary)
    ]
    unit_page = next(p.content.decode() for p in pages if p.status_code == 200)
    member = re.search(r"/evaluation/danh-gia/(\d+)/", unit_page)
    assert member
    page_url = f"/evaluation/danh-gia/{member.group(1)}/"
    assert 'value="appraisal"' not in secretary.get(page_url).content.decode()
    refused = secretary.post(page_url, {"action": "appraisal", "appraisal-outcome": "good"})
    assert refused.status_code == 404


@pytest.mark.django_db
def test_the_not_classified_page_does_not_say_none_above_its_list(
    tmp_path: Path, client_for: Callable[[str], Client]
) -> None:
    members: list[tuple[object, ...]] = [MEMBER_HEADER]
    members.append(("46.000001", "Trần Văn An", "01/02/1980", "Nam", *JOINED_2000, "QT.SYT.VP"))
    members.append(
        ("46.000002", "Lê Thị Bình", "01/02/1995", "Nữ", "01/10/2026", None, "Dự bị", "QT.SYT.VP")
    )
    book = _workbook(tmp_path / "to-chuc.xlsx", {"Tổ chức": list(ORG_SHEET), "Đảng viên": members})
    call_command("import", str(book), stdout=io.StringIO(), stderr=io.StringIO())
    admin = client_for("quantri")
    opened = admin.post("/evaluation/ky/mo/", {"organization": "QT.SYT", "year": "2026"})
    assert opened.status_code == 302, opened.content.decode()[:2000]
    page = admin.get(f"{opened['Location']}khong-xep-loai/").content.decode()
    assert "46.000002" in page  # listed as not reviewed (admitted < 6 months)
    assert "Không có đảng viên, tổ chức nào thuộc diện không xếp loại" not in page


@pytest.mark.django_db
def test_a_pdf_report_prints_no_font_subsetting_log(tmp_path: Path, demo_server: Server) -> None:
    out = tmp_path / "quyet-dinh.pdf"
    done = demo_server.run(
        "report",
        "--org",
        "QT.KCQDN.SGDDT",
        "--year",
        "2020",
        "--kind",
        "decision",
        "--format",
        "pdf",
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert out.stat().st_size > 1000
    assert "fontTools" not in done.stderr


@pytest.mark.parametrize(
    ("born", "joined", "rule"),
    [
        ("01/01/1990", "01/01/2030", "people.member.joined_in_future"),
        ("01/01/2015", "01/01/2020", "people.member.admission_age"),
        ("02/01/2002", "01/01/2020", "people.member.admission_age"),  # a day short of 18
    ],
    ids=["joined-in-the-future", "admitted-at-five", "a-day-short-of-eighteen"],
)
@pytest.mark.django_db
def test_the_import_refuses_impossible_joining_dates(
    tmp_path: Path, born: str, joined: str, rule: str
) -> None:
    book = _workbook(
        tmp_path / "dang-vien.xlsx",
        {
            "Đảng viên": [
                MEMBER_HEADER,
                (
                    "46.000095",
                    "Trần Thị Vân",
                    born,
                    "Nữ",
                    joined,
                    None,
                    "Dự bị",
                    "QT.KCQDN.SGDDT.TCCB",
                ),
            ]
        },
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(book), "--dry-run", stdout=out, stderr=err)
    said = out.getvalue() + err.getvalue()
    assert "Ngày vào Đảng" in said
    assert rule in said
    assert not Member.objects.filter(card_number="46.000095").exists()
