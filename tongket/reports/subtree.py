"""One kind of document for every organization of a subtree (every grassroots organization of a
department, say), as one zip built by `tongket worker` (tongket.core.filejobs kind
"subtree_documents"): done/total per organization, cancel, the file for its owner only.

Each document in the zip is what the organization's own download gives (`render_report`, with
the owner's scope), named by the organization's code, the kind and the year in ASCII. Only the
organizations the owner may report on are listed; an organization whose document cannot be made
(no conference recorded, a list too long) is named, with the reason, in a text file of the zip.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import IO, Any

from django.contrib.auth.models import User as AuthUser
from django.db.models import QuerySet

from tongket.accounts.scope import User
from tongket.audit.services import record_export
from tongket.core import filejobs
from tongket.core.errors import DomainError, NotFound
from tongket.core.filejobs import Made
from tongket.core.models import FileJob
from tongket.people.models import Organization, OrganizationKind
from tongket.reports.selectors import render_report, report_organization, reportable_organizations

JOB_KIND = "subtree_documents"
ZIP = "application/zip"
# The kinds an organization's page downloads without a record to choose (a program, an award,
# a member): what a superior asks of every organization below it.
DOCUMENT_KINDS = {
    "year-end": "Báo cáo tổng kết",
    "decision": "Quyết định công nhận kết quả xếp loại",
    "notice": "Thông báo kết quả tới chi bộ",
    "minutes": "Biên bản hội nghị",
    "resolution": "Nghị quyết hội nghị",
    "awards": "Tờ trình đề nghị khen thưởng",
    "news": "Tin bài",
    "statistics": "Biểu thống kê gửi cấp trên",
}
FORMATS = {"docx": "DOCX", "pdf": "PDF", "md": "Markdown", "xlsx": "XLSX"}
# The formats of each kind (render_report's own: statistics is a table, not a text).
KIND_FORMATS = dict.fromkeys(DOCUMENT_KINDS, ("docx", "pdf", "md")) | {
    "statistics": ("xlsx", "docx", "pdf")
}
LEVELS = {
    "all": "Mọi tổ chức đảng trong phạm vi",
    OrganizationKind.BLOC.value: OrganizationKind.BLOC.label,
    OrganizationKind.GRASSROOTS.value: OrganizationKind.GRASSROOTS.label,
    OrganizationKind.CELL.value: OrganizationKind.CELL.label,
}
PROBLEMS_NAME = "khong-lap-duoc.txt"


def ascii_name(text: str) -> str:
    """`text` as an ASCII file name: the letters without their marks («Đ» as D), anything
    else but letters, digits, dot, dash and underscore as a dash. Django's slugify would drop
    the dots and the case of an organization's code (QT.KCQDN), which tell codes apart."""
    plain = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    ascii_text = plain.encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_text).strip("-.") or "van-ban"


def member_name(code: str, kind: str, year: int, fmt: str) -> str:
    """The name of an organization's document inside the zip: code, kind, year."""
    return f"{ascii_name(code)}-{kind}-{year}.{fmt}"


@dataclass(frozen=True)
class Request:
    """What an office asks for: one kind, in one format, for the organizations of a level
    (or all) in the subtree of `code`, for `year`."""

    code: str
    year: int
    kind: str
    fmt: str
    level: str = "all"


def check(request: Request) -> None:
    """reports.subtree.*: the kind, the format and the level must be ones the job makes."""
    if request.kind not in DOCUMENT_KINDS:
        raise DomainError(
            f"Không lập được «{request.kind}» cho cả cấp dưới. Các loại văn bản: "
            f"{', '.join(DOCUMENT_KINDS.values())}.",
            field="kind",
            rule="reports.subtree.kind",
        )
    if request.fmt not in KIND_FORMATS[request.kind]:
        raise DomainError(
            f"{DOCUMENT_KINDS[request.kind]} xuất dạng "
            f"{', '.join(FORMATS[f] for f in KIND_FORMATS[request.kind])}.",
            field="format",
            rule="reports.subtree.format",
        )
    if request.level not in LEVELS:
        raise DomainError(
            f"Không có cấp tổ chức «{request.level}».", field="level", rule="reports.subtree.level"
        )


def organizations(user: User | None, root: Organization, level: str) -> QuerySet[Organization]:
    """The party organizations of `root`'s subtree (root included) of `level` that the user may
    report on, in the tree's order."""
    found = reportable_organizations(user).filter(path__startswith=root.path)
    return found if level == "all" else found.filter(kind=level)


def start(*, actor: AuthUser, request: Request) -> FileJob:
    """Queue the documents of the subtree for `actor` (tongket.core.filejobs.start: one
    transaction, audited), after checking what is asked and that the actor may report on the
    subtree's root (else: missing)."""
    check(request)
    root = report_organization(actor, request.code)
    if not organizations(actor, root, request.level).exists():
        raise DomainError(
            f"{root.name} không có tổ chức nào thuộc cấp «{LEVELS[request.level]}».",
            field="level",
            rule="reports.subtree.empty",
        )
    return filejobs.start(
        actor=actor,
        kind=JOB_KIND,
        params=asdict(request) | {"code": root.code},
        summary=(
            f"Yêu cầu lập {DOCUMENT_KINDS[request.kind].lower()} năm {request.year} "
            f"cho các tổ chức thuộc {root.name}"
        ),
    )


def documents_job(
    owner: User, params: Mapping[str, Any], file: IO[bytes], progress: Callable[[int, int], None]
) -> Made:
    """The queued job: the zip of every organization's document, written into `file` one
    organization at a time (progress after each), the export audited with the job."""
    request = Request(
        code=str(params["code"]),
        year=int(params["year"]),
        kind=str(params["kind"]),
        fmt=str(params["fmt"]),
        level=str(params.get("level", "all")),
    )
    check(request)
    root = report_organization(owner, request.code)
    listed = list(organizations(owner, root, request.level).only("code", "name", "path"))
    problems: list[str] = []
    made = 0
    progress(0, len(listed))
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, org in enumerate(listed, start=1):
            try:
                report = render_report(
                    owner, org.code, request.year, kind=request.kind, fmt=request.fmt
                )
            except NotFound:  # not the owner's to read after all: never listed
                pass
            except DomainError as exc:
                problems.append(f"{org.code} — {org.name}: {exc.message}")
            else:
                name = member_name(org.code, request.kind, request.year, request.fmt)
                archive.writestr(name, report.content)
                made += 1
            progress(index, len(listed))
        if problems:
            archive.writestr(
                PROBLEMS_NAME,
                "Các tổ chức chưa lập được văn bản:\n" + "\n".join(problems) + "\n",
            )
    label = DOCUMENT_KINDS[request.kind]
    record_export(
        actor=owner,
        what="report",
        fmt="zip",
        rows=made,
        org_path=root.path,
        object_id=root.code,
        summary=f"Tải {label.lower()} năm {request.year} của {made} tổ chức thuộc {root.name}",
        details={"kind": request.kind, "year": request.year, "document_format": request.fmt},
    )
    missing = f"; {len(problems)} tổ chức chưa lập được" if problems else ""
    return Made(
        filename=f"{request.kind}-{ascii_name(root.code)}-{request.year}.zip",
        summary=f"{label} của {made} tổ chức{missing}",
    )
