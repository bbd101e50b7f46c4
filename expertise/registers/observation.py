"""What the registers rules look at: the registers as read, and what the case and board say."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..case import Actor
from .reader import RegisterRead


@dataclass(frozen=True)
class BoardCount:
    """The ballots the latest board replay counted (one per credential, revotes superseded)."""

    counted: int
    trustees: int | None
    source: str  # the journal source of the replay, e.g. board:board/UUID.bel
    evidence: str  # its results file in the case
    verdict: str


@dataclass(frozen=True)
class RegistersObservation:
    voters: RegisterRead | None
    emargement: RegisterRead | None
    paper: RegisterRead | None
    mixed_paper: bool
    opens: datetime
    closes: datetime
    electorate: int
    board: BoardCount | None = None
    actors: tuple[Actor, ...] = field(default_factory=tuple)
    case_file: str = "case.toml"
