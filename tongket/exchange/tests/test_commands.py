"""The console commands: template, import with its progress bar, export, token."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tongket.exchange.tests.factories import member_row, members_workbook, workbook
from tongket.people.models import Member

pytestmark = pytest.mark.django_db


def test_template_writes_the_workbook(tmp_path):
    target = tmp_path / "mau.xlsx"
    call_command("template", "-o", str(target), stdout=io.StringIO())
    assert "Đảng viên" in load_workbook(target, read_only=True).sheetnames


def test_import_dry_run_shows_progress_on_stderr_and_writes_nothing(tmp_path):
    path = tmp_path / "dv.xlsx"
    path.write_bytes(members_workbook(120))
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), "--dry-run", stdout=out, stderr=err)
    assert "100% (120/120)" in err.getvalue()
    assert "#" in err.getvalue()
    assert "Đảng viên: thêm mới 120" in out.getvalue()
    assert not Member.objects.filter(card_number__startswith="99.").exists()


def test_import_writes_and_a_second_run_says_nothing_changed(tmp_path):
    path = tmp_path / "dv.xlsx"
    path.write_bytes(members_workbook(3))
    call_command("import", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Member.objects.filter(card_number__startswith="99.").count() == 3
    out = io.StringIO()
    call_command("import", str(path), stdout=out, stderr=io.StringIO())
    assert "Không có thay đổi nào" in out.getvalue()


def test_import_lists_every_error_and_fails(tmp_path):
    path = tmp_path / "loi.xlsx"
    path.write_bytes(workbook(members=[member_row(1, cell="X"), member_row(2, cell="Y")]))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(path), stdout=out, stderr=io.StringIO())
    lines = [line for line in out.getvalue().splitlines() if line.startswith("Lỗi")]
    assert len(lines) == 2
    assert "Trang «Đảng viên», H2 (cột «Mã chi bộ»)" in lines[0]


def test_import_as_a_user_is_scoped(tmp_path):
    path = tmp_path / "dv.xlsx"
    path.write_bytes(workbook(members=[member_row(1, cell="QT.KCQDN.SGDDT.TTR")]))
    with pytest.raises(CommandError):
        call_command(
            "import", str(path), "--user", "bithu", stdout=io.StringIO(), stderr=io.StringIO()
        )


def test_token_for_an_unknown_user_fails_cleanly():
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("token", "khongco", stdout=io.StringIO())


def test_export_writes_what_the_user_may_see_and_is_audited(tmp_path):
    from tongket.audit.models import AuditEvent

    target = tmp_path / "dang-vien.csv"
    out = io.StringIO()
    call_command("export", "--user", "bithu", "--sheet", "members", "-o", str(target), stdout=out)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    cell = Member.objects.get(card_number="45.000038").organization  # not bithu's cell
    assert lines[0].startswith("Số thẻ")
    seen = {line.split(",")[0] for line in lines[1:]}
    assert seen
    assert not {m.card_number for m in Member.objects.filter(organization=cell)} & seen
    assert f"Đã ghi {len(lines) - 1} dòng" in out.getvalue()
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert event.action == "export.members"
    assert list(tmp_path.iterdir()) == [target]  # no partial file left behind

    book = tmp_path / "tat-ca.xlsx"
    call_command("export", "--user", "vanphong", "-o", str(book), stdout=io.StringIO())
    assert "Đảng viên" in load_workbook(book, read_only=True).sheetnames


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--user", "khong-co", "-o", "x.xlsx"], "Không có tài khoản"),
        (["--user", "bithu", "-o", "x.csv"], "chọn đúng một --sheet"),
        (
            ["--user", "bithu", "--sheet", "members", "--sheet", "posts", "-o", "x.csv"],
            "chọn đúng một --sheet",
        ),
    ],
)
def test_export_refuses_what_it_cannot_write_and_writes_nothing(tmp_path, arguments, message):
    arguments = [a if a not in ("x.xlsx", "x.csv") else str(tmp_path / a) for a in arguments]
    with pytest.raises(CommandError, match=message):
        call_command("export", *arguments, stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []
