"""require_text: a blank text is refused with the caller's message, field and rule."""

from __future__ import annotations

import pytest

from tongket.core.errors import DomainError
from tongket.core.required import require_text


@pytest.mark.parametrize("blank", ["", " ", "\t\n "])
def test_a_blank_text_is_refused_with_the_callers_words(blank: str) -> None:
    with pytest.raises(DomainError) as refused:
        require_text(blank, "Cần ghi lý do.", field="reason", rule="example.reason_required")
    assert refused.value.message == "Cần ghi lý do."
    assert refused.value.field == "reason"
    assert refused.value.rule == "example.reason_required"


def test_a_filled_text_passes() -> None:
    require_text(" lý do ", "Cần ghi lý do.", field="reason", rule="example.reason_required")
