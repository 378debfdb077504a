"""The filters of the audit-log browser."""

from __future__ import annotations

from typing import Any

from django import forms

from tongket.audit.labels import AREAS, action_label, object_type_label
from tongket.audit.selectors import EventFilter

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class EventFilterForm(forms.Form):
    date_from = forms.DateField(label="Từ ngày", required=False, input_formats=DATE_FORMATS)
    date_to = forms.DateField(label="Đến ngày", required=False, input_formats=DATE_FORMATS)
    actor = forms.ChoiceField(label="Người thực hiện", required=False)
    action = forms.ChoiceField(label="Hành động", required=False)
    object_type = forms.ChoiceField(label="Loại đối tượng", required=False)

    def __init__(self, *args: Any, choices: dict[str, list[str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            self.fields[name].error_messages["invalid"] = "Ngày không hợp lệ (ngày/tháng/năm)."
        everyone = [("", "— Tất cả —")]
        actions = sorted(set(choices["actions"]) | {a.split(".")[0] for a in choices["actions"]})
        # Codes are the values (the filter matches them); people read phrases.
        lists = {
            "actor": [(a, a) for a in choices["actors"]],
            "action": [
                (a, f"{AREAS.get(a, a)} (mọi thao tác)" if "." not in a else action_label(a))
                for a in actions
            ],
            "object_type": [(t, object_type_label(t)) for t in choices["object_types"]],
        }
        for name, values in lists.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = everyone + values
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = "Giá trị không có trong danh sách."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "«Đến ngày» phải sau hoặc bằng «Từ ngày».")
        return data

    def event_filter(self) -> EventFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return EventFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            actor=data.get("actor") or "",
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
        )
