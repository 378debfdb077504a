"""Packaging: the wheel carries no tests and builds without deprecation warnings; an installed
copy keeps its data in the user's data directory, never in site-packages; a missing setting is
one clear line."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tongket import settings as tongket_settings
from tongket.core.tests.test_deploy import run_tongket

ROOT = Path(__file__).resolve().parents[3]


def test_the_wheel_leaves_out_tests_and_builds_without_deprecation_warnings(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Deprecat" not in result.stdout + result.stderr
    (wheel,) = tmp_path.glob("tongket-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "tongket/core/backup.py" in names
    assert "tongket/core/templates/base.html" in names or any(
        n.startswith("tongket/core/templates/") for n in names
    )
    assert not [n for n in names if "/tests/" in n]
    metadata = next(n for n in names if n.endswith("METADATA"))
    assert "License-Expression: AGPL-3.0-or-later" in zipfile.ZipFile(wheel).read(metadata).decode()


def test_an_installed_copy_keeps_its_data_in_the_user_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site-packages"
    monkeypatch.setattr(tongket_settings, "PROJECT_DIR", site)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert tongket_settings._default_var_dir() == tmp_path / "data" / "tongket"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert tongket_settings._default_var_dir() == tmp_path / "home" / ".local/share/tongket"
    # A source checkout keeps var/ beside it.
    monkeypatch.setattr(tongket_settings, "PROJECT_DIR", ROOT)
    assert tongket_settings._default_var_dir() == ROOT / "var"


def test_check_without_secret_key_prints_one_clear_line(tmp_path: Path) -> None:
    result = run_tongket("check", TONGKET_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "tongket: cấu hình chưa đúng: SECRET_KEY chưa được đặt. Đặt biến môi trường SECRET_KEY "
        "(hoặc DEBUG=1 khi phát triển)."
    ]
