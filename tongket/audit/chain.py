"""The hash that links audit events: pure, so verification can be tested without a database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def event_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """sha256 over the previous hash and the event's canonical JSON: any edit breaks the link."""
    return hashlib.sha256((prev_hash + canonical(dict(fields))).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


def verify_chain(
    events: Iterable[tuple[int, str, str, Mapping[str, Any]]],
    *,
    head_seq: int,
    head_hash: str,
) -> list[ChainProblem]:
    """Check (seq, prev_hash, hash, fields) rows in order: altered, missing or moved events."""
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev = GENESIS
    for seq, prev_hash, stored_hash, fields in events:
        if seq != expected_seq:
            problems.append(
                ChainProblem(
                    seq, f"Thiếu hoặc sai thứ tự sự kiện: mong đợi #{expected_seq}, gặp #{seq}."
                )
            )
        if prev_hash != prev:
            problems.append(ChainProblem(seq, f"Sự kiện #{seq} không nối với sự kiện trước nó."))
        if event_hash(prev_hash, fields) != stored_hash:
            problems.append(ChainProblem(seq, f"Nội dung sự kiện #{seq} đã bị sửa."))
        prev = stored_hash
        expected_seq = seq + 1
    if expected_seq - 1 != head_seq or prev != head_hash:
        problems.append(
            ChainProblem(
                expected_seq,
                f"Nhật ký kết thúc ở #{expected_seq - 1} nhưng đầu chuỗi ghi #{head_seq}: "
                "sự kiện cuối đã bị xóa hoặc thay.",
            )
        )
    return problems
