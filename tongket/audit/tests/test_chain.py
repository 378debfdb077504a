"""The hash chain alone (no database): any altered, removed or reordered event is reported."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tongket.audit.chain import GENESIS, event_hash, verify_chain

Row = tuple[int, str, str, dict[str, Any]]


def build(count: int) -> list[Row]:
    rows: list[Row] = []
    prev = GENESIS
    for seq in range(1, count + 1):
        fields = {"seq": seq, "action": "member.update", "after": {"n": seq}, "summary": "Sửa"}
        digest = event_hash(prev, fields)
        rows.append((seq, prev, digest, fields))
        prev = digest
    return rows


def head(rows: list[Row]) -> tuple[int, str]:
    return (rows[-1][0], rows[-1][2]) if rows else (0, GENESIS)


def check(rows: list[Row], head_of: list[Row] | None = None) -> list[int]:
    seq, digest = head(rows if head_of is None else head_of)
    return [p.seq for p in verify_chain(rows, head_seq=seq, head_hash=digest)]


def test_an_intact_chain_has_no_problem() -> None:
    assert check(build(5)) == []
    assert check([]) == []


def test_hash_depends_on_every_field_and_on_the_previous_hash() -> None:
    fields = {"seq": 1, "summary": "Lê Văn Tính"}
    assert event_hash(GENESIS, fields) != event_hash("1" * 64, fields)
    assert event_hash(GENESIS, fields) != event_hash(GENESIS, {**fields, "summary": "Le Van Tinh"})
    assert event_hash(GENESIS, fields) == event_hash(GENESIS, dict(reversed(fields.items())))


def test_an_altered_event_is_named() -> None:
    rows = build(5)
    seq, prev, digest, fields = rows[2]
    rows[2] = (seq, prev, digest, {**fields, "after": {"n": 99}})
    assert check(rows) == [3]


def test_a_removed_event_in_the_middle_is_named() -> None:
    rows = build(5)
    del rows[1]
    assert 3 in check(rows, head_of=build(5))


def test_a_removed_last_event_is_caught_by_the_head() -> None:
    full = build(5)
    assert check(full[:-1], head_of=full) != []


def test_reordered_events_are_named() -> None:
    rows = build(5)
    rows[1], rows[2] = rows[2], rows[1]
    problems = check(rows, head_of=build(5))
    assert 3 in problems
    assert 2 in problems


@given(
    count=st.integers(min_value=1, max_value=12),
    index=st.integers(min_value=0, max_value=11),
    value=st.text(min_size=1, max_size=8),
)
def test_any_single_altered_summary_is_reported_at_that_event(
    count: int, index: int, value: str
) -> None:
    rows = build(count)
    index %= count
    seq, prev, digest, fields = rows[index]
    if fields["summary"] == value:
        value += "!"
    rows[index] = (seq, prev, digest, {**fields, "summary": value})
    assert check(rows, head_of=build(count))[0] == seq
