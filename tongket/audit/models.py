"""The audit log: an append-only list of events, sealed into a hash chain; the page cache's
change records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AuditEvent(models.Model):
    """One recorded write, export or security event. Never updated or deleted, except that
    the sealer fills in its place in the chain (`seq`, `prev_hash`, `hash`) once.

    A writer stores the event with its signature (`mac`, over everything but its place) and
    no place; the sealer (`tongket audit seal`) gives the committed events their places in
    the order they arrived and links them, so writers never wait on each other for the
    chain. Before it is sealed an event is protected by its signature, after by the chain."""

    seq = models.PositiveBigIntegerField(unique=True, null=True, blank=True)  # null: not sealed
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
    mac = models.CharField(max_length=64, blank=True)  # HMAC of the content, made by the writer
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # The sealer's queue: the events still without a place, in arrival order.
            models.Index(fields=["id"], name="audit_unsealed_idx", condition=Q(seq__isnull=True)),
        ]

    def __str__(self) -> str:
        place = f"#{self.seq}" if self.seq is not None else f"(chưa niêm phong, id {self.pk})"
        return f"{place} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The sealed head of the chain: the last sealed event's place and hash. Only the sealer
    locks it (two sealers take turns); writers never touch it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    sealed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"head {self.last_seq}"


class PathChange(models.Model):
    """One committed change seen from one organization path: what keys the page cache.

    Written (insert only, so writers never wait on each other) in the transaction of every
    audited change (`tongket.audit.versions.record`): a row of kind `own` at the changed
    organization's path and a row of kind `subtree` at it and at each ancestor (the empty path
    stands for the whole country). A path's version is its latest `base` row and how many rows
    it has: every commit adds a row, so the version moves whatever order the ids committed in.
    The sealer compacts a path's rows of one topic into one new `base` row when they pile up."""

    class Kind(models.TextChoices):
        OWN = "o", "own"
        SUBTREE = "s", "subtree"

    path = models.CharField(max_length=255)
    kind = models.CharField(max_length=1, choices=Kind.choices)
    # What changed (`versions.topic_of` the action: "evaluation.decision", "member"): a page
    # may declare topics it never shows, and their changes then leave its key alone.
    topic = models.CharField(max_length=64, blank=True, default="")
    base = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["path", "kind"], name="audit_pathchange_idx")]

    def __str__(self) -> str:
        return f"{self.path or '/'} {self.kind} {self.pk}"


class CacheEpoch(models.Model):
    """The database's epoch, part of every page cache key: renewed by a restore or a rebuilt
    tally (changes made without the audited services), which changes every key at once."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    epoch = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.epoch
