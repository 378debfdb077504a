"""The organization tree: nested <details> with the member count of each subtree, only what
the user may see; each node links to the members of its whole subtree."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from tongket.people.models import Member, Organization

pytestmark = pytest.mark.django_db

DEPARTMENT = "QT.KCQDN.SGDDT"
CELL = f"{DEPARTMENT}.TCCB"


def test_the_tree_counts_each_subtree_and_nests_the_cells(
    client_for: Callable[[str], Client],
) -> None:
    body = client_for("vanphong").get("/org/tree/").content.decode()
    department = Organization.objects.get(code=DEPARTMENT)
    total = Member.objects.filter(org_path__startswith=department.path).count()
    cell_count = Member.objects.filter(organization__code=CELL).count()
    assert re.search(rf"{re.escape(department.name)}</a> \({total}\)", body)
    assert f"Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng</a> ({cell_count})" in body
    assert body.index(department.name) < body.index("Chi bộ Tổ chức cán bộ")
    assert "<details open>" in body
    assert f"?org={CELL}" in body


def test_a_cell_secretary_sees_only_the_cell_in_the_tree(
    client_for: Callable[[str], Client],
) -> None:
    body = client_for("bithu").get("/org/tree/").content.decode()
    assert "Chi bộ Tổ chức cán bộ" in body
    assert "Chi bộ Thanh tra" not in body


def test_the_member_list_filtered_by_an_organization_holds_its_whole_subtree(
    client_for: Callable[[str], Client],
) -> None:
    body = client_for("vanphong").get(f"/member/?org={DEPARTMENT}").content.decode()
    someone_in_a_cell = Member.objects.filter(organization__code=CELL).order_by("sort_name")[0]
    assert someone_in_a_cell.card_number in body or someone_in_a_cell.full_name in body
