"""The shape every rule returns: a verdict plus the reasons, each naming its rule and article.

Pure Python, no Django: rule modules in every app import these types.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Severity(StrEnum):
    ERROR = "error"  # blocks the action
    WARNING = "warning"  # allowed, but shown and, where the rule says, justified
    INFO = "info"  # explains why a result is what it is


@dataclass(frozen=True)
class Finding:
    """One reason a rule gives: which rule, from which article, and what it means in Vietnamese."""

    rule: str  # stable id, e.g. "qd132.member.not_completed.discipline"
    citation: str  # the article it comes from, e.g. "Điều 4, khoản 4, Quy định 132-QĐ/TW"
    message: str  # Vietnamese, shown to users as is
    severity: Severity = Severity.ERROR
    subject: str = ""  # what the finding is about (card number, organization code...)
    justification: str = ""  # recorded by the deciding body when a warning is accepted

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "citation": self.citation,
            "severity": str(self.severity),
            "subject": self.subject,
            "message": self.message,
            "justification": self.justification,
        }


@dataclass(frozen=True)
class Verdict(Generic[T]):
    """A rule's result together with the findings that explain it."""

    value: T
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def ok(self) -> bool:
        return not self.errors


def errors_in(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


@dataclass(frozen=True)
class RuleGroup:
    """The findings of one rule over many subjects: one box on a decision page."""

    rule: str
    citation: str
    severity: Severity
    message: str  # the message every subject shares, else "" (each item then says its own)
    items: tuple[Finding, ...]

    @property
    def subjects(self) -> tuple[str, ...]:
        return tuple(f.subject for f in self.items)


def group_by_rule(findings: Iterable[Finding]) -> list[RuleGroup]:
    """Findings gathered per rule (and severity), in the order the rules first appear."""
    groups: dict[tuple[str, Severity], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.rule, finding.severity), []).append(finding)
    out = []
    for (rule, severity), items in groups.items():
        messages = {f.message for f in items}
        out.append(
            RuleGroup(
                rule=rule,
                citation=items[0].citation,
                severity=severity,
                message=items[0].message if len(messages) == 1 else "",
                items=tuple(items),
            )
        )
    return out
