"""Forms of evaluation screens: they parse input only; the services run the rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Field

from tongket.core.fields import ViDecimalField
from tongket.core.formatting import format_points, parse_date_vi
from tongket.evaluation.domain import (
    DisciplineForm,
    Grade,
    Level,
    NotClassifiedReason,
    reasons_for,
)
from tongket.evaluation.models import UNGROUPED, Evaluation
from tongket.evaluation.regulations.calendar import STEPS, Step
from tongket.evaluation.selectors import DecisionTerms, GradeCriterion, Outcome, parse_outcome
from tongket.evaluation.services import CYCLE_KINDS, FactsInput
from tongket.people.pickers import OrganizationChoiceField, OrganizationChoiceForm

# Level selectors start empty: a form sent without choosing is refused, never read as
# "excellent" because it happened to be the first option.
UNCHOSEN = ("", "— chọn mức —")
LEVEL_CHOICES = [(level.value, level.label) for level in Level.descending()]


def _reason_choices(reasons: Iterable[NotClassifiedReason]) -> list[tuple[str, str]]:
    return [(r.value, f"Không xếp loại – {r.label.lower()}") for r in reasons]


OUTCOME_CHOICES = [*LEVEL_CHOICES, *_reason_choices(NotClassifiedReason)]
GRADE_CHOICES = [(grade.value, grade.label) for grade in Grade]


def outcome_choices(*, member: bool | None) -> list[tuple[str, str]]:
    """The levels and the not-classified reasons that can apply to the subject (all of them
    when its kind is not known)."""
    if member is None:
        return OUTCOME_CHOICES
    return [*LEVEL_CHOICES, *_reason_choices(reasons_for(member=member))]


class _ForOneSubject(forms.Form):
    """A form about one subject's outcome: `member=True/False` offers only the reasons that fit
    it."""

    def __init__(self, *args: Any, member: bool | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["outcome"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [UNCHOSEN, *outcome_choices(member=member)]

    def outcome_value(self) -> Outcome:
        return parse_outcome(self.cleaned_data["outcome"])


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

    level = forms.ChoiceField(label="Tự nhận mức xếp loại", choices=[UNCHOSEN, *LEVEL_CHOICES])
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
            self.fields[f"points_{code}"] = ViDecimalField(
                label=f"{code}. {title} (tối đa {format_points(maximum)})",
                min_value=0,
                invalid_code="evaluation.points.invalid",
            )

    def grades(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"grade_{code}"] for code in self.grade_codes}

    def points(self) -> dict[str, str]:
        """Points as the services read them ("7.5"), whichever way they were typed."""
        return {code: format(self.cleaned_data[f"points_{code}"], "f") for code in self.point_codes}

    def level_value(self) -> Level:
        return Level(self.cleaned_data["level"])


class OutcomeForm(_ForOneSubject):
    """A tier's proposal or appraisal: a level or not classified, and the opinion."""

    outcome = forms.ChoiceField(label="Mức đề xuất", choices=[UNCHOSEN, *OUTCOME_CHOICES])
    comment = forms.CharField(
        label="Ý kiến", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AppraisalForm(OutcomeForm):
    """The committee's appraisal (thẩm định) before the decision: a level and its opinion."""

    outcome = forms.ChoiceField(label="Mức thẩm định", choices=[UNCHOSEN, *OUTCOME_CHOICES])
    comment = forms.CharField(
        label="Ý kiến thẩm định", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class _DecisionTermsForm(_ForOneSubject):
    """A form that issues one decision: its outcome, number, date and justification."""

    def terms(self) -> DecisionTerms:
        data = self.cleaned_data
        return DecisionTerms(
            outcome=self.outcome_value(),
            number=data["number"],
            date=data["date"],
            justification=data["justification"],
        )


class DecisionForm(_DecisionTermsForm):
    """One decision, or a correction of one (with its reason)."""

    outcome = forms.ChoiceField(label="Xếp loại", choices=[UNCHOSEN, *OUTCOME_CHOICES])
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


class OpenCycleForm(OrganizationChoiceForm):
    """A new cycle: the organization (among those the user writes for), the year, a quarter."""

    organization = OrganizationChoiceField(
        label="Tổ chức đảng mở kỳ đánh giá", purpose="write", kinds=CYCLE_KINDS
    )
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="Quý (để trống nếu đánh giá cả năm)",
        choices=[("", "— cả năm —"), *[(q, f"Quý {q}") for q in range(1, 5)]],
        coerce=int,
        empty_value=None,
        required=False,
    )


class ReasonedDecisionForm(_DecisionTermsForm):
    """A correction or a reclassification of a current decision: the reason is required."""

    outcome = forms.ChoiceField(label="Xếp loại", choices=[UNCHOSEN, *OUTCOME_CHOICES])
    number = forms.CharField(label="Số quyết định", max_length=40)
    date = VietnameseDateField(
        label="Ngày quyết định", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))
    justification = forms.CharField(
        label="Lý do của cấp quyết định (bắt buộc khi vượt tỷ lệ)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


_LEVEL_OR_EMPTY = [("", "— chưa có —"), *LEVEL_CHOICES]
_DISCIPLINE_OR_NONE = [("", "— không có —"), *[(f.value, f.label) for f in DisciplineForm]]
# The facts FactsInput holds, with the labels of the model's fields.
FACT_FLAGS = (
    "disciplined",
    "discipline_self_remedied",
    "degradation_concluded",
    "targets_force_majeure",
    "maternity_leave",
    "exempted",
    "suspended",
    "is_leader",
    "earlier_shortcomings_remedied",
    "disunity",
    # qd366, Điều 11.4
    "discipline_duty_related",
    "prohibitions_breached",
    "corruption_under_management",
    "personnel_wrongdoing",
    "basic_targets_missed",
    "outside_political_system",
)
FACT_COUNTS = (
    "targets_assigned",
    "targets_met",
    "tasks_total",
    "tasks_completed",
    "tasks_on_time",
    "tasks_late",
    "tasks_exceeded",
    "confidence_votes",
    "low_confidence_votes",
)

FACT_CHOICES = (
    "civil_service_level",
    "sick_leave_months",
    "same_level_bodies_level",
    "leadership_discipline",
    "peer_group",
    "temporary_cell",
    "temporary_cell_comment",
    "discipline_form",
    "discipline_date",
    "discipline_unit",
    "competent_justification",
)

# The two facts the form offers as a level's value (or none): FactsInput takes them as a Level.
LEVEL_FACTS = ("civil_service_level", "same_level_bodies_level")


def _fact_label(name: str) -> str:
    field = Evaluation._meta.get_field(name)
    assert isinstance(field, Field)
    return str(field.verbose_name).capitalize()


class FactsForm(forms.Form):
    """What the office records for one evaluation; the rules read these facts."""

    civil_service_level = forms.ChoiceField(
        label="Xếp loại công chức, viên chức", choices=_LEVEL_OR_EMPTY, required=False
    )
    sick_leave_months = ViDecimalField(
        label="Số tháng nghỉ ốm", min_value=0, max_value=12, decimal_places=1
    )
    same_level_bodies_level = forms.ChoiceField(
        label="Xếp loại chính quyền, đoàn thể cùng cấp", choices=_LEVEL_OR_EMPTY, required=False
    )
    leadership_discipline = forms.ChoiceField(
        label="Kỷ luật nặng nhất của thành viên cấp ủy",
        choices=_DISCIPLINE_OR_NONE,
        required=False,
    )
    peer_group = forms.CharField(label="Nhóm tương đồng", max_length=80, required=False)
    temporary_cell = forms.CharField(
        label="Chi bộ sinh hoạt tạm thời (nếu có)", max_length=255, required=False
    )
    temporary_cell_comment = forms.CharField(
        label="Nhận xét bằng văn bản của chi bộ sinh hoạt tạm thời",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    discipline_form = forms.ChoiceField(
        label="Hình thức kỷ luật (QĐ 366, Điều 11.4)", choices=_DISCIPLINE_OR_NONE, required=False
    )
    discipline_date = VietnameseDateField(label="Ngày xảy ra vi phạm", required=False)
    discipline_unit = forms.CharField(
        label="Mã đơn vị nơi xảy ra vi phạm (để trống: đơn vị này)", max_length=255, required=False
    )
    competent_justification = forms.CharField(
        label="Lý do cấp có thẩm quyền xem xét (vi phạm tự phát hiện, khắc phục; bất khả kháng)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in FACT_FLAGS:
            self.fields[name] = forms.BooleanField(label=_fact_label(name), required=False)
        for name in FACT_COUNTS:
            self.fields[name] = forms.IntegerField(
                label=_fact_label(name), min_value=0, required=name.startswith("targets_")
            )

    @staticmethod
    def initial_for(ev: Evaluation) -> dict[str, Any]:
        names = (*FACT_FLAGS, *FACT_COUNTS, *FACT_CHOICES)
        return {name: getattr(ev, name) for name in names}

    def facts(self) -> FactsInput:
        data = self.cleaned_data
        level = data["civil_service_level"]
        bodies = data["same_level_bodies_level"]
        return FactsInput(
            civil_service_level=Level(level) if level else None,
            clear_civil_service_level=not level,
            same_level_bodies_level=Level(bodies) if bodies else None,
            clear_discipline_date=data["discipline_date"] is None,
            **{
                name: data[name]
                for name in (*FACT_FLAGS, *FACT_COUNTS, *FACT_CHOICES)
                if name not in LEVEL_FACTS
            },
        )


# --- qd366 quota groups and the 25 % exception (Điều 11, point 1.5) ------------------------------

SUBJECT_KIND_CHOICES = [("member", "Đảng viên"), ("organization", "Tổ chức đảng")]


class QuotaGroupsByBasisForm(forms.Form):
    """Every subject of one kind put in one group at once: organizations by kind, members by
    post (leaders and managers apart from members without a post)."""

    basis = forms.ChoiceField(
        label="Chia nhóm",
        choices=[
            ("org_kind", "Tổ chức đảng theo loại tổ chức"),
            ("post", "Đảng viên theo chức vụ (lãnh đạo, quản lý / không giữ chức vụ)"),
        ],
    )

    def subject_kind(self) -> str:
        return "organization" if self.cleaned_data["basis"] == "org_kind" else "member"


class QuotaGroupMoveForm(forms.Form):
    """Some subjects moved into one group by hand (a new name makes a new group)."""

    subject_kind = forms.ChoiceField(label="Đối tượng", choices=SUBJECT_KIND_CHOICES)
    group = forms.CharField(
        label="Tên nhóm (để trống: chưa phân nhóm)", max_length=80, required=False
    )
    codes = forms.CharField(
        label="Số thẻ đảng viên hoặc mã tổ chức (mỗi dòng một mã, hoặc cách nhau bởi dấu phẩy)",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def code_list(self) -> list[str]:
        raw = self.cleaned_data["codes"].replace(",", "\n").replace(";", "\n")
        return [line.strip() for line in raw.splitlines() if line.strip()]


class QuotaExceptionForm(forms.Form):
    """The competent level's decision raising the rate (at most 25 %) for some groups."""

    subject_kind = forms.ChoiceField(label="Đối tượng", choices=SUBJECT_KIND_CHOICES)
    groups = forms.MultipleChoiceField(
        label="Các nhóm áp dụng", widget=forms.CheckboxSelectMultiple, choices=()
    )
    percent = ViDecimalField(
        label="Tỷ lệ (%)", min_value=0, max_value=100, decimal_places=2, required=True
    )
    number = forms.CharField(label="Số quyết định", max_length=40)
    date = VietnameseDateField(label="Ngày quyết định")
    reason = forms.CharField(
        label="Lý do (kết quả nổi trội)", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, group_names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = self.fields["groups"]
        assert isinstance(groups, forms.MultipleChoiceField)
        groups.choices = [(name, name or UNGROUPED) for name in group_names]


class CalendarForm(forms.Form):
    """The cycle's deadline of each step, typed dd/mm/yyyy (regulations/calendar.py checks
    them in the service: order, and the final deadline of HD 43 §4)."""

    year_ends_otherwise = forms.BooleanField(
        label="Đơn vị có năm công tác kết thúc khác (hạn chót 15/01 năm sau)", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for step in STEPS:
            self.fields[step.field] = VietnameseDateField(
                label=step.label,
                input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                widget=forms.DateInput(
                    format="%d/%m/%Y",
                    attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 10},
                ),
            )

    def dates(self) -> dict[Step, Any]:
        return {step: self.cleaned_data.get(step.field) for step in STEPS}
