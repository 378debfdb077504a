"""Test helper for the apps' API tests: the paths the published OpenAPI schema documents."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def documented_paths(client: Any, expected: Iterable[str]) -> dict[str, Any]:
    """The schema's paths, once it is checked that each of `expected` is among them."""
    paths: dict[str, Any] = client.get("/api/v1/openapi.json").json()["paths"]
    assert [path for path in expected if path not in paths] == []
    return paths
