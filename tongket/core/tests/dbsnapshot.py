"""A digest of the whole database content, to prove "never a partial write": take one before a
refused request and one after, and compare. Every table of every tongket app and the user
accounts, each as its row count and a hash of its rows in primary-key order."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Model

# Besides the tongket apps: the user accounts (sessions are not content and are left out).
_APPS = ("auth",)


def snapshot_models() -> list[type[Model]]:
    """Every concrete model whose table holds content: the tongket apps and auth."""
    found: list[type[Model]] = []
    for config in apps.get_app_configs():
        if not (config.name.startswith("tongket.") or config.label in _APPS):
            continue
        for model in config.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or meta.swapped:
                continue
            found.append(model)
    return sorted(found, key=lambda m: m._meta.db_table)


@dataclass(frozen=True)
class Snapshot:
    """Table → (row count, sha256 of the ordered rows)."""

    tables: dict[str, tuple[int, str]]

    def diff(self, other: Snapshot) -> list[str]:
        """The tables whose content differs, with their row counts before → after."""
        out = []
        for table in sorted(set(self.tables) | set(other.tables)):
            mine, theirs = self.tables.get(table), other.tables.get(table)
            if mine != theirs:
                out.append(
                    f"{table}: {mine[0] if mine else '-'} → {theirs[0] if theirs else '-'} dòng"
                )
        return out

    @property
    def rows(self) -> int:
        return sum(count for count, _digest in self.tables.values())


def _digest(model: type[Model]) -> tuple[int, str]:
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [f.column for f in meta.concrete_fields]
    order = meta.pk.column if meta.pk is not None else columns[0]
    sql = (
        f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(meta.db_table)} "
        f"ORDER BY {quote(order)}"
    )
    digest = hashlib.sha256()
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(5000):
            # A memoryview (a bytea on some drivers) has no stable repr: hash its bytes.
            if any(isinstance(v, memoryview) for v in batch[0]):
                batch = [tuple(_plain(v) for v in row) for row in batch]
            digest.update(repr(batch).encode())
            count += len(batch)
    return count, digest.hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, memoryview):
        return value.tobytes()
    return value


def take() -> Snapshot:
    """The digest of every content table, read in the current transaction."""
    return Snapshot({m._meta.db_table: _digest(m) for m in snapshot_models()})


def announce(config: Any, line: str) -> None:
    """Print a figure (fuzz cases run, races run) in the test output, past output capture."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    if capture is None:
        reporter.write_line(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line)


def tally(
    headline: str,
    cases: Mapping[str, int],
    outcomes: Mapping[Any, int],
    detail: Mapping[str, object],
) -> Any:
    """An autouse module fixture that announces, after the module's tests, how many cases ran:
    `headline` with {total}, {places} (how many places were tried) and {outcomes} filled in;
    with TONGKET_FUZZ_DETAIL set, each entry of `detail` too (a set of values sorted)."""

    @pytest.fixture(scope="module", autouse=True)
    def announce_tally(request: pytest.FixtureRequest) -> Iterator[None]:
        yield
        counted = ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items()))
        line = headline.format(total=sum(cases.values()), places=len(cases), outcomes=counted)
        announce(request.config, line)
        if os.environ.get("TONGKET_FUZZ_DETAIL"):  # one line per entry, when asked
            for key, value in sorted(detail.items()):
                shown = sorted(value) if isinstance(value, set) else value
                announce(request.config, f"  {key}: {shown}")

    return announce_tally
