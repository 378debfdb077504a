"""The console commands' JSON, exactly as issue 3 specifies it, over the demo data."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tongket.evaluation.demo import CELL_JUSTIFICATION

pytestmark = pytest.mark.django_db

COUNT_KEYS = [
    "total",
    "excellent",
    "good",
    "completed",
    "not_completed",
    "not_classified",
    "pending",
]


def run(*args: str) -> object:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_stats_of_the_department_in_2020_match_the_article():
    assert run("stats", "--org", "QT.KCQDN.SGDDT", "--year", "2020", "--json") == {
        "org": "QT.KCQDN.SGDDT",
        "year": 2020,
        "profile": "qd132",
        "level": "good",
        "members": {
            "total": 50,
            "excellent": 10,
            "good": 40,
            "completed": 0,
            "not_completed": 0,
            "not_classified": 0,
            "pending": 0,
        },
        "organizations": {
            "cell": {
                "total": 7,
                "excellent": 2,
                "good": 5,
                "completed": 0,
                "not_completed": 0,
                "not_classified": 0,
                "pending": 0,
            }
        },
    }


def test_stats_of_the_bloc_count_the_department_among_its_organizations():
    data = run("stats", "--org", "QT.KCQDN", "--year", "2020", "--json")
    assert isinstance(data, dict)
    assert data["level"] is None
    assert data["organizations"]["grassroots"]["good"] == 1
    assert list(data["members"]) == COUNT_KEYS


def test_stats_of_the_open_2026_cycle_count_the_demos_first_decisions():
    """The demo decides one cell after its six ordinary members (completed) and before its
    secretary (good), a member on long sick leave on her results (good, her cell still
    pending: Điều 12 rates members before their Party organization), and Chi bộ Văn phòng's
    ordinary members (one excellent, the 5-year award's member); everything else pending."""
    data = run("stats", "--org", "QT.KCQDN.SGDDT", "--year", "2026", "--json")
    assert isinstance(data, dict)
    assert data["profile"] == "qd366"
    members = data["members"]
    # Chi bộ Văn phòng (the 5-year award, issue 24): 5 ordinary members good, 1 excellent.
    assert (
        members["total"],
        members["excellent"],
        members["good"],
        members["completed"],
        members["pending"],
    ) == (50, 1, 7, 6, 36)
    cells = data["organizations"]["cell"]
    assert (cells["total"], cells["good"], cells["pending"]) == (7, 1, 6)
    assert data["level"] is None
    # the warnings the deciding body accepted: decided before points or task counts were
    # entered, and before the self-assessment and proposal (Điều 12, `qd366.order.steps`)
    found = run("findings", "--org", "QT.KCQDN.SGDDT", "--year", "2026", "--json")
    assert isinstance(found, list)
    assert {item["severity"] for item in found} == {"warning"}
    rules = {item["rule"] for item in found}
    assert "qd366.order.steps" in rules
    assert {rule.rsplit(".", 2)[-2] for rule in rules - {"qd366.order.steps"}} <= {"score", "tasks"}


def test_findings_show_the_cells_over_the_quota_with_the_recorded_justification():
    assert run("findings", "--org", "QT.KCQDN.SGDDT", "--year", "2020", "--json") == [
        {
            "rule": "qd132.quota.organization.excellent",
            "citation": (
                "Hướng dẫn 21-HD/BTCTW (18/10/2019): tỷ lệ tổ chức đảng hoàn thành xuất sắc "
                "nhiệm vụ"
            ),
            "severity": "warning",
            "subject": "QT.KCQDN.SGDDT",
            "message": (
                "Có 2 tổ chức đảng xếp loại «Hoàn thành xuất sắc nhiệm vụ», vượt tỷ lệ 20% của số "
                "được xếp loại hoàn thành tốt nhiệm vụ trở lên (7) trong từng tổ chức cơ sở đảng: "
                "tối đa 1 (làm tròn xuống). Cấp quyết định phải ghi rõ lý do."
            ),
            "justification": CELL_JUSTIFICATION,
        }
    ]


def test_regulations_list_the_three_profiles_with_years_and_parameters():
    data = run("regulations", "--json")
    assert isinstance(data, list)
    assert [(p["id"], p["years"]) for p in data] == [
        ("qd132", {"first": 2018, "last": 2022}),
        ("qd124", {"first": 2023, "last": 2024}),
        ("qd366", {"first": 2025, "last": None}),
    ]
    quota = next(row for row in data[0]["parameters"] if row["name"] == "quota_percent")
    assert quota == {
        "name": "quota_percent",
        "value": "20",
        "default": "20",
        "description": "Tỷ lệ tối đa xếp loại Hoàn thành xuất sắc nhiệm vụ (%)",
        "source": "Hướng dẫn 21-HD/BTCTW",
        "verified": True,
    }


def test_regulations_list_the_2026_parameters_with_sources_and_which_are_unverified():
    data = run("regulations", "--json")
    assert isinstance(data, list)
    rows = {row["name"]: row for row in data[2]["parameters"]}
    exception = rows["quota_exception_max_percent"]
    assert (exception["value"], exception["verified"]) == ("25", True)
    assert "Điều 11, điểm 1.5" in exception["source"]
    assert (rows["quota_base"]["value"], rows["quota_base"]["verified"]) == ("good", True)
    for unverified in ("quota_rounding", "quota_small_group_size"):
        assert rows[unverified]["verified"] is False
        assert "[?]" in rows[unverified]["source"]
    assert "Điều 5" in rows["sick_leave_min_months"]["source"]
    # the not_completed cases of Điều 11.4 (issue 24, item 4)
    for name in ("low_confidence_max_percent", "member_tasks_not_completed_max_percent"):
        assert (rows[name]["value"], rows[name]["verified"]) == ("50", True)
        assert "Điều 11, khoản 4" in rows[name]["source"]


def test_unknown_organization_is_an_error_in_vietnamese():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không có tổ chức"):
        call_command("stats", "--org", "KHONG.CO", "--year", "2020", "--json")
