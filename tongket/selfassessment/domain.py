"""The self-assessment forms of HD 43 (Mẫu 01, 2A, 2B, 2C) and the task annex: which form an
appendix asks for, the steps draft → submitted → returned → submitted, and the counts on time /
late / exceeded / not completed the qd366 rules read. Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tongket.core.errors import DomainError
from tongket.core.labelled import LabelledStrEnum
from tongket.core.required import require_text
from tongket.evaluation.domain import TaskTally

HD43 = "Hướng dẫn 43-HD/BTCTW (31/10/2025)"
CITE_FORMS = f"{HD43}: Mẫu 01, 2A, 2B, 2C (bản kiểm điểm, tự đánh giá, xếp loại)"
CITE_ANNEX = f"Quy định 366-QĐ/TW, Điều 11; {HD43}: phụ lục kết quả thực hiện nhiệm vụ"
# The written parts of every form (part A: strengths, shortcomings, commitment, direction).
PART_A = (
    "strengths_politics",
    "strengths_ethics",
    "strengths_duties",
    "commitment",
    "shortcomings",
    "explanations",
    "responsibility",
    "direction",
)


class FormKind(StrEnum):
    F01 = "01"
    F2A = "2A"
    F2B = "2B"
    F2C = "2C"

    @property
    def heading(self) -> str:
        return FORM_TITLES[self]


FORM_TITLES = {
    FormKind.F01: "BÁO CÁO KIỂM ĐIỂM TẬP THỂ",
    FormKind.F2A: "BẢN KIỂM ĐIỂM CÁ NHÂN (cán bộ lãnh đạo, quản lý)",
    FormKind.F2B: "BẢN KIỂM ĐIỂM CÁ NHÂN (đảng viên không giữ chức vụ lãnh đạo, quản lý)",
    FormKind.F2C: "BẢN KIỂM ĐIỂM CÁ NHÂN (đảng viên ngoài hệ thống chính trị)",
}
FORM_BY_APPENDIX = {
    "PL1": FormKind.F01,
    "PL2": FormKind.F2A,
    "PL3": FormKind.F2A,
    "PL4": FormKind.F2B,
    "PL5": FormKind.F2C,
}


def form_for_appendix(appendix: str) -> FormKind:
    """PL1 collectives fill Mẫu 01; leaders (PL2, PL3) 2A; PL4 2B; PL5 2C (HD 43)."""
    return FORM_BY_APPENDIX[appendix]


class Status(LabelledStrEnum):
    DRAFT = "draft", "Bản nháp"
    SUBMITTED = "submitted", "Đã gửi chi bộ"
    RETURNED = "returned", "Chi bộ trả lại để sửa"


def require_editable(status: Status) -> None:
    """The author writes a draft or a returned form; a submitted one is read-only to them."""
    if status is Status.SUBMITTED:
        raise DomainError(
            "Bản tự kiểm điểm đã gửi chi bộ, không sửa được; chi bộ có thể trả lại để sửa.",
            field="status",
            rule="selfassessment.status.submitted_read_only",
            citation=CITE_FORMS,
        )


def require_returnable(status: Status, comment: str) -> None:
    """The cell returns a submitted form, saying why."""
    if status is not Status.SUBMITTED:
        raise DomainError(
            "Chỉ trả lại được bản đã gửi.",
            field="status",
            rule="selfassessment.status.return_not_submitted",
        )
    require_text(
        comment,
        "Cần ghi ý kiến của chi bộ khi trả lại.",
        field="comment",
        rule="selfassessment.return.comment_required",
    )


class RemedyState(LabelledStrEnum):
    """Part A III: each shortcoming pointed out earlier is fixed, being fixed or not fixed."""

    FIXED = "fixed", "Đã khắc phục"
    FIXING = "fixing", "Đang khắc phục"
    NOT_FIXED = "not_fixed", "Chưa khắc phục"


def all_remedied(states: Sequence[RemedyState]) -> bool:
    """Excellent asks every shortcoming pointed out earlier to be remedied (Điều 11)."""
    return all(state is RemedyState.FIXED for state in states)


@dataclass(frozen=True)
class TaskLine:
    """One task of the annex («sản phẩm, tiến độ, chất lượng»)."""

    title: str
    due_on: dt.date
    done_on: dt.date | None = None
    quality_ok: bool = True
    exceeded: bool = False

    @property
    def completed(self) -> bool:
        return self.done_on is not None

    @property
    def on_time(self) -> bool:
        """Done by its due date with the quality required."""
        return self.done_on is not None and self.done_on <= self.due_on and self.quality_ok

    @property
    def late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due_on

    @property
    def exceeded_requirements(self) -> bool:
        """Exceeding counts only for a task done on time with quality (Điều 11.1)."""
        return self.on_time and self.exceeded


@dataclass(frozen=True)
class AnnexCounts:
    total: int
    on_time: int
    late: int
    exceeded: int
    not_completed: int
    completed: int

    def tally(self) -> TaskTally:
        """The facts the qd366 rules read (evaluation.domain.TaskTally)."""
        return TaskTally(
            total=self.total,
            completed=self.completed,
            on_time=self.on_time,
            late=self.late,
            exceeded=self.exceeded,
        )


def annex_counts(tasks: Sequence[TaskLine]) -> AnnexCounts:
    """Counts of the annex: on time (done by the due date with quality), late, exceeded (of
    those on time), not completed (no done date). Quy định 366-QĐ/TW, Điều 11."""
    completed = sum(1 for t in tasks if t.completed)
    return AnnexCounts(
        total=len(tasks),
        on_time=sum(1 for t in tasks if t.on_time),
        late=sum(1 for t in tasks if t.late),
        exceeded=sum(1 for t in tasks if t.exceeded_requirements),
        not_completed=len(tasks) - completed,
        completed=completed,
    )


def check_task(line: int, task: TaskLine) -> None:
    """A task needs a title; a task not done cannot exceed its requirements."""
    require_text(
        task.title,
        f"Nhiệm vụ dòng {line}: chưa có tên nhiệm vụ.",
        field=f"task_{line}",
        rule="selfassessment.task.title_required",
    )
    if task.exceeded and task.done_on is None:
        raise DomainError(
            f"Nhiệm vụ dòng {line} «{task.title}»: chưa hoàn thành thì không thể vượt yêu cầu.",
            field=f"task_{line}",
            rule="selfassessment.task.exceeded_not_done",
            citation=CITE_ANNEX,
        )


def read_date(text: str) -> dt.date:
    """A date as a form or the annex sheet writes it: dd/mm/yyyy or yyyy-mm-dd (ValueError
    otherwise; the caller words the refusal for where the date was written)."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
