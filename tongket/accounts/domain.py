"""Accounts and grants as plain rules: what each role may do, who may manage which account and
grant what, the one-time sign-in codes. No Django here."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from tongket.core.rules import Finding

# What each role may do, shown by `tongket grants roles`, GET /api/v1/grants/roles/ and the
# grant form. The codes are the values stored in Grant.role (accounts.models.Role).
ROLE_ABILITIES: dict[str, tuple[str, ...]] = {
    "office_admin": (
        "Xem và sửa mọi dữ liệu trong cây tổ chức được giao",
        "Tạo tổ chức, chuyển sinh hoạt đảng, giao chức vụ đảng",
        "Quản lý tài khoản và phân quyền trong cây tổ chức được giao",
        "Xem nhật ký thay đổi của cây tổ chức được giao",
    ),
    "cell_secretary": (
        "Xem và sửa hồ sơ đảng viên, đánh giá, khen thưởng, chương trình, hội nghị "
        "của tổ chức được giao",
        "Không quản lý tài khoản, không phân quyền",
    ),
    "superior_reader": (
        "Chỉ xem dữ liệu của cây tổ chức được giao (cấp trên theo dõi)",
        "Không sửa, không phân quyền",
    ),
}

# A one-time code: easy to read from paper and type (no 0/O, 1/I/L), in groups of four.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
CODE_VALID_DAYS = 14

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,79}$")


def new_sign_in_code() -> str:
    """A fresh one-time code, e.g. `K7QM-2XPA-9RTD` (about 59 bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize_code(code: str) -> str:
    """What was typed, as stored: upper case, without spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum() and ch.isascii())


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode("ascii")).hexdigest()


def username_findings(username: str) -> list[Finding]:
    """accounts.username: 2-80 ASCII letters, digits, dot, dash, underscore; a letter or digit
    first (it is typed at sign-in and printed on slips)."""
    if USERNAME_PATTERN.match(username):
        return []
    return [
        Finding(
            rule="accounts.username",
            citation="",
            message=(
                f"Tên đăng nhập «{username}» không hợp lệ: 2-80 ký tự chữ không dấu, chữ số, "
                "dấu chấm, gạch ngang, gạch dưới; bắt đầu bằng chữ hoặc số."
            ),
        )
    ]


def within(paths: Iterable[str], administered: Iterable[str]) -> bool:
    """Every path lies in one of the administered subtrees."""
    held = tuple(administered)
    return all(any(p.startswith(a) for a in held) for p in paths)


@dataclass(frozen=True)
class HeldGrant:
    """An office administration grant the actor holds: its subtree and its end (None: open)."""

    path: str
    valid_until: dt.date | None


def period_findings(
    *,
    path: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    held: Iterable[HeldGrant] | None,
) -> list[Finding]:
    """accounts.grant.period: the end is not before the start; and nobody grants more than they
    hold: the new grant lies in a subtree the actor administers and ends no later than the
    actor's own grant over it. `held` None: the system or the system administrator."""
    found: list[Finding] = []
    if valid_from and valid_until and valid_until < valid_from:
        found.append(
            Finding(
                rule="accounts.grant.period",
                citation="",
                message="Ngày kết thúc phân quyền không được trước ngày bắt đầu.",
            )
        )
    if held is None:
        return found
    covering = [h for h in held if path.startswith(h.path)]
    if not covering:
        found.append(
            Finding(
                rule="accounts.grant.beyond_held",
                citation="",
                message="Không thể phân quyền ngoài cây tổ chức mình quản trị.",
            )
        )
        return found
    if any(h.valid_until is None for h in covering):
        return found
    latest = max(h.valid_until for h in covering if h.valid_until is not None)
    if valid_until is None or valid_until > latest:
        found.append(
            Finding(
                rule="accounts.grant.beyond_held",
                citation="",
                message=(
                    "Không thể phân quyền dài hơn quyền mình đang giữ: quyền quản trị của bạn "
                    f"hết hạn ngày {latest:%d/%m/%Y}, hãy chọn «đến ngày» không muộn hơn."
                ),
            )
        )
    return found
