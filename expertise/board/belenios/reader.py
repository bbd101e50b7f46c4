"""The reader of a Belenios board: one pass over the archive that builds the board's state.

It checks what can only be checked while reading — the container, the hash chain of the
events, the order of the events, the data records each event names — and hands each Setup to
its steps (the election, the trustees and the credentials define how ballots are verified) and
each ballot to the parallel scheduler. What a main process keeps per ballot is a few integers
(credential digest, offset, weight); the later records (tally, shuffles, decryptions, result)
are kept as records and checked at the end by their own steps.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ...i18n import msg
from ..account import ballot_at
from . import fields as F
from .archive import ArchiveError, ArchiveReader, Record
from .ballots import BallotItem
from .fields import FieldError, parse_json
from .proofs import b64hash
from .scheduler import BallotScheduler
from .state import BallotRef, BoardState, digest16
from .steps import credentials as credentials_step
from .steps import setup as setup_step
from .steps.common import canonical, parse, referenced

EVENT_TYPES = ("Setup", "Ballot", "EndBallots", "EncryptedTally", "Shuffle", "EndShuffles", "PartialDecryption",
               "Result")
# data records expected before each event type
EVENT_DATA = {"Setup": 4, "Ballot": 1, "EndBallots": 0, "EncryptedTally": 2, "Shuffle": 2, "EndShuffles": 0,
              "PartialDecryption": 2, "Result": 1}
# the events each event may follow (None: the first event)
FOLLOWS: dict[str, tuple[str | None, ...]] = {
    "Setup": (None,),
    "Ballot": ("Setup", "Ballot"),
    "EndBallots": ("Setup", "Ballot"),
    "EncryptedTally": ("EndBallots",),
    "Shuffle": ("EncryptedTally", "Shuffle"),
    "EndShuffles": ("Shuffle", "EncryptedTally"),
    "PartialDecryption": ("EncryptedTally", "EndShuffles", "PartialDecryption"),
    "Result": ("PartialDecryption",),
}
# the order of the specification, named in a discrepancy (event types are identifiers, not words)
ORDER = "Setup, Ballot…, EndBallots, EncryptedTally, Shuffle…, EndShuffles, PartialDecryption…, Result"
MAX_BALLOT = 1 << 22  # 4 MiB: a 2.0 ballot is 6-16 kB per question
UNREFERENCED = msg("board.archive.unreferenced")


def _extract_credential(body: bytes) -> str | None:
    """The credential of a canonical ballot, read without parsing (the worker re-checks it)."""
    marker = b'"credential":"'
    start = body.find(marker)
    if start < 0:
        return None
    start += len(marker)
    end = body.find(b'"', start, start + 5000)
    if end < 0:
        return None
    try:
        return body[start:end].decode("ascii")
    except UnicodeDecodeError:
        return None


class BoardReader:
    """Reads a board file into a :class:`BoardState`, in one call or in several (`board watch`)."""

    def __init__(self, state: BoardState) -> None:
        self.state = state
        self.scheduler = BallotScheduler(state)

    def read(self, start: int, end: int | None = None) -> int:
        """Read the records of the board file from byte ``start`` (a record boundary) to ``end``.

        The state carries over between calls, so that `board watch` can verify only what was
        appended since its previous snapshot. Returns the offset reached (end of the last
        complete record read).
        """
        state = self.state
        archive = state.steps["archive"]
        archive.ran = True
        if state.started is None:
            state.started = datetime.now(timezone.utc)
        try:
            size = state.path.stat().st_size if end is None else end
            stream = open(state.path, "rb")
        except OSError as exc:
            archive.fail(msg("board.where.file", path=str(state.path)), "file",
                         msg("board.common.cannot_read", error=str(exc.strerror)))
            return start
        state.size = size
        stream.seek(start)
        reader = ArchiveReader(stream, size, offset=start, index=state.records, timestamp=state.timestamp)
        with stream:
            try:
                for record in reader:
                    state.records += 1
                    self._anomalies(reader)
                    self._record(record)
            except ArchiveError as exc:
                self._anomalies(reader)
                archive.fail(exc.record, exc.field, exc.message)
            self._anomalies(reader)
        state.timestamp = reader.timestamp
        state.sha256 = reader.sha256 if reader.finished and start == 0 else None
        return reader.bytes_read

    def drain(self) -> None:
        """Wait for every ballot and credential submitted so far."""
        if self.state.context is not None:
            self.scheduler.drain()
        credentials_step.collect_membership(self.state)

    def close(self) -> None:
        """The end of the board: data records left without an event are defects of the archive."""
        state = self.state
        for record in state.pending:
            state.steps["archive"].fail(record.label, "(record)", UNREFERENCED)
        state.pending = []
        self.drain()

    # ---------------------------------------------------------------- records and events

    def _anomalies(self, reader: ArchiveReader) -> None:
        for anomaly in reader.anomalies:
            self.state.steps["archive"].fail(anomaly.record, anomaly.field, anomaly.message)
        reader.anomalies.clear()

    def _record(self, record: Record) -> None:
        state = self.state
        if record.kind == "header":
            self._header(record)
        elif record.kind == "data":
            state.pending.append(record)
            if len(state.pending) > 4:
                dropped = state.pending.pop(0)
                state.steps["archive"].fail(dropped.label, "(record)", UNREFERENCED)
        else:
            self._event(record)

    def _header(self, record: Record) -> None:
        archive = self.state.steps["archive"]
        try:
            value = parse_json(record.body)
            F.obj(value, "", ["version", "timestamp"])
            version = F.integer(value["version"], "version")
            if version != 1:
                raise FieldError("version", msg("board.archive.version", version=version))
            stamp = value["timestamp"]
            if isinstance(stamp, str):
                stamp = int(F.decimal(stamp, "timestamp", 18))
            else:
                stamp = F.integer(stamp, "timestamp", 0)
        except FieldError as exc:
            archive.fail(record.label, exc.field, exc.message)
            return
        if F.canonical(value) != record.body.decode("utf-8", "replace"):
            archive.fail(record.label, "(record)", msg("board.archive.header_not_canonical"))
        if stamp != record.mtime:
            archive.fail(record.label, "timestamp", msg("board.archive.timestamp_differs", timestamp=str(stamp),
                                                        mtime=str(record.mtime)))
        self.state.header = {"version": version, "timestamp": stamp}

    def _event(self, record: Record) -> None:
        state = self.state
        archive = state.steps["archive"]
        try:
            value = parse_json(record.body)
            F.obj(value, "", ["parent", "height", "type", "payload"], optional=["parent", "payload"])
            height = F.integer(value["height"], "height", 0)
            kind = F.string(value["type"], "type", 40)
            parent = F.string(value["parent"], "parent", 64) if "parent" in value else None
            payload = F.string(value["payload"], "payload", 64) if "payload" in value else None
        except FieldError as exc:
            archive.fail(record.label, exc.field, exc.message)
            state.pending = []
            return
        canonical(state, record, value, "archive", "event")
        if kind not in EVENT_TYPES:
            archive.fail(record.label, "type", msg("board.archive.unknown_event", kind=repr(kind)))
            state.pending = []
            return
        if height != state.height + 1:
            archive.fail(record.label, "height", msg("board.archive.height", height=height, expected=state.height + 1))
        if parent != state.event_digest:
            archive.fail(record.label, "parent", msg(
                "board.archive.parent",
                found=msg("board.archive.digest", digest=parent[:16]) if parent else msg("board.archive.absent"),
                expected=(msg("board.archive.no_parent") if state.event_digest is None
                          else msg("board.archive.digest", digest=state.event_digest[:16]))))
        self._grammar(record, kind)
        state.height = height
        state.event_digest = record.digest
        state.event_counts[kind] = state.event_counts.get(kind, 0) + 1
        data = state.pending
        state.pending = []
        expected = EVENT_DATA[kind]
        if len(data) != expected:
            archive.fail(record.label, "(records)", msg("board.archive.data_count", kind=kind, count=len(data),
                                                        expected=expected))
            if len(data) < expected:
                state.last_type = kind
                return
            for extra in data[:len(data) - expected]:
                archive.fail(extra.label, "(record)", UNREFERENCED)
            data = data[len(data) - expected:]
        if expected == 0:
            if payload is not None:
                archive.fail(record.label, "payload", msg("board.archive.payload_unexpected", kind=kind))
        elif payload != data[-1].digest:
            archive.fail(record.label, "payload", msg(
                "board.archive.payload",
                found=msg("board.archive.digest", digest=payload[:16]) if payload else msg("board.archive.absent"),
                expected=data[-1].digest[:16]))
        self._dispatch(kind, data)
        state.last_type = kind

    def _grammar(self, record: Record, kind: str) -> None:
        state = self.state
        last = state.last_type
        if last in FOLLOWS[kind]:
            return
        state.steps["archive"].fail(record.label, "type", msg("board.archive.order", kind=kind, previous=last,
                                                              order=ORDER)
                                    if last else msg("board.archive.order_first", kind=kind, order=ORDER))
        if kind == "Ballot":
            state.ballots_after_end += 1

    def _dispatch(self, kind: str, data: list[Record]) -> None:
        state = self.state
        if kind == "Setup":
            if state.event_counts.get("Setup", 0) == 1:  # a second Setup is an archive failure (_grammar)
                self._setup(data)
        elif kind == "Ballot":
            self._ballot(data[0])
        elif kind == "EncryptedTally":
            tally, sized = data
            value = parse(state, sized, "tally")
            if value is not None and isinstance(value, dict):
                referenced(state, sized, value, "encrypted_tally", tally)
            state.tally_records = (tally, sized)
        elif kind == "Shuffle":
            state.shuffle_records.append(self._owned(data, "shuffles"))
        elif kind == "PartialDecryption":
            state.decryption_records.append(self._owned(data, "decryptions"))
        elif kind == "Result":
            state.result_record = data[0]

    def _owned(self, data: list[Record], step: str) -> tuple[Record, Record]:
        """A (payload, owned) pair: the owned record must name the payload record before it."""
        payload, owned = data
        value = parse(self.state, owned, step)
        if value is not None and isinstance(value, dict):
            referenced(self.state, owned, value, "payload", payload)
        return payload, owned

    # ---------------------------------------------------------------- Setup

    def _setup(self, data: list[Record]) -> None:
        state = self.state
        election_record, trustees_record, credentials_record, setup_record = data
        setup = parse(state, setup_record, "archive")
        if setup is not None:
            try:
                F.obj(setup, "", ["election", "trustees", "credentials"])
            except FieldError as exc:
                state.steps["archive"].fail(setup_record.label, exc.field, exc.message)
            else:
                canonical(state, setup_record, setup, "archive", "setup")
                referenced(state, setup_record, setup, "election", election_record)
                referenced(state, setup_record, setup, "trustees", trustees_record)
                referenced(state, setup_record, setup, "credentials", credentials_record)
        setup_step.read_election(state, election_record)
        if state.election is None:
            return
        setup_step.read_trustees(state, trustees_record)
        credentials_step.read_credentials(state, credentials_record)
        state.context = setup_step.ballot_context(state.election, state.options.batch)

    # ---------------------------------------------------------------- ballots

    def _ballot(self, record: Record) -> None:
        state = self.state
        state.ballots += 1
        ordinal = state.ballots
        credential = _extract_credential(record.body)
        weight = None
        key: Any = ("unreadable", ordinal)
        if credential is not None:
            key = digest16(credential)
            weight = state.credentials.get(key)
        previous = state.last_by_credential.get(key)
        if previous is not None:
            state.superseded.append(previous)
        state.last_by_credential[key] = BallotRef(ordinal, record.offset, len(record.body), weight, record.digest)
        digest = bytes.fromhex(record.digest)[:16]
        first = state.seen_ballots.get(digest)
        where = (record.index, record.short_name, record.offset)
        if first is not None:
            state.identical.add(ordinal)
            state.steps["duplicates"].fail(ballot_at(*where, ordinal), "(ballot)", msg(
                "board.duplicates.identical", first=first, tracker=b64hash(record.body)))
        else:
            state.seen_ballots[digest] = ordinal
        if state.context is None:
            return
        if len(record.body) > MAX_BALLOT:
            state.invalid += 1
            state.unreadable.add(ordinal)
            state.steps["ballots"].fail(ballot_at(*where, ordinal), "(ballot)", msg(
                "board.ballot.too_large", size=len(record.body), limit=MAX_BALLOT))
            return
        self.scheduler.submit(BallotItem(ordinal, where, record.body, credential, weight))
