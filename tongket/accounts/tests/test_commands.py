"""`tongket users ...` and `tongket grants ...`: the interfaces the issue spells out."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.test import Client

from tongket.accounts import services
from tongket.audit.models import AuditEvent
from tongket.core.tests.commands import run
from tongket.people.models import Member

pytestmark = pytest.mark.django_db

CELL = "QT.KCQDN.SGDDT.TCCB"


def _grant_reader(*period: str) -> str:
    """`tongket grants add` of the superior reader's role on the cell to dangvien."""
    return run("grants", "add", "dangvien", "--org", CELL, "--role", "superior_reader", *period)


def test_users_add_with_a_password_from_stdin_signs_in_and_is_audited() -> None:
    card = (
        Member.objects.filter(organization__code=CELL, user__isnull=True)
        .order_by("card_number")[0]
        .card_number
    )
    out = run(
        "users",
        "add",
        "lan",
        "--member",
        card,
        "--email",
        "lan@example.vn",
        "--password-stdin",
        stdin="Mat-khau-Lan-2026\n",
    )
    assert "Đã tạo tài khoản «lan»" in out
    assert "Mã đăng nhập" not in out
    assert Client().login(username="lan", password="Mat-khau-Lan-2026")
    assert Member.objects.get(card_number=card).user.username == "lan"  # type: ignore[union-attr]
    event = AuditEvent.objects.get(action="user.create", object_id="lan")
    assert (event.after or {})["member"] == card


def test_users_add_without_a_password_prints_a_one_time_code_that_works_once() -> None:
    out = run("users", "add", "huong", "--org", CELL)
    code = next(line.split(": ")[1] for line in out.splitlines() if line.startswith("Mã"))
    assert "/accounts/login/once/?u=huong&code=" in out
    user = services.sign_in_with_code(username="huong", code=code, ip=None)
    assert user.get_username() == "huong"


def test_users_list_json_filters_by_organization_subtree() -> None:
    data = json.loads(run("users", "list", "--org", CELL, "--json"))
    names = {row["username"] for row in data}
    assert "bithu" in names
    assert names.isdisjoint({"bithu2", "quantri", "khoi"})
    bithu = next(row for row in data if row["username"] == "bithu")
    assert bithu["home"] == CELL
    assert bithu["active"] is True
    assert [(g["role"], g["organization"]) for g in bithu["grants"]] == [("cell_secretary", CELL)]
    everyone = {row["username"] for row in json.loads(run("users", "list", "--json"))}
    assert {"quantri", "vanphong", "bithu", "bithu2", "khoi", "dangvien"} <= everyone


def test_users_deactivate_and_reset() -> None:
    assert "Đã khóa" in run("users", "deactivate", "bithu2")
    assert get_user_model().objects.get(username="bithu2").is_active is False
    out = run("users", "reset", "bithu")
    assert out.startswith("Mã đăng nhập một lần: ")
    assert not Client().login(username="bithu", password="Bithu@2021demo")
    with pytest.raises(CommandError, match="Không tìm thấy tài khoản «khongco»"):
        run("users", "reset", "khongco")


def test_grants_roles_add_list_and_revoke() -> None:
    roles = run("grants", "roles")
    for code in ("office_admin", "cell_secretary", "superior_reader"):
        assert code in roles
    assert "Quản lý tài khoản và phân quyền" in roles
    out = _grant_reader("--from", "2026-01-01", "--until", "31/12/2030")
    grant_id = int(out.split("#")[1].split(":")[0])
    listed = json.loads(run("grants", "list", "--user", "dangvien", "--json"))
    assert listed == [
        {
            "id": grant_id,
            "username": "dangvien",
            "organization": CELL,
            "organization_name": listed[0]["organization_name"],
            "role": "superior_reader",
            "role_label": "Cấp trên (chỉ xem)",
            "valid_from": "2026-01-01",
            "valid_until": "2030-12-31",
            "revoked_at": None,
            "in_force": True,
        }
    ]
    assert "Đã thu hồi" in run("grants", "revoke", str(grant_id))
    again = json.loads(run("grants", "list", "--user", "dangvien", "--json"))
    assert again[0]["revoked_at"] is not None
    assert again[0]["in_force"] is False


def test_grants_add_refuses_a_bad_role_date_or_period() -> None:
    with pytest.raises(CommandError, match="Vai trò «chief» không hợp lệ"):
        run("grants", "add", "dangvien", "--org", CELL, "--role", "chief")
    with pytest.raises(CommandError, match="Ngày «mai» không hợp lệ"):
        _grant_reader("--from", "mai")
    with pytest.raises(CommandError, match="không được trước ngày bắt đầu"):
        _grant_reader("--from", "2027-01-01", "--until", "2026-01-01")
