"""Pytest plugin loaded first (`-p tongket.core.testing`): test-only environment defaults."""

from __future__ import annotations

import os

# Tests never run with a real secret; production refuses to start without one (settings.py).
os.environ.setdefault("TONGKET_INSECURE_DEV_KEY", "1")
# The test server speaks plain HTTP on loopback.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
