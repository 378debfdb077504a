"""The audit-log browser: who may browse, scoped events, filters, pages, diff, chain check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongket.audit.models import AuditEvent
from tongket.audit.selectors import diff_rows
from tongket.audit.services import record_event, seal
from tongket.people.models import Organization

pytestmark = pytest.mark.django_db

DEPARTMENT = "QT.KCQDN.SGDDT"


def _path(code: str) -> str:
    return Organization.objects.get(code=code).path


def _event(org_path: str, summary: str, **extra: Any) -> AuditEvent:
    with transaction.atomic():
        return record_event(
            actor=None, action="test.write", object_type="test", org_path=org_path,
            summary=summary, **extra,
        )  # fmt: skip


def _listed(client: Client, **params: str) -> list[int]:
    response = client.get(reverse("audit:index"), params)
    assert response.status_code == 200
    return [e.pk for e in response.context["page_obj"].object_list]


def test_office_admin_sees_only_events_of_the_organizations_it_administers(
    client_for: Callable[[str], Client],
) -> None:
    inside = _event(_path(f"{DEPARTMENT}.TCCB"), "trong sở")
    bloc = _event(_path("QT.KCQDN"), "của khối")
    login = _event("", "đăng nhập")
    client = client_for("vanphong")
    seen = _listed(client, action="test")
    assert inside.pk in seen
    assert bloc.pk not in seen
    assert login.pk not in seen
    assert client.get(reverse("audit:event", args=[bloc.pk])).status_code == 404
    assert client.get(reverse("audit:event", args=[login.pk])).status_code == 404
    assert client.get(reverse("audit:event", args=[inside.pk])).status_code == 200
    department = _path(DEPARTMENT)
    visible = client.get(reverse("audit:index")).context["page_obj"].paginator.object_list
    assert all(e.org_path.startswith(department) for e in visible)


def test_the_superuser_sees_every_event_including_logins(
    client_for: Callable[[str], Client],
) -> None:
    login = _event("", "đăng nhập")
    bloc = _event(_path("QT.KCQDN"), "của khối")
    seen = _listed(client_for("quantri"), action="test")
    assert {login.pk, bloc.pk} <= set(seen)


@pytest.mark.parametrize("username", ["bithu", "bithu2", "khoi", "dangvien"])
def test_roles_other_than_office_admin_may_not_browse(
    username: str, client_for: Callable[[str], Client]
) -> None:
    inside = _event(_path(f"{DEPARTMENT}.TCCB"), "trong sở")
    client = client_for(username)
    assert client.get(reverse("audit:index")).status_code == 403
    assert client.get(reverse("audit:event", args=[inside.pk])).status_code == 403
    assert "Nhật ký" not in client.get(reverse("people:home")).content.decode()


def test_the_menu_shows_the_log_to_an_office_admin(client_for: Callable[[str], Client]) -> None:
    page = client_for("vanphong").get(reverse("people:home")).content.decode()
    assert reverse("audit:index") in page


def test_filters_by_actor_action_type_and_dates(
    client_for: Callable[[str], Client], user_named: Callable[[str], Any]
) -> None:
    path = _path(f"{DEPARTMENT}.TCCB")
    with transaction.atomic():
        mine = record_event(
            actor=user_named("bithu"), action="member.update", object_type="member",
            org_path=path, summary="sửa",
        )  # fmt: skip
    other = _event(path, "khác")
    client = client_for("vanphong")
    by_actor = _listed(client, actor="bithu")
    assert mine.pk in by_actor
    assert other.pk not in by_actor
    # An action family ("member") matches its actions ("member.update").
    assert mine.pk in _listed(client, action="member")
    assert other.pk not in _listed(client, object_type="member")
    today = timezone.localdate(mine.at).isoformat()
    assert mine.pk in _listed(client, date_from=today, date_to=today)
    assert _listed(client, date_from="2001-01-01", date_to="2001-01-02") == []
    bad = client.get(reverse("audit:index"), {"date_from": "2021-02-02", "date_to": "2021-02-01"})
    assert bad.status_code == 400
    assert "«Đến ngày» phải sau" in bad.content.decode()


def test_the_list_is_paginated_newest_first(client_for: Callable[[str], Client]) -> None:
    path = _path(f"{DEPARTMENT}.TCCB")
    made = [_event(path, f"sự kiện {i}").pk for i in range(60)]
    client = client_for("vanphong")
    first = _listed(client, action="test")
    second = _listed(client, action="test", page="2")
    assert first == sorted(made, reverse=True)[:50]
    assert second == sorted(made, reverse=True)[50:]


def test_event_detail_shows_the_before_after_diff_and_that_it_is_linked(
    client_for: Callable[[str], Client],
) -> None:
    event = _event(
        _path(f"{DEPARTMENT}.TCCB"),
        "đổi tên",
        before={"name": "Nguyễn Văn A", "level": "good"},
        after={"name": "Nguyễn Văn B", "level": "good"},
    )
    client = client_for("vanphong")
    waiting = client.get(reverse("audit:event", args=[event.pk])).content.decode()
    assert "chưa được niêm phong" in waiting
    assert "khớp chữ ký" in waiting
    seal()
    response = client.get(reverse("audit:event", args=[event.pk]))
    detail = response.context["detail"]
    assert {r.key: r.changed for r in detail.diff} == {"name": True, "level": False}
    text = response.content.decode()
    assert "Nguyễn Văn A" in text
    assert "Nguyễn Văn B" in text
    assert "nối đúng với sự kiện" in text


def test_a_tampered_event_is_shown_as_broken(client_for: Callable[[str], Client]) -> None:
    event = _event(_path(f"{DEPARTMENT}.TCCB"), "gốc")
    seal()
    AuditEvent.objects.filter(pk=event.pk).update(summary="sửa lén")
    client = client_for("vanphong")
    detail = client.get(reverse("audit:event", args=[event.pk]))
    assert "đã bị sửa" in detail.content.decode()
    whole = client.get(reverse("audit:index"), {"verify": "1"})
    assert not whole.context["chain"].ok
    assert "KHÔNG toàn vẹn" in whole.content.decode()
    # Which event broke is told to the superuser only.
    assert whole.context["chain"].first_problem_seq is None
    root = client_for("quantri").get(reverse("audit:index"), {"verify": "1"})
    assert root.context["chain"].first_problem_seq == AuditEvent.objects.get(pk=event.pk).seq


def test_an_event_tampered_before_it_is_sealed_is_shown_as_broken(
    client_for: Callable[[str], Client],
) -> None:
    event = _event(_path(f"{DEPARTMENT}.TCCB"), "gốc")
    AuditEvent.objects.filter(pk=event.pk).update(summary="sửa lén")
    client = client_for("vanphong")
    detail = client.get(reverse("audit:event", args=[event.pk])).content.decode()
    assert "đã bị sửa trước khi niêm phong" in detail
    assert not client.get(reverse("audit:index"), {"verify": "1"}).context["chain"].ok


def test_the_whole_chain_check_reports_an_intact_log(client_for: Callable[[str], Client]) -> None:
    response = client_for("vanphong").get(reverse("audit:index"), {"verify": "1"})
    assert response.context["chain"].ok
    assert "Chuỗi nhật ký toàn vẹn" in response.content.decode()


def test_diff_of_a_creation_and_of_plain_values() -> None:
    rows = diff_rows(None, {"a": 1})
    assert [(r.key, r.before, r.after, r.changed) for r in rows] == [("a", None, 1, True)]
    assert diff_rows(None, None) == []
    plain = diff_rows("x", "y")
    assert [(r.key, r.changed) for r in plain] == [("giá trị", True)]
