"""LabelledStrEnum: members written with their label, found and compared by their stored value."""

from __future__ import annotations

import json

import pytest

from tongket.core.labelled import LabelledStrEnum


class Colour(LabelledStrEnum):
    RED = "red", "Đỏ"
    DARK_BLUE = "dark_blue", "Xanh đậm"


def test_a_member_is_found_by_its_value() -> None:
    assert Colour("red") is Colour.RED
    assert Colour("dark_blue") is Colour.DARK_BLUE


def test_a_label_is_not_a_value() -> None:
    with pytest.raises(ValueError, match="is not a valid Colour"):
        Colour("Đỏ")


def test_a_member_carries_its_label() -> None:
    assert Colour.RED.label == "Đỏ"
    assert [c.label for c in Colour] == ["Đỏ", "Xanh đậm"]


def test_a_member_is_its_value_as_text() -> None:
    assert Colour.DARK_BLUE.value == "dark_blue"
    stored: str = "dark_blue"
    assert stored == Colour.DARK_BLUE
    assert isinstance(Colour.DARK_BLUE, str)
    assert str(Colour.DARK_BLUE) == "dark_blue"
    assert f"{Colour.DARK_BLUE}" == "dark_blue"
    assert json.dumps({"c": Colour.RED}) == '{"c": "red"}'
    assert {"red": 1}[Colour.RED] == 1


def test_members_keep_the_order_they_are_written_in() -> None:
    assert list(Colour) == [Colour.RED, Colour.DARK_BLUE]
    assert [(c.value, c.label) for c in Colour] == [("red", "Đỏ"), ("dark_blue", "Xanh đậm")]


def test_a_member_written_without_its_label_is_refused() -> None:
    with pytest.raises(TypeError, match="Unlabelled 'green': a member needs a label"):

        class Unlabelled(LabelledStrEnum):
            GREEN = "green"


def test_a_member_with_an_empty_label_is_refused() -> None:
    with pytest.raises(TypeError, match="Blank 'green': a member needs a label"):

        class Blank(LabelledStrEnum):
            GREEN = "green", ""
