"""Level selectors start empty, never on «excellent»: a form sent without a choice is refused."""

from __future__ import annotations

from typing import Any

from django.forms import ChoiceField

from tongket.evaluation.forms import DecisionForm, OutcomeForm, ReasonedDecisionForm


def test_outcome_selectors_render_with_the_empty_choice_selected() -> None:
    for form in (OutcomeForm(), DecisionForm(), ReasonedDecisionForm()):
        html = str(form["outcome"])
        assert '<option value="" selected>— chọn mức —</option>' in html
        assert 'value="excellent" selected' not in html


def test_a_proposal_sent_without_a_level_is_refused() -> None:
    form = OutcomeForm({"outcome": "", "comment": "Tốt"})
    assert not form.is_valid()
    assert "outcome" in form.errors


def test_a_form_about_a_member_offers_only_the_reasons_a_member_can_have() -> None:
    member = {value for value, _ in _choices(OutcomeForm(member=True))}
    organization = {value for value, _ in _choices(DecisionForm(member=False))}
    assert "joined_under_6_months" in member
    assert "suspended" in member
    assert "organization_under_6_months" not in member
    assert "organization_under_6_months" in organization
    assert "joined_under_6_months" not in organization
    assert "exempted" not in organization
    assert {"excellent", "good", "completed", "not_completed", "other"} <= member & organization


def _choices(form: Any) -> list[tuple[str, str]]:
    field = form.fields["outcome"]
    assert isinstance(field, ChoiceField)
    return [(str(value), str(label)) for value, label in field.choices]  # type: ignore[misc,union-attr]
