"""The generator alone (no database): deterministic, cells of 3 to 60, paths that nest."""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from tongket.core.text import fold, vietnamese_sort_string
from tongket.synth.generator import (
    COLUMNS,
    MAX_CELL,
    MIN_CELL,
    PROVINCES,
    Ids,
    SynthConfig,
    apportion,
    cell_sizes,
    generate,
    segment,
    skeletons,
)

SMALL = SynthConfig(members=2000, seed=7, years=(2024, 2025))


def rows(config: SynthConfig, first_id: int = 1) -> dict[str, list[tuple[object, ...]]]:
    ids = Ids()
    for table in ids.next:
        ids.next[table] = first_id
    out: dict[str, list[tuple[object, ...]]] = {}
    for batch in generate(config, ids):
        for table, table_rows in batch.rows.items():
            out.setdefault(table, []).extend(table_rows)
    return out


def as_dicts(table_rows: list[tuple[object, ...]], table: str) -> list[dict[str, object]]:
    return [dict(zip(COLUMNS[table], row, strict=True)) for row in table_rows]


def test_the_same_seed_gives_the_same_rows():
    assert rows(SMALL) == rows(SMALL)


def test_another_seed_gives_other_members():
    other = SynthConfig(members=2000, seed=8, years=(2024, 2025))
    assert rows(SMALL)["member"] != rows(other)["member"]


def test_exactly_the_requested_members_are_generated():
    assert len(rows(SMALL)["member"]) == 2000


def test_there_are_34_provinces_with_distinct_codes():
    orgs = as_dicts(rows(SMALL)["organization"], "organization")
    provinces = [o for o in orgs if o["kind"] == "provincial"]
    assert len(provinces) == len(PROVINCES) == 34
    assert sorted(str(o["code"]) for o in provinces) == [f"P{i:02d}" for i in range(1, 35)]


def test_every_cell_has_between_3_and_60_members():
    data = rows(SMALL)
    cells = {o["id"] for o in as_dicts(data["organization"], "organization") if o["kind"] == "cell"}
    sizes = Counter(m["organization_id"] for m in as_dicts(data["member"], "member"))
    assert set(sizes) == cells
    assert all(MIN_CELL <= n <= MAX_CELL for n in sizes.values())


def test_paths_are_the_parent_path_and_the_zero_padded_id():
    orgs = as_dicts(rows(SMALL, first_id=123)["organization"], "organization")
    by_id = {o["id"]: o for o in orgs}
    for org in orgs:
        parent = by_id.get(org["parent_id"]) if org["parent_id"] else None
        prefix = parent["path"] if parent else ""
        assert org["path"] == f"{prefix}{org['id']:010d}/"
        assert org["depth"] == (int(str(parent["depth"])) + 1 if parent else 0)
        assert org["name_folded"] == fold(str(org["name"]))


def test_members_copy_their_cell_path_and_name_keys():
    data = rows(SMALL)
    paths = {o[0]: o[7] for o in data["organization"]}
    for member in as_dicts(data["member"], "member"):
        assert member["org_path"] == paths[member["organization_id"]]
        assert member["name_folded"] == fold(str(member["full_name"]))
        assert member["sort_name"] == vietnamese_sort_string(str(member["full_name"]))


def test_each_member_has_one_open_membership_in_their_cell():
    data = rows(SMALL)
    cell_of = {m[0]: m[10] for m in data["member"]}
    memberships = as_dicts(data["membership"], "membership")
    assert len(memberships) == len(cell_of)
    assert all(cell_of[m["member_id"]] == m["organization_id"] for m in memberships)


def test_every_evaluation_has_one_current_decision_with_a_level_or_a_reason():
    data = rows(SMALL)
    decisions = as_dicts(data["decision"], "decision")
    assert Counter(d["evaluation_id"] for d in decisions) == Counter(
        e[0] for e in data["evaluation"]
    )
    assert all(bool(d["level"]) != bool(d["not_classified_reason"]) for d in decisions)


def test_member_levels_follow_a_realistic_spread():
    data = rows(SynthConfig(members=20000, seed=3, years=(2025,)))
    member_evals = {e[0] for e in data["evaluation"] if e[2] == "member"}
    levels = Counter(d[6] for d in data["decision"] if d[1] in member_evals)
    total = sum(levels.values())
    assert 0.14 <= levels["excellent"] / total <= 0.20
    assert 0.58 <= levels["good"] / total <= 0.70


@given(st.integers(min_value=MIN_CELL, max_value=5000), st.integers(0, 10**6))
@settings(max_examples=200, deadline=None)
def test_cell_sizes_add_up_and_stay_within_3_to_60(total, seed):
    sizes = cell_sizes(random.Random(seed), total)
    assert sum(sizes) == total
    assert all(MIN_CELL <= s <= MAX_CELL for s in sizes)


@given(st.integers(0, 10**7), st.lists(st.integers(1, 100), min_size=1, max_size=40))
def test_apportioned_parts_add_up_to_the_total(total, weights):
    assert sum(apportion(total, weights)) == total


def test_segment_is_ten_digits_and_a_slash():
    assert segment(42) == "0000000042/"


def test_the_skeleton_is_the_structure_the_full_generator_makes():
    config = SynthConfig(members=3000, seed=5, years=(2025,))
    full = rows(config, first_id=40)
    ids = Ids()
    for table in ids.next:
        ids.next[table] = 40
    skeleton: dict[str, list[tuple[object, ...]]] = {}
    cells: dict[object, tuple[int, int]] = {}
    for province in skeletons(config, ids):
        for table, table_rows in province.batch.rows.items():
            skeleton.setdefault(table, []).extend(table_rows)
        cells.update({o.id: (o.first_member, o.size) for o in province.orgs if o.kind == "cell"})
    assert set(skeleton) == {"organization", "organization_name", "party_role"}
    for table in skeleton:
        assert skeleton[table] == full[table]
    # Each cell reserves exactly the member ids the full generator gives its members.
    by_cell: dict[object, list[int]] = {}
    for member in full["member"]:
        by_cell.setdefault(member[10], []).append(int(str(member[0])))
    assert {c: (ids_[0], len(ids_)) for c, ids_ in by_cell.items()} == cells
    assert ids.next["member"] == 40 + 3000 == ids.next["membership"]
