"""Steps "ballots", "revotes" and "duplicates": the accounts of what the scheduler verified.

Each ballot was verified by a worker (:mod:`..ballots`) as the board was read; identical
ballots were caught by the reader and copied ciphertexts by the scheduler. Here the counts are
settled once every chunk is back: which ballot of each credential counts, how many were
superseded, and the accounts' one-line summaries.
"""

from __future__ import annotations

from ....i18n import msg
from ...account import StepStatus
from ..state import BoardState


def conclude(state: BoardState) -> None:
    steps = state.steps
    step = steps["ballots"]
    step.ran = state.context is not None
    step.counts.update(ballots=state.ballots, invalid=state.invalid)
    voters = len(state.last_by_credential)
    state.num_tallied = voters
    state.total_weight = sum((ref.weight if ref.weight is not None else 1) for ref in state.last_by_credential.values())
    steps["revotes"].counts.update(ballots=state.ballots, credentials_used=voters, superseded=len(state.superseded),
                                   counted=voters)
    duplicates = steps["duplicates"]
    duplicates.counts.update(ballots=state.ballots, identical=len(state.identical))
    if duplicates.status is StepStatus.PASS:
        duplicates.describe(msg("board.duplicates.summary", count=state.ballots))
    if state.context is None:
        if state.election is None:
            step.not_verifiable(msg("board.ballots.no_election"))
        return
    if state.ballots == 0:
        step.describe(msg("board.ballots.none"))
    elif step.status is StepStatus.PASS:
        step.describe(msg("board.ballots.summary", count=state.ballots, proofs=step.counts.get("proofs", 0)))
    else:
        step.describe(msg("board.ballots.invalid", invalid=state.invalid, count=state.ballots))
