"""Counting the database queries a page runs, for the tests that a page's queries do not grow
with the data."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def count_queries(client: Client, url: str) -> int:
    """The queries `client` runs to get the page at `url` (which must answer 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)
