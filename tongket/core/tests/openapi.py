"""The paths that the API's OpenAPI schema documents, for the tests that endpoints are in it."""

from __future__ import annotations

from typing import Any

from django.test import Client


def undocumented(client: Client, paths: set[str]) -> set[str]:
    """Those of `paths` that the schema at /api/v1/openapi.json leaves out."""
    documented: dict[str, Any] = client.get("/api/v1/openapi.json").json()["paths"]
    return paths - set(documented)
