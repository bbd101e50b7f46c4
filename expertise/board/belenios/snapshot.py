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

from ..report import Finding
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


def _records(path: Path) -> tuple[list[tuple[str, str, int]], str | None]:
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
        error = f"{exc.record}: {exc.message}"
    return out, error


def compare(snapshot: Path, board: Path) -> tuple[list[Finding], str]:
    where = f"snapshot {snapshot.name}"
    try:
        snap_size = snapshot.stat().st_size
        board_size = board.stat().st_size
    except OSError as exc:
        return [Finding(where, "file", f"cannot read: {exc.strerror}")], "unreadable"
    snap_records, snap_error = _records(snapshot)
    if snap_error:
        return [Finding(where, "file", f"the snapshot is not a complete board ({snap_error})")], "unreadable"
    difference = _first_difference(snapshot, board, min(snap_size, board_size))
    if difference is None and snap_size <= board_size:
        board_records, _ = _records(board)
        boundaries = {offset for _, _, offset in board_records} | {board_size}
        if snap_size not in boundaries:
            return [Finding(where, "size", f"the snapshot ends at byte {snap_size}, inside a record of the board")], \
                "prefix, but not on a record boundary"
        ballots = sum(1 for _, kind, _ in snap_records if kind.startswith("ballot:"))
        return [], f"byte prefix of the board ({snap_size} of {board_size} bytes, {ballots} ballot(s) then)"
    board_records, board_error = _records(board)
    findings: list[Finding] = []
    if difference is not None:
        index = next((i for i, (_, _, offset) in enumerate(board_records) if offset > difference), len(board_records)) - 1
        findings.append(Finding(f"record {max(index, 0)} (offset {difference - difference % BLOCK})", "(bytes)",
                                f"the board differs from {where} from byte {difference}"))
    else:
        findings.append(Finding(where, "size", f"the board ({board_size} bytes) is shorter than the snapshot "
                                               f"({snap_size} bytes): records were removed"))
    board_ballots = [kind[7:] for _, kind, _ in board_records if kind.startswith("ballot:")]
    position = {t: i for i, t in enumerate(board_ballots)}
    snap_ballots = [kind[7:] for _, kind, _ in snap_records if kind.startswith("ballot:")]
    removed = [t for t in snap_ballots if t not in position]
    for t in removed[:10]:
        findings.append(Finding(where, "ballot", f"ballot with tracker {t} was on the board earlier and is no longer "
                                                 "(removed)"))
    if len(removed) > 10:
        findings.append(Finding(where, "ballot", f"… and {len(removed) - 10} more ballot(s) removed"))
    kept = [position[t] for t in snap_ballots if t in position]
    if kept != sorted(kept):
        findings.append(Finding(where, "ballot", "ballots of the snapshot appear in another order on the board "
                                                 "(reordered)"))
    elif not removed and kept != list(range(len(kept))):
        findings.append(Finding(where, "ballot", "ballots were inserted between the ballots of the snapshot"))
    setup_then = [name for name, kind, _ in snap_records[:5]]
    setup_now = [name for name, kind, _ in board_records[:5]]
    if setup_then != setup_now:
        findings.append(Finding(where, "Setup", "the Setup records (election, trustees or credentials) changed "
                                                "since the snapshot"))
    if board_error:
        findings.append(Finding("board", "file", board_error))
    return findings, "not a prefix of the board"


def compare_digest(board: Path, size: int, digest: str, label: str) -> Finding | None:
    """Is the board's prefix of ``size`` bytes the snapshot whose SHA-256 was recorded (by `board watch`)?"""
    import hashlib

    try:
        total = board.stat().st_size
    except OSError as exc:
        return Finding("board", "file", f"cannot read: {exc.strerror}")
    if total < size:
        return Finding(label, "size", f"the board ({total} bytes) is shorter than the snapshot watched then "
                                      f"({size} bytes): records were removed")
    hasher = hashlib.sha256()
    with open(board, "rb") as stream:
        remaining = size
        while remaining:
            chunk = stream.read(min(CHUNK, remaining))
            if not chunk:
                break
            hasher.update(chunk)
            remaining -= len(chunk)
    if hasher.hexdigest() != digest:
        return Finding(label, "(bytes)", f"the first {size} bytes of the board differ from the snapshot watched "
                                         "then: records were removed, altered or reordered since")
    return None
