"""LibreOffice's command, for the tests that convert a file the product wrote with it."""

from __future__ import annotations

import shutil

import pytest

from tongket.core.testenv import in_ci


def find_soffice(reason: str, *, skipping: str = "") -> str:
    """The path of `soffice`; without it the test fails in CI (where every part must run),
    saying `reason`, and is skipped elsewhere (`reason: skipping`, when given)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if in_ci():
            pytest.fail(f"CI: thiếu {reason}.")
        pytest.skip(f"{reason}: {skipping}" if skipping else reason)
    return found
