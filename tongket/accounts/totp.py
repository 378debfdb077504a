"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): pure, no Django.

The second factor of an account: an authenticator app and the server share a secret; each
30-second step has its own 6-digit code. A code is accepted once only (the step it matched is
remembered), within one step of clock drift either way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

import segno

from tongket.core.text import is_digits

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # accept the previous and the next step too (clock drift, slow typing)
SECRET_BYTES = 20  # 160 bits, the size RFC 4226 recommends for HMAC-SHA1
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread

_DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


def new_secret() -> str:
    """A fresh random secret, base32 without padding (what authenticator apps expect)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def secret_bytes(secret: str) -> bytes:
    """Decode a base32 secret typed with spaces, lower case or without padding."""
    text = secret.replace(" ", "").replace("-", "").upper()
    text += "=" * (-len(text) % 8)
    return base64.b32decode(text, casefold=True)


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "SHA1") -> str:
    """RFC 4226 section 5.3: HMAC over the 8-byte counter, dynamic truncation, modulo 10^digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), _DIGESTS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def counter_at(unix_time: float, *, step: int = STEP_SECONDS) -> int:
    """RFC 6238 section 4.2: T = floor((time - T0) / X) with T0 = 0."""
    return int(unix_time // step)


def totp(
    key: bytes,
    unix_time: float,
    *,
    digits: int = DIGITS,
    algorithm: str = "SHA1",
    step: int = STEP_SECONDS,
) -> str:
    return hotp(key, counter_at(unix_time, step=step), digits=digits, algorithm=algorithm)


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


def match_counter(
    secret: str, code: str, unix_time: float, *, after_counter: int | None = None
) -> int | None:
    """The time step whose code `code` is, within the allowed drift; None if none matches.

    Steps at or before `after_counter` (the last step already used) never match: a code
    seen once cannot be replayed, even within its own 30 seconds.
    """
    code = normalize_code(code)
    if len(code) != DIGITS or not is_digits(code):
        return None
    key = secret_bytes(secret)
    now = counter_at(unix_time)
    for counter in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if after_counter is not None and counter <= after_counter:
            continue
        if hmac.compare_digest(hotp(key, counter), code):
            return counter
    return None


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads (Key Uri Format)."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """One-time codes for when the phone is lost: 10 letters/digits, shown as xxxxx-xxxxx."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalize_recovery_code(code: str) -> str:
    """Letters and digits of the code as typed; only ASCII ones can be in a code (a non-ASCII
    letter answered 500 before)."""
    return "".join(ch for ch in code.lower() if ch.isascii() and ch.isalnum())


def hash_recovery_code(code: str) -> str:
    """Stored form of a recovery code: SHA-256 of the normalized code (50 bits of entropy
    each, one-time, throttled: a slow hash adds nothing a guesser could not already do)."""
    return hashlib.sha256(normalize_recovery_code(code).encode("ascii")).hexdigest()


def qr_svg(uri: str) -> str:
    """The otpauth:// URI as an inline SVG QR code, made on the server (no external service)."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return svg
