"""Hypothesis bodies for every write endpoint of the API (POST, PUT, PATCH), found at run time in
the OpenAPI schema so endpoints added later are covered too: random and hostile values for each
declared field, missing fields, wrong types, other organizations' identifiers, bodies that are not
objects or not JSON. Never a server error; a refusal has the one error body naming its rule (and
the field for invalid input) and leaves the whole database as it was."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from tongket.core.tests import dbsnapshot
from tongket.core.tests.fuzzing import repeatable
from tongket.core.tests.test_permission_matrix import MATRIX, url_patterns
from tongket.people.models import Member, Organization

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch")
CASES: dict[str, int] = {}
STATUSES: dict[int, int] = {}
SAMPLES: dict[str, str] = {}


def openapi() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return schema


def write_operations() -> list[tuple[str, str]]:
    """(method, path template) of every write operation the schema declares."""
    found = []
    for template, operations in openapi()["paths"].items():
        for method in operations:
            if method in WRITE_METHODS:
                found.append((method, template))
    return sorted(found, key=lambda op: (op[1], op[0]))


count_cases = dbsnapshot.tally(
    "fuzz API: {total} requests over {places} write operations ({outcomes})",
    CASES,
    STATUSES,
    SAMPLES,
)


@pytest.fixture
def api(user_named: Callable[[str], Any]) -> Client:
    """An office administrator's API client (token, as an integration would use)."""
    key = Token.objects.get_or_create(user=user_named("vanphong"))[0].key
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def url(request: pytest.FixtureRequest) -> str:
    """The operation's real URL (its argument builder may create the object it names)."""
    template = request.node.callspec.params["template"]
    found = _concrete_path(template)
    if found is None:
        pytest.skip(f"{template}: no entry of the permission matrix builds this URL")
    return found


@pytest.fixture
def baseline(api: Client, url: str) -> dbsnapshot.Snapshot:
    """The database before any request; every example is rolled back to exactly this."""
    return dbsnapshot.take()


def _concrete_path(template: str) -> str | None:
    """A real URL for a path template, from the permission matrix's argument builders."""
    pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
    routes = url_patterns()
    for name, entry in MATRIX.items():
        if not name.startswith("api:") or name not in routes:
            continue
        # Match on the route first: only the matching entry's builder runs (builders may write).
        if not pattern.match(reverse(name, kwargs=dict.fromkeys(routes[name], "1"))):
            continue
        url = reverse(name, kwargs=entry.args())
        if pattern.match(url):
            return url
    return None


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(schema, node["allOf"][0])
    return node


def body_fields(schema: dict[str, Any], method: str, template: str) -> dict[str, dict[str, Any]]:
    """The declared JSON body fields of an operation (name → resolved property schema)."""
    operation = schema["paths"][template][method]
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema")
    if not body:
        return {}
    resolved = _resolve(schema, body)
    return {k: _resolve(schema, v) for k, v in resolved.get("properties", {}).items()}


HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),  # JSON has no NaN
    st.text(max_size=40),
    st.text(min_size=300, max_size=400),
    st.sampled_from(["", " ", "\u0000", "'; DROP TABLE x; --", "<script>alert(1)</script>"]),
    st.sampled_from(["31/02/2020", "2020-02-30", "0000-00-00", "9999-12-31", "-1", "1e9"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)


def plausible(prop: dict[str, Any], identifiers: list[Any]) -> st.SearchStrategy[Any]:
    """Values of the declared type, some of them real identifiers of other organizations."""
    kind = prop.get("type")
    if "enum" in prop:
        return st.sampled_from([v for v in prop["enum"] if v is not None] or [None])
    if kind == "integer":
        return st.one_of(st.integers(min_value=-5, max_value=10**6), st.sampled_from(identifiers))
    if kind == "boolean":
        return st.booleans()
    if kind == "number":
        return st.one_of(st.integers(-100, 1000), st.decimals(-1000, 1000, places=2).map(str))
    if kind == "array":
        return st.lists(plausible(_items(prop), identifiers), max_size=3)
    if prop.get("format") == "date":
        return st.dates().map(lambda d: d.isoformat())
    return st.one_of(st.text(max_size=30), st.sampled_from(identifiers).map(str))


def _items(prop: dict[str, Any]) -> dict[str, Any]:
    items: dict[str, Any] = prop.get("items") or {}
    return items


def bodies(fields: dict[str, dict[str, Any]], identifiers: list[Any]) -> st.SearchStrategy[Any]:
    per_field = {
        name: st.one_of(plausible(prop, identifiers), HOSTILE) for name, prop in fields.items()
    }
    extra = st.dictionaries(st.text(min_size=1, max_size=8), HOSTILE, max_size=2)
    objects = st.builds(
        lambda chosen, more: {**more, **chosen},
        st.fixed_dictionaries({}, optional=per_field),
        extra,
    )
    not_objects = st.one_of(
        st.lists(st.integers(), max_size=2), st.text(max_size=10), st.integers(), st.none()
    )
    return st.one_of(objects, objects, objects, not_objects)


def identifiers_of_the_demo() -> list[Any]:
    """Codes, card numbers and primary keys, inside and outside the office's department."""
    codes = list(Organization.objects.order_by("path").values_list("code", flat=True)[:40])
    cards = list(Member.objects.order_by("card_number").values_list("card_number", flat=True)[:10])
    pks = list(Organization.objects.order_by("pk").values_list("pk", flat=True)[:10])
    return [*codes, *cards, *pks, 0, -1, 2**31, 10**12]


def check_refusal(response: Any, body: Any = None) -> None:
    """A refusal: the API's one error body, with its rule, message and (when input) field."""
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    error = json.loads(response.content)["error"]
    assert error["rule"], error
    assert error["message"], error
    SAMPLES.setdefault(error["rule"], error["message"])
    # Vietnamese first: no message of the body, nor of a finding, is left in English.
    for message in [error["message"], *(f["message"] for f in error["findings"])]:
        assert not message.isascii(), error
    invalid_input = error["rule"].startswith("api.") and error["rule"] != "api.parse_error"
    if response.status_code == 400 and isinstance(body, dict) and invalid_input:
        # A field-level validation error of an object body names its field.
        assert error["field"], error
    if response.status_code == 400 and error["rule"].startswith("api.") and error["findings"]:
        # Invalid input: the first finding names the field at fault (body-wide ones excepted).
        first = error["findings"][0]
        assert first["field"] == error["field"], error
    if response.status_code == 400 and error["field"]:
        assert f"«{error['field']}»" in error["message"] or not error["rule"].startswith("api.")


def send(client: Client, method: str, url: str, body: bytes | str) -> Any:
    return client.generic(method.upper(), url, body, content_type="application/json")


def _operations() -> list[Any]:
    """Every write operation of the schema; a schema that does not build fails the collection."""
    return [
        pytest.param(method, template, id=f"{method}-{template}")
        for method, template in write_operations()
    ]


@pytest.mark.parametrize(("method", "template"), _operations())
@repeatable(4)
@given(data=st.data())
def test_write_endpoint_never_fails_and_a_refusal_writes_nothing(
    api: Client,
    url: str,
    baseline: dbsnapshot.Snapshot,
    method: str,
    template: str,
    data: st.DataObject,
) -> None:
    schema = openapi_cached()
    fields = body_fields(schema, method, template)
    body = data.draw(bodies(fields, identifiers_cached()), label="body")
    payload = json.dumps(body, ensure_ascii=False)
    key = f"{method} {template}"
    CASES[key] = CASES.get(key, 0) + 1
    with transaction.atomic():
        response = send(api, method, url, payload)
        STATUSES[response.status_code] = STATUSES.get(response.status_code, 0) + 1
        assert response.status_code < 500, (url, payload, response.content[:500])
        if response.status_code >= 400:
            check_refusal(response, body)
            after = dbsnapshot.take()
            assert baseline == after, (url, payload, baseline.diff(after))
        transaction.set_rollback(True)


@pytest.mark.parametrize(("method", "template"), _operations())
def test_a_body_that_is_not_json_is_refused_by_a_named_rule(
    api: Client, url: str, baseline: dbsnapshot.Snapshot, method: str, template: str
) -> None:
    declares_body = bool(body_fields(openapi_cached(), method, template))
    for raw in ('{"a": ', "\xff\xfe[1,2"):
        CASES[f"{method} {template}"] = CASES.get(f"{method} {template}", 0) + 1
        response = send(api, method, url, raw)
        STATUSES[response.status_code] = STATUSES.get(response.status_code, 0) + 1
        assert response.status_code < 500, (url, raw, response.content[:300])
        if declares_body:
            # An operation that reads a body refuses a broken one before anything else.
            # (or by the access check that comes first: 403 or 404, still before any write).
            assert response.status_code in (400, 403, 404), (url, raw, response.content[:300])
            if response.status_code == 400:
                assert response.json()["error"]["rule"] == "api.parse_error"
        if response.status_code >= 400:
            check_refusal(response)
    assert baseline == dbsnapshot.take()


_CACHE: dict[str, Any] = {}


def openapi_cached() -> dict[str, Any]:
    if "schema" not in _CACHE:
        _CACHE["schema"] = openapi()
    schema: dict[str, Any] = _CACHE["schema"]
    return schema


def identifiers_cached() -> list[Any]:
    # Read in the test's transaction; the demo's identifiers are the same in every test.
    if "ids" not in _CACHE:
        _CACHE["ids"] = identifiers_of_the_demo()
    ids: list[Any] = _CACHE["ids"]
    return ids
