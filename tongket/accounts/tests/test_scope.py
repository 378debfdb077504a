"""Grants become scopes: which subtrees each demo role reads, writes and administers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from tongket.accounts.scope import SYSTEM, Scope, outermost, scope_for
from tongket.people.models import Organization

pytestmark = pytest.mark.django_db


def path_of(code: str) -> str:
    return Organization.objects.get(code=code).path


@pytest.mark.parametrize(
    ("username", "code", "reads", "writes", "administers"),
    [
        ("vanphong", "QT.KCQDN.SGDDT", True, True, True),
        ("vanphong", "QT.KCQDN.SGDDT.TTR", True, True, True),
        ("vanphong", "QT.KCQDN", False, False, False),
        ("bithu", "QT.KCQDN.SGDDT.TCCB", True, True, False),
        ("bithu", "QT.KCQDN.SGDDT.TTR", False, False, False),
        ("bithu", "QT.KCQDN.SGDDT", False, False, False),
        ("bithu2", "QT.KCQDN.SGDDT.TTR", True, True, False),
        ("khoi", "QT.KCQDN", True, False, False),
        ("khoi", "QT.KCQDN.SGDDT.TCCB", True, False, False),
        ("khoi", "QT", False, False, False),
        ("dangvien", "QT.KCQDN.SGDDT.KHTC", False, False, False),
        ("quantri", "QT", True, True, True),
    ],
)
def test_scope_of_each_demo_role(
    user_named: Callable[[str], Any],
    username: str,
    code: str,
    reads: bool,
    writes: bool,
    administers: bool,
) -> None:
    scope = scope_for(user_named(username))
    path = path_of(code)
    assert (scope.reads(path), scope.writes(path), scope.administers(path)) == (
        reads,
        writes,
        administers,
    )


def test_a_plain_member_knows_only_their_own_record(user_named: Callable[[str], Any]) -> None:
    scope = scope_for(user_named("dangvien"))
    assert scope.own_member_id is not None
    assert scope.own_org_path == path_of("QT.KCQDN.SGDDT.KHTC")
    assert scope.read_paths == ()


def test_anonymous_sees_nothing_and_the_system_everything() -> None:
    anonymous = scope_for(AnonymousUser())
    assert not anonymous.reads(path_of("QT"))
    assert scope_for(None) is SYSTEM
    assert SYSTEM.administers(path_of("QT"))


def test_nested_paths_collapse_to_their_ancestor() -> None:
    assert outermost({"0001/0002/", "0001/", "0003/"}) == ("0001/", "0003/")


def test_path_filter_of_an_empty_scope_matches_nothing() -> None:
    empty = Scope(False, (), (), (), None, None)
    assert not Organization.objects.filter(empty.path_q("path")).exists()
