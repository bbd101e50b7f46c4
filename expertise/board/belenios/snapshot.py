"""Does the board extend an earlier snapshot? (append-only: nothing removed, altered or reordered)

A Belenios board only grows: a snapshot taken during the vote is a byte prefix of every
later board. This is the only defence against an authority that removes a ballot (or
reorders, or replaces one) and then re-tallies with the trustees' keys: the final board is
then internally consistent and belenios-tool's `verify` accepts it. When the prefix differs,
the records of both are listed to say which ballots disappeared or moved, with the voters'
trackers so that they can be told.
"""

from __future__ import annotations

import json
from pathlib import Path

from ...hashing import sha256_prefix
from ...i18n import Message, msg
from ..account import BOARD_FILE, Discrepancy, snapshot_named
from .archive import BLOCK, ArchiveError, ArchiveReader, Record
from .proofs import b64hash

CHUNK = 1 << 20


def _first_difference(a: Path, b: Path, length: int) -> int | None:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        position = 0
        while position < length:
            size = min(CHUNK, length - position)
            x = fa.read(size)
            y = fb.read(size)
            if x != y:
                for i in range(min(len(x), len(y))):
                    if x[i] != y[i]:
                        return position + i
                return position + min(len(x), len(y))
            position += size
    return None


def _records(path: Path) -> tuple[list[tuple[str, str, int]], Discrepancy | None]:
    """(name, kind-or-event-type, offset) of every record; ballots marked 'ballot:<tracker>'."""
    out: list[tuple[str, str, int]] = []
    error = None
    pending: list[Record] = []
    try:
        with open(path, "rb") as stream:
            for record in ArchiveReader(stream, path.stat().st_size):
                if record.kind == "event":
                    try:
                        kind = json.loads(record.body).get("type", "?")
                    except (ValueError, AttributeError):
                        kind = "?"
                    if kind == "Ballot" and pending:
                        ballot = pending[-1]
                        out[-1] = (ballot.name, "ballot:" + b64hash(ballot.body), ballot.offset)
                    out.append((record.name, f"event:{kind}", record.offset))
                    pending = []
                else:
                    pending.append(record)
                    out.append((record.name, record.kind, record.offset))
    except ArchiveError as exc:
        error = Discrepancy(exc.record, exc.field, exc.message)
    return out, error


def compare(snapshot: Path, board: Path) -> tuple[list[Discrepancy], Message]:
    """What differs between an earlier copy and the board, and what the copy is to the board."""
    where = snapshot_named(snapshot.name)
    try:
        snap_size = snapshot.stat().st_size
        board_size = board.stat().st_size
    except OSError as exc:
        return [Discrepancy(where, "file", msg("board.common.cannot_read", error=str(exc.strerror)))], \
            msg("board.snapshot.info.unreadable")
    snap_records, snap_error = _records(snapshot)
    if snap_error:
        return [Discrepancy(where, "file", msg("board.snapshot.incomplete", error=snap_error.message,
                                               record=snap_error.record))], msg("board.snapshot.info.unreadable")
    difference = _first_difference(snapshot, board, min(snap_size, board_size))
    if difference is None and snap_size <= board_size:
        board_records, _ = _records(board)
        boundaries = {offset for _, _, offset in board_records} | {board_size}
        if snap_size not in boundaries:
            return [Discrepancy(where, "size", msg("board.snapshot.inside_record", size=snap_size))], \
                msg("board.snapshot.info.not_on_boundary")
        ballots = sum(1 for _, kind, _ in snap_records if kind.startswith("ballot:"))
        return [], msg("board.snapshot.info.prefix", size=snap_size, board=board_size, count=ballots)
    board_records, board_error = _records(board)
    findings: list[Discrepancy] = []
    if difference is not None:
        index = next((i for i, (_, _, offset) in enumerate(board_records) if offset > difference), len(board_records)) - 1
        findings.append(Discrepancy(msg("board.where.record_offset", index=max(index, 0),
                                        offset=difference - difference % BLOCK), "(bytes)",
                                    msg("board.snapshot.differs", snapshot=where, byte=difference)))
    else:
        findings.append(Discrepancy(where, "size", msg("board.snapshot.shorter", board=board_size, size=snap_size)))
    board_ballots = [kind[7:] for _, kind, _ in board_records if kind.startswith("ballot:")]
    position = {t: i for i, t in enumerate(board_ballots)}
    snap_ballots = [kind[7:] for _, kind, _ in snap_records if kind.startswith("ballot:")]
    removed = [t for t in snap_ballots if t not in position]
    for t in removed[:10]:
        findings.append(Discrepancy(where, "ballot", msg("board.snapshot.removed", tracker=t)))
    if len(removed) > 10:
        findings.append(Discrepancy(where, "ballot", msg("board.snapshot.more_removed", count=len(removed) - 10)))
    kept = [position[t] for t in snap_ballots if t in position]
    if kept != sorted(kept):
        findings.append(Discrepancy(where, "ballot", msg("board.snapshot.reordered")))
    elif not removed and kept != list(range(len(kept))):
        findings.append(Discrepancy(where, "ballot", msg("board.snapshot.inserted")))
    setup_then = [name for name, kind, _ in snap_records[:5]]
    setup_now = [name for name, kind, _ in board_records[:5]]
    if setup_then != setup_now:
        findings.append(Discrepancy(where, "Setup", msg("board.snapshot.setup_changed")))
    if board_error:
        findings.append(Discrepancy(BOARD_FILE, "file", msg("board.snapshot.board_unreadable",
                                                            record=board_error.record, error=board_error.message)))
    return findings, msg("board.snapshot.info.not_prefix")


def compare_digest(board: Path, size: int, digest: str, label: Message) -> Discrepancy | None:
    """Is the board's prefix of ``size`` bytes the snapshot whose SHA-256 was recorded (by `board watch`)?"""
    try:
        total = board.stat().st_size
    except OSError as exc:
        return Discrepancy(BOARD_FILE, "file", msg("board.common.cannot_read", error=str(exc.strerror)))
    if total < size:
        return Discrepancy(label, "size", msg("board.snapshot.shorter_than_watched", board=total, size=size))
    if sha256_prefix(board, size) != digest:
        return Discrepancy(label, "(bytes)", msg("board.snapshot.prefix_differs", size=size))
    return None
