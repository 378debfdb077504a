from __future__ import annotations

from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "tongket.awards"
    label = "awards"

    def ready(self) -> None:
        # The workbook sheets of this app (template, import, upload page, exports).
        from tongket.awards.sheets import AwardSheet
        from tongket.exchange.importer import register

        for sheet in (AwardSheet(),):
            register(sheet)
