"""Members imported (or transferred in) after a cycle opened: the office's cycle page lists them
and «Thêm vào kỳ đánh giá» gives each an evaluation, audited; nobody else sees the list."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from tongket.core.tests.test_attack_a4 import _sign_in_once
from tongket.core.tests.test_attack_a5 import _account, _evaluations, _office, _open_cycle


def _import_one_more(tmp_path: Path) -> None:
    template = tmp_path / "mau2.xlsx"
    call_command("template", "-o", str(template), stdout=io.StringIO())
    book = openpyxl.load_workbook(template)
    book["Đảng viên"].append(
        ["42.000106", "Đặng Thị Giang", dt.datetime(1988, 11, 11), "Nữ", dt.datetime(2012, 7, 1),
         dt.datetime(2013, 7, 1), "Chính thức", "HT.KCQ.STC.VP"]
    )  # fmt: skip
    path = tmp_path / "chuyen-den.xlsx"
    book.save(path)
    call_command("import", str(path), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db
def test_the_office_adds_a_member_imported_after_the_cycle_opened(tmp_path: Path) -> None:
    office, api = _office(tmp_path)
    cycle = _open_cycle(api, "HT.KCQ.STC")
    before = _evaluations(api, cycle)
    page = office.get(f"/evaluation/ky/{cycle}/").content.decode()
    assert "missing-subjects" not in page
    _import_one_more(tmp_path)
    page = office.get(f"/evaluation/ky/{cycle}/").content.decode()
    assert "Đặng Thị Giang (42.000106)" in page
    assert "42.000106" not in _evaluations(api, cycle)
    member = _sign_in_once("42.000103", _account("42.000103", "--member", "42.000103"))
    refused = member.post(f"/evaluation/ky/{cycle}/them-doi-tuong/")
    assert refused.status_code == 404
    added = office.post(f"/evaluation/ky/{cycle}/them-doi-tuong/", follow=True)
    html = added.content.decode()
    assert "Đã thêm 1 đối tượng vào kỳ đánh giá." in html
    assert "missing-subjects" not in html
    after = _evaluations(api, cycle)
    assert set(after) - set(before) == {"42.000106"}
    log = office.get("/audit/").content.decode()
    assert "Thêm đối tượng vào kỳ đánh giá" in log
