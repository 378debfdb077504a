"""Criteria set pages: publishing and a new version say what happened, or why not, on the set's
page (a refusal is a message, not an error page)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tongket.core.demo import DEMO_ORG
from tongket.criteria.models import CriteriaSet, SetStatus

pytestmark = pytest.mark.django_db


def _published_pl4() -> CriteriaSet:
    return CriteriaSet.objects.get(organization__code=DEMO_ORG, appendix="PL4")


def test_a_new_version_is_a_draft_one_up_and_publishing_it_freezes_it(client_for) -> None:
    client = client_for("vanphong")
    published = _published_pl4()
    answer = client.post(reverse("criteria:new_version", args=[published.pk]), follow=True)
    draft = CriteriaSet.objects.get(
        organization=published.organization, appendix="PL4", version=published.version + 1
    )
    assert draft.status == SetStatus.DRAFT
    assert answer.redirect_chain[-1][0] == reverse("criteria:detail", args=[draft.pk])
    assert f"Đã tạo dự thảo phiên bản {draft.version}." in answer.content.decode()
    answer = client.post(reverse("criteria:publish", args=[draft.pk]), follow=True)
    assert "bộ tiêu chí không sửa được nữa." in answer.content.decode()
    draft.refresh_from_db()
    assert draft.status == SetStatus.PUBLISHED


def test_publishing_a_published_set_again_is_refused_on_its_page(client_for) -> None:
    client = client_for("vanphong")
    published = _published_pl4()
    sets = CriteriaSet.objects.filter(organization=published.organization)
    before = sets.count()
    answer = client.post(reverse("criteria:publish", args=[published.pk]), follow=True)
    assert answer.redirect_chain[-1][0] == reverse("criteria:detail", args=[published.pk])
    assert "bộ tiêu chí không sửa được nữa." not in answer.content.decode()
    assert "Bộ tiêu chí đã ban hành; muốn sửa hãy tạo phiên bản mới." in answer.content.decode()
    assert sets.count() == before
