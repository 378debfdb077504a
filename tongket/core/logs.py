"""Structured logs: one JSON object per line on stderr, each carrying the request's id (taken
from nginx's X-Request-ID or made here, returned in the response and carried into background
jobs) and the signed-in user's id, never a name or a card number. Every request writes one
line on `tongket.access`: method, route pattern (not the path, which may hold a card number),
status and duration."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "request", default=None
)
access = logging.getLogger("tongket.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Fields a record may carry besides its message (the access line's, a job's).
EXTRA = ("method", "route", "status", "duration_ms", "job_id", "job_kind")


def _user_id(request: HttpRequest | None) -> int | None:
    # Only a user the request already loaded: logging never adds a query.
    user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestContextFilter(logging.Filter):
    """Adds request_id and user_id to every record made while a request or a job runs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        if not hasattr(record, "user_id"):
            record.user_id = _user_id(_request.get())
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or None,
            "user_id": getattr(record, "user_id", None),
        }
        for name in EXTRA:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """Gives each request its id and writes its access line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = given if _VALID_ID.match(given) else uuid.uuid4().hex
        id_token, request_token = request_id.set(rid), _request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            match = getattr(request, "resolver_match", None)
            access.info(
                "%s %s %s",
                request.method,
                match.route if match else "-",
                response.status_code,
                extra={
                    "method": request.method,
                    "route": match.route if match else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            request_id.reset(id_token)
            _request.reset(request_token)
