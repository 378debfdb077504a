"""Attack a6: the office administrator of another organization (B) on a shared instance, and a
plain member of B, against the demo's department (A, QT.KCQDN.SGDDT).

State is prepared only as a person would: the demo (loaded for every test database by
tongket/conftest.py, i.e. `tongket demo`), organization B and its members by `tongket import`
of the product's template, B's office administrator and member by `tongket users add` and
`tongket grants add` (signed in with the printed one-time code, then a password), B's API token
by `tongket token`; everything else through B's pages and API. Each finding is one test marked
xfail(strict=True) until fixed; the test states the behaviour that should hold."""

from __future__ import annotations

import io
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from tongket.accounts import totp
from tongket.core.tests.test_attack_a4 import CODE, PASSWORD, _sign_in_once

ORG_A = "QT.KCQDN.SGDDT"
CELL_A = f"{ORG_A}.TCCB"
ORG_B = "QT.KCQDN.SYT"
CELL_B = f"{ORG_B}.VP"
CARDS_B = ("47.000001", "47.000002", "47.000003")


@dataclass
class OrgB:
    """Organization B as its people reach it."""

    web: Client  # B's office administrator, signed in
    api: APIClient  # B's office administrator, with the token `tongket token` printed
    member_web: Client  # a plain member of B (47.000001), signed in
    member_api: APIClient


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _new_user(*args: str) -> Client:
    found = CODE.search(_command("users", "add", *args))
    assert found, args
    return _sign_in_once(args[0], found.group(0))


def _token_client(username: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {_command('token', username).strip()}")
    return api


def make_org_b(tmp_path: Path) -> OrgB:
    """B = Đảng bộ Sở Y tế under the same bloc as A, one cell of three members, imported from
    the product's template by `tongket import`; its office by `tongket users add` + `grants
    add`; one member's own account by `tongket users add --member`."""
    template = tmp_path / "mau.xlsx"
    _command("template", "-o", str(template))
    book = openpyxl.load_workbook(template)
    orgs, members = book["Tổ chức"], book["Đảng viên"]
    orgs.append([ORG_B, "Đảng bộ Sở Y tế", "Đảng bộ cơ sở", "QT.KCQDN"])
    orgs.append([CELL_B, "Chi bộ Văn phòng Sở Y tế", "Chi bộ", ORG_B])
    for k, card in enumerate(CARDS_B, start=1):
        born, joined, full = "01/02/1980", "15/03/2005", "15/03/2006"
        members.append([card, f"Hoàng Văn Y{k}", born, "Nam", joined, full, "Chính thức", CELL_B])
    book.save(tmp_path / "syt.xlsx")
    _command("import", str(tmp_path / "syt.xlsx"))
    web = _new_user("vanphong.syt")
    _command("grants", "add", "vanphong.syt", "--org", ORG_B, "--role", "office_admin")
    member_web = _new_user("yte1", "--member", CARDS_B[0])
    return OrgB(
        web=web,
        api=_token_client("vanphong.syt"),
        member_web=member_web,
        member_api=_token_client("yte1"),
    )


@pytest.fixture
def org_b(tmp_path: Path) -> OrgB:
    return make_org_b(tmp_path)


def _transfer(system: APIClient, card: str, cell: str) -> None:
    """The province's system administrator moves a member to another cell through the API."""
    version = system.get(f"/api/v1/members/{card}/").json()["version"]
    moved = system.patch(
        f"/api/v1/members/{card}/", {"organization": cell, "version": version}, format="json"
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["organization"] == cell


@pytest.mark.django_db
def test_an_account_goes_with_its_member_to_the_new_organization(org_b: OrgB, api_for: Any) -> None:
    """B's member 47.000001 has an account (`yte1`, made by `tongket users add --member`). The
    province's system administrator transfers the member to A's cell TCCB through the API.
    docs/accounts.md: an account is managed by the administrators of its home organization,
    «the linked member's cell». Expected: A's office now sees and manages the account, B's
    office no longer does (404 like any account outside its tree). Seen: the account's home stays
    B's old cell: B's office still resets it (a one-time code), signs in as the member and works
    inside A's cell TCCB, while A's office cannot see, lock or reset the account."""
    _transfer(api_for("quantri"), CARDS_B[0], CELL_A)

    reset = org_b.api.post("/api/v1/users/yte1/reset/", {}, format="json")
    taken_over = None
    if reset.status_code == 200:  # B holds a sign-in code of A's member: show what it opens
        taken_over = _sign_in_once("yte1", reset.json()["sign_in_code"])
        cells = taken_over.get("/api/v1/organizations/").json()["results"]
        assert [c["code"] for c in cells] == [CELL_A]
    assert reset.status_code == 404, reset.content
    assert org_b.api.get("/api/v1/users/yte1/").status_code == 404
    assert api_for("vanphong").get("/api/v1/users/yte1/").status_code == 200


@pytest.mark.django_db
def test_the_address_limit_on_failed_logins_covers_an_ipv6_host(org_b: OrgB) -> None:
    """docs/security.md: failed logins lock the pair account + address (5 in 15 minutes) and the
    address (30). An IPv6 host is given a /64 network by its provider and can send from any of
    its 2^64 addresses; each guess from a fresh address of the same /64 is counted apart. Steps:
    40 wrong passwords for B's office login `vanphong.syt` from 8 addresses of 2001:db8:6:6::/64
    (5 each: every pair gets locked, the address limit is never reached), then the right password
    from a ninth address of the same network. Expected: that network is locked like one address
    (no session). Seen: signed in."""
    for host in range(1, 9):
        for attempt in range(5):
            refused = Client(REMOTE_ADDR=f"2001:db8:6:6::{host:x}").post(
                "/accounts/login/", {"username": "vanphong.syt", "password": f"doan-sai-{attempt}"}
            )
            assert refused.status_code == 200  # the form again, no session
    guessed = Client(REMOTE_ADDR="2001:db8:6:6::ff")
    guessed.post("/accounts/login/", {"username": "vanphong.syt", "password": PASSWORD})
    assert guessed.get("/api/v1/members/").status_code == 401


def _chain_line(web: Client) -> str:
    page = web.get("/audit/?verify=1")
    assert page.status_code == 200
    found = re.search(r"Chuỗi nhật ký[^<]*", page.content.decode())
    assert found, page.content.decode()[:2000]
    return found.group(0)


@pytest.mark.django_db
def test_the_chain_check_tells_another_office_nothing_of_a(org_b: OrgB, api_for: Any) -> None:
    """docs/security.md: an office administrator sees the events of its own subtree only; «which
    event broke the chain» is named to the superuser only, because the event may be another
    organization's. Steps: B's office opens /audit/?verify=1 («Kiểm tra toàn bộ chuỗi»), A's
    office edits a member five times through the API, `tongket audit seal` runs, B checks again.
    Expected: B's page says the same (nothing of A's work reaches B). Seen: «Chuỗi nhật ký toàn
    vẹn: N sự kiện» counts every event of the country, and N grew by A's five edits (the global
    sequence numbers of B's own events, with their gaps, tell the same). The check also recomputes
    the whole national chain inside B's web request, each time it is asked."""
    before = _chain_line(org_b.web)
    office_a = api_for("vanphong")
    for k in range(5):
        version = office_a.get("/api/v1/members/45.000010/").json()["version"]
        edited = office_a.patch(
            "/api/v1/members/45.000010/",
            {"full_name": f"Đoàn Diệu Hương {k}", "version": version},
            format="json",
        )
        assert edited.status_code == 200
    _command("audit", "seal")
    assert _chain_line(org_b.web) == before


@pytest.mark.django_db
def test_a_one_time_code_does_not_skip_the_second_factor(org_b: OrgB) -> None:
    """docs/security.md: an office administrator's account is protected by TOTP after the
    password; an account that lost its phone and recovery codes is reset by the system
    administrator only (`tongket totp reset`). Steps: B's office creates a second office account
    `vanphong2.syt` through the API (a grant over B), its holder signs in with the one-time code,
    sets a password and turns TOTP on (/accounts/two-factor/); a password sign-in now asks for
    the code (control). B's first administrator resets the account through the API and signs in
    with the new one-time code and a new password. Expected: the second factor is still asked
    before any page. Seen: signed in at once, the account's TOTP never asked."""
    made = org_b.api.post(
        "/api/v1/users/", {"username": "vanphong2.syt", "home": ORG_B}, format="json"
    )
    assert made.status_code == 201, made.content
    granted = org_b.api.post(
        "/api/v1/grants/",
        {"username": "vanphong2.syt", "organization": ORG_B, "role": "office_admin"},
        format="json",
    )
    assert granted.status_code == 201, granted.content
    holder = _sign_in_once("vanphong2.syt", made.json()["sign_in_code"])
    secret = holder.get("/accounts/two-factor/").context["secret"]
    turned_on = holder.post(
        "/accounts/two-factor/", {"code": totp.totp(totp.secret_bytes(secret), time.time())}
    )
    assert turned_on.status_code == 200
    assert turned_on.context["recovery_codes"]
    by_password = Client()
    asked = by_password.post(
        "/accounts/login/", {"username": "vanphong2.syt", "password": PASSWORD}
    )
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/login/code/")
    assert by_password.get("/api/v1/members/").status_code in (401, 403)

    reset = org_b.api.post("/api/v1/users/vanphong2.syt/reset/", {}, format="json")
    assert reset.status_code == 200, reset.content
    by_code = _sign_in_once("vanphong2.syt", reset.json()["sign_in_code"])
    assert by_code.get("/api/v1/members/").status_code in (401, 403)


@pytest.mark.django_db(transaction=True)
def test_sign_in_slips_are_not_served_once_the_office_role_is_withdrawn(
    demo_loaded: None, tmp_path: Path, settings: Any
) -> None:
    """docs/accounts.md: the one-time codes are in the slips' file only; creating accounts and
    printing slips is the office administrator's. Steps: with bulk creations queued
    (TONGKET_BULK_INLINE_MEMBERS=0, an operator's setting), B's office asks for accounts for its
    cell (/accounts/users/bulk/), `tongket worker --batch` makes them, then the province takes
    the office role away and leaves B's administrator a read-only grant on the same organization
    (`tongket grants revoke`, `tongket grants add --role superior_reader`). Expected: the job's
    file (the codes that sign in as each new account) is no longer served to a reader (404, like
    the account pages, which answer 403). Seen: 200 with the PDF: the job keeps only the read
    scope of its owner, and a reader's read scope is the same."""
    settings.TONGKET_BULK_INLINE_MEMBERS = 0
    settings.TONGKET_JOB_FILES_DIR = tmp_path / "job-files"
    b = make_org_b(tmp_path)
    started = b.web.post("/accounts/users/bulk/", {"organization": CELL_B})
    assert started.status_code == 302, started.content.decode()[:1000]
    page = str(started["Location"])
    _command("worker", "--batch", "--no-startup-delay")
    assert f'href="{page}file"' in b.web.get(page).content.decode()
    (grant,) = json.loads(_command("grants", "list", "--user", "vanphong.syt", "--json"))
    _command("grants", "revoke", str(grant["id"]))
    _command("grants", "add", "vanphong.syt", "--org", ORG_B, "--role", "superior_reader")
    assert b.web.get("/accounts/users/").status_code == 403
    slips = b.web.get(f"{page}file")
    assert slips.status_code == 404, slips["Content-Type"]


def _past_2020(card: str) -> str:
    return _command(
        "past_result",
        "--member",
        card,
        "--year",
        "2020",
        "--level",
        "excellent",
        "--number",
        "7-QĐ/ĐU",
        "--date",
        "20/01/2021",
        "--body",
        "Đảng ủy Sở Y tế",
    )


@pytest.mark.django_db
def test_a_year_decided_in_the_product_stays_decided_after_a_transfer(
    org_b: OrgB, api_for: Any
) -> None:
    """docs/season-2026.md and `tongket past_result`: a year's result is entered from the paper
    records only for years the product did not decide; «its decision wins». Steps: a member of A
    whose 2020 result A's committee decided in the product as «Hoàn thành tốt nhiệm vụ»;
    entering 2020 as «excellent» from the records is refused (control). The province transfers
    the member to B's cell (API). Entering the same 2020 «excellent» for B (the operator runs
    `tongket past_result` for B's office) is expected to be refused the same way (the product
    still holds A's decision for that member and year). Seen: accepted; the member's history then
    holds two contradicting 2020 results, and B's multi-year lists read only the new one."""
    office_a = api_for("vanphong")
    decided = office_a.get(
        "/api/v1/evaluations/", {"year": 2020, "subject_kind": "member", "limit": 100}
    ).json()["results"]
    card = next(e["subject_code"] for e in decided if (e["decision"] or {}).get("level") == "good")
    with pytest.raises(CommandError, match=r"awards\.history\.decided_in_product"):
        _past_2020(card)
    _transfer(api_for("quantri"), card, CELL_B)
    with pytest.raises(CommandError, match=r"awards\.history\.decided_in_product"):
        _past_2020(card)
