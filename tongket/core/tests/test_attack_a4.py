"""Acceptance walk a4: a new office adopting Tổng kết for the 2026 season from an empty database.

`tongket migrate` (the test database), the department from the import template by `tongket
import` (docs/accounts.md), `tongket users add` and `tongket grants add` for the office
administrator, who then works through the web pages only: the cell and its members from the
product's own template, accounts in bulk with printed slips, the 2026 cycle, a PL4 criteria set,
Mẫu 2B, the year-end report. Each test is one confirmed finding; xfail strict until fixed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pypdf
import pytest
from django.core.management import call_command
from django.test import Client

CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")
PASSWORD = "Mat-khau-manh-2026!a4"
TIEU_CHI_HEADER = ("Mã", "Thuộc mã", "Nhóm", "Nội dung", "Điểm", "Hướng dẫn chấm", "Minh chứng")


def _sign_in_once(username: str, code: str) -> Client:
    """The first sign-in with a one-time code, then the password, as a person does."""
    client = Client()
    done = client.post("/accounts/login/once/", {"username": username, "code": code})
    assert done.status_code == 302, done.content.decode()[:1000]
    done = client.post(
        "/accounts/password/", {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert done.status_code == 302, done.content.decode()[:1000]
    return client


def _template(tmp_path: Path, name: str) -> openpyxl.Workbook:
    out = tmp_path / f"{name}-mau.xlsx"
    call_command("template", "-o", str(out), stdout=io.StringIO())
    return openpyxl.load_workbook(out)


def _office(tmp_path: Path) -> Client:
    """Migrate (done), the department by `tongket import` from the template, the office
    administrator by `tongket users add` + `grants add`, signed in with the printed code."""
    book = _template(tmp_path, "dept")
    orgs = book["Tổ chức"]
    orgs.append(["UBND.SYT", "Sở Y tế", "Cơ quan"])
    orgs.append(["QT.SYT", "Đảng bộ Sở Y tế", "Đảng bộ cơ sở", None, "UBND.SYT"])
    path = tmp_path / "dept.xlsx"
    book.save(path)
    call_command("import", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command("users", "add", "vanphong.syt", stdout=out)
    code = CODE.search(out.getvalue())
    assert code, out.getvalue()
    call_command(
        "grants", "add", "vanphong.syt", "--org", "QT.SYT", "--role", "office_admin", stdout=out
    )
    return _sign_in_once("vanphong.syt", code.group(0))


def _cell_by_web(office: Client, tmp_path: Path) -> dict[str, str]:
    """The cell and four members from the page's template, uploaded, checked and applied; the
    members' accounts in bulk; the codes read from the printed slips."""
    got = office.get("/exchange/template.xlsx")
    assert got.status_code == 200
    path = tmp_path / "web-mau.xlsx"
    path.write_bytes(b"".join(got.streaming_content) if got.streaming else got.content)  # type: ignore[attr-defined]
    book = openpyxl.load_workbook(path)
    book["Tổ chức"].append(["QT.SYT.VP", "Chi bộ Văn phòng", "Chi bộ", "QT.SYT"])
    names = ("Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Văn Bình", "Phạm Thị Hoa")
    for k, name in enumerate(names, start=1):
        book["Đảng viên"].append(
            [
                f"46.{k:06d}",
                name,
                "01/02/1980",
                "Nữ" if k in (1, 4) else "Nam",
                "15/03/2005",
                "15/03/2006",
                "Chính thức",
                "QT.SYT.VP",
            ]
        )
    book.save(path)
    with path.open("rb") as handle:
        checked = office.post("/exchange/upload/", {"file": handle})
    assert checked.status_code == 302
    applied = office.post(f"{checked['Location']}apply/")
    assert applied.status_code == 302, applied.content.decode()[:1000]
    slips = office.post("/accounts/users/bulk/", {"organization": "QT.SYT.VP"})
    assert slips["Content-Type"] == "application/pdf"
    pdf = b"".join(slips.streaming_content) if slips.streaming else slips.content  # type: ignore[attr-defined]
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    codes = dict(re.findall(r"Tên đăng nhập: (\S+)\s+Mã đăng nhập một lần:\s+(\S+)", text))
    assert len(codes) == len(names), text
    return codes


def _open_2026(office: Client) -> str:
    opened = office.post("/evaluation/ky/mo/", {"organization": "QT.SYT", "year": "2026"})
    assert opened.status_code == 302, opened.content.decode()[:1000]
    return str(opened["Location"])


def _criteria_sheet(tmp_path: Path) -> Path:
    """A PL4 set written by hand in the layout `tongket criteria export` writes."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tiêu chí"
    meta = (("Mã tổ chức", "QT.SYT"), ("Năm", 2026), ("Phụ lục", "PL4"), ("Tên bộ tiêu chí", "PL4"))
    for row, pair in enumerate(meta, start=1):
        sheet.cell(row=row, column=1, value=pair[0])
        sheet.cell(row=row, column=2, value=pair[1])
    for column, label in enumerate(TIEU_CHI_HEADER, start=1):
        sheet.cell(row=6, column=column, value=label)
    nodes = (
        ("1", None, "chung", "Chính trị tư tưởng, đạo đức, lối sống", 15),
        ("2", None, "chung", "Ý thức tổ chức kỷ luật", 15),
        ("3", None, "kết quả", "Thực hiện nhiệm vụ được giao", 50),
        ("4", None, "kết quả", "Thực hiện nhiệm vụ đảng viên", 20),
    )
    for row, node in enumerate(nodes, start=7):
        for column, value in enumerate(node, start=1):
            sheet.cell(row=row, column=column, value=value)
    path = tmp_path / "tieu-chi.xlsx"
    book.save(path)
    return path


@pytest.mark.django_db
def test_a_new_office_can_start_a_pl4_criteria_set_on_the_page(tmp_path: Path) -> None:
    office = _office(tmp_path)
    page = office.get("/criteria/").content.decode()
    assert 'name="appendix"' in page
    started = office.post(
        "/criteria/", {"organization": "QT.SYT", "year": "2026", "appendix": "PL4"}
    )
    assert started.status_code == 302, started.content.decode()[:1000]
    assert re.fullmatch(r"/criteria/\d+/", str(started["Location"]))
    # Finding 1, fixed: the new set holds the two sections (30 and 70) to divide on its page.
    draft = office.get(started["Location"]).content.decode()
    assert "Tiêu chí chung" in draft
    assert "Kết quả thực hiện chức trách, nhiệm vụ được giao" in draft


@pytest.mark.django_db
def test_the_2b_point_boxes_carry_a_maximum_the_browser_can_read(tmp_path: Path) -> None:
    """Finding 2 (fixed): `max="15,00"` (Vietnamese decimal comma) is not a number to the
    browser, so a member could type 20 in a 15-point box without a hint."""
    office = _office(tmp_path)
    codes = _cell_by_web(office, tmp_path)
    _open_2026(office)
    with _criteria_sheet(tmp_path).open("rb") as handle:
        drafted = office.post(
            "/criteria/", {"organization": "QT.SYT", "year": "2026", "sheet": handle}
        )
    assert drafted.status_code == 302
    assert office.post(f"{drafted['Location']}ban-hanh/").status_code == 302
    member = _sign_in_once("46.000002", codes["46.000002"])
    index = member.get("/tu-kiem-diem/").content.decode()
    form = re.search(r"/tu-kiem-diem/danh-gia/\d+/", index)
    assert form
    assert member.post(form.group(0), {"action": "start"}).status_code == 302
    html = member.get(form.group(0)).content.decode()
    maxima = re.findall(r'<input id="p-[^"]+"[^>]*\bmax="([^"]*)"', html)
    assert len(maxima) == 4
    assert sorted(float(m) for m in maxima) == [15.0, 15.0, 20.0, 50.0]


@pytest.mark.django_db
def test_the_report_page_names_missing_sections_in_vietnamese(tmp_path: Path) -> None:
    """Finding 3 (fixed): the year-end report page listed the sections still to be written by
    their codes («political_ideological», «mass_mobilization»...)."""
    office = _office(tmp_path)
    _cell_by_web(office, tmp_path)
    _open_2026(office)
    html = office.get("/reports/QT.SYT/2026/").content.decode()
    assert "«Công tác chính trị, tư tưởng»" in html
    for code in ("political_ideological", "mass_mobilization", "organization_personnel"):
        assert f"«{code}»" not in html


@pytest.mark.django_db
def test_the_templates_example_organization_is_coherent(tmp_path: Path) -> None:
    """Finding 4 (fixed): the example row of «Tổ chức» in the import template was a «Đảng bộ»
    of kind «Chi bộ» whose superior's code (QT.KCQDN.SGDDT) lay under its own (QT.KCQDN)."""
    rows = list(_template(tmp_path, "mau")["Tổ chức"].iter_rows(max_row=2, values_only=True))
    example = dict(zip(rows[0], rows[1], strict=False))
    code, parent = str(example["Mã"]), str(example["Mã tổ chức cấp trên"])
    assert not parent.startswith(f"{code}.")
    assert code.startswith(f"{parent}.")
    if str(example["Tên"]).startswith("Đảng bộ"):
        assert example["Loại"] != "Chi bộ"


@pytest.mark.django_db
def test_the_members_home_page_says_what_to_do_and_by_when(tmp_path: Path) -> None:
    office = _office(tmp_path)
    codes = _cell_by_web(office, tmp_path)
    _open_2026(office)
    member = _sign_in_once("46.000003", codes["46.000003"])
    home = member.get("/").content.decode()
    main = home.split("<main", 1)[-1]
    # Finding 5, fixed by the cycle's calendar (issue 20 item 4): the step and its due date.
    assert "/tu-kiem-diem/" in main
    assert re.search(r"Mẫu 2B\)? trước \d\d/12/2026", main), main[:3000]


@pytest.mark.django_db
def test_a_members_proposal_offers_no_organization_only_reason(tmp_path: Path) -> None:
    office = _office(tmp_path)
    _cell_by_web(office, tmp_path)
    cycle = _open_2026(office)
    unit = office.get(f"{cycle}chi-bo/QT.SYT.VP/").content.decode()
    pages = [
        office.get(link).content.decode()
        for link in sorted(set(re.findall(r"/evaluation/danh-gia/\d+/", unit)))
    ]
    members = [html for html in pages if 'value="joined_under_6_months"' in html]
    organizations = [html for html in pages if 'value="organization_under_6_months"' in html]
    assert members  # the cell's members, offered the members' reasons
    assert organizations  # the cell itself, offered the organizations' reason
    assert not any('value="organization_under_6_months"' in html for html in members)
    assert not any('value="joined_under_6_months"' in html for html in organizations)
