"""Property tests of the API against its own OpenAPI schema (schemathesis), authenticated as an
office administrator and as a plain member (the widest writer and the narrowest reader), bounded:
a few examples per operation, no server error, no response that breaks the schema, every error
in the one JSON error body."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tongket.core.tests.fuzzing import repeatable

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def in_process_requests() -> Any:
    """Like Django's test client: a request must not close the test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["vanphong", "dangvien"])
def token(request: Any, in_process_requests: None, user_named: Any, db: None) -> str:
    key: str = Token.objects.get_or_create(user=user_named(request.param))[0].key
    return key


@schema.parametrize()
@repeatable(5)
def test_the_api_never_fails_and_always_answers_as_its_schema_says(case: Any, token: str) -> None:
    response = case.call(headers={"Authorization": f"Token {token}"})
    case.validate_response(response, checks=(not_a_server_error, response_schema_conformance))
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"rule", "field", "message", "findings"}
