"""Loading into the database (SQLite and PostgreSQL): counts, sequences, subtree invariants."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from tongket.core.errors import DomainError
from tongket.evaluation import stats as evaluation_stats
from tongket.evaluation import tally
from tongket.evaluation.models import Cycle, Decision, Evaluation
from tongket.people import selectors as people
from tongket.people.models import Member, Membership, Organization
from tongket.people.services import OrganizationInput, create_organization
from tongket.synth.generator import SynthConfig
from tongket.synth.loader import load, vacuum_loaded, validate_foreign_keys

pytestmark = pytest.mark.django_db

CONFIG = SynthConfig(members=2000, seed=11, years=(2024, 2025))


@pytest.fixture
def loaded():
    return load(CONFIG)


def test_loading_writes_every_generated_row(loaded):
    synth_members = Member.objects.filter(card_number__startswith="9")
    assert synth_members.count() == loaded.counts["member"] == 2000
    assert Membership.objects.filter(member__in=synth_members, end__isnull=True).count() == 2000
    assert (
        Decision.objects.filter(deciding_body__code__startswith="P").count()
        == (loaded.counts["decision"])
    )


def test_every_loaded_reference_satisfies_its_foreign_key(loaded):
    # Foreign keys are deferred to the commit, which a test never reaches: check them now.
    connection.check_constraints()


def test_loaded_paths_are_consistent_with_parents(loaded):
    orgs = Organization.objects.filter(code__regex=r"^P\d\d").select_related("parent")
    for org in orgs:
        prefix = org.parent.path if org.parent else ""
        assert org.path == f"{prefix}{org.pk:010d}/"


def test_subtree_member_counts_equal_the_sum_over_children(loaded):
    for province in Organization.objects.filter(kind="provincial", code__regex=r"^P\d\d$"):
        total = people.members_in_subtree(province).count()
        children = people.children_with_counts(province)
        assert total > 0
        assert total == sum(n for _child, n in children)


def test_the_evaluation_stats_count_every_member_evaluated_in_the_subtree(loaded):
    province = Organization.objects.get(code="P01")
    result = evaluation_stats.stats(province, 2025)
    evaluated = Evaluation.objects.filter(
        cycle__year=2025, subject_kind="member", subject_path__startswith=province.path
    ).count()
    assert result["members"]["total"] == evaluated > 0
    assert result["members"]["pending"] == 0


def test_the_loaded_results_tally_equals_the_raw_counts(loaded):
    assert loaded.counts["result_tally"] > 0
    assert tally.counted() == tally.recounted()
    province = Organization.objects.get(code="P01")
    grassroots = Organization.objects.filter(kind="grassroots", path__startswith=province.path)
    country = Organization(pk=0, code="TW", name="Toàn quốc", path="", kind="provincial")
    for org in (country, province, grassroots.order_by("path").first()):
        assert org is not None
        for year in CONFIG.years:
            tallied = evaluation_stats.stats(org, year)
            assert tallied == evaluation_stats.raw_stats(org, year)
            assert tallied["members"]["total"] > 0


def test_each_grassroots_organization_has_one_closed_cycle_a_year(loaded):
    counts = (
        Cycle.objects.filter(organization__kind="grassroots", organization__code__startswith="P")
        .values("organization")
        .annotate(n=Count("id"))
    )
    assert {row["n"] for row in counts} == {2}


def test_the_database_hands_out_new_ids_after_the_load(loaded):
    org = create_organization(
        actor=None,
        data=OrganizationInput(code="SAU.SYNTH", name="Đảng bộ mới", kind="provincial"),
    )
    synth_top = Organization.objects.filter(code__startswith="P").order_by("-pk")[0].pk
    assert org.pk > synth_top


def test_a_second_load_is_refused(loaded):
    with pytest.raises(DomainError) as error:
        load(CONFIG)
    assert error.value.rule == "synth.already_loaded"


@pytest.mark.postgres
def test_a_reference_to_a_missing_row_is_caught_after_an_unchecked_load(loaded):
    member = Member.objects.filter(card_number__startswith="9")[0]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            'INSERT INTO people_membership (member_id, organization_id, start, "end", note) '
            "VALUES (%s, 999999999, '2025-01-01', '2025-06-30', '')",
            [member.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    with pytest.raises(RuntimeError, match=r"people_membership\.organization_id"):
        validate_foreign_keys()


def test_the_command_loads_and_prints_its_report_as_json():
    out = StringIO()
    call_command(
        "synth", "--members", "1000", "--seed", "3", "--years", "2025", "--quiet", stdout=out
    )
    report = json.loads(out.getvalue())
    assert report["rows"]["member"] == 1000
    assert report["years"] == [2025]
    expected = "database" if connection.vendor == "postgresql" else "python"
    assert report["method"] == expected
    assert Member.objects.filter(card_number__startswith="9").count() == 1000


def test_the_command_refuses_fewer_than_the_minimum_of_members():
    with pytest.raises(CommandError, match="--members"):
        call_command("synth", "--members", "999", "--quiet")


def test_no_vacuum_runs_inside_a_transaction(loaded):
    assert vacuum_loaded(loaded) is False
    assert loaded.as_json()["vacuum_seconds"] is None


@pytest.mark.postgres
def test_the_command_vacuums_the_loaded_tables_after_the_commit(demo_loaded):
    out = StringIO()
    call_command("synth", "--members", "1000", "--years", "2025", "--quiet", stdout=out)
    assert json.loads(out.getvalue())["vacuum_seconds"] is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL "
            "AND relname IN ('people_member', 'evaluation_decision')"
        )
        assert sorted(row[0] for row in cursor.fetchall()) == [
            "evaluation_decision",
            "people_member",
        ]
