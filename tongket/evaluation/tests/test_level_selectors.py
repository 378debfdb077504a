"""Level selectors start empty, never on «excellent»: a form sent without a choice is refused."""

from __future__ import annotations

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
