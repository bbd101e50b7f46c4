"""The account a board verification gives: one :class:`StepAccount` per step, each with its own verdict.

Steps are accounted for separately because they prove different things (the box is intact, the
ballots are genuine, the count is right…) and an expert may conclude on one and not on
another. "not verifiable" (what was needed is absent, e.g. no earlier snapshot) and
"not applicable" (no non-homomorphic question, hence no shuffle) are kept apart from "pass":
a step is never reported passed unless it ran and found nothing wrong.

Everything said here is a :class:`~expertise.i18n.Message` (a code and its arguments): a
:class:`Discrepancy` names its record as a message, its field as data (a JSON path, or one of
the descriptive names of :data:`FIELD_LABELS`), and what is wrong as a message. The JSON form
(``verification.json``, ``--json``) keeps code and arguments beside the English rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..i18n import Message, msg, render

MAX_LISTED_FAILURES = 20


class StepStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_VERIFIABLE = "not_verifiable"
    NOT_APPLICABLE = "not_applicable"


# The steps in the order they are run and reported, with their titles.
STEP_TITLES: dict[str, Message] = {
    "archive": msg("board.step.archive"),
    "election": msg("board.step.election"),
    "group": msg("board.step.group"),
    "trustees": msg("board.step.trustees"),
    "credentials": msg("board.step.credentials"),
    "credential_authority": msg("board.step.credential_authority"),
    "ballots": msg("board.step.ballots"),
    "revotes": msg("board.step.revotes"),
    "duplicates": msg("board.step.duplicates"),
    "tally": msg("board.step.tally"),
    "shuffles": msg("board.step.shuffles"),
    "decryptions": msg("board.step.decryptions"),
    "result": msg("board.step.result"),
    "snapshot": msg("board.step.snapshot"),
    "membership": msg("board.step.membership"),
    "timing": msg("board.step.timing"),
}
STEP_IDS: tuple[str, ...] = tuple(STEP_TITLES)

# The fields of a discrepancy that are not JSON paths or identifiers, but say what was looked at.
FIELD_LABELS: dict[str, Message] = {
    "(record)": msg("board.field.record"),
    "(records)": msg("board.field.records"),
    "(ballot)": msg("board.field.ballot"),
    "(bytes)": msg("board.field.bytes"),
    "(count)": msg("board.field.count"),
    "(internal)": msg("board.field.internal"),
    "(chunk)": msg("board.field.chunk"),
    "(membership)": msg("board.field.membership"),
    "file": msg("board.field.file"),
    "tar header": msg("board.field.tar_header"),
    "tar header size": msg("board.field.tar_header_size"),
    "tar header mtime": msg("board.field.tar_header_mtime"),
    "end of archive": msg("board.field.end_of_archive"),
    "padding": msg("board.field.padding"),
    "body": msg("board.field.body"),
    "ballot": msg("board.field.ballot_name"),
    "name": msg("board.field.name"),
    "size": msg("board.field.size"),
}


def field_label(name: str) -> Message | str:
    """A discrepancy's field as shown: a JSON path is data; a descriptive name is a message."""
    return FIELD_LABELS.get(name, name)


# -- where a discrepancy is: records, ballots, snapshots -------------------------------------------

def record_at(index: int, name: str, offset: int) -> Message:
    """``record 8 (0a1b2c3d4e5f….data.json, offset 4608)``."""
    return msg("board.where.record", index=index, name=name, offset=offset)


def ballot_at(index: int, name: str, offset: int, ordinal: int) -> Message:
    """The record of the ``ordinal``-th ballot of the board."""
    return msg("board.where.ballot_record", record=record_at(index, name, offset), ordinal=ordinal)


def ballot_number(ordinal: int) -> Message:
    return msg("board.where.ballot", ordinal=ordinal)


def snapshot_named(name: str) -> Message:
    return msg("board.where.snapshot", name=name)


WHOLE_BOARD = msg("board.where.board")  # "(board)": the board as a whole (an event missing…)
BOARD_FILE = msg("board.where.board_file")  # the board file (snapshot comparisons)
VERIFIER = msg("board.where.verifier")  # a defect of ours, never a verdict on the board
WORKER = msg("board.where.worker")


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """One thing found wrong: in which record, which field, and what."""

    record: Message
    field: str
    message: Message

    def as_message(self) -> Message:
        """``record: field: message``, each part in the reader's language."""
        return msg("board.discrepancy", record=self.record, field=field_label(self.field), message=self.message)

    def text(self, lang: str = "en") -> str:
        return render(self.as_message(), lang)

    def to_dict(self) -> dict[str, Any]:
        label = FIELD_LABELS.get(self.field)
        return {"record": render(self.record, "en"), "where": self.record.to_dict(), "field": self.field,
                **({"field_label": label.to_dict()} if label is not None else {}),
                **self.message.to_dict(), "message": render(self.message, "en")}


def message_dict(message: Message) -> dict[str, Any]:
    """A message in JSON: code, arguments, and its English rendering for whoever reads the file."""
    return {**message.to_dict(), "message": render(message, "en")}


@dataclass
class StepAccount:
    """What one step of the replay found: its status, a one-line account, counts, discrepancies, notes."""

    id: str
    status: StepStatus = StepStatus.PASS
    summary: Message | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    failures: list[Discrepancy] = field(default_factory=list)
    failures_total: int = 0
    notes: list[Message] = field(default_factory=list)
    ran: bool = False

    @property
    def title(self) -> Message:
        return STEP_TITLES[self.id]

    def fail(self, record: Message, field_name: str, message: Message) -> None:
        self.ran = True
        self.status = StepStatus.FAIL
        self.failures_total += 1
        if len(self.failures) < MAX_LISTED_FAILURES:
            self.failures.append(Discrepancy(record, field_name, message))

    def describe(self, summary: Message) -> None:
        self.summary = summary

    def not_verifiable(self, reason: Message) -> None:
        if self.status is not StepStatus.FAIL:
            self.status = StepStatus.NOT_VERIFIABLE
            self.summary = reason

    def not_applicable(self, reason: Message) -> None:
        if self.status is not StepStatus.FAIL:
            self.status = StepStatus.NOT_APPLICABLE
            self.summary = reason

    def count(self, key: str, amount: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + amount

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": render(self.title, "en"),
            "status": self.status.value,
            "summary": message_dict(self.summary) if self.summary is not None else None,
            "counts": dict(self.counts),
            "failures": [f.to_dict() for f in self.failures],
            "failures_total": self.failures_total,
            "notes": [message_dict(n) for n in self.notes],
        }


def new_accounts() -> dict[str, StepAccount]:
    return {step_id: StepAccount(step_id) for step_id in STEP_IDS}


@dataclass
class Verification:
    """What `board verify` found; serialised as its ``--json`` output and ``verification.json``."""

    path: str
    format: str = "belenios"
    profile: str = "2.0"
    board: dict[str, Any] = field(default_factory=dict)
    election: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, StepAccount] = field(default_factory=new_accounts)
    result: dict[str, Any] | None = None
    tally: dict[str, Any] | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    def step(self, step_id: str) -> StepAccount:
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
