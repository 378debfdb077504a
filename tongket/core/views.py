"""The page of a queued job whose result is a file (tongket.core.filejobs): its progress while
it runs (htmx polls the status fragment), a cancel button, then the download, for its owner
only."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from tongket.core import filejobs, queue
from tongket.core.http import not_found_as_404, page_or_fragment, refusal_as_message
from tongket.core.models import FileJob

JOB_LIST_LIMIT = 50


def _user(request: HttpRequest) -> AbstractBaseUser:
    return cast(AbstractBaseUser, request.user)  # every view here is behind login_required


def _context(job: FileJob) -> dict[str, Any]:
    return {**queue.status_context(job), "label": filejobs.label_of(job)}


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    """«Việc của tôi»: the user's own queued jobs, newest first, each linking to its page (a job
    left while it ran is found again here; imports are listed on /exchange/)."""
    jobs = filejobs.labelled(filejobs.own_jobs(_user(request))[:JOB_LIST_LIMIT])
    return render(request, "core/file_job_list.html", {"job_rows": jobs})


@login_required
@require_GET
@not_found_as_404
def job(request: HttpRequest, job_id: str) -> HttpResponse:
    found = filejobs.own_job(_user(request), job_id)
    # A job whose worker stopped ends here too (failed), even before another worker starts.
    filejobs.end_if_lost(found)
    return page_or_fragment(
        request, "core/file_job.html", "core/_file_job_status.html", _context(found)
    )


@login_required
@require_POST
@not_found_as_404
def cancel(request: HttpRequest, job_id: str) -> HttpResponse:
    found = filejobs.own_job(_user(request), job_id)
    with refusal_as_message(request):  # finished meanwhile
        filejobs.cancel(actor=_user(request), job=found)
    return redirect("core:job", job_id=found.pk)


@login_required
@require_GET
@not_found_as_404
def download(request: HttpRequest, job_id: str) -> FileResponse:
    found, path = filejobs.own_file(_user(request), job_id)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=found.filename,
        content_type=found.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response
