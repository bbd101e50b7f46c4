"""The state of one replay: what the reader took from the board, and the step accounts being written.

The reader (:mod:`.reader`) fills it record by record; the parallel ballot scheduler
(:mod:`.scheduler`) adds what the workers return; each verification step (:mod:`.steps`) reads
it and writes its own account. Nothing here judges the board.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Sequence

from ...i18n import Message
from ..account import StepAccount, Verification
from ..parallel import Runner
from .archive import Record
from .ballots import BallotContext
from .proofs import Crypto
from .setup import Election, Trustees


def digest16(text: str | bytes) -> bytes:
    """The key a credential is known by in the main process (16 bytes of its SHA-256)."""
    data = text.encode("utf-8", "replace") if isinstance(text, str) else text
    return hashlib.sha256(data).digest()[:16]


@dataclass
class ReplayOptions:
    """What the board is verified against, besides itself."""

    snapshots: Sequence[Path] = ()
    # (size, sha256 of the prefix, where it comes from, when it was taken) of copies `board watch` took
    snapshot_digests: Sequence[tuple[int, str, Message, datetime | None]] = ()
    credentials_fingerprint: str | None = None
    electorate: int | None = None
    opens: datetime | None = None
    closes: datetime | None = None
    now: datetime | None = None
    clock_simulated: bool = False
    chunk_size: int = 64  # ballots a worker verifies at once (one membership batch for all of them)
    batch: bool = True  # group membership tested in batches (False: one element at a time, `--no-batch`)
    progress: Callable[[int, int | None], None] | None = None


@dataclass(slots=True)
class BallotRef:
    """What is kept of one ballot in the main process: enough to re-read it by offset."""

    ordinal: int
    offset: int
    size: int
    weight: int | None
    digest: str


@dataclass
class BoardState:
    path: Path
    runner: Runner
    options: ReplayOptions
    verification: Verification
    # the archive and its events
    records: int = 0
    size: int = 0
    sha256: str | None = None
    timestamp: int | None = None  # the tar mtime of the header record, carried between incremental reads
    header: dict[str, Any] | None = None
    height: int = -1
    event_digest: str | None = None
    last_type: str | None = None
    pending: list[Record] = field(default_factory=list)
    event_counts: dict[str, int] = field(default_factory=dict)
    started: datetime | None = None
    # the Setup records
    election: Election | None = None
    election_label: Message | None = None
    crypto: Crypto | None = None
    trustees: Trustees | None = None
    credentials: dict[bytes, int] = field(default_factory=dict)  # 16-byte digest of a credential -> weight
    credentials_label: Message | None = None
    credentials_fingerprint: str = ""
    credentials_digest: str = ""
    credential_futures: list[tuple[Message, Any]] = field(default_factory=list)
    context: BallotContext | None = None  # what a worker needs to verify a ballot
    # the ballots, as the reader and the scheduler leave them
    ballots: int = 0
    last_by_credential: dict[Any, BallotRef] = field(default_factory=dict)
    superseded: list[BallotRef] = field(default_factory=list)
    seen_ballots: dict[bytes, int] = field(default_factory=dict)
    identical: set[int] = field(default_factory=set)
    ballots_after_end: int = 0
    processed: int = 0
    invalid: int = 0
    unreadable: set[int] = field(default_factory=set)
    products: dict[int, list[list[Any]]] = field(default_factory=dict)  # question -> [[alpha, beta] per choice]
    nh: dict[int, list[tuple[int, Any, Any]]] = field(default_factory=dict)  # ordinal -> (question, alpha, beta)
    alpha_seen: dict[int, int] = field(default_factory=dict)
    # the later records, checked at the end
    tally_records: tuple[Record, Record] | None = None
    shuffle_records: list[tuple[Record, Record]] = field(default_factory=list)
    decryption_records: list[tuple[Record, Record]] = field(default_factory=list)
    result_record: Record | None = None
    # what the end-of-board steps computed, for the steps after them
    num_tallied: int = 0
    total_weight: int = 0
    computed_tally: list[Any] | None = None
    published_tally: list[Any] | None = None
    final_tally: list[Any] | None = None
    valid_factors: dict[int, list[list[Any]]] = field(default_factory=dict)
    decrypted_result: Any = None

    @property
    def steps(self) -> dict[str, StepAccount]:
        return self.verification.steps
