"""Forms of the scoring app: they parse input; the services and the import decide and write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.http import QueryDict

from tongket.core.fields import ViDecimalField
from tongket.scoring.services import LineInput

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    """An Excel workbook of score sheets in the layout of docs/import-scores.md."""

    file = forms.FileField(label="Tệp Excel (.xlsx)")
    mode = forms.ChoiceField(
        label="Nội dung nhập",
        choices=(("self", "Điểm tự chấm của đơn vị"), ("appraisal", "Điểm thẩm định")),
    )
    submit = forms.BooleanField(
        label="Gửi thẩm định ngay sau khi nhập (chỉ với điểm tự chấm)", required=False
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Chỉ nhận tệp Excel .xlsx.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Tệp lớn hơn 5 MB.")
        return upload


SCORE_INVALID_RULE = "scoring.score.invalid"


@dataclass(frozen=True)
class CriterionInput:
    """One leaf criterion of the sheet: its score, text and (self side) not-applicable mark."""

    code: str
    score: str
    text: str
    not_applicable: str = ""


class SheetScoresForm(forms.Form):
    """One row per scorable (leaf) criterion; `version` is the sheet version the page showed.
    `appraisal` switches the text to the appraiser's comment and drops the N/A marks."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        data: QueryDict | None,
        *,
        codes: Sequence[str],
        appraisal: bool,
        initial: dict[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.codes = tuple(codes)
        self.appraisal = appraisal
        self.rows: dict[str, CriterionInput] = {}
        for index, code in enumerate(self.codes):
            score, text, na = f"score_{index}", f"text_{index}", f"na_{index}"
            self.fields[score] = ViDecimalField(
                invalid_code=SCORE_INVALID_RULE,
                label=f"Điểm tiêu chí {code}",
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 20, "size": 6}),
            )
            self.fields[text] = forms.CharField(
                label=(f"Ý kiến thẩm định {code}" if appraisal else f"Minh chứng {code}"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if not appraisal:
                self.fields[na] = forms.BooleanField(
                    label=f"Tiêu chí {code} không áp dụng", required=False
                )
            self.rows[code] = CriterionInput(code, score, text, "" if appraisal else na)

    def lines(self) -> dict[str, LineInput]:
        data = self.cleaned_data
        return {
            code: LineInput(data.get(row.score), data.get(row.text) or "")
            for code, row in self.rows.items()
        }

    def not_applicable(self) -> frozenset[str]:
        data = self.cleaned_data
        return frozenset(
            code
            for code, row in self.rows.items()
            if row.not_applicable and data.get(row.not_applicable)
        )
