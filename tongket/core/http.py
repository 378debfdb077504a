"""Small helpers shared by the views of every app."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict


def posted(request: HttpRequest) -> QueryDict | None:
    """The data of a POST, even an empty one, or None on GET.

    `request.POST or None` would treat an empty POST as a first visit and show the form again
    without a word; bound to the empty data, the form reports every required field instead.
    """
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> MultiValueDict[str, UploadedFile] | None:
    """The uploaded files of a POST (possibly none), or None on GET."""
    return request.FILES if request.method == "POST" else None
