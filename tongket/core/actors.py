"""Who made a change, as a page shows it beside what they wrote: the person's full name, else
the username; "Hệ thống" when no signed-in user acted (a command, the demo data)."""

from __future__ import annotations

from typing import Any


def actor_label(actor: Any) -> str:
    """The name to show for `actor` (a user, an anonymous user or None)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "Hệ thống"
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return str(full or actor.get_username())
