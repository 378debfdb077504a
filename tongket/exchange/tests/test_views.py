"""The exchange pages: downloads, upload with dry run then confirmation, progress, outsiders."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from tongket.exchange.models import ImportJob, JobStatus
from tongket.people.models import Member
from tongket.people.tests.factories import member_row, members_workbook, workbook

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name: str = "dangvien.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("exchange:upload"), {"file": file})


def test_index_lists_the_downloads(client_for):
    response = client_for("bithu").get(reverse("exchange:index"))
    assert response.status_code == 200
    assert reverse("exchange:template") in response.content.decode()


def test_the_template_downloads_as_xlsx(client_for):
    response = client_for("bithu").get(reverse("exchange:template"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert response.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("kind", "fmt"), [("members", "csv"), ("organizations", "xlsx"), ("all", "xlsx")]
)
def test_exports_download(client_for, kind, fmt, django_assert_max_num_queries):
    client = client_for("vanphong")
    # A constant number per sheet (8 sheets in «all»), whatever the number of rows.
    with django_assert_max_num_queries(24):
        response = client.get(reverse("exchange:export", args=[kind, fmt]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    # Sent from a file written row by row, not built in memory.
    assert response.streaming
    assert f'.{fmt}"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.getvalue()
    if fmt == "csv":
        lines = body.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("Số thẻ")
        # The department's 50 members (the export is scoped to the office's organization).
        assert len(lines) == 1 + 50
    else:
        assert body[:2] == b"PK"


def test_an_unknown_export_is_404(client_for):
    assert client_for("bithu").get("/exchange/export/all.csv").status_code == 404


def test_upload_checks_first_then_applies_on_confirmation(client_for):
    client = client_for("bithu")
    data = workbook(members=[member_row(1, cell="QT.KCQDN.SGDDT.TCCB")])
    response = upload(client, data)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.dry_run
    assert job.status == JobStatus.DONE
    assert not Member.objects.filter(card_number="99.000001").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Nhập vào hệ thống" in page
    applied = client.post(reverse("exchange:apply", args=[job.pk]))
    assert applied.status_code == 302
    assert Member.objects.filter(card_number="99.000001").exists()
    # the same check cannot be applied twice
    assert client.post(reverse("exchange:apply", args=[job.pk])).status_code == 404


def test_checking_and_applying_a_file_are_audited_as_the_uploader(client_for, user_named):
    from tongket.audit.models import AuditEvent

    client = client_for("bithu")
    upload(client, workbook(members=[member_row(3, cell="QT.KCQDN.SGDDT.TCCB")]), "ds.xlsx")
    checked = ImportJob.objects.get()
    client.post(reverse("exchange:apply", args=[checked.pk]))
    real = ImportJob.objects.get(dry_run=False)
    events = {e.action: e for e in AuditEvent.objects.filter(object_type="import_job")}
    assert sorted((a, e.object_id, e.actor_id) for a, e in events.items()) == [
        ("import.apply", str(real.pk), user_named("bithu").pk),
        ("import.check", str(checked.pk), user_named("bithu").pk),
    ]
    assert (events["import.check"].after or {})["filename"] == "ds.xlsx"
    assert (events["import.apply"].after or {})["dry_run"] is False


def test_a_file_with_errors_shows_them_all_and_cannot_be_applied(client_for):
    client = client_for("bithu")
    data = workbook(members=[member_row(1, cell="QT.KHONGCO"), member_row(2, cell="X")])
    response = upload(client, data)
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert page.count("people.organization.unknown_code") == 2
    assert "Nhập vào hệ thống" not in page
    assert client.post(reverse("exchange:apply", args=[job.pk])).status_code == 404


def test_a_file_that_is_not_excel_gets_a_clear_message(client_for):
    client = client_for("bithu")
    response = upload(client, b"%PDF-1.4 not excel", name="baocao.pdf")
    page = client.get(response["Location"]).content.decode()
    assert "không phải là bảng tính Excel" in page


def test_the_status_fragment_polls_while_running_and_stops_when_done(client_for, user_named):
    client = client_for("bithu")
    job = ImportJob.objects.create(
        user=user_named("bithu"), filename="a.xlsx", content=b"", status=JobStatus.RUNNING
    )
    fragment = client.get(reverse("exchange:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "<html" not in html
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, report={"summary": "x"})
    done = client.get(reverse("exchange:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in done.content.decode()


def test_another_users_job_answers_404(client_for):
    owner = client_for("bithu")
    upload(owner, members_workbook(1))
    job = ImportJob.objects.get()
    outsider = client_for("bithu2")
    assert outsider.get(reverse("exchange:job", args=[job.pk])).status_code == 404
    assert outsider.post(reverse("exchange:apply", args=[job.pk])).status_code == 404


def test_pages_need_a_login(client):
    response = client.get(reverse("exchange:upload"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_queued_for_the_worker_and_the_page_does_not_wait(
    demo_loaded, client_for, settings
):
    from django.core.management import call_command

    settings.TONGKET_IMPORT_INLINE_BYTES = 0
    client = client_for("vanphong")
    response = upload(client, members_workbook(30))
    assert response.status_code == 302
    waiting = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "Đang chờ tiến trình nền" in waiting
    assert 'hx-trigger="every 1s"' in waiting
    # The worker, run here until the queue is empty (tests/test_worker.py runs it as a process).
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.DONE
    assert job.worker
    assert job.report is not None
    assert job.report["counts"]["Đảng viên"] == {"create": 30}
    done = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done


@pytest.mark.parametrize(
    ("username", "shown"),
    [("vanphong", True), ("bithu", True), ("khoi", False), ("dangvien", False)],
)
def test_the_upload_button_is_shown_only_to_users_who_may_import(client_for, username, shown):
    upload = reverse("exchange:upload")
    page = client_for(username).get(reverse("exchange:index")).content.decode()
    assert (f'href="{upload}"' in page) is shown
    assert ("chỉ có quyền xem" in page) is not shown
    # The button is shown exactly when following it is allowed.
    assert client_for(username).get(upload).status_code == (200 if shown else 403)
