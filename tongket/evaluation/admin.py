"""Read-only admin views of evaluation: every write goes through the services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongket.evaluation.models import Assessment, Cycle, Decision, Evaluation


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ("organization", "year", "quarter", "profile_id", "status")
    list_filter = ("year", "profile_id", "status")


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "subject_kind", "member", "organization", "unit")
    list_filter = ("subject_kind", "cycle__year")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("evaluation", "tier", "level", "author_label", "created_at", "is_current")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("number", "date", "evaluation", "level", "not_classified_reason", "status")
    list_filter = ("status", "kind", "level")
