"""Access grants: a role over an organization subtree."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", "Quản trị văn phòng"
    CELL_SECRETARY = "cell_secretary", "Bí thư chi bộ"
    SUPERIOR_READER = "superior_reader", "Cấp trên (chỉ xem)"


class Grant(models.Model):
    """The user may act with `role` over `organization` and everything below it, from
    `valid_from` to `valid_until` (both included; empty: no bound) until it is revoked. A revoked
    grant is kept, with who revoked it and when, so the history of who could do what stays."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    valid_from = models.DateField("từ ngày", null=True, blank=True)
    valid_until = models.DateField("đến ngày", null=True, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="grant_user_live_idx")]

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


class Account(models.Model):
    """What the office keeps about a login besides Django's user: the organization whose
    administrators manage it, and what its next sign-in must do first."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    # The organization whose office administrators manage the account (its member's cell when
    # linked to a member); empty: the system administrator only.
    home = models.ForeignKey(
        "people.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accounts",
    )
    must_set_password = models.BooleanField(default=False)
    require_totp = models.BooleanField(default=False)
    email_digest = models.BooleanField("nhận thư tổng hợp hằng ngày", default=True)

    def __str__(self) -> str:
        return f"account {self.user_id}"


class SignInCode(models.Model):
    """A one-time sign-in code (printed on a slip or sent as a link): only its hash is kept;
    used once, before `expires_at`, then the account must set its password."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in code {self.user_id} {'used' if self.used_at else 'unused'}"
