"""Form fields for numbers typed the Vietnamese way, shown back the Vietnamese way."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from tongket.core.formatting import format_decimal, parse_decimal, stripped

NUMBER_INVALID_RULE = "number.invalid"


class ViDecimalField(forms.CharField):
    """A number typed the Vietnamese way (`7,5`) or as a spreadsheet exports it (`7.5`), and
    shown back the Vietnamese way (`7,5`, `0`), never `7.5` or `0.0`. Bounds and the number of
    decimals are checked with Vietnamese messages."""

    def __init__(
        self,
        *,
        min_value: Decimal | int | None = None,
        max_value: Decimal | int | None = None,
        decimal_places: int | None = None,
        invalid_code: str = NUMBER_INVALID_RULE,
        **kwargs: Any,
    ) -> None:
        # The length is the widget's (maxlength): validators run on the Decimal read.
        kwargs.pop("max_length", None)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "maxlength": 20})
        )
        super().__init__(**kwargs)
        self.min_value = None if min_value is None else Decimal(min_value)
        self.max_value = None if max_value is None else Decimal(max_value)
        self.decimal_places = decimal_places
        self.invalid_code = invalid_code

    def to_python(self, value: object) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            number = parse_decimal(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code=self.invalid_code) from exc
        if self.min_value is not None and number < self.min_value:
            raise forms.ValidationError(
                f"Giá trị phải từ {format_decimal(stripped(self.min_value))} trở lên.",
                code=self.invalid_code,
            )
        if self.max_value is not None and number > self.max_value:
            raise forms.ValidationError(
                f"Giá trị không được quá {format_decimal(stripped(self.max_value))}.",
                code=self.invalid_code,
            )
        places = -stripped(number).as_tuple().exponent  # type: ignore[operator]
        if self.decimal_places is not None and places > self.decimal_places:
            raise forms.ValidationError(
                f"Chỉ ghi tối đa {self.decimal_places} chữ số thập phân.", code=self.invalid_code
            )
        return number

    def prepare_value(self, value: Any) -> Any:
        """A stored number (`Decimal("7.5")`, `"7.50"`) is shown as `7,5`; text that is not a
        number (what the user typed, with its error) is shown as typed."""
        if value is None or value == "":
            return ""
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_decimal(stripped(Decimal(value)))
        if isinstance(value, str):
            try:
                return format_decimal(stripped(parse_decimal(value)))
            except ValueError:
                return value
        return value
