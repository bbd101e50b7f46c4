"""The verification report of a board: one entry per step, each with its own verdict.

Steps are reported separately because they prove different things (the box is intact, the
ballots are genuine, the count is right…) and an expert may conclude on one and not on
another. "not verifiable" (what was needed is absent, e.g. no earlier snapshot) and
"not applicable" (no non-homomorphic question, hence no shuffle) are kept apart from "pass":
a step is never reported passed unless it ran and found nothing wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MAX_LISTED_FAILURES = 20


class StepStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_VERIFIABLE = "not_verifiable"
    NOT_APPLICABLE = "not_applicable"


# (id, title) in the order the steps are run and reported.
STEPS: tuple[tuple[str, str], ...] = (
    ("archive", "Archive structure and hash chain"),
    ("election", "Election record and fingerprint"),
    ("group", "Group parameters"),
    ("trustees", "Trustee keys and election public key"),
    ("credentials", "Public credentials"),
    ("credential_authority", "Credentials against the credential authority's fingerprint and the electorate"),
    ("ballots", "Every ballot: form, election, credential, weight, signature, proofs"),
    ("revotes", "Revotes: only the last ballot of each credential is counted"),
    ("duplicates", "Replayed or duplicated ballots"),
    ("tally", "Encrypted tally recomputed and compared with the published one"),
    ("shuffles", "Shuffles (verifiable mixnet), chained"),
    ("decryptions", "Partial decryptions and threshold combination"),
    ("result", "Result equals the decrypted tally"),
    ("snapshot", "The board extends the earlier snapshots (append-only)"),
    ("membership", "Group membership of every element read"),
    ("timing", "Board created before the opening, no count before the closing"),
)
STEP_TITLES = dict(STEPS)


@dataclass
class Finding:
    record: str
    field: str
    message: str

    def to_dict(self) -> dict[str, str]:
        from .french import field_fr, french, record_fr

        return {"record": self.record, "field": self.field, "message": self.message,
                "record_fr": record_fr(self.record), "field_fr": field_fr(self.field), "message_fr": french(self.message)}


@dataclass
class Step:
    id: str
    status: StepStatus = StepStatus.PASS
    summary: str = ""
    summary_fr: str = ""
    counts: dict[str, Any] = field(default_factory=dict)
    failures: list[Finding] = field(default_factory=list)
    failures_total: int = 0
    notes: list[str] = field(default_factory=list)
    ran: bool = False

    @property
    def title(self) -> str:
        return STEP_TITLES.get(self.id, self.id)

    def fail(self, record: str, field_name: str, message: str) -> None:
        self.ran = True
        self.status = StepStatus.FAIL
        self.failures_total += 1
        if len(self.failures) < MAX_LISTED_FAILURES:
            self.failures.append(Finding(record, field_name, message))

    def describe(self, english: str, french: str = "") -> None:
        """The one-line account of the step, in English and in French (the report's default language)."""
        self.summary = english
        self.summary_fr = french

    def not_verifiable(self, reason: str, reason_fr: str = "") -> None:
        if self.status is not StepStatus.FAIL:
            self.status = StepStatus.NOT_VERIFIABLE
            self.describe(reason, reason_fr)

    def not_applicable(self, reason: str, reason_fr: str = "") -> None:
        if self.status is not StepStatus.FAIL:
            self.status = StepStatus.NOT_APPLICABLE
            self.describe(reason, reason_fr)

    def count(self, key: str, amount: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + amount

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status.value,
            "summary": self.summary,
            "summary_fr": self.summary_fr,
            "counts": dict(self.counts),
            "failures": [f.to_dict() for f in self.failures],
            "failures_total": self.failures_total,
            "notes": list(self.notes),
        }


@dataclass
class VerificationReport:
    """What `board verify` found; serialised as the `--json` output and the collector's observation."""

    path: str
    format: str = "belenios"
    profile: str = "2.0"
    board: dict[str, Any] = field(default_factory=dict)
    election: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, Step] = field(default_factory=lambda: {sid: Step(sid) for sid, _ in STEPS})
    result: dict[str, Any] | None = None
    tally: dict[str, Any] | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    def step(self, step_id: str) -> Step:
        return self.steps[step_id]

    @property
    def failed(self) -> bool:
        return any(s.status is StepStatus.FAIL for s in self.steps.values())

    @property
    def verdict(self) -> str:
        if self.failed:
            return "invalid"
        if any(s.status is StepStatus.NOT_VERIFIABLE for s in self.steps.values()):
            return "no-failure"
        return "valid"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "profile": self.profile,
            "verdict": self.verdict,
            "board": self.board,
            "election": self.election,
            "steps": [s.to_dict() for s in self.steps.values()],
            "result": self.result,
            "tally": self.tally,
            "stats": self.stats,
        }
