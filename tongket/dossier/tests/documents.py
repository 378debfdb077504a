"""Adding a document to an evaluation's dossier, as the tests of the dossier do it."""

from __future__ import annotations

from typing import Any

from tongket.dossier import services
from tongket.dossier.models import DossierDocument
from tongket.dossier.tests.test_domain import PDF
from tongket.evaluation.models import Evaluation


def upload(name: str, content: bytes) -> services.Upload:
    return services.Upload(name, len(content), content)


def add(
    actor: Any,
    evaluation: Evaluation,
    kind: str = "minutes",
    title: str = "Biên bản",
    file: tuple[str, bytes] | None = ("bien-ban.pdf", PDF),
    **typed: Any,
) -> DossierDocument:
    """Adds `file` (its name and content) to the evaluation's dossier; with `file=None`, the
    typed text given in `typed` (text, signed_by, signed_on)."""
    return services.add_document(
        actor=actor,
        evaluation_id=evaluation.pk,
        kind=kind,
        title=title,
        upload=upload(*file) if file else None,
        **typed,
    )
