"""The API's pages: a cap on their size, and the audit of a bulk read (issue 17, finding 11).
Its own module: settings name it, and DRF imports it early (before the view sets)."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

# Pages: at most MAX_PAGE rows a request (a client asking more gets MAX_PAGE); a page of more
# than AUDITED_PAGE rows is a bulk read of what may be personal data, recorded like an export.
MAX_PAGE = 500
AUDITED_PAGE = 200
MAX_OFFSET = 10**12  # past any table: answered as an empty page, never sent to the database


class ApiPagination(LimitOffsetPagination):
    max_limit = MAX_PAGE

    def get_offset(self, request: Request) -> int:
        return min(super().get_offset(request), MAX_OFFSET)

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        page = super().paginate_queryset(queryset, request, view)
        if page is not None and len(page) > AUDITED_PAGE:
            from tongket.audit.services import record_export

            record_export(
                actor=request.user,
                what="api_page",
                fmt="json",
                rows=len(page),
                object_id=request.path[:80],
                summary=f"Đọc {len(page)} dòng qua API: {request.path}",
                details={"offset": self.offset, "limit": self.limit},
            )
        return page
