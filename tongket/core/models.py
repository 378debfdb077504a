"""Jobs of the shared queue whose result is a file for their owner to download (a large export,
the slips of accounts made in bulk, the documents of a subtree): tongket.core.filejobs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    PENDING = "pending", "Đang chờ"
    RUNNING = "running", "Đang chạy"
    DONE = "done", "Xong"
    FAILED = "failed", "Gặp sự cố"
    CANCELLED = "cancelled", "Đã hủy"


class FileJob(models.Model):
    """One queued piece of long work by one user, run by `tongket worker`, whose result is a
    file kept under the data folder until it expires."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="file_jobs"
    )
    # What to make (a kind registered by an app: tongket.core.filejobs.register) and with what.
    kind = models.CharField("loại việc", max_length=40)
    params = models.JSONField("tham số", default=dict, blank=True)
    # The organization paths the user could read when asking: the job reads with exactly these,
    # and nothing when they changed meanwhile.
    scope = models.JSONField("phạm vi", default=list, blank=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Why it failed: "worker_lost", "scope_changed", "error", or a rule id of a refusal.
    error = models.CharField(max_length=60, blank=True, default="")
    message = models.TextField("thông báo", blank=True, default="")
    filename = models.CharField("tên tệp", max_length=255, blank=True, default="")
    content_type = models.CharField(max_length=100, blank=True, default="")
    size = models.PositiveBigIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_status_display()})"
