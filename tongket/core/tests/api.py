"""Test helpers for the apps' API tests: the rows of a list answer and the error of a refusal."""

from __future__ import annotations

from typing import Any


def results(response: Any) -> list[dict[str, Any]]:
    """The rows of a paginated list answer, once it is checked that the request succeeded."""
    assert response.status_code == 200, response.json()
    rows: list[dict[str, Any]] = response.json()["results"]
    return rows


def refusal(response: Any, status: int = 400) -> dict[str, Any]:
    """The error body (rule, field, message, findings) of a request refused with `status`."""
    assert response.status_code == status, response.json()
    error: dict[str, Any] = response.json()["error"]
    return error
