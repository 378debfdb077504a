"""The dossier page as each role sees it: the office adds a file and the residence comment and
removes a document, a bad file answers 422 naming the field, the member reads without a form,
the evaluation page links here; another organization's user gets 404 on every address."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tongket.dossier.models import DossierDocument
from tongket.dossier.tests.test_domain import PDF, PNG
from tongket.evaluation.models import Evaluation

pytestmark = pytest.mark.django_db


def _url(ev: Evaluation) -> str:
    return f"/ho-so/danh-gia/{ev.pk}/"


def test_the_evaluation_page_links_to_the_dossier(
    client_for: Callable[[str], Client], evaluation: Evaluation
) -> None:
    body = client_for("dangvien").get(f"/evaluation/danh-gia/{evaluation.pk}/").content.decode()
    assert f'href="{_url(evaluation)}"' in body


def test_the_page_lists_the_self_assessment_from_the_evaluations_data(
    office_web: Client, evaluation: Evaluation
) -> None:
    page = office_web.get(_url(evaluation))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Bản tự kiểm điểm theo Mẫu 2B" in body
    assert "Thêm vào hồ sơ</button>" in body


def test_the_office_uploads_a_file_and_it_downloads_byte_for_byte(
    office_web: Client, evaluation: Evaluation
) -> None:
    content = PDF + b"% bien ban\n"
    done = office_web.post(
        _url(evaluation),
        {
            "kind": "minutes",
            "title": "Biên bản hội nghị kiểm điểm cuối năm",
            "file": SimpleUploadedFile("bien-ban.pdf", content, "application/pdf"),
        },
    )
    assert done.status_code == 302
    row = DossierDocument.objects.get(evaluation=evaluation)
    assert (
        "Biên bản hội nghị kiểm điểm cuối năm" in office_web.get(_url(evaluation)).content.decode()
    )
    download = office_web.get(f"/ho-so/tai-lieu/{row.pk}/")
    assert download.status_code == 200
    assert download.content == content
    assert download["Content-Type"] == "application/pdf"


def test_a_picture_named_pdf_is_refused_with_a_message_naming_the_field(
    office_web: Client, evaluation: Evaluation
) -> None:
    page = office_web.post(
        _url(evaluation),
        {"kind": "minutes", "title": "", "file": SimpleUploadedFile("bien-ban.pdf", PNG)},
    )
    assert page.status_code == 422
    body = page.content.decode()
    assert "«Tệp đính kèm»: tệp «bien-ban.pdf» mang đuôi PDF nhưng nội dung là PNG" in body
    assert not DossierDocument.objects.filter(evaluation=evaluation).exists()


def test_the_typed_residence_comment_is_listed_with_its_signer_and_date(
    office_web: Client, evaluation: Evaluation
) -> None:
    done = office_web.post(
        _url(evaluation),
        {
            "kind": "residence_comment",
            "title": "",
            "text": "Gương mẫu chấp hành quy định nơi cư trú.",
            "signed_by": "Trần Thị Lan",
            "signed_on": "2026-11-20",
        },
    )
    assert done.status_code == 302
    body = office_web.get(_url(evaluation)).content.decode()
    assert "Nhận xét của cấp ủy nơi cư trú" in body
    assert "Người ký: Trần Thị Lan" in body
    assert "20/11/2026" in body


def test_the_office_removes_a_document(office_web: Client, evaluation: Evaluation) -> None:
    office_web.post(
        _url(evaluation),
        {"kind": "complaint", "title": "Đơn thư", "file": SimpleUploadedFile("don.pdf", PDF)},
    )
    row = DossierDocument.objects.get(evaluation=evaluation)
    assert office_web.post(f"/ho-so/tai-lieu/{row.pk}/go/").status_code == 302
    assert not DossierDocument.objects.filter(pk=row.pk).exists()


def test_the_member_reads_the_dossier_without_a_way_to_change_it(
    client_for: Callable[[str], Client], evaluation: Evaluation
) -> None:
    member = client_for("dangvien")
    page = member.get(_url(evaluation))
    assert page.status_code == 200
    assert "Thêm vào hồ sơ</button>" not in page.content.decode()
    refused = member.post(
        _url(evaluation),
        {"kind": "complaint", "title": "Đơn", "file": SimpleUploadedFile("don.pdf", PDF)},
    )
    assert refused.status_code == 403
    assert not DossierDocument.objects.filter(evaluation=evaluation).exists()


def test_an_outsider_gets_404_on_the_page_the_download_the_removal_and_mau_04(
    outsider_web: Client, office_web: Client, evaluation: Evaluation
) -> None:
    office_web.post(
        _url(evaluation),
        {"kind": "complaint", "title": "Đơn thư", "file": SimpleUploadedFile("don.pdf", PDF)},
    )
    row = DossierDocument.objects.get(evaluation=evaluation)
    assert outsider_web.get(_url(evaluation)).status_code == 404
    assert (
        outsider_web.post(
            _url(evaluation),
            {"kind": "complaint", "title": "x", "file": SimpleUploadedFile("x.pdf", PDF)},
        ).status_code
        == 404
    )
    assert outsider_web.get(f"/ho-so/tai-lieu/{row.pk}/").status_code == 404
    assert outsider_web.post(f"/ho-so/tai-lieu/{row.pk}/go/").status_code == 404
    assert outsider_web.get(f"{_url(evaluation)}mau-04.pdf").status_code == 404
    assert DossierDocument.objects.filter(pk=row.pk).exists()
