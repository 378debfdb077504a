"""Health and readiness probes; JSON-lines logs with request id, user id, route, status, timing."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from tongket.core import health
from tongket.core.logs import JsonFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db


def test_healthz_and_readyz_answer_without_login_and_carry_no_data() -> None:
    alive = Client().get("/healthz")
    assert alive.status_code == 200
    assert json.loads(alive.content) == {"status": "ok"}
    ready = Client().get("/readyz")
    assert ready.status_code == 200
    assert json.loads(ready.content) == {
        "status": "ok",
        "checks": {"database": True, "migrations": True, "cache": True, "queue": True},
    }
    assert "no-cache" in ready["Cache-Control"] or "max-age=0" in ready["Cache-Control"]


def test_readyz_answers_503_naming_the_check_that_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable() -> bool:
        raise ConnectionError("cache down at 10.0.0.9")

    monkeypatch.setitem(health.CHECKS, "cache", unreachable)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {
        "status": "unavailable",
        "checks": {"database": True, "migrations": True, "cache": False, "queue": True},
    }
    assert b"10.0.0.9" not in response.content


def test_readyz_fails_when_the_job_queue_cannot_be_reached(settings: Any) -> None:
    # The shared notes of the queue on a Redis server that does not answer.
    settings.CACHES = {
        **settings.CACHES,
        "jobs": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["queue"] is False


@pytest.fixture
def json_lines() -> Any:
    """What the console handler writes, as parsed JSON objects."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in lines]
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_each_request_writes_one_json_line_with_ids_route_status_and_timing(
    client_for: Any, user_named: Any, json_lines: Any
) -> None:
    client = client_for("bithu")
    member = "/api/v1/members/"
    response = client.get(member, HTTP_X_REQUEST_ID="nginx-req-0123456789")
    assert response["X-Request-ID"] == "nginx-req-0123456789"
    (line,) = [e for e in json_lines() if e["logger"] == "tongket.access"]
    assert line["request_id"] == "nginx-req-0123456789"
    assert line["user_id"] == user_named("bithu").pk
    assert line["method"] == "GET"
    assert line["route"] == "api/v1/members/$"
    assert line["status"] == 200
    assert line["duration_ms"] > 0
    text = json.dumps(json_lines(), ensure_ascii=False)
    assert (
        user_named("bithu").get_full_name() not in text or not user_named("bithu").get_full_name()
    )


def test_a_hostile_request_id_is_replaced_and_paths_with_card_numbers_stay_out(
    client_for: Any, json_lines: Any
) -> None:
    client = client_for("vanphong")
    response = client.get("/api/v1/members/99.999999/", HTTP_X_REQUEST_ID="bad id\nforged")
    assert response.status_code == 404
    rid = response["X-Request-ID"]
    assert len(rid) == 32
    lines = json_lines()
    assert [e["request_id"] for e in lines if e["logger"] == "tongket.access"] == [rid]
    assert "99.999999" not in json.dumps(lines)


def test_errors_are_mailed_to_admins_only_when_configured(tmp_path: Any) -> None:
    from tongket.core.tests.test_deploy import STRONG_KEY, run_tongket

    show = (
        "from django.conf import settings; "
        "print(settings.ADMINS, settings.LOGGING['loggers']['django.request']['handlers'])"
    )
    common = {"SECRET_KEY": STRONG_KEY, "TONGKET_VAR_DIR": str(tmp_path)}
    configured = run_tongket(
        "shell", "-c", show, ADMINS="Văn phòng <vanphong@example.vn>", **common
    )
    assert configured.stdout.strip().splitlines()[-1] == (
        "[('Văn phòng', 'vanphong@example.vn')] ['mail_admins']"
    ), configured.stderr
    assert run_tongket("shell", "-c", show, **common).stdout.strip().splitlines()[-1] == "[] []"
