"""The REST API's token authentication, reading the user's scope with the token."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from tongket.accounts.models import Grant
from tongket.accounts.scope import remember_scope, split_scope_rows
from tongket.people.models import Member, Organization


def _sql() -> str:
    user = get_user_model()._meta.db_table
    token, grant = Token._meta.db_table, Grant._meta.db_table
    org, member = Organization._meta.db_table, Member._meta.db_table
    # Table names come from the models; the key and the dates are parameters.
    return (
        f"SELECT u.*, g.role AS scope_role, o.path AS scope_path, NULL AS scope_member "  # noqa: S608
        f"FROM {token} t JOIN {user} u ON u.id = t.user_id "
        f"LEFT JOIN {grant} g ON g.user_id = u.id AND g.revoked_at IS NULL "
        "AND (g.valid_from IS NULL OR g.valid_from <= %s) "
        "AND (g.valid_until IS NULL OR g.valid_until >= %s) "
        f"LEFT JOIN {org} o ON o.id = g.organization_id WHERE t.key = %s "
        f"UNION ALL SELECT u.*, '', m.org_path, m.id FROM {token} t "
        f"JOIN {user} u ON u.id = t.user_id JOIN {member} m ON m.user_id = u.id WHERE t.key = %s"
    )


class ScopedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication (`Authorization: Token <key>`), with the grants in force and
    the member record read in the same query as the token and its user: an API request then
    spends one query on who is asking and what they may see (`accounts.scope.scope_for` finds
    the scope on the user)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        today = timezone.localdate()
        rows = list(get_user_model().objects.raw(_sql(), [today, today, key, key]))
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = rows[0]
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        found = [
            (getattr(row, "scope_role"), getattr(row, "scope_path"), getattr(row, "scope_member"))  # noqa: B009 - the query's extra columns
            for row in rows
        ]
        grants, member = split_scope_rows(row for row in found if row[0] is not None)
        remember_scope(user, grants, member)
        token = Token(key=key, user_id=user.pk)
        token.user = user
        return user, token
