"""An app's audited kind of object, named once: the object type its events carry and where an
event about one of them is filed (an organization's path), so that an app's audit helper is a
single call of `EventRecorder.record` instead of another copy of `record_event`'s keywords."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model

from tongket.audit.services import Actor, record_event

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class EventRecorder(Generic[M]):
    """Records the audit events of one kind of object: `object_type` names the kind in the
    journal, `org_path` tells where an event about an object is filed."""

    object_type: str
    org_path: Callable[[M], str]

    def record(
        self,
        actor: Actor,
        action: str,
        obj: M,
        summary: str,
        *,
        before: Any = None,
        after: Any = None,
    ) -> None:
        """One event about `obj` (its primary key is the event's object id)."""
        record_event(
            actor=actor,
            action=action,
            object_type=self.object_type,
            object_id=obj.pk,
            org_path=self.org_path(obj),
            summary=summary,
            before=before,
            after=after,
        )
