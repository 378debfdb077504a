"""Criteria sets written by a committee's office (HD 43 point 7.12, CV 10072-CV/BTCTW): the tree
of criteria under «tiêu chí chung» 30 and «kết quả thực hiện nhiệm vụ» 70, its checks, and the
appendix (PL1–PL5) that applies to a member. Pure Python: no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from tongket.core.formatting import format_points as format_decimal
from tongket.core.labelled import LabelledStrEnum
from tongket.core.rules import Finding
from tongket.evaluation.domain import PointCriterion, PointFrame, PointGroup

ZERO = Decimal(0)
HD43 = "Hướng dẫn 43-HD/BTCTW (31/10/2025)"
CITE_SPLIT = (
    f"Quy định 366-QĐ/TW, {HD43}: 100 điểm gồm tiêu chí chung 30 điểm và kết quả thực hiện "
    "nhiệm vụ 70 điểm"
)
CITE_LOCAL = f"{HD43}, điểm 7.12; Công văn 10072-CV/BTCTW: cấp ủy cấp trên cụ thể hóa tiêu chí"


class Appendix(LabelledStrEnum):
    """The five appendices of HD 43, by group of subject."""

    PL1 = "PL1", "Phụ lục 1: tập thể"
    PL2 = "PL2", "Phụ lục 2: cán bộ diện Bộ Chính trị, Ban Bí thư quản lý"
    PL3 = "PL3", "Phụ lục 3: cán bộ lãnh đạo, quản lý"
    PL4 = "PL4", "Phụ lục 4: đảng viên không giữ chức vụ lãnh đạo, quản lý"
    PL5 = "PL5", "Phụ lục 5: đảng viên ngoài hệ thống chính trị"


SECTION_MAX = {PointGroup.GENERAL: Decimal(30), PointGroup.TASKS: Decimal(70)}
SECTION_WORDS = {PointGroup.GENERAL: "chung", PointGroup.TASKS: "kết quả"}
TOTAL_MAX = Decimal(100)


def section_from_word(word: str) -> PointGroup:
    """«chung» → general, «kết quả» → tasks (the sheet's column); ValueError otherwise."""
    folded = word.strip().lower()
    for group, text in SECTION_WORDS.items():
        if folded in (text, group.value):
            return group
    raise ValueError(f"Nhóm «{word}» không hợp lệ: ghi «chung» hoặc «kết quả».")


@dataclass(frozen=True)
class Node:
    """One criterion of the tree: `parent` is the code above it ("" at the top of a section).

    A node with children carries the points its children add up to; a leaf is scored.
    """

    code: str
    title: str
    points: Decimal | None
    section: PointGroup
    parent: str = ""
    guidance: str = ""
    evidence: str = ""


# The two sections every set has (Quy định 366-QĐ/TW: the 30 / 70 split is central; the
# criteria under them are the committee's to write): a new set starts from these two, one
# criterion each, and the office divides them on the set's page.
SECTION_TITLES = {
    PointGroup.GENERAL: (
        "Tiêu chí chung (phẩm chất chính trị, đạo đức, lối sống, ý thức tổ chức kỷ luật, "
        "tác phong, lề lối làm việc)"
    ),
    PointGroup.TASKS: "Kết quả thực hiện chức trách, nhiệm vụ được giao",
}


def starting_tree() -> tuple[Node, ...]:
    """A new set with nothing to copy: one criterion per section, with its section's points
    (it passes `check_nodes`; the office then writes the criteria under them)."""
    return tuple(
        Node(code=str(n), title=SECTION_TITLES[group], points=SECTION_MAX[group], section=group)
        for n, group in enumerate((PointGroup.GENERAL, PointGroup.TASKS), start=1)
    )


def points_from_text(text: str) -> Decimal | None:
    """A criterion's points as typed on the page or in the sheet ("4", "18,5"); None when empty.
    ValueError when it is no finite number: «NaN» or «Infinity» would break every sum and
    comparison of the checks (they answered 500)."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def _on(node: Node, rule: str, what: str, *, citation: str = CITE_LOCAL) -> Finding:
    """A finding about one node: "Tiêu chí <code> «<title>» <what>"."""
    return Finding(
        rule=rule,
        citation=citation,
        message=f"Tiêu chí {node.code} «{node.title}» {what}",
        subject=node.code,
    )


def check_nodes(nodes: Sequence[Node]) -> list[Finding]:
    """Every node has points; children add up to their parent; each section's top nodes add up
    to 30 (chung) and 70 (kết quả); the whole to 100. Each error names the node.

    Rule ids: criteria.node.*, criteria.section.sum, criteria.total.sum.
    """
    findings: list[Finding] = []
    codes = [n.code for n in nodes]
    by_code = {n.code: n for n in nodes}
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        findings.append(
            Finding(
                rule="criteria.node.duplicate_code",
                citation=CITE_LOCAL,
                message=f"Mã tiêu chí {code} bị trùng.",
                subject=code,
            )
        )
    for node in nodes:
        if not node.code.strip():
            findings.append(
                Finding(
                    rule="criteria.node.no_code",
                    citation=CITE_LOCAL,
                    message=f"Tiêu chí «{node.title}» chưa có mã.",
                )
            )
        if node.points is None or node.points <= 0:
            findings.append(
                _on(node, "criteria.node.no_points", "chưa có điểm (điểm phải lớn hơn 0).")
            )
        if node.parent:
            parent = by_code.get(node.parent)
            if parent is None:
                findings.append(
                    _on(
                        node,
                        "criteria.node.unknown_parent",
                        f"thuộc mã {node.parent} không có trong bộ.",
                    )
                )
            elif parent.section is not node.section:
                findings.append(
                    _on(
                        node,
                        "criteria.node.parent_section",
                        f"thuộc nhóm khác với tiêu chí cha {parent.code}.",
                        citation=CITE_SPLIT,
                    )
                )
    for node in nodes:
        children = [c for c in nodes if c.parent == node.code]
        if not children or node.points is None:
            continue
        total = sum((c.points or ZERO for c in children), ZERO)
        if total != node.points:
            findings.append(
                _on(
                    node,
                    "criteria.node.children_sum",
                    f"có {format_decimal(node.points)} điểm nhưng các tiêu chí con cộng lại "
                    f"{format_decimal(total)} điểm.",
                )
            )
    grand = ZERO
    for section, maximum in SECTION_MAX.items():
        tops = [n for n in nodes if n.section is section and not n.parent]
        total = sum((n.points or ZERO for n in tops), ZERO)
        grand += total
        if total != maximum:
            findings.append(
                Finding(
                    rule="criteria.section.sum",
                    citation=CITE_SPLIT,
                    message=(
                        f"{section.label} cộng lại {format_decimal(total)} điểm, phải là "
                        f"{format_decimal(maximum)}."
                    ),
                    subject=section.value,
                )
            )
    if grand != TOTAL_MAX:
        findings.append(
            Finding(
                rule="criteria.total.sum",
                citation=CITE_SPLIT,
                message=f"Cả bộ tiêu chí cộng lại {format_decimal(grand)} điểm, phải là 100.",
            )
        )
    return findings


def leaves(nodes: Sequence[Node]) -> list[Node]:
    """The nodes that are scored: those no other node hangs under."""
    parents = {n.parent for n in nodes if n.parent}
    return [n for n in nodes if n.code not in parents]


def to_frame(code: str, title: str, nodes: Sequence[Node]) -> PointFrame:
    """The 100-point frame the qd366 rules score on: the set's leaves with their maxima."""
    return PointFrame(
        code=code,
        title=title,
        criteria=tuple(
            PointCriterion(code=n.code, title=n.title, max_points=n.points or ZERO, group=n.section)
            for n in leaves(nodes)
        ),
    )


def depth(node: Node, nodes: Sequence[Node]) -> int:
    by_code = {n.code: n for n in nodes}
    level = 0
    current = node
    while current.parent and current.parent in by_code and level < 20:
        current = by_code[current.parent]
        level += 1
    return level


def appendix_for_member(*, leads: bool, outside_political_system: bool) -> Appendix:
    """A leader or manager is scored on PL3, a member outside the political system on PL5,
    every other member on PL4 (HD 43, Phụ lục 3–5). PL2 (cadres the Politburo or Secretariat
    manage) is only ever chosen by an override."""
    if leads:
        return Appendix.PL3
    if outside_political_system:
        return Appendix.PL5
    return Appendix.PL4
