"""Fixtures shared by the scoring tests."""

from __future__ import annotations

from typing import Any

import pytest

from tongket.accounts import services as accounts
from tongket.accounts.models import Role
from tongket.people import services as people
from tongket.people.models import OrganizationKind


@pytest.fixture
def other_department_user(django_user_model: Any) -> Any:
    """The office of another department's Party organization (Sở Tài chính)."""
    people.create_organization(
        actor=None,
        data=people.OrganizationInput(
            code="QT.KCQDN.STC",
            name="Đảng bộ Sở Tài chính",
            kind=OrganizationKind.GRASSROOTS,
            parent_code="QT.KCQDN",
            agency_code="UBND.QT.STC",
        ),
    )
    user = django_user_model.objects.create_user("taichinh", password="x")
    accounts.grant_access(
        actor=None, username="taichinh", organization_code="QT.KCQDN.STC", role=Role.OFFICE_ADMIN
    )
    return user
