"""Step "membership": every group element read was tested by the step that read it; the account is settled here.

A value outside the prime-order subgroup (a small-order component) lets a voter encode a
value outside 0/1 or break the tally's secrecy, so each element is tested where it is read —
keys, credentials, ballots, tally, shuffles, decryption factors — and counted by kind.
"""

from __future__ import annotations

from ....i18n import msg
from ...account import StepStatus
from ..state import BoardState


def conclude(state: BoardState) -> None:
    membership = state.steps["membership"]
    membership.ran = True
    tested = sum(v for v in membership.counts.values() if isinstance(v, int))
    if membership.status is StepStatus.PASS and tested == 0:
        # Nothing was read: a pass here would certify elements nobody saw.
        membership.not_verifiable(msg("board.membership.nothing"))
    elif membership.status is StepStatus.PASS:
        membership.describe(msg("board.membership.summary", count=tested))
