"""Oracles (issue 17, finding 6): an identifier outside the user's scope is answered exactly like
one that does not exist, in every field that names a member or an organization. The attacker is
an office administrator of another department (`ngoai`), who writes in its own organization and
names the demo department's members and cells, whose card numbers are sequential."""

from __future__ import annotations

from typing import Any

import pytest

from tongket.conftest import OUTSIDE_ORG
from tongket.people.models import Member

pytestmark = pytest.mark.django_db

MISSING_CARD = "45.999999"
MISSING_ORG = "QT.KHONG.CO"
CELL = "QT.KCQDN.SGDDT.TCCB"


def _demo_member() -> Member:
    return Member.objects.filter(org_path__startswith=_path(CELL)).order_by("card_number")[0]


def _path(code: str) -> str:
    from tongket.people.models import Organization

    return Organization.objects.get(code=code).path


def _same_answer(api: Any, method: str, url: str, body: dict[str, Any], real: str, fake: str):
    """POST the body naming `real` (outside the scope), then naming `fake` (nowhere): the two
    answers must be one and the same, but for the identifier itself."""
    swap = {k: (fake if v == real else [fake] if v == [real] else v) for k, v in body.items()}
    first = getattr(api, method)(url, body, format="json")
    second = getattr(api, method)(url, swap, format="json")
    assert first.status_code == second.status_code
    assert first.status_code in (400, 404)
    assert first.content.decode().replace(real, fake) == second.content.decode()
    # Refused for the identifier, not for something else in the body.
    named = {k for k, v in body.items() if v in (real, [real])}
    field = first.json()["error"]["field"]
    assert field in named or (field, named) == ("secretary", {"member"}), first.json()
    return first


def _outsiders_meeting(api: Any) -> int:
    created = api.post(
        "/api/v1/meetings/",
        {"organization": OUTSIDE_ORG, "kind": "committee", "title": "Họp", "held_on": "2021-03-01"},
        format="json",
    )
    assert created.status_code == 201, created.content
    return int(created.json()["meeting"]["id"])


@pytest.mark.parametrize(
    ("action", "field"),
    [
        ("chairs", "member"),
        ("secretary", "member"),
        ("agenda", "presenter"),
        ("discussion", "speaker"),
    ],
)
def test_a_card_number_outside_the_scope_reads_like_a_missing_one_in_a_meeting(
    outsider_api: Any, action: str, field: str
) -> None:
    meeting = _outsiders_meeting(outsider_api)
    member = _demo_member()
    body = {
        field: member.card_number,
        "title_at_time": "Bí thư",
        "title": "Báo cáo",
        "summary": "Ý kiến",
    }
    answer = _same_answer(
        outsider_api,
        "post",
        f"/api/v1/meetings/{meeting}/{action}/",
        body,
        member.card_number,
        MISSING_CARD,
    )
    assert member.full_name not in answer.content.decode()


def test_a_card_number_or_code_outside_the_scope_reads_like_a_missing_one_in_a_program_item(
    outsider_api: Any,
) -> None:
    program = outsider_api.post(
        "/api/v1/programs/",
        {"organization": OUTSIDE_ORG, "year": 2021, "kind": "inspection", "title": "Kiểm tra"},
        format="json",
    )
    assert program.status_code == 201, program.content
    member = _demo_member()
    item = {
        "program": program.json()["id"],
        "code": "1",
        "content": "Kiểm tra chi bộ",
        "activity": "inspection",
        "quarter": 2,
    }
    for field, real, fake in (
        ("subject_members", [member.card_number], MISSING_CARD),
        ("in_charge_member", member.card_number, MISSING_CARD),
        ("subject_organizations", [CELL], MISSING_ORG),
        ("in_charge_organization", CELL, MISSING_ORG),
    ):
        value = real[0] if isinstance(real, list) else real
        answer = _same_answer(
            outsider_api, "post", "/api/v1/program-items/", {**item, field: real}, value, fake
        )
        assert member.full_name not in answer.content.decode()


def test_a_cell_outside_the_scope_reads_like_a_missing_one_when_creating_a_member(
    outsider_api: Any,
) -> None:
    body = {
        "card_number": "46.000001",
        "full_name": "Nguyễn Văn Thử",
        "gender": "male",
        "joined_on": "2010-01-01",
        "full_member_on": "2011-01-01",
        "organization": CELL,
    }
    _same_answer(outsider_api, "post", "/api/v1/members/", body, CELL, MISSING_ORG)


def test_a_card_number_taken_elsewhere_is_refused_without_the_holders_name(
    outsider_api: Any,
) -> None:
    member = _demo_member()
    body = {
        "card_number": member.card_number,
        "full_name": "Nguyễn Văn Thử",
        "gender": "male",
        "joined_on": "2010-01-01",
        "full_member_on": "2011-01-01",
        "organization": OUTSIDE_ORG,
    }
    response = outsider_api.post("/api/v1/members/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["rule"] == "people.member.unique_card"
    text = response.content.decode()
    assert member.full_name not in text
    assert "đã có" not in text
    assert CELL not in text
