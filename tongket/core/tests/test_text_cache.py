"""The per-word caches of tongket.core.text give exactly what the whole-text algorithms give."""

from __future__ import annotations

import sys
import unicodedata
from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from tongket.core import text
from tongket.core.text import fold, normalize_name, vietnamese_sort_key, vietnamese_sort_string


def _whole_fold(value: str) -> str:
    """fold's algorithm applied to the whole text at once (as before the per-word cache)."""
    return str(text._fold_word.__wrapped__(value))


def _whole_sort_string(full_name: str) -> str:
    given_key, middles, family, _ = vietnamese_sort_key(full_name)
    middle = "".join("1" + text._encode_word(word) for word in middles) + "0"
    return text._encode_word(given_key) + middle + text._encode_word(family)


@cache
def _space_makers() -> list[str]:
    """Every character that is whitespace, or becomes or holds whitespace once decomposed or
    case-folded: where folding word by word could differ from folding the whole text."""
    found = []
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        variants = (char, unicodedata.normalize("NFKD", char), char.casefold())
        if any(c.isspace() for v in variants for c in v):
            found.append(char)
    return found


def test_folding_word_by_word_equals_folding_the_whole_text_around_any_space():
    makers = _space_makers()
    assert " " in makers
    assert "\u00a0" in makers
    assert "\u00a8" in makers  # ¨ decomposes to " ̈"
    for char in makers:
        for sample in (f"a{char}b", char, f"Lê {char} Tính", f"{char}\u0301ê", f"Đ{char}{char}"):
            assert fold(sample) == _whole_fold(sample), (hex(ord(char)), sample)


any_text = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from(" \u00a0\u0301Đđİ"),
    max_size=30,
)


@given(any_text)
def test_fold_equals_the_whole_text_algorithm_for_any_text(value: str) -> None:
    assert fold(value) == _whole_fold(value)
    assert fold(value) == fold(value)  # and again from the cache


@given(any_text)
def test_sort_string_equals_the_uncached_encoding_for_any_text(value: str) -> None:
    assert vietnamese_sort_string(value) == _whole_sort_string(value)


@given(any_text)
def test_normalize_name_equals_the_uncached_capitalization(value: str) -> None:
    composed = unicodedata.normalize("NFC", value)
    expected = " ".join(text._capitalize_parts.__wrapped__(w) for w in composed.split())
    assert normalize_name(value) == expected


def test_the_word_caches_are_bounded():
    for cached in (text._fold_word, text._capitalize_parts, text.word_sort_key):
        assert cached.cache_info().maxsize == text.WORD_CACHE
    assert text._encoded_word.cache_info().maxsize == text.WORD_CACHE
