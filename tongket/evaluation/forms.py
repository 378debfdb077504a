"""Forms of evaluation screens: they parse input only; the services run the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from tongket.core.formatting import parse_date_vi
from tongket.evaluation.domain import Grade, Level, NotClassifiedReason
from tongket.evaluation.selectors import GradeCriterion, Outcome, parse_outcome

LEVEL_CHOICES = [(level.value, level.label) for level in Level.descending()]
OUTCOME_CHOICES = [
    *LEVEL_CHOICES,
    *[(r.value, f"Không xếp loại – {r.label.lower()}") for r in NotClassifiedReason],
]
GRADE_CHOICES = [(grade.value, grade.label) for grade in Grade]


class VietnameseDateField(forms.DateField):
    """Accepts 15/01/2021 as offices write it, and the ISO date a date picker sends."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and "/" in value:
            try:
                return parse_date_vi(value)
            except ValueError:
                raise forms.ValidationError("Ngày không hợp lệ (ví dụ 15/01/2021).") from None
        return super().to_python(value)


class SelfAssessmentForm(forms.Form):
    """Grades per criterion (qd132, qd124) or points per criterion (qd366), and a level."""

    level = forms.ChoiceField(label="Tự nhận mức xếp loại", choices=LEVEL_CHOICES)
    comment = forms.CharField(
        label="Ưu điểm, hạn chế, biện pháp khắc phục",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        grade_criteria: tuple[GradeCriterion, ...] = (),
        point_criteria: tuple[tuple[str, str, Any], ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.grade_codes = [c.code for c in grade_criteria]
        self.point_codes = [code for code, _title, _max in point_criteria]
        for criterion in grade_criteria:
            self.fields[f"grade_{criterion.code}"] = forms.ChoiceField(
                label=f"{criterion.code}. {criterion.title}", choices=GRADE_CHOICES
            )
        for code, title, maximum in point_criteria:
            self.fields[f"points_{code}"] = forms.CharField(
                label=f"{code}. {title} (tối đa {maximum})",
                max_length=8,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )

    def grades(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"grade_{code}"] for code in self.grade_codes}

    def points(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"points_{code}"] for code in self.point_codes}

    def level_value(self) -> Level:
        return Level(self.cleaned_data["level"])


class OutcomeForm(forms.Form):
    """A tier's proposal or appraisal: a level or not classified, and the opinion."""

    outcome = forms.ChoiceField(label="Mức đề xuất", choices=OUTCOME_CHOICES)
    comment = forms.CharField(
        label="Ý kiến", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def outcome_value(self) -> Outcome:
        return parse_outcome(self.cleaned_data["outcome"])


class DecisionForm(forms.Form):
    """One decision, or a correction of one (with its reason)."""

    outcome = forms.ChoiceField(label="Xếp loại", choices=OUTCOME_CHOICES)
    number = forms.CharField(label="Số quyết định", max_length=40)
    date = VietnameseDateField(
        label="Ngày quyết định", widget=forms.DateInput(attrs={"type": "date"})
    )
    justification = forms.CharField(
        label="Lý do của cấp quyết định (bắt buộc khi vượt tỷ lệ)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    reason = forms.CharField(
        label="Lý do điều chỉnh (khi thay thế quyết định đã ban hành)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def outcome_value(self) -> Outcome:
        return parse_outcome(self.cleaned_data["outcome"])


class BulkDecisionForm(forms.Form):
    """A cell's members decided under one decision number; one `outcome_<id>` field per row."""

    number = forms.CharField(label="Số quyết định", max_length=40, required=False)
    date = VietnameseDateField(
        label="Ngày quyết định", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    justification = forms.CharField(
        label="Lý do của cấp quyết định (bắt buộc khi vượt tỷ lệ)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, evaluation_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.evaluation_ids = evaluation_ids
        for pk in evaluation_ids:
            self.fields[f"outcome_{pk}"] = forms.ChoiceField(
                label="Xếp loại",
                choices=[("", "— chưa quyết định —"), *OUTCOME_CHOICES],
                required=False,
            )

    def outcomes(self) -> dict[int, Outcome]:
        out: dict[int, Outcome] = {}
        for pk in self.evaluation_ids:
            value = self.cleaned_data.get(f"outcome_{pk}")
            if value:
                out[pk] = parse_outcome(value)
        return out
