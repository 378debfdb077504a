"""qd366 quota groups and the 25 % exception (Điều 11, point 1.5) through the services and the
cycle page: every subject in one group, counted per group, the exception recorded and shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tongket.audit.models import AuditEvent
from tongket.core.errors import DomainError
from tongket.evaluation import selectors, services
from tongket.evaluation.domain import Level
from tongket.evaluation.models import Cycle, Evaluation, SubjectKind

pytestmark = pytest.mark.django_db

ORG = "QT.KCQDN.SGDDT"
DAY = dt.date(2026, 12, 20)


@pytest.fixture
def cycle() -> Cycle:
    """A fresh qd366 cycle (the third quarter): the demo's yearly one already has its groups."""
    return services.open_cycle(actor=None, organization_code=ORG, year=2026, quarter=3)


def test_the_demo_year_shows_its_groups_caps_and_recorded_exception():
    year = Cycle.objects.get(organization__code=ORG, year=2026, quarter__isnull=True)
    groups = {(g.subject_kind, g.label): g for g in selectors.quota_groups(year)}
    cells = groups[("organization", "Chi bộ")]
    assert (cells.total, cells.good, cells.percent) == (7, 1, Decimal(25))
    assert cells.exception is not None
    assert cells.exception.number == "30-QĐ/ĐU"
    assert sum(g.total for (kind, _), g in groups.items() if kind == "member") == 50


def cells(cycle: Cycle) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(cycle=cycle, subject_kind=SubjectKind.ORGANIZATION).order_by(
            "subject_path"
        )
    )


def refusal(call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def exception(cycle: Cycle, percent: str = "25", groups: tuple[str, ...] = ("Chi bộ",)) -> object:
    return services.record_quota_exception(
        actor=None,
        cycle_id=cycle.pk,
        subject_kind=SubjectKind.ORGANIZATION,
        groups=list(groups),
        percent=Decimal(percent),
        number="30-QĐ/ĐU",
        date=dt.date(2026, 12, 1),
        reason="Các chi bộ có kết quả nổi trội trong năm",
    )


def test_every_subject_is_put_in_exactly_one_group_by_kind_or_by_post(cycle: Cycle):
    sizes = services.assign_quota_groups(
        actor=None, cycle_id=cycle.pk, subject_kind=SubjectKind.ORGANIZATION, basis="org_kind"
    )
    assert sizes == {"Chi bộ": 7}
    sizes = services.assign_quota_groups(
        actor=None, cycle_id=cycle.pk, subject_kind=SubjectKind.MEMBER, basis="post"
    )
    assert sum(sizes.values()) == 50
    # the director, his deputy, the heads of division and the cells' secretaries
    assert sizes[services.GROUP_MANAGERS] >= 8
    groups = {(g.subject_kind, g.label): g.total for g in selectors.quota_groups(cycle)}
    assert groups[("organization", "Chi bộ")] == 7
    assert groups[("member", services.GROUP_NO_POST)] == sizes[services.GROUP_NO_POST]
    audited = AuditEvent.objects.filter(action="evaluation.quota.groups", object_id=str(cycle.pk))
    assert audited.count() == 2


def test_groups_are_set_before_deciding(cycle: Cycle):
    services.decide(
        actor=None, evaluation_id=cells(cycle)[0].pk, outcome=Level.GOOD, number="1", date=DAY
    )
    error = refusal(
        lambda: services.assign_quota_groups(
            actor=None, cycle_id=cycle.pk, subject_kind=SubjectKind.ORGANIZATION, basis="org_kind"
        )
    )
    assert error.rule == "qd366.quota.groups.after_decisions"


def test_an_exception_above_25_percent_is_refused_with_the_article(cycle: Cycle):
    services.assign_quota_groups(
        actor=None, cycle_id=cycle.pk, subject_kind=SubjectKind.ORGANIZATION, basis="org_kind"
    )
    error = refusal(lambda: exception(cycle, percent="30"))
    assert error.rule == "qd366.quota.exception.percent"
    assert "Điều 11, điểm 1.5" in error.citation


def test_the_recorded_exception_lets_the_group_reach_25_percent_and_is_shown(
    cycle: Cycle, client_for: Callable[[str], Client]
):
    services.assign_quota_groups(
        actor=None, cycle_id=cycle.pk, subject_kind=SubjectKind.ORGANIZATION, basis="org_kind"
    )
    first = cells(cycle)
    for ev in first[:4]:
        services.decide(actor=None, evaluation_id=ev.pk, outcome=Level.GOOD, number="1", date=DAY)
    # 20 % of 4 good is 0: a small group, so a warning that needs the body's justification
    error = refusal(
        lambda: services.decide(
            actor=None, evaluation_id=first[4].pk, outcome=Level.EXCELLENT, number="2", date=DAY
        )
    )
    assert error.rule == "qd366.quota.organization.excellent"
    exception(cycle)
    decision = services.decide(
        actor=None, evaluation_id=first[4].pk, outcome=Level.EXCELLENT, number="2", date=DAY
    )
    assert decision.level == Level.EXCELLENT
    (group,) = [g for g in selectors.quota_groups(cycle) if g.subject_kind == "organization"]
    assert (group.good, group.excellent, group.cap, group.percent) == (4, 1, 1, Decimal(25))
    assert group.exception is not None
    assert group.exception.number == "30-QĐ/ĐU"
    page = client_for("vanphong").get(reverse("evaluation:cycle", args=[cycle.pk]))
    html = page.content.decode()
    assert "Tỷ lệ hoàn thành xuất sắc theo nhóm" in html
    assert "Quyết định số 30-QĐ/ĐU ngày 01/12/2026" in html
    assert "Các chi bộ có kết quả nổi trội trong năm" in html
    assert AuditEvent.objects.filter(action="evaluation.quota.exception").exists()


def test_quota_groups_are_a_qd366_matter():
    old = services.open_cycle(actor=None, organization_code=ORG, year=2023)
    error = refusal(
        lambda: services.assign_quota_groups(
            actor=None, cycle_id=old.pk, subject_kind=SubjectKind.ORGANIZATION, basis="org_kind"
        )
    )
    assert error.rule == "qd124.quota.groups.not_provided"
    assert selectors.quota_groups(old) == []
