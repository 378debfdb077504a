"""The daily digest through a real SMTP server (aiosmtpd on a free local port): one mail per
person per day with the deadlines written the Vietnamese way, nothing for people who turned
e-mail off, nothing new when the command runs twice the same day."""

from __future__ import annotations

import email
import email.policy
import io
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client

from tongket.core.demo import DEMO_ORG
from tongket.evaluation import services as evaluation
from tongket.people.models import Member

pytestmark = pytest.mark.django_db


@dataclass
class Received:
    """What the SMTP server was handed: (recipients, parsed message) per mail."""

    mails: list[tuple[list[str], email.message.EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.mails.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[str]:
        return [m.get_content().replace("\r\n", "\n") for rcpt, m in self.mails if address in rcpt]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Received]:
    received = Received()
    port = _free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "Tổng kết <tongket@so-gddt.example.vn>"
    settings.TONGKET_SITE_URL = "https://tongket.example.vn"
    try:
        yield received
    finally:
        controller.stop()


def _digest(day: str) -> str:
    out = io.StringIO()
    call_command("notify", "digest", "--date", day, stdout=out)
    return out.getvalue()


def _accounts(count: int) -> list[tuple[str, str]]:
    """New accounts (`tongket users add`) for members of the department, with addresses."""
    members = Member.objects.filter(
        organization__code__startswith=f"{DEMO_ORG}.", user__isnull=True
    ).order_by("card_number")[:count]
    made = []
    for i, member in enumerate(members):
        address = f"dv{i}@so-gddt.example.vn"
        call_command(
            "users",
            "add",
            f"dv{i}",
            "--member",
            member.card_number,
            "--email",
            address,
            stdout=io.StringIO(),
        )
        made.append((f"dv{i}", address))
    return made


def test_one_digest_per_person_per_day_with_the_deadlines_and_none_for_those_opted_out(
    smtp: Received, user_named: Callable[[str], Any]
) -> None:
    (_a, mail_a), (_b, mail_b), (c, mail_c) = _accounts(3)
    opted_out = Client()
    opted_out.force_login(user_named(c))
    opted_out.post("/thong-bao/thu/", {})  # «nhận thư tổng hợp» unticked

    # Two requests to self-assess the same day: one mail each, both deadlines in it.
    office = user_named("vanphong")
    evaluation.open_cycle(actor=office, organization_code=DEMO_ORG, year=2027)
    evaluation.open_cycle(actor=office, organization_code=DEMO_ORG, year=2027, quarter=1)
    assert "đã gửi 2 thư" in _digest("2027-01-04")
    for address in (mail_a, mail_b):
        (body,) = smtp.to(address)
        assert "Mời tự đánh giá, xếp loại:" in body
        assert "năm 2027 (Đảng bộ Sở Giáo dục và Đào tạo). (hạn: 14/12/2027)" in body
        assert "quý I năm 2027 (Đảng bộ Sở Giáo dục và Đào tạo). (hạn: 19/03/2027)" in body
        assert "https://tongket.example.vn/evaluation/danh-gia/" in body
        assert "https://tongket.example.vn/thong-bao/" in body
    assert smtp.to(mail_c) == []
    subject = str(smtp.mails[0][1]["Subject"]).strip()
    assert subject == "Tổng kết: 2 thông báo mới ngày 04/01/2027"

    # The same day again, even with something new: nothing more is sent.
    evaluation.open_cycle(actor=office, organization_code=DEMO_ORG, year=2027, quarter=2)
    assert "đã gửi 0 thư, 2 người đã nhận thư hôm nay, 1 người tắt thư" in _digest("2027-01-04")
    assert len(smtp.mails) == 2

    # The next day: only what was not mailed yet.
    assert "đã gửi 2 thư" in _digest("2027-01-05")
    latest = smtp.to(mail_a)[-1]
    assert "(hạn: 18/06/2027)" in latest
    assert "31/12/2027" not in latest
    assert smtp.to(mail_c) == []
    # The opted-out person still has every notice in the inbox.
    assert "3 thông báo chưa đọc" in opted_out.get("/thong-bao/").content.decode()


def test_notices_read_in_the_inbox_are_not_mailed(
    smtp: Received, user_named: Callable[[str], Any]
) -> None:
    ((username, address),) = _accounts(1)
    evaluation.open_cycle(actor=user_named("vanphong"), organization_code=DEMO_ORG, year=2027)
    reader = Client()
    reader.force_login(user_named(username))
    reader.post("/thong-bao/da-doc/", {"all": "1"})
    assert "đã gửi 0 thư" in _digest("2027-01-04")
    assert smtp.to(address) == []
