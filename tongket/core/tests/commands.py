"""Running a `tongket` command as an administrator types it: its input on stdin, its output."""

from __future__ import annotations

import io
import sys

from django.core.management import call_command


def run(*args: str, stdin: str = "") -> str:
    """What the command prints, `stdin` given as its standard input (its warnings not kept)."""
    out, old = io.StringIO(), sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
    finally:
        sys.stdin = old
    return out.getvalue()
