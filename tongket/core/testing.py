"""Pytest plugin loaded first (`-p tongket.core.testing`): test-only environment defaults."""

from __future__ import annotations

import os
import secrets

# Tests run as production does (DEBUG off), so with a strong key: a new random one per process.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
# The test server speaks plain HTTP on loopback.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
