"""Moving an organization (issue 17, finding 8): every stored path and denormalised scope key
moves with it in one transaction, so after any move every user sees exactly the evaluations the
definition gives: those whose subject (the member's cell when the cycle opened, or the
organization itself) lies under one of the user's grants, followed through the parent links,
not through the stored paths, plus their own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tongket.accounts.models import Grant
from tongket.core.tests.fuzzing import repeatable
from tongket.evaluation import tally
from tongket.evaluation.models import Evaluation
from tongket.evaluation.selectors import visible_evaluations
from tongket.people.models import Organization, OrganizationKind

pytestmark = pytest.mark.django_db

ROLES = ("vanphong", "bithu", "bithu2", "khoi", "dangvien")


def _party_codes() -> list[str]:
    return list(
        Organization.objects.exclude(kind=OrganizationKind.AGENCY)
        .filter(parent__isnull=False)
        .order_by("code")
        .values_list("code", flat=True)
    )


def _ancestors(org_id: int, parents: Mapping[int, int | None]) -> set[int]:
    found: set[int] = set()
    current: int | None = org_id
    while current is not None and current not in found:
        found.add(current)
        current = parents[current]
    return found


def _defined_visible(user: Any, parents: Mapping[int, int | None]) -> set[int]:
    """The definition, read from the parent links and the grants, never from a stored path."""
    granted = set(Grant.objects.filter(user=user).values_list("organization_id", flat=True))
    member_id = getattr(getattr(user, "member", None), "pk", None)
    seen = set()
    for ev_id, subject_kind, org_id, unit_id, ev_member in Evaluation.objects.values_list(
        "pk", "subject_kind", "organization_id", "unit_id", "member_id"
    ):
        subject_org = org_id if subject_kind == "organization" else unit_id
        if granted & _ancestors(subject_org, parents) or (member_id and ev_member == member_id):
            seen.add(ev_id)
    return seen


@repeatable(6)
@given(data=st.data())
def test_after_moving_a_random_subtree_every_user_sees_exactly_what_the_definition_says(
    data: st.DataObject,
) -> None:
    codes = _party_codes()
    moved = data.draw(st.sampled_from(codes), label="moved")
    moved_path = Organization.objects.get(code=moved).path
    targets = [
        c
        for c in [*codes, "QT"]
        if not Organization.objects.get(code=c).path.startswith(moved_path)
    ]
    target = data.draw(st.sampled_from(targets), label="new parent")
    with transaction.atomic():
        admin = APIClient()
        admin.force_authenticate(get_user_model().objects.get(username="quantri"))
        response = admin.patch(f"/api/v1/organizations/{moved}/", {"parent": target}, format="json")
        assert response.status_code == 200, response.content
        parents = dict(Organization.objects.values_list("pk", "parent_id"))
        for org in Organization.objects.all():
            expected = "".join(f"{pk:010d}/" for pk in reversed(_path_ids(org.pk, parents)))
            assert org.path == expected
        for role in ROLES:
            user = get_user_model().objects.select_related("member").get(username=role)
            actual = set(visible_evaluations(user).values_list("pk", flat=True))
            assert actual == _defined_visible(user, parents), f"{role} after {moved} → {target}"
        assert tally.counted() == tally.recounted()
        transaction.set_rollback(True)


def _path_ids(org_id: int, parents: Mapping[int, int | None]) -> list[int]:
    chain = []
    current: int | None = org_id
    while current is not None:
        chain.append(current)
        current = parents[current]
    return chain
