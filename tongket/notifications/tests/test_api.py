"""The inbox API: a person lists their own notices (paged like every list) and marks one read;
another person's notice is 404, and stays unread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tongket.notifications.models import Notification

pytestmark = pytest.mark.django_db
ApiFor = Callable[[str], Any]


def test_the_list_holds_the_users_own_notices_only_paged_with_declared_fields(
    api_for: ApiFor,
) -> None:
    body = api_for("dangvien").get("/api/v1/notifications/?limit=1").json()
    mine = Notification.objects.filter(user__username="dangvien")
    assert mine.exists()
    assert body["count"] == mine.count()
    assert body["next"] is not None
    (row,) = body["results"]
    newest = mine.order_by("-created_at", "-pk")[0]
    assert row["id"] == newest.pk
    assert set(row) == {
        "id", "kind", "kind_label", "text", "url", "due", "created_at", "read", "read_at",
    }  # fmt: skip
    others = api_for("bithu").get("/api/v1/notifications/?limit=500").json()["results"]
    assert newest.pk not in {r["id"] for r in others}
    assert all(Notification.objects.get(pk=r["id"]).user.username == "bithu" for r in others)


def test_the_returned_form_of_the_demo_reads_in_the_members_api_inbox(api_for: ApiFor) -> None:
    rows = api_for("dangvien").get("/api/v1/notifications/?limit=500").json()["results"]
    returned = [r for r in rows if r["kind"] == "self_assessment_returned"]
    assert len(returned) == 1
    assert returned[0]["kind_label"] == "Bản tự kiểm điểm bị trả lại"
    assert returned[0]["text"].startswith("Chi bộ trả lại Mẫu 2B năm 2026")
    assert returned[0]["due"] == "2026-12-17"  # a returned form is due with the cell's step


def test_marking_read_own_notice_and_not_anothers(api_for: ApiFor) -> None:
    member = api_for("dangvien")
    unread = member.get("/api/v1/notifications/?unread=1&limit=500").json()
    assert unread["count"] >= 1
    target = unread["results"][0]["id"]
    stranger = api_for("bithu").post(f"/api/v1/notifications/{target}/read/")
    assert stranger.status_code == 404
    assert stranger.json()["error"]["rule"] == "access.not_found"
    assert Notification.objects.get(pk=target).read_at is None
    done = member.post(f"/api/v1/notifications/{target}/read/")
    assert done.status_code == 200
    assert done.json()["read"] is True
    assert Notification.objects.get(pk=target).read_at is not None
    after = member.get("/api/v1/notifications/?unread=1&limit=500").json()
    assert after["count"] == unread["count"] - 1
    assert member.post("/api/v1/notifications/99999999/read/").status_code == 404
    assert member.post("/api/v1/notifications/abc/read/").status_code == 404
