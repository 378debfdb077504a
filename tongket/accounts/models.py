"""Access grants: a role over an organization subtree."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", "Quản trị văn phòng"
    CELL_SECRETARY = "cell_secretary", "Bí thư chi bộ"
    SUPERIOR_READER = "superior_reader", "Cấp trên (chỉ xem)"


class Grant(models.Model):
    """The user may act with `role` over `organization` and everything below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="unique_grant")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} {self.organization_id}"


class LoginFailure(models.Model):
    """A failed login, kept to throttle guessing per account and per address."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
