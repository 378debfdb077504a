"""The criteria tree's checks: sums 30 / 70 / 100 at every level, points on every node, errors
naming the node; leaves make the frame; the appendix follows the posts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tongket.criteria.domain import (
    Appendix,
    Node,
    appendix_for_member,
    check_nodes,
    leaves,
    to_frame,
)
from tongket.evaluation.domain import PointGroup

G, T = PointGroup.GENERAL, PointGroup.TASKS


def node(code: str, points: str | None, section: PointGroup, parent: str = "") -> Node:
    return Node(
        code=code,
        title=f"Tiêu chí {code}",
        points=Decimal(points) if points is not None else None,
        section=section,
        parent=parent,
    )


VALID = (
    node("1", "30", G),
    node("1.1", "15", G, "1"),
    node("1.2", "15", G, "1"),
    node("2", "40", T),
    node("2.1", "25", T, "2"),
    node("2.2", "15", T, "2"),
    node("3", "30", T),
)


def rules(nodes: tuple[Node, ...]) -> list[tuple[str, str]]:
    return [(f.rule, f.subject) for f in check_nodes(nodes)]


def test_a_tree_adding_up_to_30_70_100_has_no_finding() -> None:
    assert check_nodes(VALID) == []


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (node("2.1", "20", T, "2"), ("criteria.node.children_sum", "2")),
        (node("1.1", None, G, "1"), ("criteria.node.no_points", "1.1")),
        (node("3", "25", T), ("criteria.section.sum", "tasks")),
        (node("2.2", "15", T, "9"), ("criteria.node.unknown_parent", "2.2")),
        (node("2.2", "15", G, "2"), ("criteria.node.parent_section", "2.2")),
    ],
)
def test_each_error_names_the_node_at_fault(changed: Node, expected: tuple[str, str]) -> None:
    nodes = tuple(changed if n.code == changed.code else n for n in VALID)
    assert expected in rules(nodes)


def test_a_child_sum_error_says_both_figures_in_vietnamese() -> None:
    nodes = tuple(node("2.1", "20", T, "2") if n.code == "2.1" else n for n in VALID)
    message = next(f.message for f in check_nodes(nodes) if f.rule == "criteria.node.children_sum")
    assert message == (
        "Tiêu chí 2 «Tiêu chí 2» có 40 điểm nhưng các tiêu chí con cộng lại 35 điểm."
    )


def test_a_section_off_also_puts_the_whole_off_100() -> None:
    nodes = (*VALID[:-1], node("3", "20", T))
    assert ("criteria.total.sum", "") in rules(nodes)


def test_duplicate_codes_are_refused() -> None:
    assert ("criteria.node.duplicate_code", "3") in rules((*VALID, node("3", "1", T)))


def test_only_the_leaves_are_scored_and_make_the_frame() -> None:
    assert [n.code for n in leaves(VALID)] == ["1.1", "1.2", "2.1", "2.2", "3"]
    frame = to_frame("f", "Bộ", VALID)
    assert frame.group_max(G) == 30
    assert frame.group_max(T) == 70


@pytest.mark.parametrize(
    ("leads", "outside", "expected"),
    [
        (True, False, Appendix.PL3),
        (False, True, Appendix.PL5),
        (False, False, Appendix.PL4),
        (True, True, Appendix.PL3),
    ],
)
def test_the_appendix_follows_the_posts(leads: bool, outside: bool, expected: Appendix) -> None:
    assert appendix_for_member(leads=leads, outside_political_system=outside) is expected


def test_a_new_set_starts_from_the_two_sections_of_30_and_70_points_and_passes_the_checks() -> None:
    from tongket.criteria.domain import check_nodes, starting_tree

    tree = starting_tree()
    assert [(n.section, n.points, n.parent) for n in tree] == [
        (PointGroup.GENERAL, Decimal(30), ""),
        (PointGroup.TASKS, Decimal(70), ""),
    ]
    assert list(check_nodes(tree)) == []
