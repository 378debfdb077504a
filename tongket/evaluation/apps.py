from __future__ import annotations

from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "tongket.evaluation"
    label = "evaluation"

    def ready(self) -> None:
        # The workbook sheets of this app (template, import, upload page, exports).
        from tongket.evaluation.sheets import EvaluationFactsSheet, EvaluationResultSheet
        from tongket.exchange.importer import register

        for sheet in (EvaluationFactsSheet(), EvaluationResultSheet()):
            register(sheet)
