"""What the registers rules look at: the registers as read, and what the case and board say.

Rows stay plain slotted dataclasses (a register may hold a million of them, read once and never
validated again); everything else is a frozen pydantic :class:`~expertise.domain.Observation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import Field

from ..case import Actor
from ..domain import Observation
from ..i18n import Message, msg




@dataclass(frozen=True, slots=True)
class Entry:
    """One row read: the voter id and, in the émargement list, the time of the signature."""

    line: int
    voter_id: str
    time: datetime | None = None


class ReadingProblem(Observation):
    """Why a row (or the whole file) could not be read, and where: file, line, field."""

    file: str
    line: int | None = None
    field: str = ""
    reason: Message

    @property
    def message(self) -> Message:
        """The reason with where it is, the way each language says a place in a file."""
        if self.line and self.field:
            return msg("registers.problem.at_line_field", file=self.file, line=self.line, field=self.field,
                       reason=self.reason)
        if self.line:
            return msg("registers.problem.at_line", file=self.file, line=self.line, reason=self.reason)
        if self.field:
            return msg("registers.problem.at_field", file=self.file, field=self.field, reason=self.reason)
        return msg("registers.problem.in_file", file=self.file, reason=self.reason)

    def __str__(self) -> str:  # for logs and tests: English
        return str(self.message)


class RegisterRead(Observation):
    """One register file as read: its rows, what could not be read, and its hash."""

    label: str  # "voters", "emargement", "paper_votes": the [registers] key that declares it
    file: str  # as cited in results: relative to the case when it lies inside
    entries: tuple[Entry, ...] = ()
    problems: tuple[ReadingProblem, ...] = ()  # the first ones, named
    problems_total: int = 0  # all of them, counted
    sha256: str = ""
    size: int = 0

    @property
    def complete(self) -> bool:
        return self.problems_total == 0

    @property
    def unread(self) -> Message | None:
        """Why the register was not read completely (None when it was): its first problem, and how
        many others. The one wording of that reason, for the rules, the report and the command."""
        if self.complete:
            return None
        first = self.problems[0].message
        more = self.problems_total - 1
        return msg("registers.unread.more", problem=first, count=more) if more else first


class BoardCount(Observation):
    """The ballots the latest board replay counted (one per credential, revotes superseded)."""

    counted: int
    trustees: int | None
    credentials: int | None = None  # public credentials on the board: its electorate (None: not counted)
    source: str  # the journal source of the replay, e.g. board:board/UUID.bel
    evidence: str  # its results file in the case
    verdict: str


class RegistersObservation(Observation):
    voters: RegisterRead | None
    emargement: RegisterRead | None
    paper: RegisterRead | None
    mixed_paper: bool | None  # None: unanswered in case.toml
    opens: datetime
    closes: datetime
    electorate: int
    board: BoardCount | None = None
    actors: tuple[Actor, ...] = Field(default_factory=tuple)
    case_file: str = "case.toml"
    board_declared: bool = False  # the case declares [board]: its electorate is expected (REG-008)
