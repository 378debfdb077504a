"""Production settings: `check --deploy` is clean; unsafe configurations refuse to start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

STRONG_KEY = "k3J9x!Qz7@pL2mN8vB4cR6tY1wE5uI0oPaSdFgHjKlZxCvBnM_-+="


def run_tongket(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("TONGKET_", "SECURE_", "DEBUG", "DATABASE_URL", "SECRET_KEY", "DJANGO_")
        )
    }
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "tongket", *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_with_production_settings_reports_nothing(tmp_path) -> None:
    result = run_tongket(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="tongket.example.vn",
        TONGKET_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY chưa được đặt"),
        ({"SECRET_KEY": "short"}, "quá ngắn"),
        ({"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        # The public development key is refused without DEBUG, and turns no other refusal off
        # (issue 17: the former TONGKET_INSECURE_DEV_KEY did both, silently).
        ({"TONGKET_PUBLIC_DEV_SECRET_KEY": "1"}, "chỉ được dùng khi DEBUG=1"),
        ({"TONGKET_INSECURE_DEV_KEY": "1"}, "SECRET_KEY chưa được đặt"),
        ({"TONGKET_INSECURE_DEV_KEY": "1", "SECRET_KEY": "short"}, "quá ngắn"),
        (
            {"TONGKET_INSECURE_DEV_KEY": "1", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "*"},
            "ALLOWED_HOSTS",
        ),
    ],
)
def test_production_settings_refuse_an_unsafe_configuration(tmp_path, env, message) -> None:
    result = run_tongket("check", TONGKET_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_the_public_development_key_starts_with_debug_on(tmp_path) -> None:
    result = run_tongket(
        "check", TONGKET_VAR_DIR=str(tmp_path), DEBUG="1", TONGKET_PUBLIC_DEV_SECRET_KEY="1"
    )
    assert result.returncode == 0, result.stderr
