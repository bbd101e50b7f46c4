"""The parallel ballot scheduler: chunks of ballots to the runner, a bounded number in flight.

Ballots go in chunks to the runner (local processes or Dask) while the reader goes on, with
at most a few chunks per worker in flight, so memory stays flat whatever the board's size.
Each chunk returns the product of its ballots' ciphertexts (the homomorphic tally's share),
the non-homomorphic ciphertexts, and the first defect of each invalid ballot, which are
added to the board state and to the step accounts here, in submission order.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from ...i18n import msg
from ..account import WORKER, ballot_at, ballot_number
from .ballots import BallotItem, ChunkOutcome, verify_chunk
from .state import BoardState


class BallotScheduler:
    def __init__(self, state: BoardState) -> None:
        self.state = state
        self.chunk: list[BallotItem] = []
        self.inflight: deque[tuple[Any, int]] = deque()

    def submit(self, item: BallotItem) -> None:
        self.chunk.append(item)
        if len(self.chunk) >= self.state.options.chunk_size:
            self.flush()

    def flush(self) -> None:
        if not self.chunk:
            return
        state = self.state
        assert state.context is not None
        self.inflight.append((state.runner.submit(verify_chunk, state.context, self.chunk), len(self.chunk)))
        self.chunk = []
        limit = max(4, 3 * state.runner.workers)
        while len(self.inflight) > limit:
            self.collect(*self.inflight.popleft())

    def drain(self) -> None:
        """Submit what is left and wait for every chunk."""
        self.flush()
        while self.inflight:
            self.collect(*self.inflight.popleft())

    def collect(self, future: Any, size: int) -> None:
        state = self.state
        steps = state.steps
        step = steps["ballots"]
        try:
            outcome: ChunkOutcome = future.result()
        except Exception as exc:
            step.fail(WORKER, "(chunk)", msg("board.ballot.chunk_failed", count=size, error=type(exc).__name__,
                                             detail=str(exc)))
            state.processed += size
            return
        state.processed += outcome.ballots
        step.count("valid", outcome.valid)
        step.count("proofs", outcome.proofs)
        state.invalid += len(outcome.invalid)
        membership = steps["membership"]
        for ordinal, where, field_name, message, kind in outcome.failures:
            record = ballot_at(*where, ordinal)
            if kind == "membership":
                membership.fail(record, field_name, message)
            step.fail(record, field_name, message)
        membership.count("ballots", outcome.members)
        state.unreadable.update(outcome.unreadable)
        group = state.election.group if state.election else None
        for qi, slots in outcome.products.items():
            mine = state.products.get(qi)
            if mine is None or group is None:
                state.products[qi] = slots
                continue
            for slot, (alpha, beta) in zip(mine, slots):
                slot[0] = group.mul(slot[0], alpha)
                slot[1] = group.mul(slot[1], beta)
        for ordinal, qi, alpha, beta in outcome.nh:
            state.nh.setdefault(ordinal, []).append((qi, alpha, beta))
        duplicates = steps["duplicates"]
        for ordinal, key in outcome.alpha_keys:
            first = state.alpha_seen.setdefault(key, ordinal)
            if first != ordinal and ordinal not in state.identical:
                duplicates.fail(ballot_number(ordinal), "answers", msg("board.duplicates.copied_ciphertext",
                                                                       first=first))
        if state.options.progress:
            state.options.progress(state.processed, None)
