"""What `make test` needs from the machine: PostgreSQL and Chromium, mandatory when CI=true.

`python -m tongket.core.testenv check` fails in CI when a part would be skipped;
`python -m tongket.core.testenv postgres URL` exits 0 when the server answers (else prints why).
"""

from __future__ import annotations

import os
import shutil
import sys

CHROMIUM = "/usr/bin/chromium"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def postgres_reachable(url: str) -> str | None:
    """None when a connection succeeds, else the reason."""
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return str(exc).strip() or type(exc).__name__
    return None


def chromium_missing() -> str | None:
    if os.path.exists(CHROMIUM) and shutil.which(CHROMIUM):
        return None
    return f"{CHROMIUM} không có (cài gói Debian 'chromium')"


def main(argv: list[str]) -> int:
    if argv[:1] == ["postgres"]:
        reason = postgres_reachable(argv[1])
        if reason is None:
            return 0
        message = f"Bỏ qua phần PostgreSQL: không kết nối được ({reason})."
        print(message, file=sys.stderr)
        return 2 if in_ci() else 1
    if argv[:1] == ["check"]:
        reason = chromium_missing()
        if reason:
            if in_ci():
                print(f"CI: thiếu trình duyệt cho kiểm thử giao diện: {reason}", file=sys.stderr)
                return 2
            print(f"Bỏ qua kiểm thử trình duyệt: {reason}.", file=sys.stderr)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
