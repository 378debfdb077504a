"""The Hypothesis settings of the property tests that draw their examples against the test
database: the same examples on every run, no deadline on this loaded machine, and the
function-scoped fixtures (the database, a client) shared by all the examples of one test."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def repeatable(max_examples: int) -> settings:
    """Settings drawing `max_examples` examples, the same ones on every run."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
