"""What the board's rules read: a replay's step accounts, or a watch's summary — typed, as recorded.

The collector turns a :class:`~expertise.board.account.Verification` into a
:class:`ReplayObservation` (the same data as ``verification.json``); the watch journals a
:class:`WatchObservation` at each copy. Messages travel as their JSON form (code, arguments,
English rendering), so a recorded observation (``tests/board/data/*.json``) replays the rules.
"""

from __future__ import annotations

from typing import Any, Literal, Sequence

from ..domain import Observation
from ..i18n import Message, msg
from .account import Verification


class MessageData(Observation):
    """A message as JSON keeps it: code and arguments, and the English text for whoever reads the file."""

    code: str
    args: dict[str, Any] = {}
    message: str = ""

    def to_message(self) -> Message:
        return Message.from_dict({"code": self.code, "args": self.args})


class DiscrepancyData(MessageData):
    record: str
    where: MessageData
    field: str
    field_label: MessageData | None = None

    def to_message(self) -> Message:
        """``record: field: message``, each part in the reader's language."""
        field = self.field_label.to_message() if self.field_label is not None else self.field
        return msg("board.discrepancy", record=self.where.to_message(), field=field, message=super().to_message())


class StepData(Observation):
    id: str
    title: str
    status: Literal["pass", "fail", "not_verifiable", "not_applicable"]
    summary: MessageData | None = None
    counts: dict[str, Any] = {}
    failures: tuple[DiscrepancyData, ...] = ()
    failures_total: int = 0
    notes: tuple[MessageData, ...] = ()


class VerificationData(Observation):
    path: str = ""
    format: str = "belenios"
    profile: str = ""
    verdict: str = ""
    board: dict[str, Any] = {}
    election: dict[str, Any] = {}
    steps: tuple[StepData, ...] = ()
    result: dict[str, Any] | None = None
    tally: dict[str, Any] | None = None
    stats: dict[str, Any] = {}

    def step(self, step_id: str) -> StepData | None:
        return next((s for s in self.steps if s.id == step_id), None)


class ReplayObservation(Observation):
    """One replay of a board (`audit`): the step accounts, what was replayed, the evidence kept."""

    report: VerificationData
    subject: str = ""
    evidence: tuple[str, ...] = ()

    @classmethod
    def of(cls, verification: Verification, subject: str, evidence: Sequence[str]) -> "ReplayObservation":
        return cls.model_validate({"report": verification.to_dict(), "subject": subject, "evidence": list(evidence)})


class WatchFailure(MessageData):
    time: str


class WatchObservation(Observation):
    """A board watched during the vote: its copies, and what was found wrong as they came."""

    kind: Literal["watch"] = "watch"
    source: str
    every: float
    started: str = ""
    last: str = ""
    snapshots: int = 0
    ballots: int = 0
    last_size: int = 0
    last_sha256: str = ""
    failures: tuple[WatchFailure, ...] = ()
    failures_total: int = 0
    unreachable: tuple[WatchFailure, ...] = ()
    timeline: tuple[tuple[str, int], ...] = ()
    evidence: tuple[str, ...] = ()
    final: dict[str, Any] | None = None
