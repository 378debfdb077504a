"""A listing command's output (`tongket users list`, `tongket grants list`): with `--json`, the
rows through their API serializer; without, one line a row."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from rest_framework import serializers

from tongket.core.commands import ActionCommand

T = TypeVar("T")


def write_listing(
    command: ActionCommand,
    rows: Iterable[T],
    *,
    as_json: bool,
    serializer: type[serializers.Serializer[Any]],
    line: Callable[[T], str],
) -> None:
    if as_json:
        command.write_json(serializer(rows, many=True).data)
        return
    for row in rows:
        command.stdout.write(line(row))
