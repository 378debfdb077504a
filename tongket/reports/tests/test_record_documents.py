"""The award decision, certificates and the referral letter of the demo, through the command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tongket.awards.selectors import organization_register
from tongket.core.errors import NotFound
from tongket.people.services import transfer_member
from tongket.reports.selectors import render_report
from tongket.reports.tests.rendering import pdf_text

ORG = "QT.KCQDN.SGDDT"
SECRETARY, DEPUTY = "Trần Quốc Hưng", "Lê Văn Tính"


def report(tmp_path: Path, *args: str) -> str:
    out = tmp_path / "out.pdf"
    call_command("report", "--org", ORG, "--year", "2020", "--format", "pdf", "-o", str(out), *args)
    return pdf_text(out.read_bytes())


def award_of(name: str, issuer: str = ORG) -> int:
    register = organization_register(None, ORG, 2020)
    return next(
        row.award_id
        for group in register.groups
        for row in group.rows
        if row.recipient_name == name and row.issuer_code == issuer
    )


@pytest.mark.django_db
def test_the_award_decision_lists_its_recipients_in_an_annex_after_the_signature(tmp_path):
    text = report(tmp_path, "--kind", "award-decision")
    assert "Số 45-QĐ/ĐU" in text
    assert "Về việc tặng Giấy khen năm 2020" in text
    assert "Điều 1. Tặng Giấy khen cho 10 đồng chí đảng viên (có danh sách kèm theo)" in text
    signature, annex = text.split("DANH SÁCH ĐẢNG VIÊN ĐƯỢC TẶNG GIẤY KHEN NĂM 2020")
    assert "T/M ĐẢNG ỦY BÍ THƯ" in signature
    assert "(Kèm theo Quyết định số 45-QĐ/ĐU, ngày 24 tháng 02 năm 2021" in annex
    assert SECRETARY in annex
    assert "Nguyễn Ngọc Khánh" in annex


@pytest.mark.django_db
def test_the_secretarys_own_certificate_is_signed_by_the_deputy(tmp_path):
    text = report(tmp_path, "--kind", "certificate", "--award", str(award_of(SECRETARY)))
    assert f"Đồng chí {SECRETARY}" in text
    assert "PHÓ BÍ THƯ" in text
    assert text.rstrip().endswith(DEPUTY)


@pytest.mark.django_db
def test_the_deputys_own_certificate_is_signed_by_the_secretary(tmp_path):
    text = report(tmp_path, "--kind", "certificate", "--award", str(award_of(DEPUTY)))
    assert f"Đồng chí {DEPUTY}" in text
    assert "PHÓ BÍ THƯ" not in text
    assert text.rstrip().endswith(SECRETARY)


@pytest.mark.django_db
def test_a_certificate_whose_decision_names_no_signer_is_refused_not_printed_blank(tmp_path):
    award = award_of("Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng", issuer="QT.KCQDN")
    with pytest.raises(CommandError, match="chưa ghi họ tên người ký"):
        report(tmp_path, "--kind", "certificate", "--award", str(award))


@pytest.mark.django_db
def test_the_preprinted_certificate_prints_only_the_variable_text():
    award = award_of(SECRETARY)
    full, blank = (
        pdf_text(
            render_report(
                None, ORG, 2020, kind="certificate", fmt="pdf", award_id=award, preprinted=mode
            ).content
        )
        for mode in (False, True)
    )
    for fixed in ("ĐẢNG CỘNG SẢN VIỆT NAM", "GIẤY KHEN", "TẶNG"):
        assert fixed in full
        assert fixed not in blank
    for variable in (SECRETARY, "Quyết định số 45-QĐ/ĐU", DEPUTY):
        assert variable in blank


@pytest.mark.django_db
def test_another_organizations_user_cannot_print_the_certificate(
    user_named: Callable[[str], Any],
):
    with pytest.raises(NotFound):
        render_report(
            user_named("bithu2"),
            f"{ORG}.TTR",
            2020,
            kind="certificate",
            fmt="pdf",
            award_id=award_of(SECRETARY),
        )


@pytest.mark.django_db
def test_the_referral_letter_follows_the_recorded_transfer(tmp_path):
    member = transfer_member(
        actor=None,
        card_number="45.000040",
        to_code=f"{ORG}.VP",
        on=dt.date(2021, 3, 1),
        note="Điều động công tác",
    )
    text = report(tmp_path, "--kind", "referral", "--member", member.card_number)
    assert "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG (Chính thức)" in text
    assert f"giới thiệu đồng chí: {member.full_name}" in text
    assert "Đang sinh hoạt tại Chi bộ Thanh tra." in text
    assert "sinh hoạt đảng chính thức tại Chi bộ Văn phòng, kể từ ngày 01/03/2021" in text
    assert "Lý do: Điều động công tác." in text
    assert "ngày 01 tháng 3 năm 2021" in text


@pytest.mark.django_db
def test_a_referral_without_a_recorded_transfer_is_refused_with_the_reason(tmp_path):
    with pytest.raises(CommandError, match="Chưa ghi nhận đồng chí"):
        report(tmp_path, "--kind", "referral", "--member", "45.000040")


@pytest.mark.django_db
def test_the_award_page_gives_the_certificate_as_docx_and_for_preprinted_paper(client_for):
    client = client_for("vanphong")
    award = award_of(SECRETARY)
    docx = client.get(f"/awards/{award}/certificate.pdf?format=docx")
    assert docx.status_code == 200
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    blank = client.get(f"/awards/{award}/certificate.pdf?preprinted=1")
    assert blank.status_code == 200
    assert "GIẤY KHEN" not in pdf_text(blank.content)
    unsigned = award_of("Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng", issuer="QT.KCQDN")
    refused = client.get(f"/awards/{unsigned}/certificate.pdf")
    assert refused.status_code == 409
    assert "chưa ghi họ tên người ký" in refused.content.decode()
