"""Schema of the in-app inbox (one row per notice to one account) and of the daily digests sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tongket.notifications.domain import Kind

KIND_CHOICES = [(kind.value, kind.label) for kind in Kind]


class Notification(models.Model):
    """Something one person should know or do. `key`, when set, makes a notice that a periodic
    scan may find again (an item due, steps overdue) appear once per person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    text = models.TextField("nội dung")
    url = models.CharField("địa chỉ", max_length=255, blank=True)
    due = models.DateField("hạn", null=True, blank=True)
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_key"
            )
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["emailed_at", "user"], name="notification_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class Digest(models.Model):
    """One daily digest mailed to one person: at most one per person per day, whatever the
    number of runs of `tongket notify digest`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField()
    address = models.EmailField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"digest {self.user_id} {self.day}"
