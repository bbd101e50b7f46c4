"""Step "snapshot": the board extends every earlier copy of it (nothing removed, altered or reordered)."""

from __future__ import annotations

from pathlib import Path

from ....i18n import msg
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
    for snapshot in options.snapshots:
        findings, info = compare(Path(snapshot), state.path)
        checked += 1
        for finding in findings:
            step.fail(finding.record, finding.field, finding.message)
        step.notes.append(msg("board.snapshot.note.compared", path=str(snapshot), info=info))
    for size, digest, label in options.snapshot_digests:
        checked += 1
        finding = compare_digest(state.path, size, digest, label)
        if finding is not None:
            step.fail(finding.record, finding.field, finding.message)
        else:
            step.notes.append(msg("board.snapshot.note.watched", copy=label, size=size))
    step.counts.update(snapshots=checked)
    if step.status is StepStatus.PASS:
        step.describe(msg("board.snapshot.summary", count=checked))
