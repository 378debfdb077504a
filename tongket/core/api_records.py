"""The REST shape shared by an organization's records that are kept a year at a time (programs,
meetings): a list filtered by organization, year, kind and status; one record by its id; a new
record by a user with a write grant somewhere (the app's services check the organization)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Model
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from tongket.exchange.api import ApiViewSet, parse_id, require_a_write_grant


class OrganizationRecordViewSet(ApiViewSet):
    # Each app's viewset names these and documents the three operations with
    # `extend_schema_view` (its own serializers and filters).
    year_lookup: ClassVar[str]  # the field the `year` filter compares
    not_found: ClassVar[str]  # the 404 message of an id that names nothing visible
    create_input: ClassVar[type[BaseSerializer[Any]]]

    def _detail(self, record_id: int, status: int = 200) -> Response:
        raise NotImplementedError

    def create_record(self, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def list(self, request: Request) -> Response:
        records = self.in_organization(self.get_queryset(), "organization__path", strict=False)
        return self.page(
            self.matching(records, year=self.year_lookup, kind="kind", status="status")
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(parse_id(pk, self.not_found))

    def create(self, request: Request) -> Response:
        require_a_write_grant(self.scope)
        record = self.create_record(self.parsed(self.create_input))
        return self._detail(record.pk, status=201)
