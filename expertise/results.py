"""The result vocabulary shared by every rule, the assessment and the report.

A subset of XCCDF's: "could not test" (``error``) is kept apart from "does not comply"
(``fail``) because an expert signs what was verified, and an untested point must never
read as a passed one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Iterable, Mapping

from .i18n import Message, msg, render


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

    ``message`` is a :class:`~expertise.i18n.Message` (a code and its arguments): the report,
    the console and ``--json`` render it in their language.
    """

    check_id: str
    status: Status
    message: Message
    subject: str = ""
    evidence: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity | None = None
    objectives: tuple[str, ...] = ()
    guarantees: tuple[str, ...] = ()
    box: str = ""  # the ballot box ([[box]] id) the result is about; "" for a case of one box

    def __post_init__(self) -> None:
        if not isinstance(self.message, Message):
            raise TypeError(f"{self.check_id}: a result says a Message, not {type(self.message).__name__}")

    def text(self, lang: str) -> str:
        return render(self.message, lang)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """``code`` and ``args`` for machines (as SARIF keeps a message id with its arguments),
        ``message`` rendered in ``lang`` for people."""
        return {
            "check_id": self.check_id,
            "status": self.status.value,
            "severity": self.severity.value if self.severity else None,
            "objectives": list(self.objectives),
            "guarantees": list(self.guarantees),
            "subject": self.subject,
            **self.message.to_dict(),
            "message": render(self.message, lang),
            "evidence": list(self.evidence),
            "details": dict(self.details),
            **({"box": self.box} if self.box else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Result":
        severity = data.get("severity")
        return cls(
            check_id=str(data["check_id"]),
            status=Status(data["status"]),
            message=message_of(data),
            subject=str(data.get("subject", "")),
            evidence=tuple(str(e) for e in data.get("evidence", ())),
            details=dict(data.get("details") or {}),
            severity=Severity(severity) if severity else None,
            objectives=tuple(data.get("objectives", ())),
            guarantees=tuple(data.get("guarantees", ())),
            box=str(data.get("box") or ""),
        )


def message_of(data: Mapping[str, Any]) -> Message:
    """The message of a result, a note or a reason kept as a dict (results.json, the templates).

    A result written before messages had codes holds only its English sentence: it is shown as
    it was written, as data, rather than lost."""
    if "code" in data:
        return Message.from_dict(data)
    return msg("common.verbatim", text=str(data.get("message", "")))


def count_by_status(results: Iterable[Result]) -> dict[str, int]:
    counts = {status.value: 0 for status in Status}
    for result in results:
        counts[result.status.value] += 1
    return counts


def with_box(results: Iterable[Result], box: str) -> list[Result]:
    """The results of a per-box collector, each naming its ballot box (unchanged for a case of one box)."""
    from dataclasses import replace

    return [replace(r, box=box) for r in results] if box else list(results)
