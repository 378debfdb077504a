"""Admin: read-only views of scoring records (every write goes through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongket.scoring.models import Frame, PeerGroup, ScoreSheet, Target


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Changing a frame, a sealed sheet or a target outside the services would skip the audit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Frame)
class FrameAdmin(ReadOnlyAdmin):
    list_display = ("code", "year", "version", "issuer", "series", "is_sample")
    list_filter = ("year", "series")


@admin.register(PeerGroup)
class PeerGroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "year", "frame", "published_at")


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    list_display = ("unit", "frame", "status", "appraised_points", "appraised_max", "rank")
    list_filter = ("status", "frame__year")


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ("name", "unit", "year", "version", "is_current", "met")
    list_filter = ("year", "is_current", "met")
