"""Issue 18: a self-assessment returned by the cell reaches its author in the inbox and in the
daily digest. Everything from outside: the accounts and the secretary's grant by `tongket users`
and `tongket grants`, the form filled, submitted and returned through the web page, the digest
through a real SMTP server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tongket.core.tests.commands import run
from tongket.evaluation.models import Evaluation
from tongket.notifications.tests.test_digest import Received, _digest, smtp  # noqa: F401
from tongket.people.models import Member
from tongket.selfassessment.demo import DRAFT_POINTS

pytestmark = pytest.mark.django_db
COMMENT = "Đề nghị bổ sung minh chứng cho nhiệm vụ vượt yêu cầu."


def _signed_in(username: str, password: str) -> Client:
    client = Client()
    page = client.post("/accounts/login/", {"username": username, "password": password})
    assert page.status_code == 302, page.content.decode()[:500]
    return client


def test_the_cell_returns_a_form_and_its_author_reads_it_in_the_inbox_and_the_digest(
    smtp: Received,  # noqa: F811
    user_named: Callable[[str], Any],
) -> None:
    cell = Member.objects.get(user=user_named("dangvien")).organization
    member = (
        Member.objects.filter(organization=cell, user__isnull=True, party_roles__isnull=True)
        .exclude(evaluations__self_form__isnull=False)
        .order_by("card_number")[0]
    )
    ev = Evaluation.objects.get(member=member, cycle__year=2026, cycle__quarter__isnull=True)
    run(
        "users", "add", "thanhnga", "--member", member.card_number,
        "--email", "thanhnga@so-gddt.example.vn", "--password-stdin",
        stdin="Mat-khau-Nga-2026\n",
    )  # fmt: skip
    run("users", "add", "bithu_khtc", "--password-stdin", stdin="Mat-khau-Bithu-2026\n")
    run("grants", "add", "bithu_khtc", "--org", cell.code, "--role", "cell_secretary")

    author = _signed_in("thanhnga", "Mat-khau-Nga-2026")
    url = f"/tu-kiem-diem/danh-gia/{ev.pk}/"
    assert author.post(url, {"action": "start"}).status_code == 302
    filled = {f"points_{code}": value for code, value in DRAFT_POINTS.items()}
    sent = author.post(url, {**filled, "proposed_level": "good", "action": "submit"})
    assert sent.status_code == 302, sent.content.decode()[-2000:]

    secretary = _signed_in("bithu_khtc", "Mat-khau-Bithu-2026")
    assert "Trả lại</button>" in secretary.get(url).content.decode()
    assert secretary.post(url, {"action": "return", "comment": COMMENT}).status_code == 302

    inbox = author.get("/thong-bao/").content.decode()
    assert "Bản tự kiểm điểm bị trả lại" in inbox
    assert f"Chi bộ trả lại Mẫu 2B năm 2026 để đồng chí sửa và gửi lại: «{COMMENT}»" in inbox
    assert "hạn: 17/12/2026" in inbox
    assert f'href="{url}"' in inbox
    # The secretary, who returned it, is not told.
    assert "bị trả lại" not in secretary.get("/thong-bao/").content.decode()

    assert "đã gửi" in _digest("2026-12-01")
    (body,) = smtp.to("thanhnga@so-gddt.example.vn")
    assert "Bản tự kiểm điểm bị trả lại:" in body
    assert f"«{COMMENT}» (hạn: 17/12/2026)" in body
    assert f"https://tongket.example.vn{url}" in body
