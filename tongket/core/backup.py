"""Backup and restore: a consistent, versioned, authenticated and encrypted archive.

The archive is a zip (`manifest.json`: format version, app version, created time, database
vendor, the applied migrations, per-table row counts and content digests, the audit chain's head
sealed at backup time, a sha256 per member file; `data.jsonl`: one serialized object per line,
in dependency order; `media/...`), written as it is produced (nothing whole in memory) through
AES-256-CTR and sealed with an HMAC-SHA256 over the whole file (encrypt-then-MAC). Both keys
are derived (scrypt, a random salt per archive) from the passphrase in the environment variable
`TONGKET_BACKUP_KEY`, so API tokens and TOTP secrets never sit in clear on disk and an archive
changed by someone without the passphrase is refused before anything is read from it.

Restore validates everything before it writes (authenticity, format, member names, checksums,
migrations, target state), loads in one transaction, and before committing checks every table
against the manifest and the restored audit chain against its sealed head. It accepts a
database that is empty (it migrates it first) or only migrated (the reference rows migrations
seed are replaced by the archive's own).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import os
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializedObject
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

import tongket
from tongket.audit import versions
from tongket.audit.chain import GENESIS
from tongket.core.errors import DomainError

FORMAT = "tongket-backup/2"
MAGIC = b"TONGKET-BACKUP/2\n"
KEY_ENV = "TONGKET_BACKUP_KEY"
MIN_KEY_LENGTH = 16
SALT_BYTES = 16
NONCE_BYTES = 16
TAG_BYTES = 32
CHUNK = 1 << 20
BATCH = 1000
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
# Reference rows that `migrate` seeds into a fresh database: a restore replaces them with the
# archive's own (the source was migrated too), so a freshly migrated server accepts a restore.
SEEDED = {"awards.awardform"}


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


def _canonical_row(line: str) -> str:
    return json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False) + "\n"


class _Digests:
    """Row count and content digest per model, fed one serialized row at a time."""

    def __init__(self) -> None:
        self._state: dict[str, tuple[int, Any]] = {}

    def add(self, label: str, line: str) -> None:
        count, digest = self._state.get(label, (0, hashlib.sha256()))
        digest.update(_canonical_row(line).encode("utf-8"))
        self._state[label] = (count + 1, digest)

    def result(self, labels: Iterable[str]) -> dict[str, dict[str, Any]]:
        out = {}
        for label in labels:
            count, digest = self._state.get(label, (0, hashlib.sha256()))
            out[label] = {"rows": count, "sha256": digest.hexdigest()}
        return out


def table_digests() -> dict[str, dict[str, Any]]:
    """Row count and a digest of every model's content: the same before backup and after restore."""
    digests = _Digests()
    labels = []
    for model in _models():
        label = model._meta.label_lower
        labels.append(label)
        for line in _rows(model):
            digests.add(label, line)
    return digests.result(labels)


def _refuse(message: str) -> DomainError:
    return DomainError(message, rule="backup.invalid_archive")


def _passphrase() -> bytes:
    value = os.environ.get(KEY_ENV, "")
    if len(value) < MIN_KEY_LENGTH:
        raise DomainError(
            f"Đặt biến môi trường {KEY_ENV} (ít nhất {MIN_KEY_LENGTH} ký tự) làm khóa bảo vệ bản "
            "sao lưu: cùng khóa đó dùng để sao lưu, kiểm tra và khôi phục.",
            rule="backup.key_missing",
        )
    return value.encode("utf-8")


def _keys(salt: bytes) -> tuple[bytes, bytes]:
    """(encryption key, MAC key) derived from the passphrase with scrypt and the archive's salt."""
    derived = hashlib.scrypt(_passphrase(), salt=salt, n=2**14, r=8, p=1, dklen=64)
    return derived[:32], derived[32:]


class _SealingWriter(io.RawIOBase):
    """A write-only stream that encrypts and MACs what passes through it into `raw`."""

    def __init__(self, raw: BinaryIO) -> None:
        salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
        enc_key, mac_key = _keys(salt)
        self._raw = raw
        self._encryptor = Cipher(algorithms.AES(enc_key), modes.CTR(nonce)).encryptor()
        self._mac = hmac.new(mac_key, digestmod=hashlib.sha256)
        self._position = 0
        header = MAGIC + salt + nonce
        self._mac.update(header)
        raw.write(header)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        plain = bytes(data)
        cipher = self._encryptor.update(plain)
        self._mac.update(cipher)
        self._raw.write(cipher)
        self._position += len(plain)
        return len(plain)

    def tell(self) -> int:
        # zipfile asks where it is; it cannot seek, so it writes data descriptors instead.
        return self._position

    def seal(self) -> None:
        tail = self._encryptor.finalize()
        self._mac.update(tail)
        self._raw.write(tail)
        self._raw.write(self._mac.digest())


def _open_private(path: Path) -> BinaryIO:
    """A new file only its owner can read (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def create_backup(target: Path) -> dict[str, Any]:
    """Stream the archive to `target` (0600); reads happen in one snapshot so concurrent writes
    cannot tear it."""
    from tongket.audit.services import seal

    _passphrase()  # refuse before touching anything when the key is missing
    # Chain the events written so far: the archive's sealed head then covers them, and a
    # server restored with another SECRET_KEY verifies them by the chain, not by signatures
    # made under this server's key.
    seal()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    media = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
    try:
        with _open_private(tmp) as raw:
            writer = _SealingWriter(raw)
            with zipfile.ZipFile(writer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                manifest = _write_members(archive, media, media_root)
            writer.seal()
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return manifest


def _write_members(archive: zipfile.ZipFile, media: list[Path], media_root: Path) -> dict[str, Any]:
    from tongket.audit.services import sealed_head

    files: dict[str, str] = {}
    # A snapshot needs its own transaction; inside a caller's transaction, that one is used.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        digests = _Digests()
        labels = []
        checksum = hashlib.sha256()
        with archive.open("data.jsonl", "w", force_zip64=True) as data:
            for model in _models():
                label = model._meta.label_lower
                labels.append(label)
                for line in _rows(model):
                    encoded = line.encode("utf-8") + b"\n"
                    data.write(encoded)
                    checksum.update(encoded)
                    digests.add(label, line)
        files["data.jsonl"] = checksum.hexdigest()
        migrations = sorted(
            f"{app}.{name}"
            for app, name in MigrationRecorder.Migration.objects.values_list("app", "name")
        )
        head = sealed_head()
    for path in media:
        name = "media/" + path.relative_to(media_root).as_posix()
        checksum = hashlib.sha256()
        with path.open("rb") as source, archive.open(name, "w", force_zip64=True) as member:
            while chunk := source.read(CHUNK):
                member.write(chunk)
                checksum.update(chunk)
        files[name] = checksum.hexdigest()
    manifest = {
        "format": FORMAT,
        "app_version": tongket.__version__,
        "created": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "migrations": migrations,
        "tables": digests.result(labels),
        "audit_head": {"seq": head.seq, "hash": head.hash},
        "files": files,
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    archive.writestr("manifest.json", manifest_bytes)
    return manifest


@dataclass(frozen=True)
class RestoreResult:
    objects: int
    tables: int
    files: int


@dataclass(frozen=True)
class VerifyResult:
    rows: int
    tables: int
    files: int
    created: str
    audit_seq: int


def _unseal(source: Path, plain: IO[bytes]) -> None:
    """Check the archive's MAC and decrypt it into `plain`, in one pass over the file."""
    try:
        handle = source.open("rb")
    except OSError as exc:
        raise _refuse(f"Không đọc được tệp sao lưu «{source}»: {exc}") from exc
    with handle:
        size = os.fstat(handle.fileno()).st_size
        header = handle.read(len(MAGIC) + SALT_BYTES + NONCE_BYTES)
        if not header.startswith(MAGIC):
            raise _refuse(f"«{source.name}» không phải bản sao lưu Tổng kết (định dạng {FORMAT}).")
        if size < len(header) + TAG_BYTES:
            raise _refuse("Tệp sao lưu bị cắt cụt.")
        salt = header[len(MAGIC) : len(MAGIC) + SALT_BYTES]
        nonce = header[len(MAGIC) + SALT_BYTES :]
        enc_key, mac_key = _keys(salt)
        mac = hmac.new(mac_key, header, hashlib.sha256)
        decryptor = Cipher(algorithms.AES(enc_key), modes.CTR(nonce)).decryptor()
        remaining = size - len(header) - TAG_BYTES
        while remaining:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                raise _refuse("Tệp sao lưu bị cắt cụt.")
            remaining -= len(chunk)
            mac.update(chunk)
            plain.write(decryptor.update(chunk))
        plain.write(decryptor.finalize())
        if not hmac.compare_digest(mac.digest(), handle.read(TAG_BYTES)):
            raise _refuse(
                "Bản sao lưu không xác thực được: sai khóa "
                f"{KEY_ENV}, hoặc tệp đã bị sửa hay bị hỏng."
            )
    plain.seek(0)


@contextmanager
def open_archive(source: Path) -> Iterator[tuple[dict[str, Any], zipfile.ZipFile]]:
    """The authenticated archive's manifest and members, every checksum and name checked.

    The decrypted zip lives only in an anonymous temporary file (removed on close)."""
    with tempfile.TemporaryFile() as plain:
        _unseal(source, plain)
        try:
            archive = zipfile.ZipFile(plain)
            manifest_bytes = archive.read("manifest.json")
        except KeyError as exc:
            raise _refuse("Tệp sao lưu thiếu manifest.") from exc
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise _refuse(f"Tệp sao lưu bị hỏng: {exc}") from exc
        with archive:
            manifest = json.loads(manifest_bytes)
            if manifest.get("format") != FORMAT:
                raise _refuse(f"Định dạng sao lưu «{manifest.get('format')}» không được hỗ trợ.")
            _check_members(archive, manifest)
            yield manifest, archive


def _safe_media_name(name: str) -> bool:
    """`media/a/b.pdf`: relative, no empty, `.` or `..` segment, no backslash or NUL."""
    parts = name.split("/")
    return (
        len(parts) >= 2
        and parts[0] == "media"
        and all(part not in {"", ".", ".."} for part in parts[1:])
        and not any(ch in name for ch in "\\\x00:")
    )


def _check_members(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    names = set(archive.namelist())
    extra = names - set(manifest["files"]) - {"manifest.json"}
    if extra:
        raise _refuse(f"Bản sao lưu có tệp lạ: {', '.join(sorted(extra))}.")
    for name, checksum in manifest["files"].items():
        if name != "data.jsonl" and not _safe_media_name(name):
            raise _refuse(f"Đường dẫn tệp không hợp lệ trong bản sao lưu: {name}")
        digest = hashlib.sha256()
        try:
            with archive.open(name) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
        except (KeyError, zipfile.BadZipFile, OSError) as exc:
            raise _refuse(f"Tệp «{name}» trong bản sao lưu bị thiếu hoặc hỏng.") from exc
        if digest.hexdigest() != checksum:
            raise _refuse(f"Tệp «{name}» trong bản sao lưu đã bị sửa (sai mã kiểm tra).")


def _data_lines(archive: zipfile.ZipFile) -> Iterator[str]:
    with archive.open("data.jsonl") as data:
        for raw in io.TextIOWrapper(data, encoding="utf-8"):
            line = raw.rstrip("\n")
            if line:
                yield line


def verify_backup(source: Path) -> VerifyResult:
    """Check an archive without restoring it: authenticity, checksums, and every table's rows
    against the sealed manifest, recomputed from the data itself."""
    with open_archive(source) as (manifest, archive):
        digests = _Digests()
        rows = 0
        for line in _data_lines(archive):
            try:
                label = json.loads(line)["model"]
            except (ValueError, KeyError, TypeError) as exc:
                raise _refuse(f"Dòng {rows + 1} của data.jsonl không đọc được.") from exc
            digests.add(label, line)
            rows += 1
        expected = manifest["tables"]
        got = digests.result(expected)
        for label in expected:
            if got[label] != expected[label]:
                raise _refuse(f"Bảng {label} trong bản sao lưu không khớp manifest.")
        head = manifest.get("audit_head") or {"seq": 0}
        return VerifyResult(
            rows=rows,
            tables=len(expected),
            files=len(manifest["files"]) - 1,
            created=manifest["created"],
            audit_seq=head["seq"],
        )


def _database_is_blank() -> bool:
    return MigrationRecorder.Migration._meta.db_table not in connection.introspection.table_names()


def _check_target(manifest: dict[str, Any]) -> None:
    """Refuse, before writing, a target that lacks the archive's migrations or holds data."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.graph.nodes}
    unknown = sorted(set(manifest["migrations"]) - known)
    if unknown:
        raise _refuse(
            "Bản sao lưu được tạo bởi phiên bản mới hơn (migration chưa có ở đây): "
            + ", ".join(unknown[:5])
        )
    applied = {f"{app}.{name}" for app, name in loader.applied_migrations}
    pending = sorted(known - applied)
    if pending:
        raise DomainError(
            "Cơ sở dữ liệu đích chưa được migrate đủ; chạy `tongket migrate` rồi khôi phục lại "
            f"(còn thiếu: {', '.join(pending[:5])}).",
            rule="backup.target_not_migrated",
        )
    non_empty = [
        m._meta.label_lower
        for m in _models()
        if m._meta.label_lower not in SEEDED and m._default_manager.exists()
    ]
    if non_empty:
        raise DomainError(
            "Chỉ khôi phục vào cơ sở dữ liệu trống hoặc vừa migrate; đang có dữ liệu ở: "
            + ", ".join(non_empty[:5]),
            rule="backup.target_not_empty",
        )


def restore_backup(source: Path) -> RestoreResult:
    """Load an archive into an empty or freshly migrated database, verified before commit."""
    with open_archive(source) as (manifest, archive):
        if _database_is_blank():
            call_command("migrate", verbosity=0, interactive=False)
        _check_target(manifest)
        media_root = Path(settings.MEDIA_ROOT)
        for name in manifest["files"]:
            if name.startswith("media/"):
                target = media_root / name.removeprefix("media/")
                if media_root.resolve() not in target.resolve().parents:
                    raise _refuse(f"Đường dẫn tệp không hợp lệ trong bản sao lưu: {name}")
        with transaction.atomic():
            for label in SEEDED:
                apps.get_model(label)._base_manager.all().delete()
            count = _load(_data_lines(archive))
            if connection.vendor == "postgresql":
                sql = connection.ops.sequence_reset_sql(no_style(), _models())
                with connection.cursor() as cursor:
                    for statement in sql:
                        cursor.execute(statement)
            _check_restored(manifest)
        # The versions start afresh: a new epoch, so no page cached before the restore can match.
        versions.new_epoch()
        files = 0
        for name in manifest["files"]:
            if name.startswith("media/"):
                target = media_root / name.removeprefix("media/")
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as member, target.open("wb") as out:
                    shutil.copyfileobj(member, out, CHUNK)
                files += 1
    return RestoreResult(objects=count, tables=len(manifest["tables"]), files=files)


def _load(lines: Iterable[str]) -> int:
    """Insert the serialized rows in batches of one model (raw, as loaddata does)."""
    count = 0
    batch: list[DeserializedObject] = []

    def flush() -> None:
        if not batch:
            return
        model = type(batch[0].object)
        if model._meta.parents:
            for item in batch:
                item.save()
        else:
            # Raw, as loaddata inserts: stored values as they are (no auto_now, no defaults).
            fields = [f for f in model._meta.local_concrete_fields if not f.generated]
            model._base_manager._insert(  # type: ignore[attr-defined]
                [item.object for item in batch], fields=fields, raw=True
            )
            for item in batch:
                for field_name, values in (item.m2m_data or {}).items():
                    getattr(item.object, field_name).set(values)
        batch.clear()

    for line in lines:
        for item in serializers.deserialize("json", "[" + line + "]"):
            if batch and type(batch[0].object) is not type(item.object):
                flush()
            batch.append(item)
            count += 1
            if len(batch) >= BATCH:
                flush()
    flush()
    return count


def _check_restored(manifest: dict[str, Any]) -> None:
    """Inside the restore's transaction: every table as sealed, the audit chain whole and
    ending at the head the archive sealed. Any difference rolls the restore back."""
    from tongket.audit.services import SealedHead, sealed_head, verify

    after = table_digests()
    for label, expected in manifest["tables"].items():
        got = after.get(label)
        if got != expected:
            raise DomainError(
                f"Bảng {label} sau khi khôi phục không khớp bản sao lưu ({got} ≠ {expected}).",
                rule="backup.verify_failed",
            )
    sealed = manifest.get("audit_head") or {"seq": 0, "hash": GENESIS}
    head = sealed_head()
    if (head.seq, head.hash) != (sealed["seq"], sealed["hash"]):
        raise DomainError(
            "Đầu chuỗi nhật ký kiểm toán sau khi khôi phục khác đầu chuỗi đã niêm phong trong bản "
            "sao lưu.",
            rule="backup.verify_failed",
        )
    problems = verify(head=SealedHead(sealed["seq"], sealed["hash"]))
    if problems:
        raise DomainError(
            f"Chuỗi nhật ký kiểm toán khôi phục không toàn vẹn: {problems[0].message}",
            rule="backup.verify_failed",
        )
