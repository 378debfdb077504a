"""Search keys, name clean-up and Vietnamese name sorting."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.core.text import (
    NameParts,
    fold,
    normalize_name,
    split_name,
    vietnamese_sort_key,
    vietnamese_sort_string,
    word_sort_key,
)

VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"
TONED_VOWELS = "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
vietnamese_words = st.text(alphabet=VIETNAMESE_LETTERS + TONED_VOWELS, min_size=1, max_size=8)
vietnamese_names = st.lists(vietnamese_words, min_size=1, max_size=4).map(" ".join)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lê Văn Tính", "le van tinh"),
        ("ĐẢNG ỦY SỞ GIÁO DỤC VÀ ĐÀO TẠO", "dang uy so giao duc va dao tao"),
        ("  Võ   Văn\tMinh \n", "vo van minh"),
        ("Nguyễn Thanh Quang", "nguyen thanh quang"),
        ("Ðặng Thị Hoà", "dang thi hoa"),  # Icelandic eth typed for Đ
        ("Chi bộ 05", "chi bo 05"),
        ("", ""),
    ],
)
def test_fold_removes_diacritics_case_and_extra_spaces(text, expected):
    assert fold(text) == expected


def test_fold_gives_the_same_key_for_composed_and_decomposed_input():
    name = "Lê Văn Tính Đạt Nguyễn"
    assert fold(unicodedata.normalize("NFD", name)) == fold(unicodedata.normalize("NFC", name))


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_fold_ignores_the_unicode_normalization_form(text):
    composed = fold(unicodedata.normalize("NFC", text))
    assert fold(unicodedata.normalize("NFD", text)) == composed
    assert fold(unicodedata.normalize("NFKC", text)) == composed


@given(vietnamese_names)
def test_fold_of_a_vietnamese_name_is_plain_ascii(name):
    assert fold(name).isascii()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  lê   VĂN tính ", "Lê Văn Tính"),
        ("NGUYỄN THỊ ÁNH", "Nguyễn Thị Ánh"),
        ("đặng đình đạt", "Đặng Đình Đạt"),
        ("h'hen niê", "H'Hen Niê"),
        ("tôn nữ-thị ninh", "Tôn Nữ-Thị Ninh"),
        (unicodedata.normalize("NFD", "nguyễn văn an"), "Nguyễn Văn An"),
    ],
)
def test_names_are_composed_trimmed_and_capitalized_word_by_word(text, expected):
    result = normalize_name(text)
    assert result == expected
    assert unicodedata.is_normalized("NFC", result)


@given(vietnamese_names)
def test_normalizing_a_name_twice_changes_nothing(name):
    assert normalize_name(normalize_name(name)) == normalize_name(name)


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Lê Văn Tính", NameParts("Lê", "Văn", "Tính")),
        ("Tôn Nữ Thị Ngọc Hân", NameParts("Tôn", "Nữ Thị Ngọc", "Hân")),
        ("Lê Tính", NameParts("Lê", "", "Tính")),
        ("Tính", NameParts("", "", "Tính")),
        ("  ", NameParts("", "", "")),
    ],
)
def test_a_name_splits_into_family_middle_and_given(full, expected):
    assert split_name(full) == expected


def _sorted(names):
    return sorted(names, key=vietnamese_sort_key)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Nguyễn Văn An", "Lê Thị Bình"),  # given name first: An before Bình
        ("Phạm Dũng", "Trần Đạt"),  # đ is a letter after d
        ("Lê An", "Lê Ăn"),  # a < ă < â
        ("Lê Ăn", "Lê Ân"),
        ("Lê On", "Lê Ôn"),  # o < ô < ơ
        ("Lê Ôn", "Lê Ơn"),
        ("Lê Ung", "Lê Ưng"),  # u < ư
        ("Lê Em", "Lê Êm"),  # e < ê
        ("Lê Văn Anh", "Lê Văn Ảnh"),  # ngang < hỏi
        ("Lê Mà", "Lê Mả"),  # huyền < hỏi
        ("Lê Mả", "Lê Mã"),  # hỏi < ngã
        ("Lê Mã", "Lê Má"),  # ngã < sắc
        ("Lê Má", "Lê Mạ"),  # sắc < nặng
        ("Lê Mạ", "Lê Mác"),  # letters before tone: ma- < mac
        ("Lê Thị Hoa", "Lê Văn Hoa"),  # same given name: middle names decide
        ("Lê Hoa", "Lê Thị Hoa"),  # no middle name before any middle name
        ("Lê Văn Hoa", "Nguyễn Văn Hoa"),  # then the family name
        ("Trần Y", "Trần Z"),  # foreign letters keep their Latin place
        ("Lê Văn Tính", "Lê Văn Tính2"),  # a word sorts before its extensions
    ],
)
def test_names_sort_by_given_name_with_vietnamese_collation(first, second):
    assert _sorted([second, first]) == [first, second]
    assert vietnamese_sort_string(first) < vietnamese_sort_string(second)


def test_the_seeds_people_are_listed_the_way_an_office_lists_them():
    people = ["Lê Văn Tính", "Võ Văn Minh", "Nguyễn Thanh Quang", "Trần Đạt", "Phạm Dũng"]
    assert _sorted(people) == [
        "Phạm Dũng",
        "Trần Đạt",
        "Võ Văn Minh",
        "Nguyễn Thanh Quang",
        "Lê Văn Tính",
    ]


def test_sorting_ignores_case_and_where_the_tone_mark_sits():
    assert word_sort_key("Hoà") == word_sort_key("hòa")
    assert word_sort_key("THUỶ") == word_sort_key("thủy")


def test_sorting_is_the_same_for_composed_and_decomposed_names():
    name = "Đặng Thị Ngọc Ánh"
    assert vietnamese_sort_string(unicodedata.normalize("NFD", name)) == vietnamese_sort_string(
        name
    )


@given(vietnamese_names, vietnamese_names)
def test_the_sort_string_orders_names_like_the_sort_key(first, second):
    by_key = vietnamese_sort_key(first)[:3] < vietnamese_sort_key(second)[:3]
    by_string = vietnamese_sort_string(first) < vietnamese_sort_string(second)
    assert by_key == by_string


@given(vietnamese_names)
def test_the_sort_string_is_ascii_digits(name):
    assert vietnamese_sort_string(name).isdigit()
    assert vietnamese_sort_string(name).isascii()
