from __future__ import annotations

from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "tongket.scoring"
    label = "scoring"

    def ready(self) -> None:
        # The workbook sheets of this app (template, import, upload page, exports).
        from tongket.exchange.importer import register
        from tongket.scoring.sheets import ScoreLineSheet, TargetSheet

        for sheet in (
            ScoreLineSheet(),
            TargetSheet(),
        ):
            register(sheet)
