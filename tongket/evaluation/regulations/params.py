"""The parameters of a rule profile: their descriptions, sources and bounds (what an admin screen
shows), the descriptions several regulations share, and the validation of overrides.

Every value DOMAIN.md marks [?] is a parameter with `verified=False`. A regulation's parameters are
a frozen dataclass deriving from `ProfileParams`, each field carrying `info(...)` metadata.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Self

from tongket.core.errors import DomainError
from tongket.core.formatting import format_decimal
from tongket.evaluation.domain import Enforcement, QuotaBase, QuotaPolicy, QuotaScope, Rounding

# --- parameters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParamInfo:
    """What an admin screen shows beside a parameter's value."""

    description: str  # Vietnamese
    source: str  # the document it comes from, or why it is a local choice
    verified: bool  # False: DOMAIN.md marks it [?] or it was not checked against the text
    minimum: Decimal | None = None
    maximum: Decimal | None = None


def info(
    description: str,
    *,
    source: str,
    verified: bool,
    minimum: int | None = None,
    maximum: int | None = None,
) -> dict[str, ParamInfo]:
    """The metadata of a parameter field: what `params_table()` shows beside its value.

    Use as `name: Decimal = field(default=Decimal(20), metadata=info("…", source=…, verified=…))`.
    """
    return {
        "param": ParamInfo(
            description=description,
            source=source,
            verified=verified,
            minimum=None if minimum is None else Decimal(minimum),
            maximum=None if maximum is None else Decimal(maximum),
        )
    }


def display_value(value: object) -> str:
    """A parameter value as Vietnamese text: `20`, `Có`, an enum's label."""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, Decimal | int):
        return format_decimal(value)
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return label
    return str(value)


@dataclass(frozen=True)
class ParamRow:
    """One row of `Profile.params_table()`."""

    name: str
    value: object
    default: object
    description: str
    source: str
    verified: bool

    @property
    def display_value(self) -> str:
        return display_value(self.value)

    @property
    def display_default(self) -> str:
        return display_value(self.default)

    @property
    def changed(self) -> bool:
        return self.value != self.default


# --- parameter descriptions shared by the profiles -----------------------------------------------
# Several regulations carry the same parameter (same meaning and bounds). Each profile still
# declares the field with its own default, `source` and `verified`, so a regulation's module shows
# what it says; these only keep the Vietnamese description and the bounds in one place.

Metadata = dict[str, ParamInfo]


def percent_info(description: str, *, source: str, verified: bool) -> Metadata:
    """A percentage (or a score on the 100-point frame), 0 to 100."""
    return info(description, source=source, verified=verified, minimum=0, maximum=100)


def classification_min_months_info(*, source: str, verified: bool) -> Metadata:
    return info(
        "Số tháng tối thiểu (tính đến cuối kỳ) để đảng viên, tổ chức đảng được xếp loại",
        source=source,
        verified=verified,
        minimum=0,
        maximum=24,
    )


def quota_percent_info(*, source: str, verified: bool) -> Metadata:
    return percent_info(
        "Tỷ lệ tối đa xếp loại Hoàn thành xuất sắc nhiệm vụ (%)", source=source, verified=verified
    )


def quota_base_info(*, source: str, verified: bool) -> Metadata:
    return info(
        "Cơ sở tính tỷ lệ: số hoàn thành tốt nhiệm vụ, hay số hoàn thành tốt trở lên",
        source=source,
        verified=verified,
    )


def quota_scope_info(
    *, source: str, verified: bool, description: str = "Phạm vi tính tỷ lệ"
) -> Metadata:
    return info(description, source=source, verified=verified)


def quota_rounding_info(*, source: str) -> Metadata:
    """No regulation says how to round, so the rounding is never verified."""
    return info(
        "Cách làm tròn số tối đa được xếp loại Hoàn thành xuất sắc nhiệm vụ",
        source=source,
        verified=False,
    )


def organization_quota_enabled_info(*, source: str, verified: bool) -> Metadata:
    return info(
        "Áp dụng tỷ lệ Hoàn thành xuất sắc nhiệm vụ cho tổ chức đảng",
        source=source,
        verified=verified,
    )


def member_targets_min_percent_info(*, source: str, verified: bool) -> Metadata:
    return percent_info(
        "Đảng viên đạt dưới tỷ lệ chỉ tiêu này (%) thì không hoàn thành nhiệm vụ",
        source=source,
        verified=verified,
    )


def member_discipline_excused_info(*, source: str, verified: bool, note: str = "") -> Metadata:
    """`note` is appended to the description (e.g. what an excused member still cannot reach)."""
    description = (
        "Đảng viên bị kỷ luật nhưng tự phát hiện, khắc phục thì không bị xếp loại "
        "không hoàn thành nhiệm vụ"
    )
    return info(_noted(description, note), source=source, verified=verified)


def sick_leave_min_months_info(*, source: str, verified: bool, note: str = "") -> Metadata:
    description = "Nghỉ ốm từ số tháng này trở lên thì không xếp loại từ hoàn thành tốt trở lên"
    return info(_noted(description, note), source=source, verified=verified, minimum=0, maximum=12)


def organization_targets_min_percent_info(*, source: str, verified: bool) -> Metadata:
    return percent_info(
        "Tổ chức đảng đạt dưới tỷ lệ chỉ tiêu này (%) thì không hoàn thành nhiệm vụ "
        "(trừ nguyên nhân bất khả kháng)",
        source=source,
        verified=verified,
    )


def leadership_discipline_threshold_info(*, source: str) -> Metadata:
    """DOMAIN.md marks the threshold [?] under every regulation, so it is never verified."""
    return info(
        "Thành viên cấp ủy bị kỷ luật từ hình thức này trở lên thì tổ chức đảng "
        "không hoàn thành nhiệm vụ",
        source=source,
        verified=False,
    )


def subordinate_disciplined_max_percent_info(*, source: str, verified: bool) -> Metadata:
    return percent_info(
        "Trên tỷ lệ này (%) đơn vị trực thuộc bị kỷ luật thì tổ chức đảng "
        "không hoàn thành nhiệm vụ",
        source=source,
        verified=verified,
    )


def _noted(description: str, note: str) -> str:
    return f"{description} {note}" if note else description


_DECLARED = "(mỗi bộ quy tắc tự khai báo)"


@dataclass(frozen=True)
class ProfileParams:
    """Parameters every profile has; each regulation's subclass adds its own and declares the
    shared ones again with their source (the quota, the months before classification).

    Every value DOMAIN.md marks [?] is a parameter here with `verified=False`.
    """

    # Declared again by every regulation with its own default, source and `verified`; these
    # defaults only give the shared methods below a value to read.
    classification_min_months: int = field(
        default=6, metadata=classification_min_months_info(source=_DECLARED, verified=False)
    )
    quota_percent: Decimal = field(
        default=Decimal(20), metadata=quota_percent_info(source=_DECLARED, verified=False)
    )
    quota_base: QuotaBase = field(
        default=QuotaBase.GOOD, metadata=quota_base_info(source=_DECLARED, verified=False)
    )
    quota_scope: QuotaScope = field(
        default=QuotaScope.GRASSROOTS, metadata=quota_scope_info(source=_DECLARED, verified=False)
    )
    quota_rounding: Rounding = field(
        default=Rounding.FLOOR,
        metadata=quota_rounding_info(source="DOMAIN.md §3; văn bản không quy định cách làm tròn"),
    )
    quota_enforcement: Enforcement = field(
        default=Enforcement.BLOCK,
        metadata=info(
            description="Khi vượt tỷ lệ: chặn quyết định, hay cảnh báo và ghi lý do",
            source="Lựa chọn áp dụng của đơn vị (không phải nội dung văn bản)",
            verified=True,
        ),
    )
    organization_quota_enabled: bool = field(
        default=True, metadata=organization_quota_enabled_info(source=_DECLARED, verified=False)
    )

    def quota_policy(self) -> QuotaPolicy:
        return QuotaPolicy(
            percent=self.quota_percent,
            base=self.quota_base,
            scope=self.quota_scope,
            rounding=self.quota_rounding,
            enforcement=self.quota_enforcement,
        )

    def rows(self) -> list[ParamRow]:
        defaults = type(self)()
        rows = []
        for item in dataclasses.fields(self):
            info: ParamInfo = item.metadata["param"]
            rows.append(
                ParamRow(
                    name=item.name,
                    value=getattr(self, item.name),
                    default=getattr(defaults, item.name),
                    description=info.description,
                    source=info.source,
                    verified=info.verified,
                )
            )
        return rows

    def validated(self, **overrides: object) -> Self:
        """A copy with `overrides` applied, each coerced to its parameter's type and checked.

        Raises DomainError naming the parameter for an unknown name or a bad value.
        """
        fields_by_name = {item.name: item for item in dataclasses.fields(self)}
        coerced: dict[str, Any] = {}
        for name, value in overrides.items():
            item = fields_by_name.get(name)
            if item is None:
                raise DomainError(
                    f"Không có tham số «{name}» trong bộ quy tắc.",
                    field=name,
                    rule="profile.params.unknown",
                )
            coerced[name] = _coerce(name, getattr(self, name), value, item.metadata["param"])
        result = dataclasses.replace(self, **coerced)
        result.check()
        return result

    def check(self) -> None:
        """Cross-parameter checks; a subclass extends it and raises DomainError."""


def _coerce(name: str, current: object, value: object, info: ParamInfo) -> object:
    def bad(expected: str) -> DomainError:
        return DomainError(
            f"Tham số «{name}» cần {expected}, nhận được «{value}».",
            field=name,
            rule="profile.params.invalid",
        )

    result: object
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise bad("giá trị Có/Không")
        return value
    if isinstance(current, StrEnum):
        try:
            return type(current)(str(value))
        except ValueError:
            allowed = ", ".join(member.value for member in type(current))
            raise bad(f"một trong: {allowed}") from None
    if isinstance(current, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("một số nguyên")
        result = value
        number = Decimal(value)
    elif isinstance(current, Decimal):
        if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
            raise bad("một số")
        try:
            number = Decimal(value.replace(",", ".")) if isinstance(value, str) else Decimal(value)
        except InvalidOperation:
            raise bad("một số") from None
        if not number.is_finite():
            raise bad("một số hữu hạn")
        result = number
    else:  # pragma: no cover - every parameter type is handled above
        raise bad(type(current).__name__)
    if info.minimum is not None and number < info.minimum:
        raise bad(f"giá trị từ {format_decimal(info.minimum)} trở lên")
    if info.maximum is not None and number > info.maximum:
        raise bad(f"giá trị không quá {format_decimal(info.maximum)}")
    return result
