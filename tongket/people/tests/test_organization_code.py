"""Renaming an organization's code (service, `tongket orgs`, the edit page) and the migration
that fixes codes left from before rule people.organization.code_alphabet."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from tongket.audit.labels import ACTIONS
from tongket.audit.models import AuditEvent
from tongket.people.models import Organization

pytestmark = pytest.mark.django_db

CELL = "QT.KCQDN.SGDDT.TCCB"  # bithu's cell
NEW = "QT.KCQDN.SGDDT.TCCB-CTTT"


def _everything_answers_under(code: str, client_for: Any, api_for: Any) -> None:
    for username in ("vanphong", "bithu"):
        page = client_for(username).get(reverse("people:organization", args=[code]))
        assert page.status_code == 200, username
        api = api_for(username).get(f"/api/v1/organizations/{code}/")
        assert api.status_code == 200, username
    # the grants, the members and the evaluations follow the organization (by id)
    members = api_for("bithu").get("/api/v1/members/", {"organization": code}).json()
    assert members["count"] > 0
    report = client_for("bithu").get(
        reverse("reports:download", args=[code, 2020, "year-end", "md"])
    )
    assert report.status_code == 200
    assert code in report["Content-Disposition"]


def test_the_command_renames_a_code_and_everything_follows(client_for: Any, api_for: Any) -> None:
    call_command("orgs", "rename", CELL, NEW)
    _everything_answers_under(NEW, client_for, api_for)
    assert client_for("bithu").get(reverse("people:organization", args=[CELL])).status_code == 404
    event = AuditEvent.objects.filter(action="organization.rename_code").get()
    assert event.before is not None
    assert event.after is not None
    assert event.before["code"] == CELL
    assert event.after["code"] == NEW
    assert ACTIONS["organization.rename_code"] == "Đổi mã tổ chức"


@pytest.mark.parametrize(
    ("new", "message"),
    [("QT/KCQDN", "không hợp lệ"), ("QT.KCQDN.SGDDT", "đã được dùng"), (CELL, "trùng mã")],
)
def test_the_command_refuses_a_bad_or_used_code(new: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("orgs", "rename", CELL, new)
    assert Organization.objects.filter(code=CELL).exists()


def test_an_office_administrator_renames_a_code_on_the_edit_page(
    client_for: Any, api_for: Any
) -> None:
    org = Organization.objects.get(code=CELL)
    client = client_for("vanphong")
    url = reverse("people:organization_edit", args=[CELL])
    form = {
        "code": "QT.KCQDN.SGDDT.A/B",
        "name": org.name,
        "short_name": org.short_name,
        "parent": org.parent.code if org.parent else "",
        "agency": org.agency.code if org.agency else "",
        "version": org.version,
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "không hợp lệ" in refused.content.decode()
    assert Organization.objects.filter(code=CELL).exists()
    saved = client.post(url, {**form, "code": NEW})
    assert saved.status_code == 302
    assert saved["Location"] == reverse("people:organization", args=[NEW])
    _everything_answers_under(NEW, client_for, api_for)


def test_only_an_administrator_of_the_organization_renames_its_code(
    client_for: Any, user_named: Any
) -> None:
    from tongket.core.errors import NotFound
    from tongket.people.services import rename_organization_code

    url = reverse("people:organization_edit", args=[CELL])
    assert client_for("bithu").get(url).status_code == 403
    for username in ("bithu", "khoi", "dangvien"):
        with pytest.raises(NotFound):
            rename_organization_code(actor=user_named(username), code=CELL, new_code=NEW)
    assert Organization.objects.filter(code=CELL).exists()


def test_the_migration_fixes_codes_from_before_the_rule_and_logs_each(
    client_for: Any, api_for: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # Codes like these could be stored before the rule; no interface accepts them now, so
    # the legacy data is written straight to the table.
    Organization.objects.filter(code=CELL).update(code='QT.KCQDN.SGDDT.TCCB/CT\r\n"x"')
    with pytest.raises(CommandError, match="1 mã tổ chức không hợp lệ"):
        call_command("orgs", "check")
    migration = importlib.import_module("tongket.people.migrations.0009_fix_organization_codes")
    changed = migration.fix_codes(apps, None)
    assert changed == [('QT.KCQDN.SGDDT.TCCB/CT\r\n"x"', "QT.KCQDN.SGDDT.TCCB-CT-x")]
    assert "đổi thành 'QT.KCQDN.SGDDT.TCCB-CT-x'" in capsys.readouterr().out
    _everything_answers_under("QT.KCQDN.SGDDT.TCCB-CT-x", client_for, api_for)
    call_command("orgs", "check")  # nothing left
