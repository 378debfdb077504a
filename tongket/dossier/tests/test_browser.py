"""In a real browser: the office uploads a minutes PDF to a member's dossier, sees it listed, and
downloads it byte for byte; on disk the file sits in the evaluation's folder, none in staging
(the upload moved into place when its row was committed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tongket.dossier.models import DossierDocument
from tongket.dossier.tests.test_domain import PDF
from tongket.evaluation.models import Evaluation
from tongket.people.models import Member


@pytest.mark.browser
def test_the_office_uploads_a_document_in_the_browser_and_downloads_it(
    login: Callable[[str], Any], browser_page: Any, media_in_tmp: Path, tmp_path: Path
) -> None:
    member = Member.objects.get(user__username="dangvien")
    ev = Evaluation.objects.get(
        member=member, cycle__year=2026, cycle__quarter__isnull=True, self_form__isnull=False
    )
    content = PDF + b"% bien ban hoi nghi chi bo, tai len qua trinh duyet\n"
    upload = tmp_path / "bien-ban-hoi-nghi.pdf"
    upload.write_bytes(content)

    page = login("vanphong")
    page.goto(f"/ho-so/danh-gia/{ev.pk}/")
    page.select_option("select[name=kind]", "minutes")
    page.fill("input[name=title]", "Biên bản hội nghị kiểm điểm Chi bộ năm 2026")
    page.set_input_files("input[name=file]", str(upload))
    page.click("button:has-text('Thêm vào hồ sơ')")
    page.wait_for_load_state()

    listed = page.locator("[data-testid=dossier]")
    link = listed.get_by_role("link", name="Biên bản hội nghị kiểm điểm Chi bộ năm 2026")
    assert link.count() == 1
    row = DossierDocument.objects.get(evaluation=ev, original_name="bien-ban-hoi-nghi.pdf")
    assert (media_in_tmp / row.file.name).read_bytes() == content
    assert not list((media_in_tmp / "dossier" / "staging").glob("*"))

    with page.expect_download() as caught:
        link.click(modifiers=["Alt"])  # Alt-click: save the linked file
    saved = Path(caught.value.path())
    assert saved.read_bytes() == content
