"""The inbox: each person sees and marks only their own notices; the header's count; opt-out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from tongket.audit.models import AuditEvent
from tongket.notifications import services
from tongket.notifications.domain import Kind
from tongket.notifications.models import Notification

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]


def _tell(user: Any, text: str) -> Notification:
    with transaction.atomic():
        services.notify(user_ids=[user.pk], kind=Kind.DECISION, text=text, url="/evaluation/")
    return Notification.objects.get(user=user, text=text)


def test_a_person_sees_only_their_own_notices_with_the_unread_count(
    client_for: ClientFor, user_named: Callable[[str], Any]
) -> None:
    client_for("dangvien").post("/thong-bao/da-doc/", {"all": "1"})  # the demo's own notices
    _tell(user_named("bithu"), "Quyết định của bí thư")
    _tell(user_named("dangvien"), "Quyết định của đảng viên")
    page = client_for("dangvien").get("/thong-bao/").content.decode()
    assert "Quyết định của đảng viên" in page
    assert "Quyết định của bí thư" not in page
    assert "1 thông báo chưa đọc" in page
    badge = client_for("dangvien").get("/thong-bao/chua-doc/").content.decode()
    assert ">1<" in badge


def test_the_header_links_to_the_inbox_and_loads_its_count_after_the_page(
    client_for: ClientFor,
) -> None:
    page = client_for("dangvien").get("/").content.decode()
    assert 'href="/thong-bao/"' in page
    assert 'hx-get="/thong-bao/chua-doc/"' in page


def test_marking_read_touches_only_the_readers_own_notices(
    client_for: ClientFor, user_named: Callable[[str], Any]
) -> None:
    client_for("dangvien").post("/thong-bao/da-doc/", {"all": "1"})
    mine = _tell(user_named("dangvien"), "Của tôi")
    theirs = _tell(user_named("bithu"), "Của người khác")
    client_for("dangvien").post("/thong-bao/da-doc/", {"id": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None
    assert (
        "Không có thông báo chưa đọc" in client_for("dangvien").get("/thong-bao/").content.decode()
    )
    assert client_for("dangvien").get("/thong-bao/chua-doc/").content.decode().strip() == ""


def test_an_anonymous_visitor_is_sent_to_sign_in() -> None:
    response = Client().get("/thong-bao/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_person_turns_the_email_digest_off_and_the_change_is_audited(
    client_for: ClientFor,
) -> None:
    client = client_for("dangvien")
    response = client.post("/thong-bao/thu/", {}, follow=True)
    assert "Đã tắt thư tổng hợp" in response.content.decode()
    assert 'name="email_digest" checked' not in response.content.decode()
    event = AuditEvent.objects.filter(action="notifications.email_digest").latest("pk")
    assert event.after == {"email_digest": False}
    client.post("/thong-bao/thu/", {"email_digest": "on"})
    assert 'name="email_digest" checked' in client.get("/thong-bao/").content.decode()
