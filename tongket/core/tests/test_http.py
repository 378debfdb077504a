"""`posted`: an empty POST is a submission, not a first visit; download names go through one
helper."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from tongket.core.http import posted


def test_an_empty_post_is_bound_and_a_get_is_not() -> None:
    factory = RequestFactory()
    assert posted(factory.post("/", {})) is not None
    assert posted(factory.get("/")) is None


@pytest.mark.django_db
def test_an_empty_post_to_a_form_is_refused_with_the_required_fields_named(
    client_for: Callable[[str], Client],
) -> None:
    response = client_for("vanphong").post(reverse("people:member_create"), {})
    assert response.status_code in (200, 400)
    form = response.context["form"]
    assert form.is_bound
    assert "card_number" in form.errors
    assert "full_name" in form.errors


def test_a_not_found_from_a_selector_answers_404_with_its_message() -> None:
    from django.http import Http404, HttpResponse

    from tongket.core.errors import NotFound
    from tongket.core.http import not_found_as_404

    @not_found_as_404
    def view(request: object, code: str) -> HttpResponse:
        if code == "missing":
            raise NotFound("Không tìm thấy tổ chức.")
        return HttpResponse(code)

    request = RequestFactory().get("/")
    assert view(request, "QT").content == b"QT"
    with pytest.raises(Http404, match="Không tìm thấy tổ chức"):
        view(request, "missing")


def test_every_content_disposition_is_built_by_the_one_safe_helper() -> None:
    """A download name holds organization codes and titles: a header built by hand with an
    f-string let a quote or a line break through (issue 17, finding 10)."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    built_by_hand = []
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assigned = re.search(r"""\[["']Content-Disposition["']\]\s*=\s*(.*)""", line)
            if assigned and not assigned.group(1).startswith("content_disposition("):
                built_by_hand.append(f"{path.relative_to(root)}:{number}")
    assert built_by_hand == []
