"""Step "archive": the container and the hash chain, checked by the reader; its account is settled here."""

from __future__ import annotations

from ....i18n import msg
from ...account import StepStatus
from ..state import BoardState


def conclude(state: BoardState, whole_file: bool) -> None:
    state.verification.board = {
        "path": str(state.path), "size": state.size, "sha256": state.sha256 if whole_file else None,
        "records": state.records, "events": dict(state.event_counts),
        "timestamp": state.header.get("timestamp") if state.header else None,
        "last_event": state.last_type, "head": state.event_digest}
    events = sum(state.event_counts.values())
    archive = state.steps["archive"]
    archive.counts.update(records=state.records, events=events)
    if archive.status is StepStatus.PASS:
        archive.describe(msg("board.archive.summary", records=state.records, events=events))
