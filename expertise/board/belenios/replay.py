"""The replay of a Belenios board (2.0, and 2.1-3.3): every audit step of the specification, and more.

The reader (:mod:`.reader`) reads the board once, record by record, checking the archive and the
Setup as it goes and handing the ballots to the parallel scheduler (:mod:`.scheduler`); then each
end-of-board step (:mod:`.steps`) reads the state and writes its account. The later records
(tally, shuffles, decryptions, result) are checked against what we recomputed, not against what
the board claims.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from ...i18n import msg
from ..account import VERIFIER, Verification, message_dict
from ..parallel import Runner
from .reader import BoardReader
from .state import BoardState, ReplayOptions
from .steps import (archive, ballots, credentials, decryptions, membership, result, setup, shuffles, snapshots,
                    tally, timing)

__all__ = ["BeleniosReplay", "ReplayOptions", "replay"]

# The end-of-board steps, in order: each may use what the ones before it computed.
END_STEPS: tuple[tuple[str, Callable[[BoardState], None]], ...] = (
    ("tally", tally.check),
    ("shuffles", shuffles.check),
    ("decryptions", decryptions.check),
    ("result", result.check),
    ("snapshot", snapshots.check),
    ("timing", timing.check),
)


class BeleniosReplay:
    """One replay: read (in one go, or piece by piece for `board watch`), then finish."""

    def __init__(self, path: Path, runner: Runner, options: ReplayOptions | None = None) -> None:
        self.state = BoardState(Path(path), runner, options or ReplayOptions(), Verification(path=str(path)))
        self.reader = BoardReader(self.state)

    @property
    def steps(self):  # type: ignore[no-untyped-def]
        return self.state.steps

    def run(self) -> Verification:
        """Replay the whole board file."""
        self.reader.read(0)
        return self.finish(whole_file=True)

    def read(self, start: int, end: int | None = None) -> int:
        return self.reader.read(start, end)

    def checkpoint(self) -> None:
        """Wait for every ballot submitted so far (used by `board watch` after each snapshot)."""
        self.reader.drain()

    def finish(self, whole_file: bool = False) -> Verification:
        """The end-of-board steps, then the accounts of the steps that ran while reading."""
        state = self.state
        self.reader.close()
        archive.conclude(state, whole_file)
        ballots.conclude(state)
        for step_id, check in END_STEPS:
            try:
                check(state)
            except Exception as exc:  # a defect of ours must not read as a verdict on the board
                state.steps[step_id].fail(VERIFIER, "(internal)", msg("board.verifier.crashed",
                                                                      error=type(exc).__name__, detail=str(exc)))
        membership.conclude(state)
        credentials.conclude(state)
        credentials.authority(state)
        setup.conclude(state)
        result.verified(state)
        now = datetime.now(timezone.utc)
        elapsed = (now - (state.started or now)).total_seconds()
        state.verification.stats = {
            "seconds": round(elapsed, 3), "ballots": state.ballots, "runner": message_dict(state.runner.description),
            "ballots_per_second": round(state.ballots / elapsed, 1) if elapsed > 0 else None}
        return state.verification


def replay(path: Path, runner: Runner, options: ReplayOptions | None = None) -> Verification:
    return BeleniosReplay(path, runner, options).run()
