"""Racing writers on PostgreSQL (threads, one connection each, released together by a barrier),
every race repeated several times with its invariants checked after each run:

- edits of one member, and of one organization, from the same version: optimistic locking lets
  exactly one win; every other writer is refused (ConcurrentEdit, in Vietnamese) and nothing of
  theirs is written;
- the same race through the web form: the loser sees the message and keeps what they typed;
- transfers of one member to different cells on one day, and an edit racing a transfer: one
  move, one open membership, no writer told the member does not exist;
- awards recorded for the same achievement by different decisions: exactly one award, no
  orphan decision;
- status changes of one programme item: the recorded history is one unbroken chain.

After every run the audit chain still verifies. The demo is loaded once (one transactional
test: reloading it costs more than all the races), and each race reports on its own."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from tongket.audit import services as audit
from tongket.audit.models import AuditEvent
from tongket.awards import domain as awards_domain
from tongket.awards import services as awards
from tongket.awards.models import Award, AwardDecision
from tongket.core.tests import dbsnapshot
from tongket.core.tests.racing import Outcome, race
from tongket.people import services as people
from tongket.people.models import Member, Membership, Organization
from tongket.people.tests.inputs import member_input
from tongket.programs import services as programs
from tongket.programs.models import ItemStatusChange, ProgramItem

RUNS = 5
RACERS = 4
DEPARTMENT = "QT.KCQDN.SGDDT"
CELL_CODES = ("VP", "TCCB", "GDMNTH", "GDTRH", "KHTC", "TTR", "KTQLCL")
STALE = "core.concurrent_edit"
RUN_COUNT: dict[str, int] = {}


def office() -> Any:
    return get_user_model().objects.get(username="vanphong")


def winners(outcomes: list[Outcome]) -> list[int]:
    return [i for i, o in enumerate(outcomes) if o.won]


def counted(name: str) -> None:
    RUN_COUNT[name] = RUN_COUNT.get(name, 0) + 1
    assert audit.verify() == [], f"{name}: the audit chain is broken"


# --- the races ---------------------------------------------------------------------------------


def race_member_edits(actor: Any) -> None:
    for run in range(RUNS):
        member = Member.objects.select_related("organization").get(card_number="45.000003")
        version, events = member.version, AuditEvent.objects.count()
        names = [f"Người Sửa Số {run}{i}" for i in range(RACERS)]

        def edit(name: str, member: Member = member, version: int = version) -> Member:
            return people.update_member(
                actor=actor,
                card_number=member.card_number,
                data=member_input(member, full_name=name),
                expected_version=version,
            )

        outcomes = race([functools.partial(edit, name) for name in names])
        won = winners(outcomes)
        assert len(won) == 1, outcomes
        for outcome in outcomes:
            if not outcome.won:
                assert outcome.rule == STALE, outcome
                assert "người khác sửa" in outcome.message
                assert "tải lại" in outcome.message
        member.refresh_from_db()
        assert member.full_name == names[won[0]]
        assert member.version == version + 1
        assert AuditEvent.objects.count() == events + 1
        counted("member edits")


def race_organization_edits(actor: Any) -> None:
    code = f"{DEPARTMENT}.KHTC"
    for run in range(RUNS):
        org = Organization.objects.get(code=code)
        version, names_before = org.version, org.names.count()
        names = [f"Chi bộ Thử Tranh {run}{i}" for i in range(RACERS)]

        def edit(name: str, version: int = version) -> Organization:
            return people.update_organization(
                actor=actor, code=code, name=name, expected_version=version
            )

        outcomes = race([functools.partial(edit, name) for name in names])
        won = winners(outcomes)
        assert len(won) == 1, outcomes
        assert {o.rule for o in outcomes if not o.won} == {STALE}
        org.refresh_from_db()
        assert org.name == names[won[0]]
        assert org.version == version + 1
        # One dated name added (the previous one closed); no loser's name anywhere in it.
        assert org.names.count() == names_before + 1
        stored = set(org.names.values_list("name", flat=True))
        assert stored.isdisjoint(n for i, n in enumerate(names) if i != won[0])
        counted("organization edits")


def _form(member: Member, full_name: str) -> dict[str, Any]:
    def day(value: dt.date | None) -> str:
        return value.strftime("%d/%m/%Y") if value else ""

    return {
        "full_name": full_name,
        "gender": member.gender,
        "birth_date": day(member.birth_date),
        "joined_on": day(member.joined_on),
        "status": member.status,
        "full_member_on": day(member.full_member_on),
        "version": member.version,
    }


def _post(
    client: Client, url: str, body: dict[str, Any], barrier: threading.Barrier, out: list[Any]
) -> None:
    try:
        barrier.wait(timeout=30)
        out.append(client.post(url, body))
    finally:
        connection.close()


def race_member_edit_forms(clients: list[Client]) -> None:
    for run in range(3):
        member = Member.objects.get(card_number="45.000004")
        url = reverse("people:member_edit", args=[member.card_number])
        names = [f"Trần Văn Đua {run}", f"Lê Thị Đua {run}"]
        barrier = threading.Barrier(len(clients))
        outs: list[list[Any]] = [[] for _ in clients]
        threads = [
            threading.Thread(target=_post, args=(c, url, _form(member, names[i]), barrier, outs[i]))
            for i, c in enumerate(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        responses = [out[0] for out in outs]
        assert sorted(r.status_code for r in responses) == [200, 302]
        won = next(i for i, r in enumerate(responses) if r.status_code == 302)
        page = responses[1 - won].content.decode()
        assert "người khác sửa" in page  # the loser is told...
        assert names[1 - won] in page  # ...and what they typed is still in the form
        member.refresh_from_db()
        assert member.full_name == names[won]
        counted("member edit forms")


def _check_memberships(member: Member) -> None:
    member.refresh_from_db()
    assert member.org_path == member.organization.path
    open_ = list(Membership.objects.filter(member=member, end__isnull=True))
    assert [m.organization_id for m in open_] == [member.organization_id]
    spans = list(member.memberships.order_by("start").values_list("start", "end"))
    for (_start, end), (next_start, _end) in itertools.pairwise(spans):
        assert end is not None
        assert end < next_start, spans


def race_transfers(actor: Any) -> None:
    for run in range(RUNS):
        member = Member.objects.select_related("organization").get(card_number="45.000005")
        memberships = member.memberships.count()
        here = member.organization.code
        targets = [f"{DEPARTMENT}.{c}" for c in CELL_CODES if f"{DEPARTMENT}.{c}" != here]
        day = dt.date(2030, 1, 1) + dt.timedelta(days=run)

        def transfer(code: str, member: Member = member, day: dt.date = day) -> Member:
            return people.transfer_member(
                actor=actor, card_number=member.card_number, to_code=code, on=day
            )

        outcomes = race([functools.partial(transfer, code) for code in targets[:RACERS]])
        won = winners(outcomes)
        assert len(won) == 1, outcomes
        assert {o.rule for o in outcomes if not o.won} <= {
            "people.member.transfer_date",
            "people.member.transfer_same",
        }, outcomes
        _check_memberships(member)
        assert member.organization.code == targets[won[0]]
        assert member.memberships.count() == memberships + 1
        moves = AuditEvent.objects.filter(action="member.transfer", object_id=member.card_number)
        assert moves.filter(after__on=day.isoformat()).count() == 1
        counted("transfers")


def race_edit_against_transfer(actor: Any) -> None:
    """An edit and a transfer of one member at once: neither is told the member is missing."""
    for run in range(RUNS):
        member = Member.objects.select_related("organization").get(card_number="45.000006")
        here = member.organization.code
        target = next(f"{DEPARTMENT}.{c}" for c in CELL_CODES if f"{DEPARTMENT}.{c}" != here)
        day = dt.date(2031, 1, 1) + dt.timedelta(days=run)
        name = f"Phạm Văn Song {run}"

        def edit(member: Member = member, name: str = name) -> Member:
            return people.update_member(
                actor=actor,
                card_number=member.card_number,
                data=member_input(member, full_name=name),
                expected_version=member.version,
            )

        def transfer(member: Member = member, target: str = target, day: dt.date = day) -> Any:
            return people.transfer_member(
                actor=actor, card_number=member.card_number, to_code=target, on=day
            )

        edited, moved = race([edit, transfer])
        assert moved.won, moved  # a transfer carries no version: it always applies
        assert edited.won or edited.rule == STALE, edited
        _check_memberships(member)
        assert member.organization.code == target
        assert (member.full_name == name) is edited.won
        counted("edit against transfer")


def race_award_records(actor: Any) -> None:
    cell = f"{DEPARTMENT}.TCCB"
    for run in range(RUNS):
        achievement = f"trong phong trào thi đua chuyên đề số {run} năm 2020"
        decisions = AwardDecision.objects.count()

        def record(n: int, achievement: str = achievement, run: int = run) -> Award:
            return awards.record_award(
                actor=actor,
                data=awards.RecordInput(
                    form_code=awards_domain.PARTY_BLOC_COLLECTIVE_THEMATIC,
                    issuer_code=DEPARTMENT,
                    year=2020,
                    achievement=achievement,
                    organization_code=cell,
                    # Each run's award is another thematic award of the same form and issuer.
                    justification=f"Đợt thi đua chuyên đề số {run}",
                    decision=awards.DecisionInput(
                        number=f"{run * 10 + n + 1}-QĐ/ĐU",
                        date=dt.date(2021, 1, 5),
                        signer_title="Bí thư",
                    ),
                ),
            )

        outcomes = race([functools.partial(record, n) for n in range(RACERS)])
        won = winners(outcomes)
        assert len(won) == 1, outcomes
        assert {o.rule for o in outcomes if not o.won} == {awards_domain.RULE_NOT_REWARDED_TWICE}
        given = Award.objects.filter(organization__code=cell, year=2020)
        assert given.filter(achievement=achievement).count() == 1
        # The losers' decisions were rolled back with them: no decision without an award.
        assert AwardDecision.objects.count() == decisions + 1
        assert not AwardDecision.objects.filter(awards__isnull=True).exists()
        counted("award records")


def race_item_status(actor: Any) -> None:
    items = list(
        ProgramItem.objects.filter(
            program__organization__code=f"{DEPARTMENT}.TCCB", status__in=("planned", "in_progress")
        ).order_by("pk")[:RUNS]
    )
    assert items, "the demo has an open programme item in TCCB"
    # Each with a reason, so that only the order of the changes decides which are refused.
    wishes = [
        ("done", "Đã xong"),
        ("postponed", "Chờ ý kiến cấp trên"),
        ("cancelled", "Không còn phù hợp"),
        ("in_progress", "Làm tiếp"),
    ]
    for item in items:
        changes = item.status_changes.count()

        def change(status: str, reason: str, item: ProgramItem = item) -> ProgramItem:
            return programs.change_item_status(
                actor=actor, item_id=item.pk, status=status, reason=reason
            )

        outcomes = race([functools.partial(change, s, r) for s, r in wishes])
        assert winners(outcomes), outcomes
        assert {o.rule for o in outcomes if not o.won} <= {"programs.item.transition"}, outcomes
        item.refresh_from_db()
        history = list(ItemStatusChange.objects.filter(item=item).order_by("pk")[changes:])
        # Every applied change is recorded once, each starting where the previous one ended.
        assert len(history) == len(winners(outcomes))
        for before, after in itertools.pairwise(history):
            assert before.to_status == after.from_status, history
        assert history[-1].to_status == item.status
        counted("programme item status")


# --- the test ----------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_writers_never_lose_an_update_and_keep_every_invariant(
    demo_loaded: None, client_for: Callable[[str], Client], request: pytest.FixtureRequest
) -> None:
    assert connection.vendor == "postgresql"
    actor = office()
    races: dict[str, Callable[[], None]] = {
        "member edits": lambda: race_member_edits(actor),
        "organization edits": lambda: race_organization_edits(actor),
        "member edit forms": lambda: race_member_edit_forms(
            [client_for("vanphong"), client_for("quantri")]
        ),
        "transfers": lambda: race_transfers(actor),
        "edit against transfer": lambda: race_edit_against_transfer(actor),
        "award records": lambda: race_award_records(actor),
        "programme item status": lambda: race_item_status(actor),
    }
    failures: dict[str, str] = {}
    for name, run in races.items():
        try:
            run()
        except AssertionError as exc:  # each race reports on its own
            failures[name] = f"{type(exc).__name__}: {exc}"
    total = sum(RUN_COUNT.values())
    detail = ", ".join(f"{k} {v}" for k, v in RUN_COUNT.items())
    dbsnapshot.announce(request.config, f"races: {total} runs of {len(races)} kinds — {detail}")
    assert not failures, failures
