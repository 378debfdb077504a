"""The score sheet's forms: the unit's self scores (draft, submit) and the issuer's appraisal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tongket.audit.models import AuditEvent
from tongket.scoring import selectors, services
from tongket.scoring.models import ScoreSheet, SheetStatus
from tongket.scoring.tests.test_services import FULL, SGDDT, lines, make_frame

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def draft() -> ScoreSheet:
    return services.open_sheet(actor=None, unit_code=SGDDT, frame_id=make_frame().pk)


@pytest.fixture
def submitted(draft: ScoreSheet) -> ScoreSheet:
    return services.enter_self_scores(actor=None, sheet_id=draft.pk, lines=lines(FULL), submit=True)


def leaf_codes(sheet: ScoreSheet) -> list[str]:
    frame = selectors.domain_frame(sheet.frame)
    return [p.criterion.code for p in frame.walk() if p.criterion.is_leaf]


def payload(
    sheet: ScoreSheet, scores: dict[str, str], text: str = "", **extra: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {"version": sheet.version, **extra}
    for index, code in enumerate(leaf_codes(sheet)):
        data[f"score_{index}"] = scores.get(code, "")
        data[f"text_{index}"] = text if code in scores else ""
    return data


def score_of(sheet: ScoreSheet, code: str, appraised: bool = False) -> Decimal | None:
    line = sheet.lines.get(code=code)
    return line.appraised_score if appraised else line.self_score


def self_url(sheet: ScoreSheet) -> str:
    return reverse("scoring:sheet_self_scores", args=[sheet.pk])


def appraisal_url(sheet: ScoreSheet) -> str:
    return reverse("scoring:sheet_appraisal", args=[sheet.pk])


def test_the_units_office_sees_the_self_score_form_on_a_draft_sheet(client_for, draft):
    page = client_for("vanphong").get(reverse("scoring:sheet", args=[draft.pk]))
    html = page.content.decode()
    assert self_url(draft) in html
    assert "Gửi thẩm định" in html
    assert appraisal_url(draft) not in html
    # A reader of the unit sees the sheet, not the form.
    assert (
        self_url(draft)
        not in client_for("bithu2").get(reverse("scoring:sheet", args=[draft.pk])).content.decode()
    )


def test_a_draft_is_saved_with_vietnamese_decimal_scores(client_for, draft):
    response = client_for("vanphong").post(
        self_url(draft),
        payload(draft, {"1.1": "12,5", "1.2": "20"}, "Báo cáo số 12", action="save"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert score_of(draft, "1.1") == D("12.5")
    assert draft.lines.get(code="1.1").evidence == "Báo cáo số 12"
    assert draft.status == SheetStatus.DRAFT
    assert draft.version == 2
    assert AuditEvent.objects.filter(action="scoring.sheet.self_score", object_id=draft.pk).exists()
    # The saved draft is shown back in the Vietnamese way.
    page = client_for("vanphong").get(reverse("scoring:sheet", args=[draft.pk])).content.decode()
    assert 'value="12,5"' in page


def test_sending_for_appraisal_submits_the_sheet(client_for, draft):
    values = {k: v.replace(".", ",") for k, v in FULL.items()}
    response = client_for("vanphong").post(self_url(draft), payload(draft, values, action="submit"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == SheetStatus.SELF_SUBMITTED
    assert draft.self_points == D(90)


def test_sending_an_incomplete_sheet_is_refused_on_the_missing_rows(client_for, draft):
    response = client_for("vanphong").post(
        self_url(draft), payload(draft, {"1.1": "10"}, action="submit")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "scoring.score.missing" in html
    assert 'data-refused="1.2"' in html
    assert 'data-refused="1.1"' not in html
    draft.refresh_from_db()
    assert (draft.status, draft.version, score_of(draft, "1.1")) == (SheetStatus.DRAFT, 1, None)


@pytest.mark.parametrize(
    ("score", "rule", "message"),
    [
        pytest.param("31", "scoring.score.above_max", "vượt điểm tối đa 30", id="above-maximum"),
        pytest.param("mười", "scoring.score.invalid", "Không đọc được số", id="malformed"),
    ],
)
def test_a_score_refused_on_its_row_shows_the_rule_and_nothing_is_written(
    client_for, draft, score, rule, message
):
    response = client_for("vanphong").post(
        self_url(draft), payload(draft, {"1.1": score, "1.2": "10"}, action="save")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-refused="1.1"' in html
    assert rule in html
    assert message in html
    draft.refresh_from_db()
    assert (draft.version, score_of(draft, "1.2")) == (1, None)


def test_a_stale_version_is_refused_as_a_concurrent_edit(client_for, draft):
    stale = payload(draft, {"1.1": "10"}, action="save")
    services.enter_self_scores(actor=None, sheet_id=draft.pk, lines=lines({"1.1": "5"}))
    response = client_for("vanphong").post(self_url(draft), stale)
    assert response.status_code == 409
    assert "core.concurrent_edit" in response.content.decode()
    assert score_of(draft, "1.1") == D(5)


def test_self_scores_are_refused_to_readers_and_hidden_from_outsiders(client_for, draft):
    data = payload(draft, {"1.1": "10"}, action="save")
    assert client_for("bithu2").post(self_url(draft), data).status_code == 403
    outsider = Client()
    outsider.force_login(get_user_model().objects.create_user("ngoai", password="x"))
    assert outsider.post(self_url(draft), data).status_code == 404
    assert client_for("vanphong").get(self_url(draft)).status_code == 405
    assert score_of(draft, "1.1") is None


def test_the_issuer_appraises_a_submitted_sheet(client_for, submitted):
    page = client_for("quantri").get(reverse("scoring:sheet", args=[submitted.pk]))
    html = page.content.decode()
    assert appraisal_url(submitted) in html
    assert self_url(submitted) not in html
    values = {"1.1": "25,5", "1.2": "27", "2.1": "18", "2.2": "17"}
    response = client_for("quantri").post(
        appraisal_url(submitted), payload(submitted, values, "Thiếu minh chứng")
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == SheetStatus.APPRAISED
    assert submitted.appraised_points == D("87.5")
    assert score_of(submitted, "1.1", appraised=True) == D("25.5")
    assert submitted.lines.get(code="1.1").appraiser_comment == "Thiếu minh chứng"


def test_an_appraisal_above_the_maximum_is_refused_on_its_row(client_for, submitted):
    values = {**FULL, "2.1": "20,5"}
    response = client_for("quantri").post(appraisal_url(submitted), payload(submitted, values))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-refused="2.1"' in html
    assert "scoring.score.above_max" in html
    submitted.refresh_from_db()
    assert submitted.status == SheetStatus.SELF_SUBMITTED
    assert score_of(submitted, "1.1", appraised=True) is None


def test_the_unit_may_not_appraise_its_own_sheet(client_for, submitted):
    response = client_for("vanphong").post(appraisal_url(submitted), payload(submitted, FULL))
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == SheetStatus.SELF_SUBMITTED


def test_self_scores_are_refused_once_the_sheet_is_submitted(client_for, submitted):
    response = client_for("vanphong").post(
        self_url(submitted), payload(submitted, FULL, action="save")
    )
    assert response.status_code == 400
    assert "scoring.sheet.self_closed" in response.content.decode()
