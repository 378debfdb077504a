"""Backup and restore: a consistent, versioned, checksummed archive of the database and media.

Archive (zip): `manifest.json` (format version, app version, created time, database vendor,
the applied migrations, per-table row counts and content digests, a sha256 per member file),
`data.jsonl` (one serialized object per line, in dependency order) and `media/...`.
Restore refuses an archive whose checksums do not match, whose format it does not know, or a
database that is not empty.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

import tongket
from tongket.audit import versions
from tongket.core.errors import DomainError

FORMAT = "tongket-backup/1"
# Not data: sessions, Django's own catalogues, the page cache's change versions (a restore
# starts them afresh under a new epoch, so no page cached before can match) and the member
# tally (its triggers count the restored members).
SKIPPED = {
    "sessions.session",
    "contenttypes.contenttype",
    "auth.permission",
    "admin.logentry",
    "audit.pathchange",
    "audit.cacheepoch",
    "people.membertally",  # kept by triggers: the restored members count themselves in
}


def _models() -> list[type[models.Model]]:
    """Every concrete model, parents before children (Django's dumpdata ordering)."""
    from django.core.serializers import sort_dependencies

    app_list = [(config, None) for config in apps.get_app_configs()]
    ordered = sort_dependencies(app_list, allow_cycles=True)
    return [m for m in ordered if m._meta.label_lower not in SKIPPED and not m._meta.proxy]


class LosslessEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; a backup must keep every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            return o.isoformat()
        if isinstance(o, dt.time):
            return o.isoformat()
        return super().default(o)


def _rows(model: type[models.Model]) -> Iterator[str]:
    queryset = model._default_manager.order_by(model._meta.pk.name)
    for obj in queryset.iterator(chunk_size=2000):
        yield serializers.serialize(
            "json",
            [obj],
            use_natural_foreign_keys=False,
            use_natural_primary_keys=False,
            cls=LosslessEncoder,
        )[1:-1]


def table_digests() -> dict[str, dict[str, Any]]:
    """Row count and a digest of every model's content: the same before backup and after restore."""
    result: dict[str, dict[str, Any]] = {}
    for model in _models():
        digest = hashlib.sha256()
        count = 0
        for line in _rows(model):
            digest.update(_canonical_row(line).encode("utf-8"))
            count += 1
        result[model._meta.label_lower] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def _canonical_row(line: str) -> str:
    return json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False) + "\n"


def create_backup(target: Path) -> dict[str, Any]:
    """Write the archive; reads happen in one snapshot so concurrent writes cannot tear it."""
    # A snapshot needs its own transaction; inside a caller's transaction, that one is used.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        data = io.BytesIO()
        digests: dict[str, dict[str, Any]] = {}
        for model in _models():
            digest = hashlib.sha256()
            count = 0
            for line in _rows(model):
                data.write(line.encode("utf-8") + b"\n")
                digest.update(_canonical_row(line).encode("utf-8"))
                count += 1
            digests[model._meta.label_lower] = {"rows": count, "sha256": digest.hexdigest()}
        migrations = sorted(
            f"{app}.{name}"
            for app, name in MigrationRecorder.Migration.objects.values_list("app", "name")
        )
    payload = data.getvalue()
    files: dict[str, str] = {"data.jsonl": hashlib.sha256(payload).hexdigest()}
    media_root = Path(settings.MEDIA_ROOT)
    media = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.jsonl", payload)
        for path in media:
            name = "media/" + path.relative_to(media_root).as_posix()
            content = path.read_bytes()
            files[name] = hashlib.sha256(content).hexdigest()
            archive.writestr(name, content)
        manifest = {
            "format": FORMAT,
            "app_version": tongket.__version__,
            "created": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "migrations": migrations,
            "tables": digests,
            "files": files,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        archive.writestr("manifest.json", manifest_bytes)
        archive.writestr("manifest.sha256", hashlib.sha256(manifest_bytes).hexdigest())
    tmp.replace(target)
    return manifest


@dataclass(frozen=True)
class RestoreResult:
    objects: int
    tables: int
    files: int


def _refuse(message: str) -> DomainError:
    return DomainError(message, rule="backup.invalid_archive")


def read_archive(source: Path) -> tuple[dict[str, Any], zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise _refuse(f"Không đọc được tệp sao lưu «{source}»: {exc}") from exc
    try:
        manifest_bytes = archive.read("manifest.json")
        stated = archive.read("manifest.sha256").decode().strip()
    except KeyError as exc:
        raise _refuse("Tệp sao lưu thiếu manifest: không phải bản sao lưu Tổng kết.") from exc
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(f"Tệp sao lưu bị hỏng: {exc}") from exc
    if hashlib.sha256(manifest_bytes).hexdigest() != stated:
        raise _refuse("Manifest của bản sao lưu đã bị sửa (sai mã kiểm tra).")
    manifest = json.loads(manifest_bytes)
    if manifest.get("format") != FORMAT:
        raise _refuse(f"Định dạng sao lưu «{manifest.get('format')}» không được hỗ trợ.")
    for name, checksum in manifest["files"].items():
        try:
            content = archive.read(name)
        except (KeyError, zipfile.BadZipFile, OSError) as exc:
            raise _refuse(f"Tệp «{name}» trong bản sao lưu bị thiếu hoặc hỏng.") from exc
        if hashlib.sha256(content).hexdigest() != checksum:
            raise _refuse(f"Tệp «{name}» trong bản sao lưu đã bị sửa (sai mã kiểm tra).")
    extra = set(archive.namelist()) - set(manifest["files"]) - {"manifest.json", "manifest.sha256"}
    if extra:
        raise _refuse(f"Bản sao lưu có tệp lạ: {', '.join(sorted(extra))}.")
    return manifest, archive


def restore_backup(source: Path) -> RestoreResult:
    """Load an archive into an empty, migrated database; verify every table afterwards."""
    manifest, archive = read_archive(source)
    current = {
        f"{app}.{name}"
        for app, name in MigrationRecorder.Migration.objects.values_list("app", "name")
    }
    missing = sorted(set(manifest["migrations"]) - current)
    if missing:
        raise _refuse(
            "Cơ sở dữ liệu đích chưa có các migration của bản sao lưu: " + ", ".join(missing[:5])
        )
    non_empty = [m._meta.label_lower for m in _models() if m._default_manager.exists()]
    if non_empty:
        raise DomainError(
            "Chỉ khôi phục vào cơ sở dữ liệu trống; đang có dữ liệu ở: " + ", ".join(non_empty[:5]),
            rule="backup.target_not_empty",
        )
    count = 0
    with transaction.atomic():
        lines = archive.read("data.jsonl").decode("utf-8").splitlines()
        for line in lines:
            for obj in serializers.deserialize("json", "[" + line + "]"):
                obj.save()
                count += 1
        if connection.vendor == "postgresql":
            sql = connection.ops.sequence_reset_sql(no_style(), _models())
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
        after = table_digests()
        for label, expected in manifest["tables"].items():
            got = after.get(label)
            if got != expected:
                raise DomainError(
                    f"Bảng {label} sau khi khôi phục không khớp bản sao lưu ({got} ≠ {expected}).",
                    rule="backup.verify_failed",
                )
    # The versions start afresh: a new epoch, so no page cached before the restore can match.
    versions.new_epoch()
    media_root = Path(settings.MEDIA_ROOT)
    files = 0
    for name in manifest["files"]:
        if name.startswith("media/"):
            target = media_root / name.removeprefix("media/")
            if media_root.resolve() not in target.resolve().parents:
                raise _refuse(f"Đường dẫn tệp không hợp lệ trong bản sao lưu: {name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
            files += 1
    return RestoreResult(objects=count, tables=len(manifest["tables"]), files=files)
