"""Benchmark settings: the project's, plus a trivial view to measure the stack's own floor."""

from tongket.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
