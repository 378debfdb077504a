"""StrEnums whose members carry their Vietnamese label where they are defined: pure Python, for
the apps' domain modules (no Django here)."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledStrEnum(StrEnum):
    """A StrEnum whose members are written with their label, `DONE = "done", "Đã hoàn thành"`:
    `member.value` is the stored text, `member.label` what users read. Members are found by value
    as with any StrEnum: `ItemStatus("done")`."""

    _value_: str
    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        # `label` has a default only so that type checkers accept the lookup by value
        # (`ItemStatus("done")`, which does not come here); every member must name one.
        if not label:
            raise TypeError(f"{cls.__name__} {value!r}: a member needs a label.")
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
