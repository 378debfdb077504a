"""Racing writers for the PostgreSQL concurrency tests: each racer runs in its own thread with its
own database connection, all released at once by a barrier; the outcome of each is kept."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from tongket.core.errors import DomainError


@dataclass(frozen=True)
class Outcome:
    """What one racer got: its result, or the refusal (rule and message), or another error."""

    result: Any = None
    rule: str = ""
    message: str = ""
    error: BaseException | None = None

    @property
    def won(self) -> bool:
        return not self.rule and self.error is None


def race(racers: Sequence[Callable[[], Any]]) -> list[Outcome]:
    """Run the racers at the same instant, each in a thread with its own connection."""
    barrier = threading.Barrier(len(racers))
    outcomes: list[Outcome | None] = [None] * len(racers)

    def run(index: int, racer: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index] = Outcome(result=racer())
        except DomainError as exc:
            outcomes[index] = Outcome(rule=exc.rule, message=exc.message)
        except BaseException as exc:  # reported by the test, never swallowed
            outcomes[index] = Outcome(error=exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done = [o for o in outcomes if o is not None]
    assert len(done) == len(racers), "a racer did not finish"
    errors = [o.error for o in done if o.error is not None]
    assert not errors, errors
    return done
