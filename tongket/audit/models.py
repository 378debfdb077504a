"""The audit log: an append-only, hash-chained list of events."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One recorded write, export or security event. Never updated or deleted."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    # Materialized path of the organization the event concerns: scopes who may browse it.
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    summary = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The single row every writer locks to append: it serializes the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head {self.last_seq}"


class PathVersion(models.Model):
    """The sequence number of the latest change at and under one organization path.

    Written in the transaction of every audited change (`tongket.audit.versions.bump`), read
    by the page cache (`tongket.core.pagecache`): a cached fragment about an organization is
    keyed on its subtree's `subtree` and its ancestors' `own`, so a change anywhere it can
    show, and nowhere else, makes a new key. The row with the empty path holds the changes
    that belong to no organization and the database's `epoch`, renewed by a restore."""

    path = models.CharField(max_length=255, primary_key=True)
    subtree = models.PositiveBigIntegerField(default=0)  # latest change at or under the path
    own = models.PositiveBigIntegerField(default=0)  # latest change at exactly the path
    epoch = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return f"{self.path or '/'} {self.subtree}/{self.own}"
