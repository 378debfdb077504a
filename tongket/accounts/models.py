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


class TotpDevice(models.Model):
    """An account's second factor: the shared secret of its authenticator app.

    Unconfirmed until the user has typed one valid code; only a confirmed device is asked for
    at login. `last_counter` is the last time step accepted, so no code is accepted twice.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_counter = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "pending"
        return f"totp {self.user_id} {state}"


class RecoveryCode(models.Model):
    """A one-time code that replaces the authenticator code once; only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="unique_recovery_code")
        ]

    def __str__(self) -> str:
        return f"recovery {self.user_id} {'used' if self.used_at else 'unused'}"
