"""Writing the audit log: called by every service inside its own transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from tongket.audit.chain import GENESIS, ChainProblem, event_hash, verify_chain
from tongket.audit.models import AuditEvent, AuditHead

Actor = AbstractBaseUser | AnonymousUser | None


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "org_path": event.org_path,
        "summary": event.summary,
        "before": event.before,
        "after": event.after,
    }


def record_event(
    *,
    actor: Actor,
    action: str,
    object_type: str = "",
    object_id: object = "",
    org_path: str = "",
    summary: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the service's transaction")
    AuditHead.objects.get_or_create(id=1)
    head = AuditHead.objects.select_for_update().get(id=1)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        seq=head.last_seq + 1,
        at=timezone.now(),
        actor_id=getattr(user, "pk", None),
        actor_label=user.get_username() if user is not None else "hệ thống",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        org_path=org_path,
        summary=summary[:255],
        before=before,
        after=after,
        prev_hash=head.last_hash,
    )
    # Round-trip the JSON so the hash covers exactly what the database will give back.
    event.before = _json_roundtrip(before)
    event.after = _json_roundtrip(after)
    event.hash = event_hash(event.prev_hash, _fields(event))
    event.save()
    head.last_seq = event.seq
    head.last_hash = event.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return event


def _json_roundtrip(value: Any) -> Any:
    import json

    from tongket.audit.chain import canonical

    return None if value is None else json.loads(canonical(value))


def verify() -> list[ChainProblem]:
    """Recompute the whole chain; an empty list means no event was altered, removed or moved."""
    head = AuditHead.objects.filter(id=1).first()
    rows = (
        (e.seq, e.prev_hash, e.hash, _fields(e))
        for e in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    )
    return verify_chain(
        rows,
        head_seq=head.last_seq if head else 0,
        head_hash=head.last_hash if head else GENESIS,
    )
