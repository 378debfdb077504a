"""The dossier's tests: uploads go to a folder of the test's own; the member's 2026 evaluation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tongket.evaluation.models import Evaluation
from tongket.people.models import Member


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def evaluation(user_named: Callable[[str], Any]) -> Evaluation:
    """The demo member's own 2026 evaluation (their Mẫu 2B, submitted)."""
    member = Member.objects.get(user=user_named("dangvien"))
    return Evaluation.objects.get(
        member=member, cycle__year=2026, cycle__quarter__isnull=True, self_form__isnull=False
    )
