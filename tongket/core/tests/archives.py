"""What someone holding the backup key can do with an archive: read its members, and seal
changed members back (a forger's best effort, every checksum and table digest recomputed)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from tongket.core import backup


def unsealed(archive: Path) -> dict[str, bytes]:
    """The members of an archive, read with the key currently in the environment."""
    plain = io.BytesIO()
    backup._unseal(archive, plain)
    with zipfile.ZipFile(plain) as z:
        return {name: z.read(name) for name in z.namelist()}


def sealed(members: dict[str, bytes], target: Path) -> None:
    """Write members into a sealed archive with the key currently in the environment."""
    with target.open("wb") as raw:
        writer = backup._SealingWriter(raw)
        with zipfile.ZipFile(writer, "w") as z:
            for name, content in members.items():
                z.writestr(name, content)
        writer.seal()


def resealed_with_data(members: dict[str, bytes], data: bytes, target: Path) -> None:
    """Changed data with every checksum and table digest recomputed, sealed."""
    manifest = json.loads(members["manifest.json"])
    digests = backup._Digests()
    for line in data.decode().splitlines():
        digests.add(json.loads(line)["model"], line)
    manifest["tables"] = digests.result(manifest["tables"])
    manifest["files"]["data.jsonl"] = hashlib.sha256(data).hexdigest()
    sealed({**members, "data.jsonl": data, "manifest.json": json.dumps(manifest).encode()}, target)
