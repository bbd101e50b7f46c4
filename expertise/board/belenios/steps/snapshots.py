"""Step "snapshot": the board extends every earlier copy of it (nothing removed, altered or reordered).

A copy proves the append-only property only for the time before it was taken: a copy taken after
the closing says nothing about what happened during the vote. So each copy's time (the journal of
`board watch`; for a file, its modification time, as Belenios records carry no event time) is
compared with the opening and closing, and the step is "not verifiable" without a copy from inside
the voting window.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from ....i18n import Message, msg
from ...account import StepStatus
from ..snapshot import compare, compare_digest
from ..state import BoardState


def check(state: BoardState) -> None:
    step = state.steps["snapshot"]
    options = state.options
    if not options.snapshots and not options.snapshot_digests:
        step.not_verifiable(msg("board.snapshot.none"))
        return
    step.ran = True
    checked = 0
    taken: list[tuple[Message, datetime | None]] = []
    for snapshot in options.snapshots:
        findings, info = compare(Path(snapshot), state.path)
        checked += 1
        for finding in findings:
            step.fail(finding.record, finding.field, finding.message)
        step.notes.append(msg("board.snapshot.note.compared", path=str(snapshot), info=info))
        taken.append((msg("board.snapshot.file_copy", path=str(snapshot)), _file_time(Path(snapshot))))
    for size, digest, label, moment in options.snapshot_digests:
        checked += 1
        finding = compare_digest(state.path, size, digest, label)
        if finding is not None:
            step.fail(finding.record, finding.field, finding.message)
        else:
            step.notes.append(msg("board.snapshot.note.watched", copy=label, size=size))
        taken.append((label, moment))
    step.counts.update(snapshots=checked)
    during = _compare_times(state, taken)
    if step.status is StepStatus.PASS:
        if during == 0:
            step.not_verifiable(msg("board.snapshot.none_during_vote", count=checked))
        else:
            step.describe(msg("board.snapshot.summary", count=checked))


def _file_time(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    except OSError:
        return None


def _compare_times(state: BoardState, taken: list[tuple[Message, datetime | None]]) -> int | None:
    """How many copies were taken during the vote (None when the voting period is not known); notes the others."""
    step = state.steps["snapshot"]
    opens, closes = state.options.opens, state.options.closes
    if opens is None and closes is None:
        return None
    during = 0
    for copy, moment in taken:
        if moment is None:
            step.notes.append(msg("board.snapshot.note.time_unknown", copy=copy))
        elif closes is not None and moment > closes:
            step.notes.append(msg("board.snapshot.note.after_closing", copy=copy, time=moment, closes=closes))
        elif opens is not None and moment < opens:
            step.notes.append(msg("board.snapshot.note.before_opening", copy=copy, time=moment, opens=opens))
        else:
            during += 1
    step.counts.update(snapshots_during_vote=during)
    return during
