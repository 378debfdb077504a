"""The audit log in words: every action the code records has a phrase, fields have labels,
and the pages show phrases with the codes kept in a detail line."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tongket.audit.labels import ACTIONS, FIELDS, action_label, field_label, value_text
from tongket.audit.models import AuditEvent

PACKAGE = Path(__file__).resolve().parents[2]
LITERAL_ACTION = re.compile(r'action="([a-z_]+(?:\.[a-z_]+)+)"')
# Actions assembled at run time from a fixed prefix and a value of a known set.
ASSEMBLED = {
    "evaluation.assessment.": ("self", "cell", "committee"),
    "evaluation.decision.": ("decision",),
    "export.": ("members", "organizations", "score_sheet", "report", "document", "awards"),
}


def _recorded_actions() -> set[str]:
    found: set[str] = set()
    for source in PACKAGE.rglob("*.py"):
        if "tests" in source.parts or "migrations" in source.parts:
            continue
        found.update(LITERAL_ACTION.findall(source.read_text(encoding="utf-8")))
    meetings = (PACKAGE / "meetings" / "services.py").read_text(encoding="utf-8")
    found.update(
        f"meetings.{m}" for m in re.findall(r'_audit\(\s*\w+,\s*\w+,\s*"([a-z_.]+)"', meetings)
    )
    found.update(f"{prefix}{v}" for prefix, values in ASSEMBLED.items() for v in values)
    return found


def test_every_action_the_code_records_has_a_vietnamese_phrase():
    actions = _recorded_actions()
    assert "awards.award.record" in actions
    assert "meetings.vote" in actions
    missing = sorted(a for a in actions if a not in ACTIONS)
    assert missing == [], f"Thêm cụm từ tiếng Việt cho: {missing}"


def test_an_action_not_yet_named_still_reads_as_words_with_its_area():
    assert action_label("awards.award.record") == "Ghi nhận khen thưởng"
    assert action_label("awards.something.new") == "Khen thưởng: thao tác khác"
    assert action_label("zzz.new") == "Thao tác: thao tác khác"


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("rows", "Số dòng"),
        ("format", "Định dạng tệp"),
        ("what", "Nội dung xuất"),
        ("decision.number", "Quyết định › Số"),
        ("points.1.2", "Điểm 1.2"),
        ("something_new", "Trường khác"),
    ],
)
def test_fields_read_as_vietnamese_labels(key, label):
    assert field_label(key) == label


def test_no_label_is_a_code():
    for phrase in (*ACTIONS.values(), *FIELDS.values()):
        assert not re.search(r"[a-z]+[._][a-z]+", phrase), phrase


@pytest.mark.django_db
def test_the_log_and_an_event_show_phrases_and_keep_the_codes_as_detail(
    client_for: Callable[[str], Client],
):
    event = AuditEvent.objects.filter(action="awards.award.record").order_by("id").first()
    assert event is not None
    client = client_for("quantri")
    listing = client.get(reverse("audit:index"), {"action": "awards"}).content.decode()
    assert "Ghi nhận khen thưởng" in listing
    assert "<code>awards.award.record</code>" in listing
    assert "Khen thưởng (mọi thao tác)" in listing  # the filter's choice
    page = client.get(reverse("audit:event", args=[event.pk])).content.decode()
    assert "Ghi nhận khen thưởng" in page
    assert "Thành tích" in page
    assert "Người, tập thể được khen" in page


@pytest.mark.parametrize(
    ("key", "value", "object_type", "shown"),
    [
        ("gender", "female", "people.Member", "Nữ"),
        ("status", "full", "people.Member", "Chính thức"),
        ("status", "probationary", "", "Dự bị"),
        ("joined_on", "2026-01-05", "people.Member", "05/01/2026"),
        ("at", "2026-01-05T08:30:12+07:00", "", "05/01/2026 08:30"),
        ("level", "excellent", "evaluation.Evaluation", "Hoàn thành xuất sắc nhiệm vụ"),
        ("tier", "committee", "evaluation.Assessment", "Cấp ủy thẩm định"),
        ("points.1.2", "7.5", "", "7,5"),
        ("points", {"1.1": "7.5", "1.2": 10}, "", "1.1: 7,5; 1.2: 10"),
        ("rows", 1250, "", "1.250"),
        ("year", 2026, "", "2026"),
        ("percent", 12.5, "", "12,5"),
        ("on_behalf", True, "", "Có"),
        (
            "decision",
            {"number": "5-QĐ/ĐU", "date": "2026-12-20"},
            "",
            "Số: 5-QĐ/ĐU; Ngày: 20/12/2026",
        ),
        ("card_number", "45.000010", "people.Member", "45.000010"),
        ("full_name", "Lê Thị Bình", "people.Member", "Lê Thị Bình"),
        ("joined_on", "2026-02-30", "", "2026-02-30"),
        ("comment", None, "", "—"),
    ],
)
def test_a_recorded_value_reads_as_the_product_shows_it(
    key: str, value: object, object_type: str, shown: str
) -> None:
    assert value_text(key, value, object_type) == shown


@pytest.mark.django_db
def test_the_event_page_shows_a_new_members_values_in_vietnamese(
    client_for: Callable[[str], Client],
) -> None:
    office = client_for("vanphong")
    created = office.post(
        reverse("people:member_create"),
        {
            "card_number": "45.999997",
            "full_name": "Hồ Thị Ghi",
            "gender": "female",
            "birth_date": "1990-05-01",
            "organization": "QT.KCQDN.SGDDT.TCCB",
            "joined_on": "2026-01-05",
            "status": "probationary",
            "full_member_on": "",
        },
    )
    assert created.status_code == 302
    event = AuditEvent.objects.get(action="member.create", object_id="45.999997")
    page = office.get(reverse("audit:event", args=[event.pk])).content.decode()
    cells = re.findall(r"<td>(.*?)</td>", page)
    for shown in ("Nữ", "Dự bị", "05/01/2026", "01/05/1990", "Hồ Thị Ghi", "45.999997"):
        assert shown in cells, shown
    for raw in ("female", "probationary", "2026-01-05", "1990-05-01"):
        assert raw not in cells, raw
    assert "<code>female</code>" not in page
