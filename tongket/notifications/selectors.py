"""Every read of the inbox: a person's own notices, never anyone else's."""

from __future__ import annotations

from django.db.models import QuerySet

from tongket.accounts.models import Account
from tongket.accounts.scope import User
from tongket.core.lookups import one_or_not_found
from tongket.notifications.models import Notification


def visible_notifications(user: User | None) -> QuerySet[Notification]:
    """The user's own notices, newest first (nobody sees another person's inbox)."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


def get_notification(user: User | None, notification_id: int) -> Notification:
    """One of the user's own notices; another person's answers like a missing one."""
    return one_or_not_found(
        visible_notifications(user), notification_id, "Không tìm thấy thông báo."
    )


def unread_count(user: User | None) -> int:
    return visible_notifications(user).filter(read_at__isnull=True).count()


def wants_email_digest(user: User) -> bool:
    if not user.is_authenticated:
        return False
    account = Account.objects.filter(user_id=user.pk).only("email_digest").first()
    return account is None or account.email_digest
