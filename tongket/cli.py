"""The `tongket` console command: Django's management commands for this project."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongket.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["tongket", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as exc:
        # A missing or unsafe setting is the operator's to fix: one clear line, no traceback.
        print(f"tongket: cấu hình chưa đúng: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
