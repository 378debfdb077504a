"""Who may read or mark a notice: its own account only."""

from __future__ import annotations

from tongket.accounts.scope import User
from tongket.notifications.models import Notification


def can_read_notification(user: User, notification: Notification) -> bool:
    return bool(user.is_authenticated) and notification.user_id == user.pk
