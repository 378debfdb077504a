"""Pure rules of people's data (no Django): the alphabet of an organization's code, and the
columns of a member's row that writers outside the ORM fill."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

# Rule people.organization.code_alphabet: an organization's code is part of addresses
# (/org/<code>/), file names and commands: letters and digits without diacritics, ".", "-" and
# "_", starting with a letter or digit, at most 64 characters. A "/" made /org/ and /reports/
# answer 500 for everyone; a line break or a quote broke every download.
RULE_CODE_ALPHABET = "people.organization.code_alphabet"
ORG_CODE_MAX = 64
ORG_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_FORBIDDEN = re.compile(r"[^A-Za-z0-9._-]+")

# A member's own fields: what an edit writes (with the version) and a new member starts with;
# the set-based writes (people.bulk) and the synthetic generator (synth) fill them in this order.
MEMBER_OWN_FIELDS = (
    "full_name",
    "name_folded",
    "sort_name",
    "birth_date",
    "gender",
    "joined_on",
    "full_member_on",
    "status",
)


def is_valid_org_code(code: str) -> bool:
    return ORG_CODE.fullmatch(code) is not None


def safe_org_code(code: str, taken: Collection[str]) -> str:
    """A valid code close to `code`, not in `taken`: diacritics dropped (đ → d), every run of
    other forbidden characters made one "-", leading punctuation removed, cut to the length
    limit, and a number added when the result is already used. A valid code is kept."""
    if is_valid_org_code(code) and code not in taken:
        return code
    plain = unicodedata.normalize("NFKD", code.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    base = _FORBIDDEN.sub("-", plain).lstrip("._-")[:ORG_CODE_MAX].rstrip("-") or "TC"
    candidate, n = base, 1
    while candidate in taken or not is_valid_org_code(candidate):
        n += 1
        suffix = f"-{n}"
        candidate = base[: ORG_CODE_MAX - len(suffix)] + suffix
    return candidate
