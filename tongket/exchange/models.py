"""Import jobs: an uploaded workbook, its dry run or real run, and the report the page polls
(run by the request for a small file, else by `tongket worker`: tongket.exchange.jobs)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from tongket.core.models import JobStatus

__all__ = ["ImportJob", "JobStatus"]


class ImportJob(models.Model):
    """One run of the importer over one uploaded file, by one user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    filename = models.CharField("tên tệp", max_length=255)
    content = models.BinaryField("nội dung tệp")
    dry_run = models.BooleanField("chỉ kiểm tra", default=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField("kết quả", null=True, blank=True)
    # The real run started from this dry run, so one check is applied at most once.
    applied_as = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="checked_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The worker running it (empty when the request ran it: a small file), since when, and why
    # it failed ("worker_lost": the worker stopped; "error": an unexpected error).
    worker = models.CharField(max_length=64, blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=20, blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
