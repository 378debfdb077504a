"""The declaration of which fields each role may see (field_matrix.py) is complete: every field of
every API serializer and every template that renders a person has a line. What the responses
carry, role by role, is checked against it by the permission matrix's GET of every URL
(test_permission_matrix.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tongket.core.tests.field_matrix import (
    API_FIELDS,
    TEMPLATES,
    Audience,
    api_schema,
    field_violations,
    template_violations,
)

PACKAGE = Path(__file__).resolve().parents[2]
# What rendering a person looks like in a template: their name, card, birth date, absence.
PERSON = re.compile(r"\b(full_name|card_number|birth_date|absence_reason|suspended)\b")


def test_every_serializer_field_is_declared() -> None:
    components = api_schema()["components"]["schemas"]
    actual = {
        name: sorted(schema.get("properties", {}))
        for name, schema in components.items()
        if schema.get("properties")
    }
    declared = {name: sorted(fields) for name, fields in API_FIELDS.items()}
    missing = {
        name: sorted(set(fields) - set(declared.get(name, [])))
        for name, fields in actual.items()
        if set(fields) - set(declared.get(name, []))
    }
    assert not missing, f"serializer fields without a declaration in field_matrix.py: {missing}"
    stale = {
        name: sorted(set(fields) - set(actual.get(name, [])))
        for name, fields in declared.items()
        if set(fields) - set(actual.get(name, []))
    }
    assert not stale, f"field_matrix.py declares fields that no longer exist: {stale}"


def test_every_template_that_renders_a_person_is_declared() -> None:
    names = {
        str(p.relative_to(next(a for a in p.parents if a.name == "templates")))
        for p in PACKAGE.glob("*/templates/**/*.html")
        if PERSON.search(p.read_text(encoding="utf-8"))
    }
    assert names == set(TEMPLATES), (
        f"undeclared: {sorted(names - set(TEMPLATES))}; gone: {sorted(set(TEMPLATES) - names)}"
    )


def test_the_meetings_roll_is_declared_for_its_keepers_only() -> None:
    assert API_FIELDS["MeetingDetail"]["participants"] is Audience.KEEPER
    assert API_FIELDS["Person"]["card_number"] is Audience.READER


@pytest.mark.parametrize(
    ("role", "expected"),
    [("vanphong", []), ("khoi", ["$.participants ("]), ("dangvien", ["$.participants ("])],
)
def test_a_body_carrying_the_roll_is_flagged_for_roles_without_a_write_grant(
    role: str, expected: list[str]
) -> None:
    """The checker itself, on a body as the meeting API gave it before issue 17."""
    body = {
        "participants": [{"absence_reason": "Ốm", "member": {"card_number": "1", "full_name": "A"}}]
    }
    problems = field_violations(role, None, "/api/v1/meetings/1/", body)
    assert [p[: len(e)] for p, e in zip(problems, expected, strict=False)] == expected
    assert bool(problems) == bool(expected)


def test_a_plain_member_sees_only_their_own_card_number() -> None:
    body = {"chairs": [{"member": {"card_number": "45.000001", "full_name": "A"}}]}
    assert field_violations("dangvien", "45.000001", "/api/v1/meetings/1/", body) == []
    assert field_violations("dangvien", "45.000002", "/api/v1/meetings/1/", body)
    assert template_violations("dangvien", ["meetings/run.html"])
    assert not template_violations("vanphong", ["meetings/run.html"])
    table = ["people/_member_table.html"]
    assert not template_violations("dangvien", table, "<td>45.000032</td>", "45.000032")
    assert template_violations("dangvien", table, "<td>45.000031</td>", "45.000032")
