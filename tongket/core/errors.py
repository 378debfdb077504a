"""Errors the services raise: each names the field or row and the rule, in Vietnamese."""

from __future__ import annotations

from collections.abc import Iterable

from tongket.core.rules import Finding
from tongket.core.text import join_sentences


class DomainError(Exception):
    """A refused write. `field` names the input at fault; `rule` the rule that refused it."""

    def __init__(
        self,
        message: str,
        *,
        field: str = "",
        rule: str = "",
        citation: str = "",
        findings: Iterable[Finding] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule
        self.citation = citation
        self.findings = tuple(findings)

    def as_dict(self) -> dict[str, object]:
        return {
            "message": self.message,
            "field": self.field,
            "rule": self.rule,
            "citation": self.citation,
            "findings": [f.as_dict() for f in self.findings],
        }

    @classmethod
    def from_findings(cls, findings: Iterable[Finding], *, field: str = "") -> DomainError:
        found = tuple(findings)
        first = found[0]
        return cls(
            join_sentences(f.message for f in found),
            field=field,
            rule=first.rule,
            citation=first.citation,
            findings=found,
        )


class NotFound(DomainError):
    """The object does not exist or the user may not see it: the two are never told apart."""

    def __init__(self, what: str = "Không tìm thấy") -> None:
        super().__init__(what, rule="access.not_found")


class PermissionDenied(DomainError):
    """The user sees the object but may not do this to it."""

    def __init__(self, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
        super().__init__(message, rule="access.denied")


class ConcurrentEdit(DomainError):
    """Someone else saved the record after it was read (optimistic locking)."""

    def __init__(self) -> None:
        super().__init__(
            "Bản ghi đã được người khác sửa sau khi bạn mở nó. Hãy tải lại và thử lại.",
            rule="core.concurrent_edit",
        )


def refusal_text(message: str, rule: str, *, show_rule: bool) -> str:
    """A refusal as a form or a row shows it: the message in the user's words; the rule id after
    it only for the office, who looks rules up (`evaluation.permissions.can_see_rule_ids`), as
    the findings' «Mã quy tắc» detail line does. Members and secretaries read the message."""
    return f"{message} (mã quy tắc: {rule})" if show_rule and rule else message
