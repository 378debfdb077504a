"""PostgreSQL: the rows the database generates itself (`tongket.synth.server`) against the Python
generator's at the same size, determinism, and the indexes and constraints put back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count

from tongket.core.text import fold, vietnamese_sort_string
from tongket.evaluation.models import Decision
from tongket.people.models import Member, Organization, PartyRole
from tongket.synth import server
from tongket.synth.generator import MAX_CELL, MIN_CELL, SynthConfig
from tongket.synth.loader import MODELS, load

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

T = TypeVar("T")
CONFIG = SynthConfig(members=3000, seed=21, years=(2024, 2025))
BIG = SynthConfig(members=30000, seed=4, years=(2025,))


class _Undo(Exception):
    pass


def rolled_back(work: Callable[[], T]) -> T:
    """The result of `work`, with everything it wrote undone."""
    box: list[T] = []
    try:
        with transaction.atomic():
            box.append(work())
            raise _Undo
    except _Undo:
        pass
    return box[0]


def synth_members() -> Any:
    return Member.objects.filter(card_number__startswith="9")


def skeleton() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], Counter[int]]:
    orgs = Organization.objects.filter(code__regex=r"^P\d\d").order_by("pk")
    roles = PartyRole.objects.filter(organization__code__regex=r"^P\d\d").order_by("pk")
    return (
        list(orgs.values_list("pk", "code", "name", "kind", "path", "parent_id", "founded_on")),
        list(roles.values_list("member_id", "organization_id", "role")),
        Counter(dict(synth_members().values_list("organization").annotate(n=Count("pk")))),
    )


def member_summary(year: int) -> dict[str, float]:
    members = synth_members()
    total = members.count()
    decisions = Decision.objects.filter(
        evaluation__member__card_number__startswith="9", evaluation__cycle__year=year
    )
    decided = decisions.count()
    levels = Counter(decisions.values_list("level", flat=True))
    reasons = Counter(decisions.values_list("not_classified_reason", flat=True))
    joined = [d.year for d in members.values_list("joined_on", flat=True)]
    ages = [(j - b).days / 365.25 for j, b in members.values_list("joined_on", "birth_date")]
    return {
        "female": members.filter(gender="female").count() / total,
        "nguyen": members.filter(full_name__startswith="Nguyễn ").count() / total,
        "probationary": members.filter(status="probationary").count() / total,
        "joined_year": sum(joined) / total,
        "age_at_joining": sum(ages) / total,
        "evaluated": decided / total,
        **{f"level {k}": n / decided for k, n in levels.items() if k},
        **{f"reason {k}": n / decided for k, n in reasons.items() if k},
    }


def test_both_paths_build_the_same_organizations_roles_and_cell_sizes():
    python = rolled_back(lambda: (load(CONFIG, in_database=False), skeleton())[1])
    database = rolled_back(lambda: (load(CONFIG), skeleton())[1])
    assert python[0] == database[0]
    assert python[1] == database[1]
    assert python[2] == database[2]
    assert all(MIN_CELL <= n <= MAX_CELL for n in database[2].values())


def test_the_database_path_follows_the_python_generators_distributions():
    python = rolled_back(lambda: (load(BIG, in_database=False), member_summary(2025))[1])
    database = rolled_back(lambda: (load(BIG), member_summary(2025))[1])
    assert set(python) == set(database)
    tolerance = {"joined_year": 0.5, "age_at_joining": 0.5}
    for key, value in python.items():
        # Shares within 1.5 percentage points (30,000 members: about 5 standard errors).
        assert database[key] == pytest.approx(value, abs=tolerance.get(key, 0.015)), key
    assert 0.14 <= database["level excellent"] <= 0.20
    assert 0.58 <= database["level good"] <= 0.70


def test_the_same_seed_gives_the_same_rows_in_the_database():
    def rows(config: SynthConfig = CONFIG) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        load(config)
        members = synth_members().order_by("pk")
        decisions = Decision.objects.filter(deciding_body__code__startswith="P").order_by("pk")
        return (
            list(members.values_list("pk", "card_number", "full_name", "birth_date", "joined_on")),
            list(decisions.values_list("pk", "evaluation_id", "number", "level", "date")),
        )

    first = rolled_back(rows)
    assert first == rolled_back(rows)
    other = rolled_back(lambda: rows(SynthConfig(3000, seed=22, years=(2024, 2025))))
    assert other[0] != first[0]
    assert [m[0] for m in other[0]] == [m[0] for m in first[0]]


@pytest.fixture
def loaded() -> None:
    load(CONFIG)


def test_generated_members_carry_their_name_keys_cards_and_cell_path(loaded):
    members = list(synth_members().select_related("organization"))
    assert len(members) == CONFIG.members
    assert len({m.card_number for m in members}) == CONFIG.members
    for m in members:
        assert m.name_folded == fold(m.full_name)
        assert m.sort_name == vietnamese_sort_string(m.full_name)
        assert m.org_path == m.organization.path
        assert m.organization.kind == "cell"
        assert m.card_number[:4] == f"9{m.organization.code[1:3]}."
        assert (m.status == "full") == (m.full_member_on is not None)
        assert m.birth_date is not None
        assert (m.joined_on - m.birth_date).days >= 18 * 365


def test_only_members_who_had_joined_are_decided_and_late_joiners_are_not_classified(loaded):
    for year in CONFIG.years:
        decisions = Decision.objects.filter(
            evaluation__member__card_number__startswith="9", evaluation__cycle__year=year
        ).select_related("evaluation__member")
        joined = synth_members().filter(joined_on__year__lte=year).count()
        assert decisions.count() == joined
        for d in decisions:
            member = d.evaluation.member
            assert member is not None
            late = member.joined_on.year == year and member.joined_on.month > 6
            assert (d.not_classified_reason == "joined_under_6_months") == late
            assert bool(d.level) != bool(d.not_classified_reason)


def test_decision_numbers_are_unique_within_each_cycle(loaded):
    decisions = Decision.objects.filter(deciding_body__code__startswith="P")
    per_number = decisions.values("evaluation__cycle", "number").annotate(n=Count("pk"))
    assert per_number.filter(n__gt=1).count() == 0
    assert decisions.count() > CONFIG.members


def _indexes_and_constraints() -> set[tuple[str, str]]:
    tables = [m._meta.db_table for m in MODELS.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s)",
            [tables, tables],
        )
        return {(str(name), str(definition)) for name, definition in cursor.fetchall()}


def test_every_dropped_index_and_unique_constraint_is_back_after_the_load():
    before = _indexes_and_constraints()
    load(CONFIG)
    assert _indexes_and_constraints() == before


def test_a_recreated_unique_constraint_checks_the_loaded_rows():
    # Dropped during the load, the card-number constraint is checked when it is added back.
    statements = server.drop_secondary_indexes(["people_member"])
    assert any("people_member_card_number_key" in s for s in statements)
    card = synth_members().values_list("card_number", flat=True).first() or "45.000001"
    member = Member.objects.exclude(card_number=card).first()
    assert member is not None
    Member.objects.filter(pk=member.pk).update(card_number=card)
    with pytest.raises(IntegrityError, match="card_number"), transaction.atomic():
        server.create_indexes(statements, lambda _line: None)
