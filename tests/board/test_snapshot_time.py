"""A copy of the board proves the append-only property only for the time before it was taken (issue 10).

A snapshot taken after the closing passed BOARD-014 « aucun écart » although it proves nothing
about the vote: it is now reported for what it is, and the step is "not verifiable" without a copy
from inside the voting window.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

from expertise.board.account import StepStatus
from expertise.i18n import msg

from .boardkit import Board
from .helpers import sample, verify

SMALL = sample("small")
CREATED = datetime.fromtimestamp(Board.read(SMALL).timestamp, timezone.utc)
OPENS = CREATED + timedelta(hours=1)
CLOSES = CREATED + timedelta(days=2)
NOW = CLOSES + timedelta(days=1)


def _copy_taken_at(tmp_path: Path, moment: datetime) -> Path:
    copy = tmp_path / "earlier.bel"
    shutil.copy(SMALL, copy)
    os.utime(copy, (moment.timestamp(), moment.timestamp()))
    return copy


def _watched(moment: datetime | None) -> tuple[int, str, object, datetime | None]:
    data = SMALL.read_bytes()
    return (len(data), hashlib.sha256(data).hexdigest(), msg("board.snapshot.file_copy", path="watch"), moment)


def _codes(step) -> list[str]:  # type: ignore[no-untyped-def]
    return [note.code for note in step.notes]


def test_a_copy_taken_after_the_closing_proves_nothing_about_the_vote(tmp_path: Path) -> None:
    copy = _copy_taken_at(tmp_path, CLOSES + timedelta(hours=3))
    report = verify(SMALL, snapshots=[copy], opens=OPENS, closes=CLOSES, now=NOW)
    step = report.steps["snapshot"]
    assert step.status is StepStatus.NOT_VERIFIABLE and not step.failures
    assert step.summary.code == "board.snapshot.none_during_vote" and step.summary.args["count"] == 1
    assert "board.snapshot.note.after_closing" in _codes(step)
    assert step.counts["snapshots_during_vote"] == 0
    note = next(n for n in step.notes if n.code == "board.snapshot.note.after_closing")
    assert "after the closing" in str(note) and "proves nothing" in str(note)
    assert report.verdict != "valid"


def test_a_copy_taken_during_the_vote_passes(tmp_path: Path) -> None:
    copy = _copy_taken_at(tmp_path, OPENS + timedelta(hours=5))
    report = verify(SMALL, snapshots=[copy], opens=OPENS, closes=CLOSES, now=NOW)
    step = report.steps["snapshot"]
    assert step.status is StepStatus.PASS and step.summary.code == "board.snapshot.summary"
    assert step.counts["snapshots_during_vote"] == 1
    assert not {"board.snapshot.note.after_closing", "board.snapshot.note.before_opening"} & set(_codes(step))


def test_a_copy_taken_before_the_opening_covers_the_setup_only(tmp_path: Path) -> None:
    copy = _copy_taken_at(tmp_path, OPENS - timedelta(minutes=10))
    report = verify(SMALL, snapshots=[copy], opens=OPENS, closes=CLOSES, now=NOW)
    step = report.steps["snapshot"]
    assert step.status is StepStatus.NOT_VERIFIABLE
    assert "board.snapshot.note.before_opening" in _codes(step)


def test_watched_copies_are_dated_by_the_watch_journal(tmp_path: Path) -> None:
    after = verify(SMALL, snapshot_digests=[_watched(CLOSES + timedelta(minutes=1))], opens=OPENS, closes=CLOSES, now=NOW)
    assert after.steps["snapshot"].status is StepStatus.NOT_VERIFIABLE
    assert "board.snapshot.note.after_closing" in _codes(after.steps["snapshot"])
    unknown = verify(SMALL, snapshot_digests=[_watched(None)], opens=OPENS, closes=CLOSES, now=NOW)
    assert unknown.steps["snapshot"].status is StepStatus.NOT_VERIFIABLE
    assert "board.snapshot.note.time_unknown" in _codes(unknown.steps["snapshot"])
    both = verify(SMALL, snapshot_digests=[_watched(CLOSES + timedelta(minutes=1)), _watched(OPENS + timedelta(hours=1))],
                  opens=OPENS, closes=CLOSES, now=NOW)
    assert both.steps["snapshot"].status is StepStatus.PASS
    assert both.steps["snapshot"].counts["snapshots_during_vote"] == 1


def test_a_copy_after_the_closing_that_differs_still_fails(tmp_path: Path) -> None:
    copy = _copy_taken_at(tmp_path, CLOSES + timedelta(hours=3))
    data = bytearray(copy.read_bytes())
    data[5000] ^= 1
    copy.write_bytes(bytes(data))
    os.utime(copy, ((CLOSES + timedelta(hours=3)).timestamp(),) * 2)
    report = verify(SMALL, snapshots=[copy], opens=OPENS, closes=CLOSES, now=NOW)
    assert report.steps["snapshot"].status is StepStatus.FAIL


def test_without_the_voting_period_the_times_are_not_compared(tmp_path: Path) -> None:
    copy = _copy_taken_at(tmp_path, CLOSES + timedelta(hours=3))
    report = verify(SMALL, snapshots=[copy])
    assert report.steps["snapshot"].status is StepStatus.PASS
    assert "snapshots_during_vote" not in report.steps["snapshot"].counts


def test_the_watch_journal_time_is_read_with_its_offset() -> None:
    from expertise.board.collector import _time

    assert _time("2026-03-01T10:00:00+01:00") == datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    assert _time("2026-03-01T10:00:00") == datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
    assert _time(None) is None and _time("-") is None
