"""The self-assessment's steps through its services, on the demo: the 2B the demo member
submitted, returned and resubmitted; the annex counts driving the level; entered on behalf;
who may return; the criteria version an evaluation keeps; a subordinate's set; the appendix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tongket.core.demo import DEMO_ORG
from tongket.core.errors import DomainError, NotFound, PermissionDenied
from tongket.criteria import selectors as criteria_selectors
from tongket.criteria import services as criteria_services
from tongket.criteria.domain import Appendix
from tongket.evaluation.domain import Level
from tongket.evaluation.models import Evaluation, Tier
from tongket.evaluation.selectors import point_frame
from tongket.people.models import Member
from tongket.selfassessment import demo, services
from tongket.selfassessment.domain import TaskLine
from tongket.selfassessment.models import SelfAssessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_form(user_named: Callable[[str], Any]) -> SelfAssessment:
    member = Member.objects.get(user=user_named("dangvien"))
    return SelfAssessment.objects.get(evaluation__member=member, evaluation__cycle__year=2026)


def test_the_demo_2b_went_through_every_step_and_feeds_the_rules(
    member_form: SelfAssessment,
) -> None:
    assert (member_form.form, member_form.status) == ("2B", "submitted")
    assert member_form.return_comment.startswith("Đề nghị bổ sung")
    ev = Evaluation.objects.get(pk=member_form.evaluation_id)
    assert (ev.tasks_total, ev.tasks_completed, ev.tasks_on_time, ev.tasks_late) == (10, 10, 10, 0)
    assert ev.tasks_exceeded == 3
    self_row = ev.assessments.get(tier=Tier.SELF, is_current=True)
    assert self_row.level == "excellent"
    assert self_row.points["7"] == "8"
    assert point_frame(ev).code.endswith("/PL4/v1")  # the committee's set, not the sample


def test_a_submitted_form_is_read_only_to_its_author(
    member_form: SelfAssessment, user_named: Callable[[str], Any]
) -> None:
    with pytest.raises(DomainError) as caught:
        services.save_draft(
            actor=user_named("dangvien"), form_id=member_form.pk, data=services.FormInput()
        )
    assert caught.value.rule == "selfassessment.status.submitted_read_only"


def test_the_annex_counts_cap_the_level_the_member_may_propose(
    member_form: SelfAssessment, user_named: Callable[[str], Any]
) -> None:
    author = user_named("dangvien")
    services.return_to_author(
        actor=user_named("vanphong"), form_id=member_form.pk, comment="Kiểm tra lại phụ lục."
    )
    two_exceeded = services.FormInput(
        texts=demo.PART_A,
        points=demo.RESUBMIT_POINTS,  # 93,5 points: excellent by score
        proposed_level=Level.EXCELLENT,
        tasks=demo.tasks(exceeded=2),
    )
    services.save_draft(actor=author, form_id=member_form.pk, data=two_exceeded)
    with pytest.raises(DomainError) as caught:
        services.submit(actor=author, form_id=member_form.pk)
    assert "vượt yêu cầu" in caught.value.message  # 2 of 10 exceeding: < 30 %
    assert SelfAssessment.objects.get(pk=member_form.pk).status == "returned"
    good = services.FormInput(
        texts=demo.PART_A,
        points=demo.RESUBMIT_POINTS,
        proposed_level=Level.GOOD,
        tasks=demo.tasks(exceeded=2),
    )
    services.save_draft(actor=author, form_id=member_form.pk, data=good)
    assert services.submit(actor=author, form_id=member_form.pk).status == "submitted"
    assert Evaluation.objects.get(pk=member_form.evaluation_id).tasks_exceeded == 2


def test_a_late_task_in_the_annex_caps_the_level_at_completed(
    member_form: SelfAssessment, user_named: Callable[[str], Any]
) -> None:
    author = user_named("dangvien")
    services.return_to_author(actor=user_named("vanphong"), form_id=member_form.pk, comment="Sửa")
    tasks = demo.tasks(exceeded=3)
    tasks[0] = TaskLine(tasks[0].title, tasks[0].due_on, tasks[0].due_on + dt.timedelta(5))
    data = services.FormInput(points=demo.RESUBMIT_POINTS, proposed_level=Level.GOOD, tasks=tasks)
    services.save_draft(actor=author, form_id=member_form.pk, data=data)
    with pytest.raises(DomainError):
        services.submit(actor=author, form_id=member_form.pk)


def test_a_form_entered_by_the_office_is_recorded_on_behalf(
    member_form: SelfAssessment,
) -> None:
    other = SelfAssessment.objects.exclude(pk=member_form.pk).get(
        evaluation__cycle__year=2026, evaluation__unit=member_form.evaluation.unit
    )
    assert other.entered_on_behalf
    assert other.entered_by_label == "Văn phòng Đảng ủy Sở"
    assert not member_form.entered_on_behalf


def test_another_cells_secretary_cannot_see_or_return_the_form(
    member_form: SelfAssessment, user_named: Callable[[str], Any]
) -> None:
    with pytest.raises(NotFound):
        services.return_to_author(actor=user_named("bithu2"), form_id=member_form.pk, comment="x")


def test_the_author_cannot_return_their_own_form(
    member_form: SelfAssessment, user_named: Callable[[str], Any]
) -> None:
    with pytest.raises(PermissionDenied):
        services.return_to_author(actor=user_named("dangvien"), form_id=member_form.pk, comment="x")


def test_points_beyond_a_criterions_maximum_are_refused_naming_it(
    user_named: Callable[[str], Any], member_form: SelfAssessment
) -> None:
    services.return_to_author(actor=user_named("vanphong"), form_id=member_form.pk, comment="Sửa")
    with pytest.raises(DomainError) as caught:
        services.save_draft(
            actor=user_named("dangvien"),
            form_id=member_form.pk,
            data=services.FormInput(points={"5.1": "21"}),
        )
    assert caught.value.field == "points_5.1"
    assert "Tiêu chí 5.1" in caught.value.message


def test_an_evaluation_keeps_its_version_when_the_set_is_changed(
    member_form: SelfAssessment,
) -> None:
    published = member_form.criteria_set
    draft = criteria_services.new_version(actor=None, set_id=published.pk)
    criteria_services.publish_set(actor=None, set_id=draft.pk)
    ev = Evaluation.objects.get(pk=member_form.evaluation_id)
    assert point_frame(ev).code.endswith("/v1")
    in_force = criteria_selectors.set_in_force(ev.unit.path, 2026, Appendix.PL4)
    assert in_force is not None
    assert in_force.version == 2


def test_a_published_set_is_frozen() -> None:
    published = criteria_selectors.set_in_force(
        Member.objects.filter(organization__code=f"{DEMO_ORG}.KHTC").first().org_path,  # type: ignore[union-attr]
        2026,
        Appendix.PL4,
    )
    assert published is not None
    with pytest.raises(DomainError) as caught:
        criteria_services.publish_set(actor=None, set_id=published.pk)
    assert caught.value.rule == "criteria.set.frozen"


def test_a_cell_uses_the_superiors_set_until_it_publishes_its_own() -> None:
    cell = f"{DEMO_ORG}.KHTC"
    path = Member.objects.filter(organization__code=cell).first().org_path  # type: ignore[union-attr]
    superior = criteria_selectors.set_in_force(path, 2026, Appendix.PL4)
    assert superior is not None
    assert superior.organization.code == DEMO_ORG
    own = criteria_services.copy_set(
        actor=None, source_id=superior.pk, organization_code=cell, year=2026
    )
    assert criteria_selectors.set_in_force(path, 2026, Appendix.PL4) == superior  # a draft
    criteria_services.publish_set(actor=None, set_id=own.pk)
    assert criteria_selectors.set_in_force(path, 2026, Appendix.PL4) == own


def test_the_appendix_follows_posts_and_an_override_needs_a_reason(
    member_form: SelfAssessment,
) -> None:
    member = member_form.evaluation.member
    assert member is not None
    assert criteria_selectors.appendix_of(member, 2026) == (Appendix.PL4, "")
    with pytest.raises(DomainError) as caught:
        criteria_services.override_appendix(
            actor=None, card_number=member.card_number, year=2026, appendix=Appendix.PL5, reason=""
        )
    assert caught.value.rule == "criteria.appendix.reason_required"
    criteria_services.override_appendix(
        actor=None,
        card_number=member.card_number,
        year=2026,
        appendix=Appendix.PL3,
        reason="Được giao phụ trách tổ công tác từ tháng 3",
    )
    assert criteria_selectors.appendix_of(member, 2026)[0] is Appendix.PL3


def test_a_secretary_leads_and_is_scored_on_pl3() -> None:
    from tongket.people.models import PartyRole

    role = PartyRole.objects.filter(organization__code=f"{DEMO_ORG}.KHTC").first()
    assert role is not None
    assert criteria_selectors.appendix_of(role.member, 2026)[0] is Appendix.PL3
