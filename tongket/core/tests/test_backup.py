"""Backup and restore: identical content table by table; damaged or altered archives refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tongket.audit.services import verify
from tongket.core.backup import create_backup, restore_backup, table_digests
from tongket.core.errors import DomainError
from tongket.people.models import Member

pytestmark = pytest.mark.django_db


KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


def _empty_database() -> None:
    """Delete every row the backup covers, including many-to-many tables (FKs are deferred)."""
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        for table in tables:
            if table not in KEPT_TABLES:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def test_restore_into_an_empty_database_gives_back_identical_content(tmp_path: Path) -> None:
    before = table_digests()
    archive = tmp_path / "sao-luu.zip"
    create_backup(archive)
    _empty_database()
    assert Member.objects.count() == 0
    result = restore_backup(archive)
    assert table_digests() == before
    assert result.objects == sum(t["rows"] for t in before.values())
    assert Member.objects.count() == 50
    assert verify() == []


def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    create_backup(archive)
    with pytest.raises(DomainError) as err:
        restore_backup(archive)
    assert err.value.rule == "backup.target_not_empty"


def _rewrite(archive: Path, target: Path, name: str, content: bytes) -> None:
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.namelist():
            dst.writestr(item, content if item == name else src.read(item))


def test_an_altered_data_file_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    create_backup(archive)
    with zipfile.ZipFile(archive) as src:
        data = src.read("data.jsonl").replace("Võ Văn Minh".encode(), "Võ Văn Mình".encode())
    altered = tmp_path / "altered.zip"
    _rewrite(archive, altered, "data.jsonl", data)
    _empty_database()
    with pytest.raises(DomainError, match=r"data\.jsonl"):
        restore_backup(altered)
    assert Member.objects.count() == 0


def test_an_altered_manifest_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    create_backup(archive)
    with zipfile.ZipFile(archive) as src:
        manifest = src.read("manifest.json").replace(b'"rows": 50', b'"rows": 49')
    altered = tmp_path / "altered.zip"
    _rewrite(archive, altered, "manifest.json", manifest)
    with pytest.raises(DomainError, match="Manifest"):
        restore_backup(altered)


def test_a_truncated_or_foreign_file_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    create_backup(archive)
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(archive.read_bytes()[:2000])
    with pytest.raises(CommandError, match="sao lưu"):
        call_command("restore", str(truncated))
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as z:
        z.writestr("hello.txt", "xin chào")
    with pytest.raises(CommandError, match="manifest"):
        call_command("restore", str(foreign))
