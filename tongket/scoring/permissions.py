"""Who may do what with frames, score sheets, rankings and targets: pure functions over the
agencies a user reaches (`selectors.access_for(user)` builds it; see the selectors' module doc
for who reaches which agency) and the paths involved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tongket.accounts.scope import Scope
from tongket.people.permissions import can_write_somewhere

Prefixes = tuple[str, ...] | None  # agency path prefixes; None: every agency (the superuser)


@dataclass(frozen=True)
class ScoringAccess:
    """A user's scope and the agencies they reach, by reading and by administering (`reach`
    answers for `admin=False` / `admin=True`; the selectors read each once and keep it)."""

    scope: Scope
    reach: Callable[[bool], Prefixes]

    @property
    def read(self) -> Prefixes:
        return self.reach(False)

    @property
    def write(self) -> Prefixes:
        return self.reach(True)


def _within(path: str, prefixes: Prefixes) -> bool:
    return prefixes is None or any(path.startswith(p) for p in prefixes)


def can_read_unit(access: ScoringAccess, unit_path: str) -> bool:
    """See the unit's score sheets and targets."""
    return _within(unit_path, access.read)


def can_write_unit(access: ScoringAccess, unit_path: str) -> bool:
    """The unit's side: enter its self scores."""
    return _within(unit_path, access.write)


def can_act_for_issuer(access: ScoringAccess, issuer_path: str) -> bool:
    """The issuer's side: frames, appraisal, publication, targets (its administrators)."""
    return access.scope.administers(issuer_path)


def can_import_sheets(access: ScoringAccess) -> bool:
    """Importing score sheets needs a write grant somewhere (each sheet is checked again)."""
    return can_write_somewhere(access.scope)
