from __future__ import annotations

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tongket.people"
    label = "people"

    def ready(self) -> None:
        # The workbook sheets of this app (template, import, upload page, exports).
        from tongket.exchange.importer import register
        from tongket.people.sheets import MemberSheet, OrganizationSheet, PartyRoleSheet, PostSheet

        for sheet in (OrganizationSheet(), MemberSheet(), PartyRoleSheet(), PostSheet()):
            register(sheet)
