"""Issue 18 under qd366: `excellent`/`good` proposed or decided only on a score (Điều 11, khoản
1 and 2); a self-assessment entered by someone else is marked «nhập thay»; the decision page
groups its refusals by rule and keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tongket.audit.models import AuditEvent
from tongket.core.demo import DEMO_ORG
from tongket.core.errors import DomainError
from tongket.evaluation import services
from tongket.evaluation.demo import POINTS_2026
from tongket.evaluation.domain import Level, MemberFacts
from tongket.evaluation.models import Cycle, Evaluation
from tongket.evaluation.regulations import qd366
from tongket.evaluation.tests.points import points_worth

RULE = "qd366.member.score.required_for_level"
TTR = f"{DEMO_ORG}.TTR"
UserNamed = Callable[[str], Any]


@pytest.mark.parametrize(
    ("level", "points", "clause"),
    [
        (Level.EXCELLENT, None, "khoản 1"),
        (Level.GOOD, None, "khoản 2"),
        (Level.COMPLETED, None, None),
        (Level.NOT_COMPLETED, None, None),
        (Level.GOOD, {"1.1": 7}, None),
        (Level.EXCELLENT, {"1.1": 7}, None),
    ],
)
def test_excellent_and_good_need_a_score_naming_the_clause(
    level: Level, points: dict[str, int] | None, clause: str | None
) -> None:
    facts = MemberFacts(subject="0001", points=points)  # type: ignore[arg-type]
    found = qd366.member_scored_level(facts, level)
    if clause is None:
        assert found == []
        return
    (finding,) = found
    assert finding.rule == RULE
    assert f"Điều 11, {clause}" in finding.message
    assert "Điều 11" in finding.citation
    assert finding.subject == "0001"


def _ttr_members() -> list[Evaluation]:
    """The TTR cell's members in 2026, but its secretary (bithu2 enters for the others)."""
    cycle = Cycle.objects.get(organization__code=DEMO_ORG, year=2026, quarter__isnull=True)
    return list(
        Evaluation.objects.filter(cycle=cycle, unit__code=TTR)
        .exclude(member=None)
        .exclude(member__user__username="bithu2")
        .select_related("member")
        .order_by("member__card_number")
    )


@pytest.mark.django_db
def test_the_cell_may_not_propose_good_for_a_member_without_a_score_and_may_once_scored(
    user_named: UserNamed,
) -> None:
    ev = _ttr_members()[0]
    secretary = user_named("bithu2")
    with pytest.raises(DomainError) as refused:
        services.record_proposal(actor=secretary, evaluation_id=ev.pk, outcome=Level.GOOD)
    assert refused.value.rule == RULE
    assert "Điều 11, khoản 2" in refused.value.message
    services.submit_self_assessment(
        actor=secretary, evaluation_id=ev.pk, level=Level.GOOD, points=POINTS_2026[1]
    )
    proposal = services.record_proposal(actor=secretary, evaluation_id=ev.pk, outcome=Level.GOOD)
    assert proposal.level == Level.GOOD


@pytest.mark.django_db
def test_a_self_assessment_entered_by_the_secretary_is_recorded_and_shown_as_nhap_thay(
    user_named: UserNamed, client_for: Callable[[str], Client]
) -> None:
    ev = _ttr_members()[0]
    row = services.submit_self_assessment(
        actor=user_named("bithu2"), evaluation_id=ev.pk, level=Level.GOOD, points=POINTS_2026[1]
    )
    assert row.on_behalf is True
    event = AuditEvent.objects.filter(action="evaluation.assessment.self").latest("pk")
    assert (event.after or {})["on_behalf"] is True
    assert "(nhập thay)" in event.summary
    page = client_for("bithu2").get(f"/evaluation/danh-gia/{ev.pk}/").content.decode()
    assert 'data-testid="on-behalf">nhập thay<' in page
    cell_page = client_for("bithu2").get(f"/evaluation/ky/{ev.cycle_id}/chi-bo/{TTR}/")
    assert "nhập thay" in cell_page.content.decode()


@pytest.mark.django_db
def test_a_members_own_self_assessment_is_not_marked_nhap_thay(user_named: UserNamed) -> None:
    member_user = user_named("dangvien")
    cycle = Cycle.objects.get(organization__code=DEMO_ORG, year=2026, quarter__isnull=True)
    ev = Evaluation.objects.get(cycle=cycle, member__user=member_user)
    row = services.submit_self_assessment(
        actor=member_user, evaluation_id=ev.pk, level=Level.GOOD, points=points_worth(ev, "0.8")
    )
    assert row.on_behalf is False


@pytest.mark.django_db
def test_the_decision_page_shows_one_box_per_rule_listing_the_subjects_and_keeps_the_input(
    client_for: Callable[[str], Client],
) -> None:
    members = _ttr_members()
    cycle_id = members[0].cycle_id
    data = {f"outcome_{ev.pk}": "good" for ev in members} | {
        "number": "50-QĐ/ĐU",
        "date": "2026-12-20",
        "justification": "Theo đề nghị của chi bộ",
    }
    response = client_for("vanphong").post(f"/evaluation/ky/{cycle_id}/chi-bo/{TTR}/", data)
    assert response.status_code == 422
    page = response.content.decode()
    boxes = page.split('data-testid="rule-box"')[1:]
    rules = [box.split('data-rule="')[1].split('"')[0] for box in boxes]
    assert len(rules) == len(set(rules)), "one box per rule"
    score_box = boxes[rules.index(RULE)]
    assert "Điều 11, khoản 2" in score_box
    assert f"Mã quy tắc: <code>{RULE}</code>" in score_box  # the office's detail line
    for ev in members:
        assert ev.member is not None
        assert ev.member.card_number in score_box
        assert ev.member.full_name in score_box
    # What was typed stays in the form.
    assert 'value="50-QĐ/ĐU"' in page
    assert "Theo đề nghị của chi bộ" in page
    for ev in members:
        assert '<option value="good" selected>' in page.split(f'name="outcome_{ev.pk}"')[1][:2000]
    assert not Evaluation.objects.filter(
        pk__in=[ev.pk for ev in members], decisions__isnull=False
    ).exists()
