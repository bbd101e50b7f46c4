"""Step "timing": the board was created before the opening, and nothing was counted before the closing."""

from __future__ import annotations

from datetime import datetime, timezone

from ....i18n import Message, msg
from ...account import WHOLE_BOARD, StepStatus, record_at
from ..state import BoardState

AFTER_TALLY = ("EndBallots", "EncryptedTally", "Shuffle", "EndShuffles", "PartialDecryption", "Result")


def check(state: BoardState) -> None:
    step = state.steps["timing"]
    options = state.options
    opens, closes = options.opens, options.closes
    now = options.now or datetime.now(timezone.utc)
    if opens is None and closes is None:
        step.not_verifiable(msg("board.timing.no_times"))
        return
    checked: list[Message] = []
    stamp = state.header.get("timestamp") if state.header else None
    if opens is not None and stamp is not None:
        created = datetime.fromtimestamp(stamp, timezone.utc)
        step.counts["created"] = created.isoformat()
        if created > opens:
            step.fail(record_at(0, "BELENIOS", 0), "timestamp", msg("board.timing.created_late", created=created,
                                                                    opens=opens))
        checked.append(msg("board.timing.check.created"))
    elif opens is not None:
        # no readable header (BOARD-001 says why): nothing on the board dates its creation
        step.notes.append(msg("board.timing.note.creation_undated", opens=opens))
    if closes is not None:
        counting = [kind for kind in AFTER_TALLY if state.event_counts.get(kind)]
        if now < closes:
            if counting:
                step.fail(WHOLE_BOARD, counting[0], msg("board.timing.counted_early", event=counting[0], now=now,
                                                        closes=closes))
            checked.append(msg("board.timing.check.no_count", now=now))
        else:
            step.notes.append(msg("board.timing.note.no_event_time"))
    if options.clock_simulated:
        step.notes.append(msg("board.timing.note.clock", now=now, variable="EXPERTISE_BOARD_CLOCK"))
    if step.status is StepStatus.PASS:
        if checked:
            step.describe(msg("board.checks", checks=checked))
        else:
            step.not_verifiable(msg("board.timing.unverifiable"))
