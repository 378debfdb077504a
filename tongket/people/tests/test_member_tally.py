"""The member tally kept by triggers (`people/tally.py`) equals a recount after every kind of
write, and the organization pages' counts read from it equal counting the members."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongket.accounts.scope import scope_for
from tongket.people import selectors, services, tally
from tongket.people.models import Member, MemberStatus, Organization

pytestmark = pytest.mark.django_db

DEPT = "QT.KCQDN.SGDDT"
CELLS = [f"{DEPT}.TCCB", f"{DEPT}.TTR", f"{DEPT}.VP"]


def test_the_demo_is_counted_exactly() -> None:
    assert tally.counted() == tally.recounted()
    assert sum(tally.counted().values()) == Member.objects.count()


def new_member(n: int, cell: str) -> services.MemberInput:
    return services.MemberInput(
        card_number=f"77.{n:06d}",
        full_name=f"Lê Thị Thử {n}",
        gender="female",
        joined_on=dt.date(2019, 1, 1),
        organization_code=cell,
        status=MemberStatus.PROBATIONARY,
    )


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["create", "transfer", "status", "bulk", "orm_move", "delete", "org_move"]),
        st.integers(0, 2),
        st.integers(0, 2),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_the_tally_equals_a_recount_after_any_sequence_of_writes(
    operations: list[tuple[str, int, int]],
) -> None:
    counter = iter(range(10**6))
    with transaction.atomic():
        for kind, a, b in operations:
            members = list(
                Member.objects.filter(organization__code=CELLS[a], user__isnull=True)[:3]
            )
            if kind == "create":
                services.create_member(actor=None, data=new_member(next(counter), CELLS[a]))
            elif kind == "transfer" and members and a != b:
                services.transfer_member(
                    actor=None,
                    card_number=members[0].card_number,
                    to_code=CELLS[b],
                    # Each transfer later than the one before (a member may move twice).
                    on=dt.date(2021, 1, 1) + dt.timedelta(days=next(counter)),
                )
            elif kind == "status" and members:
                Member.objects.filter(pk=members[0].pk).update(status=MemberStatus.PROBATIONARY)
            elif kind == "bulk":
                org = Organization.objects.get(code=CELLS[a])
                Member.objects.bulk_create(
                    [
                        Member(
                            card_number=f"78.{next(counter):06d}",
                            full_name="Bùi Văn Lô",
                            name_folded="bui van lo",
                            sort_name="x",
                            gender="male",
                            joined_on=dt.date(2018, 1, 1),
                            organization=org,
                            org_path=org.path,
                        )
                        for _ in range(b + 1)
                    ]
                )
            elif kind == "orm_move" and members:
                target = Organization.objects.get(code=CELLS[b])
                Member.objects.filter(pk__in=[m.pk for m in members]).update(
                    organization=target, org_path=target.path
                )
            elif kind == "delete":
                # Members with a history are protected; the bulk-made ones have none.
                victim = Member.objects.filter(card_number__startswith="78.").order_by("pk").first()
                if victim is not None:
                    victim.delete()
            elif kind == "org_move" and a != b:
                # A cell moved under another organization: its members' paths are rewritten.
                services.update_organization(actor=None, code=CELLS[a], parent_code="QT.KCQDN")
                services.update_organization(actor=None, code=CELLS[a], parent_code=DEPT)
            assert tally.counted() == tally.recounted(), kind
        transaction.set_rollback(True)


def expected_breakdown(
    org: Organization, children: list[Organization]
) -> tuple[dict[str, int], dict[int, int]]:
    statuses: dict[str, int] = {}
    for status in MemberStatus.values:
        n = Member.objects.filter(org_path__startswith=org.path, status=status).count()
        if n:
            statuses[status] = n
    by_child = {c.pk: Member.objects.filter(org_path__startswith=c.path).count() for c in children}
    return statuses, by_child


@pytest.mark.parametrize("username", ["quantri", "vanphong", "bithu", "khoi", "dangvien"])
def test_counts_from_the_tally_equal_counting_the_members(user_named: Any, username: str) -> None:
    user = user_named(username)
    services.create_member(actor=None, data=new_member(1, CELLS[1]))
    orgs = list(selectors.visible_organizations(user))
    assert orgs
    for org in orgs:
        children = list(selectors.children_of(org))
        breakdown = selectors.member_breakdown(user, org, children)
        visible = selectors.members_of(user, org)
        assert sum(breakdown.statuses.values()) == visible.count()
        if scope_for(user).reads(org.path):
            assert (breakdown.statuses, breakdown.by_child) == expected_breakdown(org, children)
    counts = selectors.member_counts(user, orgs)
    for org in orgs:
        assert (
            counts[org.pk]
            == selectors.visible_members(user).filter(org_path__startswith=org.path).count()
        )
