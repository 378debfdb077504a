"""Backup archives: private, encrypted, authenticated; damaged, forged or hostile archives are
refused before anything is written. (Restoring onto a fresh server: test_restore_fresh.py.)"""

from __future__ import annotations

import hashlib
import io
import json
import stat
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tongket.core import backup
from tongket.core.backup import create_backup, restore_backup, table_digests, verify_backup
from tongket.core.errors import DomainError
from tongket.core.formatting import format_number
from tongket.core.tests.archives import resealed_with_data, sealed, unsealed
from tongket.people.models import Member

pytestmark = pytest.mark.django_db

KEY = "khóa sao lưu của văn phòng 2026"


@pytest.fixture(autouse=True)
def _backup_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(backup.KEY_ENV, KEY)


def test_the_archive_is_private_encrypted_and_verifiable(tmp_path: Path) -> None:
    archive = tmp_path / "sao-luu.tkb"
    create_backup(archive)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    content = archive.read_bytes()
    assert content.startswith(backup.MAGIC)
    assert not zipfile.is_zipfile(archive)
    members = unsealed(archive)
    assert "Võ Văn Minh".encode() in members["data.jsonl"]
    result = verify_backup(archive)
    assert result.rows == sum(t["rows"] for t in table_digests().values())
    assert result.audit_seq == json.loads(members["manifest.json"])["audit_head"]["seq"] > 0


def test_backup_verify_command_reports_what_the_archive_holds(tmp_path: Path) -> None:
    archive = tmp_path / "a.tkb"
    call_command("backup", str(archive))
    out = io.StringIO()
    call_command("backup", str(archive), "--verify", stdout=out)
    rows = sum(t["rows"] for t in table_digests().values())
    assert "hợp lệ" in out.getvalue()
    assert f"{format_number(rows)} bản ghi" in out.getvalue()


def test_without_the_key_nothing_is_written_or_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "a.tkb"
    create_backup(archive)
    monkeypatch.delenv(backup.KEY_ENV)
    with pytest.raises(CommandError, match=backup.KEY_ENV):
        call_command("backup", str(tmp_path / "b.tkb"))
    assert not (tmp_path / "b.tkb").exists()
    with pytest.raises(CommandError, match=backup.KEY_ENV):
        call_command("backup", "--verify", str(archive))
    monkeypatch.setenv(backup.KEY_ENV, "một khóa khác hẳn, đủ dài")
    with pytest.raises(CommandError, match="xác thực"):
        call_command("backup", "--verify", str(archive))


def test_a_forged_archive_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack of issue 17.9: a member's name changed and an account made superuser, every
    checksum recomputed, sealed with a key other than the office's."""
    archive = tmp_path / "a.tkb"
    create_backup(archive)
    members = unsealed(archive)
    data = (
        members["data.jsonl"]
        .replace("Võ Văn Minh".encode(), "Võ Văn Mình".encode())
        .replace(b'"is_superuser": false', b'"is_superuser": true')
    )
    before = table_digests()
    monkeypatch.setenv(backup.KEY_ENV, "khóa của kẻ giả mạo, đủ dài")
    forged = tmp_path / "forged.tkb"
    resealed_with_data(members, data, forged)
    verify_backup(forged)  # consistent in itself: only the key tells it apart
    monkeypatch.setenv(backup.KEY_ENV, KEY)
    with pytest.raises(DomainError, match="xác thực") as err:
        restore_backup(forged)
    assert err.value.rule == "backup.invalid_archive"
    assert table_digests() == before


def test_a_damaged_or_foreign_file_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    archive = tmp_path / "a.tkb"
    create_backup(archive)
    flipped = bytearray(archive.read_bytes())
    flipped[len(flipped) // 2] ^= 1
    damaged = tmp_path / "damaged.tkb"
    damaged.write_bytes(bytes(flipped))
    with pytest.raises(CommandError, match="xác thực"):
        call_command("restore", str(damaged))
    truncated = tmp_path / "truncated.tkb"
    truncated.write_bytes(archive.read_bytes()[:2000])
    with pytest.raises(CommandError, match="sao lưu"):
        call_command("restore", str(truncated))
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as z:
        z.writestr("hello.txt", "xin chào")
    with pytest.raises(CommandError, match="không phải bản sao lưu"):
        call_command("restore", str(foreign))


@pytest.mark.parametrize(
    "name", ["media/../../evil.txt", "media//etc/passwd", "media/a/../../x", "media\\..\\x"]
)
def test_a_path_traversal_archive_is_refused_before_anything_is_written(
    tmp_path: Path, name: str
) -> None:
    archive = tmp_path / "a.tkb"
    create_backup(archive)
    members = unsealed(archive)
    manifest = json.loads(members["manifest.json"])
    manifest["files"][name] = hashlib.sha256(b"evil").hexdigest()
    hostile = tmp_path / "hostile.tkb"
    sealed({**members, name: b"evil", "manifest.json": json.dumps(manifest).encode()}, hostile)
    members_before = Member.objects.count()
    with pytest.raises(DomainError, match="Đường dẫn tệp không hợp lệ"):
        restore_backup(hostile)
    assert Member.objects.count() == members_before
    assert not list(tmp_path.parent.rglob("evil.txt"))


def test_restore_refuses_a_database_that_holds_data(tmp_path: Path) -> None:
    archive = tmp_path / "a.tkb"
    create_backup(archive)
    before = table_digests()
    with pytest.raises(DomainError) as err:
        restore_backup(archive)
    assert err.value.rule == "backup.target_not_empty"
    assert table_digests() == before
