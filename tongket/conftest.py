"""Fixtures shared by every app's tests: the demo organization, logged-in clients, a browser."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tongket.audit.services import seal
from tongket.core.demo import load_demo
from tongket.core.testenv import CHROMIUM, chromium_missing, in_ci

# Property tests check what holds, not how fast this machine draws examples: on a shared 2-core
# CI machine a draw can take seconds, which Hypothesis would report as a failure (too_slow) or
# a deadline exceeded. Tests that set their own settings keep them; this is the default.
hypothesis_settings.register_profile(
    "tongket", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("tongket")


def pytest_configure(config: pytest.Config) -> None:
    # Demo accounts are hashed at every session start: a fast hasher keeps that cheap in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A replica declared for the router's tests lags the primary by a moment: only those
    # tests read from it (tongket/core/tests/test_replicas.py).
    settings.TONGKET_REPLICA_READS = False
    # The job queue's shared notes (heartbeats, progress) in a folder of this test process only.
    if settings.CACHES["jobs"]["BACKEND"].endswith("FileBasedCache"):
        import tempfile

        settings.CACHES["jobs"]["LOCATION"] = tempfile.mkdtemp(prefix="tongket-jobs-")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Each test database starts with the demo organization (rolled back after each test)."""
    with django_db_blocker.unblock():
        load_demo()
        seal()  # the demo's events get their places in the chain, as the sealer would


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> None:
    """Tests roll their changes back, audit sequence numbers included: a page cached by one
    test could match the keys of another's different data. Each test starts with none, and
    with no API request counted against the rate limits."""
    from django.core.cache import caches

    caches["pages"].clear()
    caches["default"].clear()  # the API's rate counters too: each test starts with none
    caches["jobs"].clear()  # no worker heard from, no job's progress


@pytest.fixture
def pages_built_afresh(settings: Any) -> None:
    """The page cache off: for tests that count the queries of building a page (a cached page
    runs only its lookups; tongket/core/tests/test_pagecache.py counts those)."""
    settings.TONGKET_PAGE_CACHE = False


@pytest.fixture
def demo_loaded(transactional_db: None) -> None:
    """For transactional tests (browser, races): the demo, reloaded after a flush."""
    load_demo()
    seal()


@pytest.fixture
def user_named() -> Callable[[str], Any]:
    def get(username: str) -> Any:
        return get_user_model().objects.get(username=username)

    return get


@pytest.fixture
def client_for(user_named: Callable[[str], Any]) -> Callable[[str], Client]:
    """A test client logged in as a demo user ("vanphong", "bithu", "bithu2", "khoi"...)."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(user_named(username))
        return client

    return make


@pytest.fixture
def api_for(user_named: Callable[[str], Any]) -> Callable[[str], Any]:
    """A REST API client (rest_framework.test.APIClient) authenticated as a demo user."""
    from rest_framework.test import APIClient

    def make(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(user_named(username))
        return client

    return make


OUTSIDER = "ngoai"
OUTSIDE_ORG = "QT.KCQDN.SNV"


@pytest.fixture
def outsider() -> Any:
    """An office administrator of QT.KCQDN.SNV, a sibling of the demo department: it holds
    a write grant, but on an unrelated subtree (created per test, rolled back after it). The
    attacker of the security tests: a real user with real rights, elsewhere."""
    from tongket.accounts.models import Role
    from tongket.accounts.services import create_user, grant_access
    from tongket.people.services import OrganizationInput, create_organization

    create_organization(
        actor=None,
        data=OrganizationInput(
            code=OUTSIDE_ORG, name="Đảng bộ Sở Nội vụ", kind="grassroots", parent_code="QT.KCQDN"
        ),
    )
    user = create_user(actor=None, username=OUTSIDER, password="Ngoai-2026-kiem-thu")
    grant_access(
        actor=None, username=OUTSIDER, organization_code=OUTSIDE_ORG, role=Role.OFFICE_ADMIN
    )
    return user


@pytest.fixture
def outsider_api(outsider: Any) -> Any:
    """The REST API as the outsider (token-less, authenticated like a signed-in session)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(outsider)
    return client


@pytest.fixture
def outsider_web(outsider: Any) -> Client:
    """The web site as the outsider, signed in."""
    client = Client()
    client.force_login(outsider)
    return client


@pytest.fixture
def office_web(client_for: Callable[[str], Client]) -> Client:
    """The web site as the department's office (vanphong), signed in."""
    return client_for("vanphong")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    vendor = connection.vendor if settings.configured else ""
    for item in items:
        if "postgres" in item.keywords and vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason="chỉ chạy trên PostgreSQL (lượt DATABASE_URL)"))
        if "browser" in item.keywords:
            reason = chromium_missing()
            if reason and not in_ci():
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def browser_page(live_server: Any, demo_loaded: None) -> Iterator[Any]:
    """A Playwright page in Debian's headless Chromium, pointed at the live test server."""
    reason = chromium_missing()
    if reason:
        pytest.fail(f"CI cần Chromium: {reason}")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(base_url=live_server.url, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            os.makedirs("test-artifacts", exist_ok=True)
            context.close()
            browser.close()
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def login(browser_page: Any) -> Callable[[str, str], Any]:
    """Log the browser in through the real login form."""
    from tongket.accounts.demo import DEMO_ACCOUNTS

    passwords = {a.username: a.password for a in DEMO_ACCOUNTS}

    def do(username: str, password: str | None = None) -> Any:
        page = browser_page
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password or passwords[username])
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return do
