"""The project's form renderer: Django's templates renderer whose bound fields explain terms of
art (`tongket.core.terms`) on every form, without each form repeating the explanation."""

from __future__ import annotations

from typing import Any

from django.forms import BoundField
from django.forms.renderers import DjangoTemplates

from tongket.core.terms import help_for


class ExplainedBoundField(BoundField):
    """A bound field whose help text, when its form gives none, is the term's explanation with
    its article; the widget's aria-describedby then points at it."""

    def __init__(self, form: Any, field: Any, name: str) -> None:
        super().__init__(form, field, name)
        if not self.help_text:
            self.help_text = help_for(str(self.label))


class Renderer(DjangoTemplates):
    bound_field_class = ExplainedBoundField
