"""Organization codes from before rule people.organization.code_alphabet: each code outside
the alphabet is replaced by the nearest valid one (`people.domain.safe_org_code`), and every
change is logged (and printed) with both codes, so an office can tell its users. Everything
refers to organizations by id, so nothing else changes."""

from __future__ import annotations

import logging
from typing import Any

from django.db import migrations

from tongket.people.domain import is_valid_org_code, safe_org_code

logger = logging.getLogger("tongket.people.migrations")


def fix_codes(apps: Any, schema_editor: Any) -> list[tuple[str, str]]:
    Organization = apps.get_model("people", "Organization")  # noqa: N806 - a model class
    taken = set(Organization.objects.values_list("code", flat=True))
    changed: list[tuple[str, str]] = []
    for org in Organization.objects.order_by("path"):
        if is_valid_org_code(org.code):
            continue
        taken.discard(org.code)
        new = safe_org_code(org.code, taken)
        taken.add(new)
        changed.append((org.code, new))
        logger.warning("organization code %r replaced by %r", org.code, new)
        print(f"  Mã tổ chức {org.code!r} đổi thành {new!r} ({org.name})")  # noqa: T201
        Organization.objects.filter(pk=org.pk).update(code=new)
    return changed


class Migration(migrations.Migration):
    dependencies = [("people", "0008_role_and_post_end_reason")]

    operations = [migrations.RunPython(fix_codes, migrations.RunPython.noop)]
