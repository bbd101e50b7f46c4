"""What the registers rules look at: the registers as read, the cross-check of them, the board.

Rows stay plain slotted dataclasses (a register may hold a million of them, read once and never
validated again); everything else is a frozen pydantic :class:`~expertise.domain.Observation`.
A register is read whole or not at all (:mod:`expertise.tables`): one that could not be read
carries its reason and no row, so that nothing is counted from it and no check built on it fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pydantic import Field

from ..case import Actor
from ..domain import Observation
from ..i18n import Message


@dataclass(frozen=True, slots=True)
class Entry:
    """One row read: the voter id as written (trimmed), where it is, and the time it carries
    (the signature in the émargement, the reception of the envelope in the paper votes)."""

    line: int
    voter_id: str
    time: datetime | None = None


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def instant(stamp: int) -> datetime:
    """A row's time kept as UTC nanoseconds since the epoch, as an aware datetime (to the microsecond)."""
    return EPOCH + timedelta(microseconds=stamp // 1000)


def stamp_of(when: datetime) -> int:
    """The other way: an aware datetime as UTC nanoseconds since the epoch."""
    delta = when - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


class RegisterRead(Observation):
    """One register file as read: its rows, or why it could not be read; how it was read.

    Rows are kept by column (ids, lines, times as UTC nanoseconds): a national list is a million
    rows, and a million small objects cost more than reading the file. :attr:`entries` gives them
    as rows where that is clearer and the register small."""

    label: str  # "voters", "emargement", "paper_votes": the [registers] key that declares it
    file: str  # as cited in results: relative to the case when it lies inside
    ids: tuple[str, ...] = ()  # as written, trimmed
    lines: tuple[int, ...] = ()  # the line (Excel row) of each
    stamps: tuple[int, ...] | None = None  # the time of each (émargement, paper votes), UTC ns since the epoch
    unread: Message | None = None  # why the file could not be read (file, line, field named); None: read whole
    sha256: str = ""
    size: int = 0
    kind: str = ""  # "csv" or "xlsx"
    encoding: str = ""  # the CSV encoding read
    encoding_detected: bool = False  # not UTF-8 and not imposed: the encoding was assumed, and is stated
    columns: tuple[str, ...] = ()  # the headers as written, every one (the data-minimisation check reads them)
    formula_lines: tuple[int, ...] = ()  # rows holding a cell a spreadsheet would run as a formula
    formula_columns: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.unread is None

    @property
    def entries(self) -> tuple[Entry, ...]:
        stamps = self.stamps
        return tuple(Entry(line, voter, instant(stamps[i]) if stamps is not None else None)
                     for i, (line, voter) in enumerate(zip(self.lines, self.ids)))


@dataclass(frozen=True, slots=True)
class Flagged:
    """A row of a register a check points at: the id as written, where, and its time if any."""

    voter_id: str
    line: int
    time: datetime | None = None


@dataclass(frozen=True, slots=True)
class Repeated:
    """A voter id written on several rows of one register."""

    voter_id: str
    lines: tuple[int, ...]


class Counts(Observation):
    """Signed voters against ballots counted: the raw difference, what the flagged rows explain,
    and what remains (the only part that is a failure)."""

    voters_listed: int | None = None
    emargement_rows: int = 0
    signed_voters: int = 0
    paper_votes: int | None = None
    ballots: int | None = None
    ballots_source: str = ""
    raw_difference: int | None = None  # émargement rows − ballots
    explained_by_flagged_rows: int | None = None
    unexplained_difference: int | None = None


class CrossCheck(Observation):
    """The registers compared with one another and with the window: each list is None when a
    register it needs was not read whole (the check is then "could not test")."""

    not_on_list: tuple[Flagged, ...] | None = None
    duplicates: tuple[Repeated, ...] | None = None
    out_of_hours: tuple[Flagged, ...] | None = None
    paper_votes_to_discard: tuple[Flagged, ...] | None = None
    paper_votes_twice: tuple[Repeated, ...] | None = None
    paper_votes_not_on_list: tuple[Flagged, ...] | None = None
    counts: Counts = Field(default_factory=Counts)


class BoardCount(Observation):
    """The ballots counted on the board (one per credential, revotes superseded): by the latest
    board replay of the journal, or as the expert states it (``--board-ballots``)."""

    counted: int
    trustees: int | None
    credentials: int | None = None  # public credentials on the board: its electorate (None: not counted)
    source: str  # the journal source of the replay, e.g. board:board/UUID.bel, or "--board-ballots"
    evidence: str  # its results file in the case ("" when stated)
    verdict: str


class RegistersObservation(Observation):
    voters: RegisterRead | None
    emargement: RegisterRead | None
    paper: RegisterRead | None
    mixed_paper: bool | None  # None: unanswered in case.toml
    opens: datetime
    closes: datetime
    grace_minutes: int = 0
    electorate: int
    board: BoardCount | None = None
    actors: tuple[Actor, ...] = Field(default_factory=tuple)
    case_file: str = "case.toml"
    board_declared: bool = False  # the case declares [board]: its electorate is expected (REG-011)
    cross: CrossCheck = Field(default_factory=CrossCheck)
