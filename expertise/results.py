"""The result vocabulary shared by every rule, the assessment and the report.

A subset of XCCDF's: "could not test" (``error``) is kept apart from "does not comply"
(``fail``) because an expert signs what was verified, and an untested point must never
read as a passed one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Iterable, Mapping


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"  # could not test
    NOT_APPLICABLE = "not_applicable"
    MANUAL = "manual"  # needs the expert's own examination
    INFORMATIONAL = "informational"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


@dataclass(frozen=True)
class Result:
    """One outcome of one check on one subject.

    ``objectives``, ``guarantees`` and ``severity`` come from the catalogue (see
    :func:`expertise.catalogue.Catalogue.enrich`) so that a rule never restates what the
    catalogue says; rules only fill ``check_id``, ``status``, ``message``, ``subject``,
    ``evidence`` and ``details``.

    ``message`` is English; ``messages`` maps another language (``"fr"``) to the same
    statement, for the report in that language.
    """

    check_id: str
    status: Status
    message: str
    subject: str = ""
    evidence: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity | None = None
    objectives: tuple[str, ...] = ()
    guarantees: tuple[str, ...] = ()
    messages: Mapping[str, str] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The message in the report's language; ``message`` (English) when none was given."""
        return message_in({"message": self.message, "messages": self.messages}, lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "status": self.status.value,
            "severity": self.severity.value if self.severity else None,
            "objectives": list(self.objectives),
            "guarantees": list(self.guarantees),
            "subject": self.subject,
            "message": self.message,
            "messages": dict(self.messages),
            "evidence": list(self.evidence),
            "details": dict(self.details),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Result":
        severity = data.get("severity")
        return cls(
            check_id=str(data["check_id"]),
            status=Status(data["status"]),
            message=str(data.get("message", "")),
            subject=str(data.get("subject", "")),
            evidence=tuple(str(e) for e in data.get("evidence", ())),
            details=dict(data.get("details") or {}),
            severity=Severity(severity) if severity else None,
            objectives=tuple(data.get("objectives", ())),
            guarantees=tuple(data.get("guarantees", ())),
            messages={str(k): str(v) for k, v in (data.get("messages") or {}).items()},
        )


def bilingual(check_id: str, status: Status, en: str, fr: str, **fields: Any) -> Result:
    """A result written in both languages at once, so that no rule forgets the French one."""
    return Result(check_id, status, en, messages={"fr": fr}, **fields)


def message_in(result: Mapping[str, Any], lang: str) -> str:
    """A result's message (as a dict, the form the templates and results.json hold) in ``lang``.

    ``message`` is the English text machines read in results.json; ``messages`` carries the
    same statement in other languages, so that a French report never shows English prose.
    """
    messages = result.get("messages") or {}
    return str(messages.get(lang) or result.get("message", ""))


def count_by_status(results: Iterable[Result]) -> dict[str, int]:
    counts = {status.value: 0 for status in Status}
    for result in results:
        counts[result.status.value] += 1
    return counts
