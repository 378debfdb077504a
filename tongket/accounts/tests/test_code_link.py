"""A one-time sign-in link survives mail scanners: opening it (GET, as many times as a scanner
prefetches) shows a page with a button; only pressing the button (POST) uses the code up."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from tongket.accounts.slips import sign_in_url

pytestmark = pytest.mark.django_db

CELL = "QT.KCQDN.SGDDT.TCCB"


def test_opening_the_link_spends_nothing_and_the_button_signs_in_once(
    client_for: Callable[[str], Client],
) -> None:
    office = client_for("vanphong")
    created = office.post("/accounts/users/new/", {"username": "lan", "home": CELL})
    found = re.search(rb"data-code>([A-Z0-9-]+)<", created.content)
    assert found is not None
    code = found.group(1).decode()
    link = sign_in_url("lan", code)

    for _ in range(3):  # the scanner's prefetches, then the member's own click
        opened = Client().get(link)
        assert opened.status_code == 200
        page = opened.content.decode()
        assert re.search(r'<form method="post" action="/accounts/login/once/"', page)
        assert re.search(r"<button[^>]*>\s*Đăng nhập\s*</button>", page)
        assert 'value="lan"' in page
        assert "no-store" in opened["Cache-Control"]

    member = Client()
    pressed = member.post("/accounts/login/once/", {"username": "lan", "code": code})
    assert pressed.status_code == 302
    assert pressed["Location"] == "/accounts/password/"
    replay = Client().post("/accounts/login/once/", {"username": "lan", "code": code})
    assert replay.status_code == 400
    assert "đã dùng hoặc hết hạn" in replay.content.decode()
