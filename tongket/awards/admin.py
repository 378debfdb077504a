"""Read-only admin for the award register: every write goes through the services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongket.awards.models import Award, AwardDecision, AwardForm, AwardProposal


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AwardForm)
class AwardFormAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "issuer_level", "recipient_kind", "verified")


@admin.register(AwardDecision)
class AwardDecisionAdmin(ReadOnlyAdmin):
    list_display = ("number", "date", "issuer_name", "signer_name", "supersedes")
    list_filter = ("year",)


@admin.register(AwardProposal)
class AwardProposalAdmin(ReadOnlyAdmin):
    list_display = ("form", "organization", "year", "status")


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ("recipient_name", "form", "year", "decision")
    list_filter = ("year", "form")
    search_fields = ("recipient_name", "achievement")
