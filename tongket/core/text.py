"""Vietnamese text: diacritic-free search keys, name clean-up and name sorting (no Django).

Collation follows the Unicode CLDR tailoring for Vietnamese (`common/collation/vi.xml`, type
"standard", used by ICU): letters `a < ă < â`, `d < đ`, `e < ê`, `o < ô < ơ`, `u < ư` are
distinct letters, and the tone is a secondary difference, compared only when two syllables have
the same letters, in the order written there as `&̀ << ̉ << ̃ << ́ << ̣`: ngang (no mark),
huyền, hỏi, ngã, sắc, nặng. It is also the order of Vietnamese dictionaries (Hoàng Phê, Từ điển
tiếng Việt): `ma, mà, mả, mã, má, mạ, mác, mạc`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

# Some keyboards and old data type Icelandic eth (Ð, U+00D0) for Vietnamese Đ (U+0110).
_D_WITH_STROKE = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_DROPPED_CATEGORIES = {"Mn", "Me"}


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) not in _DROPPED_CATEGORIES)


# Names repeat their words (a few hundred family names, a few thousand given and middle names
# cover nearly everyone), so the per-word work below is cached; the caches are bounded.
WORD_CACHE = 65536


def fold(text: str) -> str:
    """The search form of a text: no diacritics (đ becomes d), lower case, single spaces.

    `fold("Lê Văn Tính") == "le van tinh"`, whatever the input's normalization (NFC or NFD).
    Folding never joins nor splits across whitespace, so each word is folded on its own.
    """
    return " ".join([folded for word in text.split() if (folded := _fold_word(word))])


@lru_cache(maxsize=WORD_CACHE)
def _fold_word(text: str) -> str:
    folded = text
    # Case folding can itself produce marks (İ folds to i + U+0307) and stripping can expose
    # letters that fold again, so repeat until stable; two passes settle every real input.
    for _ in range(4):
        step = _strip_marks(folded).translate(_D_WITH_STROKE).casefold()
        if step == folded:
            break
        folded = step
    return " ".join(folded.split())


def _capitalize(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


@lru_cache(maxsize=WORD_CACHE)
def _capitalize_parts(word: str) -> str:
    # Names such as "H'Hen Niê" (Ê Đê) or hyphenated names capitalize each part.
    for separator in ("-", "'", "’"):
        if separator in word:
            return separator.join(_capitalize_parts(part) for part in word.split(separator))
    return _capitalize(word)


def normalize_name(text: str) -> str:
    """A person's name as stored: NFC, trimmed, single spaces, each word capitalized.

    `normalize_name("  lê   VĂN tính ") == "Lê Văn Tính"`. Tone placement (`Hoà`/`Hòa`) is
    left as typed: it is the person's spelling, and search and sorting ignore the difference.
    """
    composed = unicodedata.normalize("NFC", text)
    return " ".join(_capitalize_parts(word) for word in composed.split())


class NameParts(NamedTuple):
    """A Vietnamese full name: family name first, given name last, middle names between."""

    family: str
    middle: str
    given: str


def split_name(full_name: str) -> NameParts:
    """`split_name("Lê Văn Tính") == NameParts("Lê", "Văn", "Tính")`.

    A single word is a given name; two words are family and given name.
    """
    words = unicodedata.normalize("NFC", full_name).split()
    if not words:
        return NameParts("", "", "")
    if len(words) == 1:
        return NameParts("", "", words[0])
    return NameParts(words[0], " ".join(words[1:-1]), words[-1])


# Vietnamese alphabet with the Latin letters it lacks (f, j, w, z) at their Latin places, for
# foreign and minority names.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_BASE = 20  # digits take 10-19; the codes stay two decimal digits wide
_OTHER_CODE = 90  # any other letter: after the alphabet, all equal
_LETTER_CODES: dict[str, int] = {
    **{str(digit): 10 + digit for digit in range(10)},
    **{letter: _LETTER_BASE + index for index, letter in enumerate(ALPHABET)},
    "ð": _LETTER_BASE + ALPHABET.index("đ"),
}
_LETTER_MARKS = frozenset({"\u0306", "\u0302", "\u031b"})  # breve, circumflex, horn
# 0 ngang, 1 huyền, 2 hỏi, 3 ngã, 4 sắc, 5 nặng (U+0340/U+0341 are deprecated tone marks).
_TONES = {
    "\u0300": 1,
    "\u0340": 1,
    "\u0309": 2,
    "\u0303": 3,
    "\u0301": 4,
    "\u0341": 4,
    "\u0323": 5,
}

WordKey = tuple[tuple[int, ...], int]


@lru_cache(maxsize=WORD_CACHE)
def word_sort_key(word: str) -> WordKey:
    """A word's collation key: its letters' codes, then its tone (one tone per syllable, so
    `Hoà` and `Hòa` are equal). Punctuation inside a word (H'Hen, Thị-Ngọc) is ignored."""
    codes: list[int] = []
    tone = 0
    for char in unicodedata.normalize("NFD", word.casefold()):
        if char in _TONES:
            tone = tone or _TONES[char]
            continue
        if char in _LETTER_MARKS:
            # ă â ê ô ơ ư are letters of their own, not a, e, o, u with an accent.
            if codes and _LETTER_BASE <= codes[-1] < _LETTER_BASE + len(ALPHABET):
                base = ALPHABET[codes[-1] - _LETTER_BASE]
                letter = unicodedata.normalize("NFC", base + char)
                codes[-1] = _LETTER_CODES.get(letter, codes[-1])
            continue
        if char in _LETTER_CODES:
            codes.append(_LETTER_CODES[char])
        elif char.isalnum():
            codes.append(_OTHER_CODE)
    return tuple(codes), tone


NameSortKey = tuple[WordKey, tuple[WordKey, ...], WordKey, str]


def vietnamese_sort_key(full_name: str) -> NameSortKey:
    """Sort people as offices list them: by given name (the last word), then the middle names
    in order, then the family name, each word compared by the collation above; ties are broken
    by the name itself so the order is total.

    `sorted(["Lê Thị Bình", "Nguyễn Văn An"], key=vietnamese_sort_key)` puts An first.
    """
    parts = split_name(full_name)
    return (
        word_sort_key(parts.given),
        tuple(word_sort_key(word) for word in parts.middle.split()),
        word_sort_key(parts.family),
        unicodedata.normalize("NFC", full_name),
    )


@lru_cache(maxsize=WORD_CACHE)
def _encoded_word(word: str) -> str:
    return _encode_word(word_sort_key(word))


def _encode_word(key: WordKey) -> str:
    letters, tone = key
    # "00" ends the letters, lower than any code, so a word sorts before its extensions.
    return "".join(f"{code:02d}" for code in letters) + "00" + str(tone)


def vietnamese_sort_string(full_name: str) -> str:
    """An ASCII string that sorts, byte by byte, like `vietnamese_sort_key` up to its tie-break.

    Meant for a database column (`ORDER BY sort_name`) so large lists sort in the database with
    any collation, since every character is an ASCII digit.
    """
    parts = split_name(full_name)
    # Each middle word is flagged "1" and the list closed by "0": fewer middle names sort first.
    middle = "".join(["1" + _encoded_word(word) for word in parts.middle.split()]) + "0"
    return _encoded_word(parts.given) + middle + _encoded_word(parts.family)


def is_digits(text: str) -> bool:
    """Only the ASCII digits 0-9: `str.isdigit` also accepts "²" and other digits `int` refuses
    (a superscript id answered 500)."""
    return text.isascii() and text.isdigit()


ID_DIGITS = 12  # ids beyond this cannot exist (and would overflow the database's integers)


def as_id(text: str) -> int | None:
    """An id sent by a page or a request (ASCII digits, at most `ID_DIGITS` of them), else None:
    "²", "abc" or thirty nines are no id, never an error page."""
    text = text.strip()
    return int(text) if is_digits(text) and len(text) <= ID_DIGITS else None


def join_sentences(messages: Iterable[str]) -> str:
    """Several messages as one text: each a sentence ending in its full stop, joined by a space
    (never «.;»). `join_sentences(["A.", "B"]) == "A. B."`."""
    said = [m.strip() for m in messages if m.strip()]
    return " ".join(m if m[-1] in ".!?…" else f"{m}." for m in said)
