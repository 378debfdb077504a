"""Fixtures of the production tests: installations made through the `tongket` command."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tongket.core.tests.production import Server, fresh_databases


@pytest.fixture(scope="session")
def servers(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Callable[[str], Server]]:
    with django_db_blocker.unblock():
        yield from fresh_databases(tmp_path_factory.mktemp("servers"))


@pytest.fixture(scope="session")
def demo_server(servers: Callable[[str], Server]) -> Server:
    """The office's server, installed as README says, with the demo loaded (shared: the tests
    that use it only read it or back it up)."""
    server = servers("demo")
    server.ok("migrate")
    server.ok("demo")
    return server
