"""Uploaded documents of a subject's dossier (Điều 17): a file with its SHA-256 checksum, or a
typed text (the residence-area committee's comment) with its date and signer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tongket.dossier.domain import DossierKind
from tongket.evaluation.models import Evaluation

KIND_CHOICES = [(kind.value, kind.label) for kind in DossierKind]


def upload_path(instance: DossierDocument, filename: str) -> str:
    """Under the evaluation, named by the checksum: the user's file name is kept in a column,
    never trusted as a path."""
    extension = filename[filename.rfind(".") :].lower() if "." in filename else ""
    return f"dossier/{instance.evaluation_id}/{instance.sha256}{extension}"


STAGING_DIR = "dossier/staging"


def staging_name(final: str) -> str:
    """Where an upload waits until its row is committed (services.add_document moves it to
    `final` on commit): `dossier/<evaluation>/<sha256>.pdf` waits as
    `dossier/staging/<evaluation>-<sha256>.pdf`, outside every evaluation's folder."""
    folder, _, base = final.rpartition("/")
    return f"{STAGING_DIR}/{folder.rpartition('/')[2]}-{base}"


class DossierDocument(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="dossier")
    kind = models.CharField("loại tài liệu", max_length=24, choices=KIND_CHOICES)
    title = models.CharField("tên tài liệu", max_length=300)
    file = models.FileField("tệp đính kèm", upload_to=upload_path, blank=True, max_length=200)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField("mã kiểm tra SHA-256", max_length=64, blank=True)
    text = models.TextField("nội dung (nhập trực tiếp)", blank=True)
    signed_by = models.CharField("người ký", max_length=150, blank=True)
    signed_on = models.DateField("ngày ký", null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_by_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["evaluation", "created_at", "id"]
        constraints = [
            # A file (with its checksum) or a typed text, one of the two.
            models.CheckConstraint(
                condition=(~Q(file="") & Q(text="") & ~Q(sha256=""))
                | (Q(file="") & ~Q(text="") & Q(sha256="")),
                name="dossier_file_xor_text",
            ),
        ]

    def __str__(self) -> str:
        return self.title
