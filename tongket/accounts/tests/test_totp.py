"""The pure TOTP module against the RFC 4226 and RFC 6238 test vectors."""

from __future__ import annotations

import pytest

from tongket.accounts import totp

SHA1_KEY = b"12345678901234567890"
SHA256_KEY = b"12345678901234567890123456789012"
SHA512_KEY = b"1234567890123456789012345678901234567890123456789012345678901234"

# RFC 4226 appendix D: HOTP values for counters 0..9.
HOTP_VECTORS = [
    "755224", "287082", "359152", "969429", "338314",
    "254676", "287922", "162583", "399871", "520489",
]  # fmt: skip

# RFC 6238 appendix B: time, then the 8-digit TOTP for SHA1, SHA256, SHA512.
TOTP_VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("counter", "expected"), list(enumerate(HOTP_VECTORS)))
def test_hotp_matches_the_rfc_4226_vectors(counter: int, expected: str) -> None:
    assert totp.hotp(SHA1_KEY, counter) == expected


@pytest.mark.parametrize(("when", "sha1", "sha256", "sha512"), TOTP_VECTORS)
def test_totp_matches_the_rfc_6238_vectors(when: int, sha1: str, sha256: str, sha512: str) -> None:
    assert totp.totp(SHA1_KEY, when, digits=8, algorithm="SHA1") == sha1
    assert totp.totp(SHA256_KEY, when, digits=8, algorithm="SHA256") == sha256
    assert totp.totp(SHA512_KEY, when, digits=8, algorithm="SHA512") == sha512


def test_base32_secret_round_trips_with_spaces_lower_case_and_no_padding() -> None:
    secret = totp.new_secret()
    assert "=" not in secret
    assert len(secret) == 32
    spaced = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)).lower()
    assert totp.secret_bytes(spaced) == totp.secret_bytes(secret)
    assert len(totp.secret_bytes(secret)) == totp.SECRET_BYTES


def test_a_code_matches_its_step_and_one_step_of_drift_but_not_two() -> None:
    secret = totp.new_secret()
    key = totp.secret_bytes(secret)
    now = 1_700_000_000.0
    step = totp.counter_at(now)
    for delta in (-1, 0, 1):
        code = totp.hotp(key, step + delta)
        assert totp.match_counter(secret, code, now) == step + delta
    for delta in (-2, 2):
        assert totp.match_counter(secret, totp.hotp(key, step + delta), now) is None


def test_a_step_already_used_never_matches_again() -> None:
    secret = totp.new_secret()
    now = 1_700_000_000.0
    code = totp.totp(totp.secret_bytes(secret), now)
    step = totp.counter_at(now)
    assert totp.match_counter(secret, code, now, after_counter=step - 1) == step
    assert totp.match_counter(secret, code, now, after_counter=step) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12a456", "------"])
def test_malformed_codes_never_match(code: str) -> None:
    assert totp.match_counter(totp.new_secret(), code, 1_700_000_000.0) is None


def test_provisioning_uri_names_the_issuer_account_and_secret() -> None:
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", account="vanphong", issuer="Tổng kết")
    assert uri.startswith("otpauth://totp/T%E1%BB%95ng%20k%E1%BA%BFt:vanphong?")
    assert "secret=JBSWY3DPEHPK3PXP" in uri
    assert "digits=6" in uri
    assert "period=30" in uri


def test_recovery_codes_are_distinct_and_hash_the_same_however_typed() -> None:
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == totp.RECOVERY_CODE_COUNT
    code = codes[0]
    assert totp.hash_recovery_code(code) == totp.hash_recovery_code(code.upper().replace("-", " "))
    assert totp.hash_recovery_code(code) != totp.hash_recovery_code(codes[1])
