"""The replay of a Belenios board (2.0, and 2.1-3.3): every audit step of the specification, and more.

The board is read once, record by record. Setup records are checked here; ballots go in
chunks to the runner (local processes or Dask) while reading continues, with a bounded
number of chunks in flight, so memory stays flat. What the main process keeps per ballot is
a few integers (credential digest, offset, weight). Revotes are resolved at the end: the
chunks return the product of all their ballots, and the superseded ballots (usually few)
are re-read by offset and divided out. The later records (tally, shuffles, decryptions,
result) are checked against what we recomputed, not against what the board claims.
"""

from __future__ import annotations

import base64
import hashlib
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

from gmpy2 import mpz

from ..parallel import Runner
from ..report import StepStatus, VerificationReport
from . import fields as F
from .archive import ArchiveError, ArchiveReader, Record
from .ballots import BallotContext, BallotItem, ChunkOutcome, QuestionShape, check_members, superseded_share, verify_chunk
from .decryption import decode, decryption_slice, discrete_log, lagrange
from .fields import FieldError, parse_json
from .proofs import Crypto, b64hash
from .setup import Election, TrusteeChecks, Trustees, nest, parse_credentials, parse_election
from .shuffle import ShuffleCheck, parse_ciphertexts, parse_proof

EVENT_TYPES = ("Setup", "Ballot", "EndBallots", "EncryptedTally", "Shuffle", "EndShuffles", "PartialDecryption",
               "Result")
# data records expected before each event type
EVENT_DATA = {"Setup": 4, "Ballot": 1, "EndBallots": 0, "EncryptedTally": 2, "Shuffle": 2, "EndShuffles": 0,
              "PartialDecryption": 2, "Result": 1}
AFTER_TALLY = ("EndBallots", "EncryptedTally", "Shuffle", "EndShuffles", "PartialDecryption", "Result")
MAX_DLOG_BOUND = 10**10
MAX_BALLOT = 1 << 22  # 4 MiB: a 2.0 ballot is 6-16 kB per question
CLOCK_NOTE = "EXPERTISE_BOARD_CLOCK environment variable"


@dataclass
class ReplayOptions:
    snapshots: Sequence[Path] = ()
    snapshot_digests: Sequence[tuple[int, str, str]] = ()  # (size, sha256 of the prefix, where it comes from)
    credentials_fingerprint: str | None = None
    electorate: int | None = None
    opens: datetime | None = None
    closes: datetime | None = None
    now: datetime | None = None
    clock_simulated: bool = False
    chunk_size: int = 32
    progress: Callable[[int, int | None], None] | None = None


@dataclass(slots=True)
class BallotRef:
    ordinal: int
    offset: int
    size: int
    weight: int | None
    digest: str


def _digest16(text: str | bytes) -> bytes:
    data = text.encode("utf-8", "replace") if isinstance(text, str) else text
    return hashlib.sha256(data).digest()[:16]


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


def tracker(body: bytes) -> str:
    return b64hash(body)


class BeleniosReplay:
    def __init__(self, path: Path, runner: Runner, options: ReplayOptions | None = None) -> None:
        self.path = Path(path)
        self.runner = runner
        self.options = options or ReplayOptions()
        self.report = VerificationReport(path=str(path))
        self.steps = self.report.steps
        # archive and events
        self.event_digest: str | None = None
        self.height = -1
        self.last_type: str | None = None
        self.pending: list[Record] = []
        self.event_counts: dict[str, int] = {}
        self.records = 0
        self.header: dict[str, Any] | None = None
        # setup
        self.election: Election | None = None
        self.crypto: Crypto | None = None
        self.trustees: Trustees | None = None
        self.credentials: dict[bytes, int] = {}
        self.credential_futures: list[Any] = []
        self.context: BallotContext | None = None
        # ballots
        self.ballots = 0
        self.last_by_credential: dict[Any, BallotRef] = {}
        self.superseded: list[BallotRef] = []
        self.seen_ballots: dict[bytes, int] = {}
        self.identical: set[int] = set()
        self.chunk: list[BallotItem] = []
        self.inflight: deque[tuple[Any, int]] = deque()
        self.processed = 0
        self.products: dict[int, list[list[mpz]]] = {}
        self.nh: dict[int, list[tuple[int, mpz, mpz]]] = {}
        self.unreadable: set[int] = set()
        self.invalid = 0
        self.alpha_seen: dict[int, int] = {}
        self.ballots_after_end = 0
        # later records, checked at the end
        self.tally_records: tuple[Record, Record] | None = None
        self.shuffle_records: list[tuple[Record, Record]] = []
        self.decryption_records: list[tuple[Record, Record]] = []
        self.result_record: Record | None = None
        # computed
        self.computed_tally: list[Any] | None = None
        self.published_tally: list[Any] | None = None
        self.num_tallied = 0
        self.total_weight = 0
        self.final_tally: list[Any] | None = None
        self.decrypted_result: Any = None
        self._started: datetime | None = None
        self.size = 0
        self.sha256: str | None = None
        self.timestamp: int | None = None

    # ---------------------------------------------------------------- helpers

    def member(self, step: str, record: str, field_name: str, x: Any, kind: str) -> bool:
        membership = self.steps["membership"]
        membership.count(kind)
        assert self.election is not None
        if self.election.group.is_member(x):
            return True
        membership.fail(record, field_name, "not an element of the group")
        if step != "membership":
            self.steps[step].fail(record, field_name, "not an element of the group")
        return False

    def parse(self, record: Record, step: str) -> Any:
        try:
            value = parse_json(record.body)
        except FieldError as exc:
            self.steps[step].fail(record.label, exc.field, exc.message)
            return None
        return value

    def owner(self, owned_record: Record, step: str) -> int | None:
        """The trustee id of an ``{"owner", "payload"}`` record (a shuffle or a partial decryption)."""
        owned = self.parse(owned_record, step)
        try:
            F.obj(owned, "", ["owner", "payload"])
            return F.integer(owned["owner"], "owner", 1)
        except FieldError as exc:
            self.steps[step].fail(owned_record.label, exc.field, exc.message)
            return None

    def canonical(self, record: Record, value: Any, step: str, what: str) -> bool:
        if F.canonical(value) != record.body.decode("utf-8", "replace"):
            self.steps[step].fail(record.label, "(record)", f"{what} is not in canonical form (compact JSON as "
                                                             "Belenios writes it)")
            return False
        return True

    # ---------------------------------------------------------------- reading

    def run(self) -> VerificationReport:
        """Replay the whole board file."""
        self.read(0)
        return self.finish(whole_file=True)

    def read(self, start: int, end: int | None = None) -> int:
        """Read the records of the board file from byte ``start`` (a record boundary) to ``end``.

        The state carries over between calls, so that `board watch` can verify only what was
        appended since its previous snapshot. Returns the offset reached (end of the last
        complete record read).
        """
        archive = self.steps["archive"]
        archive.ran = True
        if self._started is None:
            self._started = datetime.now(timezone.utc)
        try:
            size = self.path.stat().st_size if end is None else end
            stream = open(self.path, "rb")
        except OSError as exc:
            archive.fail(str(self.path), "file", f"cannot read: {exc.strerror}")
            return start
        self.size = size
        stream.seek(start)
        reader = ArchiveReader(stream, size, offset=start, index=self.records, timestamp=self.timestamp)
        with stream:
            try:
                for record in reader:
                    self.records += 1
                    self._anomalies(reader)
                    self._record(record)
            except ArchiveError as exc:
                self._anomalies(reader)
                archive.fail(exc.record, exc.field, exc.message)
            self._anomalies(reader)
        self.timestamp = reader.timestamp
        self.sha256 = reader.sha256 if reader.finished and start == 0 else None
        return reader.bytes_read

    def checkpoint(self) -> None:
        """Wait for every ballot submitted so far (used by `board watch` after each snapshot)."""
        if self.context is not None:
            self._flush()
            while self.inflight:
                self._collect(*self.inflight.popleft())
        self._finish_setup()

    def finish(self, whole_file: bool = False) -> VerificationReport:
        """The end-of-board steps (tally, shuffles, decryptions, result, snapshots, timing)."""
        archive = self.steps["archive"]
        for record in self.pending:
            archive.fail(record.label, "(record)", "data record not referenced by any event")
        self.pending = []
        self.report.board = {"path": str(self.path), "size": self.size, "sha256": self.sha256 if whole_file else None,
                             "records": self.records, "events": dict(self.event_counts),
                             "timestamp": self.header.get("timestamp") if self.header else None,
                             "last_event": self.last_type, "head": self.event_digest}
        archive.counts.update(records=self.records, events=sum(self.event_counts.values()))
        self._finish_ballots()
        self._finish_setup()
        for step_id, method in (("tally", self._tally), ("shuffles", self._shuffles),
                                ("decryptions", self._decryptions), ("result", self._result),
                                ("snapshot", self._snapshots), ("timing", self._timing)):
            try:
                method()
            except Exception as exc:  # a defect of ours must not read as a verdict on the board
                self.steps[step_id].fail("(verifier)", "(internal)",
                                         f"verification could not complete ({type(exc).__name__}: {exc})")
        self._summaries()
        self._verified()
        elapsed = (datetime.now(timezone.utc) - (self._started or datetime.now(timezone.utc))).total_seconds()
        self.report.stats = {"seconds": round(elapsed, 3), "ballots": self.ballots, "runner": self.runner.description,
                             "ballots_per_second": round(self.ballots / elapsed, 1) if elapsed > 0 else None}
        return self.report

    def _anomalies(self, reader: ArchiveReader) -> None:
        for anomaly in reader.anomalies:
            self.steps["archive"].fail(anomaly.record, anomaly.field, anomaly.message)
        reader.anomalies.clear()

    def _record(self, record: Record) -> None:
        if record.kind == "header":
            self._header(record)
        elif record.kind == "data":
            self.pending.append(record)
            if len(self.pending) > 4:
                dropped = self.pending.pop(0)
                self.steps["archive"].fail(dropped.label, "(record)", "data record not referenced by any event")
        else:
            self._event(record)

    def _header(self, record: Record) -> None:
        archive = self.steps["archive"]
        try:
            value = parse_json(record.body)
            F.obj(value, "", ["version", "timestamp"])
            version = F.integer(value["version"], "version")
            if version != 1:
                raise FieldError("version", f"archive version {version}; Belenios 2.0 writes version 1")
            stamp = value["timestamp"]
            if isinstance(stamp, str):
                stamp = int(F.decimal(stamp, "timestamp", 18))
            else:
                stamp = F.integer(stamp, "timestamp", 0)
        except FieldError as exc:
            archive.fail(record.label, exc.field, exc.message)
            return
        if F.canonical(value) != record.body.decode("utf-8", "replace"):
            archive.fail(record.label, "(record)", "archive header is not in canonical form")
        if stamp != record.mtime:
            archive.fail(record.label, "timestamp", f"timestamp {stamp} differs from the tar mtime {record.mtime} "
                                                    "Belenios writes with it (header altered)")
        self.header = {"version": version, "timestamp": stamp}

    def _event(self, record: Record) -> None:
        archive = self.steps["archive"]
        try:
            value = parse_json(record.body)
            F.obj(value, "", ["parent", "height", "type", "payload"], optional=["parent", "payload"])
            height = F.integer(value["height"], "height", 0)
            kind = F.string(value["type"], "type", 40)
            parent = F.string(value["parent"], "parent", 64) if "parent" in value else None
            payload = F.string(value["payload"], "payload", 64) if "payload" in value else None
        except FieldError as exc:
            archive.fail(record.label, exc.field, exc.message)
            self.pending = []
            return
        self.canonical(record, value, "archive", "event")
        if kind not in EVENT_TYPES:
            archive.fail(record.label, "type", f"unknown event type {kind!r}")
            self.pending = []
            return
        if height != self.height + 1:
            archive.fail(record.label, "height", f"height {height}, expected {self.height + 1} "
                                                 "(events missing, duplicated or reordered)")
        if parent != self.event_digest:
            expected = "no parent (first event)" if self.event_digest is None else f"{self.event_digest[:16]}…"
            archive.fail(record.label, "parent", f"parent {parent[:16] + '…' if parent else 'absent'}, expected "
                                                 f"{expected}: the hash chain is broken")
        self._grammar(record, kind)
        self.height = height
        self.event_digest = record.digest
        self.event_counts[kind] = self.event_counts.get(kind, 0) + 1
        data = self.pending
        self.pending = []
        expected = EVENT_DATA[kind]
        if len(data) != expected:
            archive.fail(record.label, "(records)", f"{kind} event preceded by {len(data)} data record(s), "
                                                    f"{expected} expected")
            if len(data) < expected:
                self.last_type = kind
                return
            for extra in data[:len(data) - expected]:
                archive.fail(extra.label, "(record)", "data record not referenced by any event")
            data = data[len(data) - expected:]
        if expected == 0:
            if payload is not None:
                archive.fail(record.label, "payload", f"{kind} event with a payload")
        elif payload != data[-1].digest:
            archive.fail(record.label, "payload", f"payload {payload[:16] + '…' if payload else 'absent'} does not "
                                                  f"name the record before it ({data[-1].digest[:16]}…)")
        handler = getattr(self, f"_on_{kind}")
        handler(record, data)
        self.last_type = kind

    def _grammar(self, record: Record, kind: str) -> None:
        last = self.last_type
        allowed = {
            "Setup": last is None,
            "Ballot": last in ("Setup", "Ballot"),
            "EndBallots": last in ("Setup", "Ballot"),
            "EncryptedTally": last == "EndBallots",
            "Shuffle": last in ("EncryptedTally", "Shuffle"),
            "EndShuffles": last in ("Shuffle", "EncryptedTally"),
            "PartialDecryption": last in ("EncryptedTally", "EndShuffles", "PartialDecryption"),
            "Result": last == "PartialDecryption",
        }[kind]
        if not allowed:
            after = f"after {last}" if last else "as the first event"
            self.steps["archive"].fail(record.label, "type", f"{kind} event {after}: not in the order of the "
                                                             "specification (Setup, Ballot…, EndBallots, "
                                                             "EncryptedTally, Shuffle…, EndShuffles, "
                                                             "PartialDecryption…, Result)")
            if kind == "Ballot":
                self.ballots_after_end += 1

    def _referenced(self, owner: Record, value: Any, field_name: str, target: Record, step: str = "archive") -> None:
        if value.get(field_name) != target.digest:
            self.steps[step].fail(owner.label, field_name, f"does not name the record before it "
                                                           f"({target.digest[:16]}…)")

    # ---------------------------------------------------------------- Setup

    def _on_Setup(self, event: Record, data: list[Record]) -> None:
        if self.event_counts.get("Setup", 0) > 1:
            return  # a second Setup is an archive failure (_grammar); the first one defines the election
        election_record, trustees_record, credentials_record, setup_record = data
        archive = self.steps["archive"]
        setup = self.parse(setup_record, "archive")
        if setup is not None:
            try:
                F.obj(setup, "", ["election", "trustees", "credentials"])
            except FieldError as exc:
                archive.fail(setup_record.label, exc.field, exc.message)
            else:
                self.canonical(setup_record, setup, "archive", "setup data")
                self._referenced(setup_record, setup, "election", election_record)
                self._referenced(setup_record, setup, "trustees", trustees_record)
                self._referenced(setup_record, setup, "credentials", credentials_record)
        self._setup_election(election_record)
        if self.election is None:
            return
        self._setup_trustees(trustees_record)
        self._setup_credentials(credentials_record)
        self.context = BallotContext(
            group=self.election.group.name, public_key=self.election.public_key_text,
            fingerprint=self.election.fingerprint, uuid=self.election.uuid,
            questions=tuple(QuestionShape(q.homomorphic, q.choices, q.minimum, q.maximum, q.blank, q.lists)
                            for q in self.election.questions))

    def _setup_election(self, record: Record) -> None:
        step = self.steps["election"]
        group_step = self.steps["group"]
        step.ran = True
        value = self.parse(record, "election")
        if value is None:
            return
        fingerprint = base64.b64encode(bytes.fromhex(record.digest)).decode().rstrip("=")
        try:
            election = parse_election(value, record.digest, fingerprint)
        except FieldError as exc:
            (group_step if exc.field == "group" else step).fail(record.label, exc.field, exc.message)
            return
        self.election = election
        self.election_label = record.label
        self.report.election = election.summary()
        step.describe(f"{election.name!r}, uuid {election.uuid}, fingerprint {fingerprint}, "
                      f"{len(election.questions)} question(s)",
                      f"« {election.name} », uuid {election.uuid}, empreinte {fingerprint}, "
                      f"{len(election.questions)} question(s)")
        step.counts.update(questions=len(election.questions))
        group = election.group
        group_step.ran = True
        group_step.describe(*group.describe())
        group_step.counts.update(q_bits=group.q.bit_length())
        if getattr(group, "p", None) is not None:
            group_step.counts.update(p_bits=group.p.bit_length())
        if group.name == "Ed25519":
            self.report.profile = "3.x"
        self.crypto = Crypto(group, election.public_key)

    def _setup_trustees(self, record: Record) -> None:
        assert self.election is not None and self.crypto is not None
        step = self.steps["trustees"]
        step.ran = True
        value = self.parse(record, "trustees")
        self.member("trustees", self.election_label, "public_key", self.election.public_key, "keys")
        if value is None:
            return
        checks = TrusteeChecks(self.election, self.crypto,
                               lambda f, m: step.fail(record.label, f, m),
                               lambda f, x: self.member("trustees", record.label, f, x, "keys"))
        try:
            self.trustees = checks.run(value)
        except FieldError as exc:
            step.fail(record.label, exc.field, exc.message)
            return
        self.canonical(record, value, "trustees", "trustees record")
        if checks.later_profile:
            later = any("signature" in vk for item in value if isinstance(item, list) and len(item) == 2
                        and item[0] == "Pedersen" and isinstance(item[1], dict)
                        for vk in item[1].get("verification_keys", []) if isinstance(vk, dict))
            self.report.profile = "3.x" if later else "2.5.1+"
            step.notes.append("threshold parameters in the format of Belenios 2.5.1 and later (certificate context, "
                              "signed commitments" + (", signed verification keys)" if later else ")")
                              + ": verified with that profile")
        summary = self.trustees.summary()
        parts, parts_fr = [], []
        if summary["singles"]:
            parts.append(f"{summary['singles']} single trustee(s)")
            parts_fr.append(f"{summary['singles']} autorité(s) obligatoire(s)")
        for group in summary["pedersen"]:
            parts.append(f"threshold {group['threshold']} of {group['members']} (Pedersen)")
            parts_fr.append(f"seuil de {group['threshold']} sur {group['members']} (Pedersen)")
        step.describe(", ".join(parts) + f"; {checks.proofs_checked} proofs checked; election key = product of the keys",
                      ", ".join(parts_fr) + f" ; {checks.proofs_checked} preuves vérifiées ; la clé de l’élection est "
                      "le produit des clés")
        step.counts.update(singles=summary["singles"], pedersen_members=sum(g["members"] for g in summary["pedersen"]),
                           proofs=checks.proofs_checked)
        self.report.election["trustees"] = summary

    def _setup_credentials(self, record: Record) -> None:
        assert self.election is not None
        step = self.steps["credentials"]
        step.ran = True
        value = self.parse(record, "credentials")
        authority = self.steps["credential_authority"]
        self.credentials_label = record.label
        self.credentials_fingerprint = base64.b64encode(bytes.fromhex(record.digest)).decode().rstrip("=")
        self.credentials_digest = record.digest
        if value is None:
            return
        try:
            entries = parse_credentials(value, self.election.group, lambda f, m: step.fail(record.label, f, m))
        except FieldError as exc:
            step.fail(record.label, exc.field, exc.message)
            return
        self.canonical(record, value, "credentials", "public credentials")
        previous: Any = None
        unsorted = False
        weighted = 0
        total_weight = 0
        for index, credential in enumerate(entries):
            key = _digest16(credential.text)
            if key in self.credentials:
                step.fail(record.label, f"[{credential.index}]", "credential listed twice (two voters would share it, or one "
                                                      "voter has two)")
                continue
            self.credentials[key] = credential.weight
            total_weight += credential.weight
            weighted += credential.weighted
            key_value = self.election.group.sort_key(credential.value)
            if previous is not None and key_value < previous:
                unsorted = True
            previous = key_value
        if unsorted:
            step.notes.append("credentials are not sorted by value (Belenios sorts them; the list was written by "
                              "another tool or edited)")
        if 0 < weighted < len(entries):
            step.notes.append(f"{weighted} of {len(entries)} credentials carry an explicit weight")
        step.counts.update(credentials=len(self.credentials), total_weight=total_weight,
                           weighted=weighted)
        self.credential_total_weight = total_weight
        batch = 512
        for start in range(0, len(entries), batch):
            values = [(c.index, c.text) for c in entries[start:start + batch]]
            self.credential_futures.append((record.label, self.runner.submit(check_members,
                                                                             self.election.group.name, values)))
        self.steps["membership"].count("credentials", len(entries))
        authority.ran = True

    def _finish_setup(self) -> None:
        for label, future in self.credential_futures:
            try:
                bad = future.result()
            except Exception as exc:
                self.steps["credentials"].fail(label, "(membership)", f"membership test failed to run: {exc}")
                continue
            for index in bad:
                self.steps["membership"].fail(label, f"[{index}]", "public credential is not an element of the group")
                self.steps["credentials"].fail(label, f"[{index}]", "public credential is not an element of the group")
        self.credential_futures = []

    # ---------------------------------------------------------------- ballots

    def _on_Ballot(self, event: Record, data: list[Record]) -> None:
        record = data[0]
        self.ballots += 1
        ordinal = self.ballots
        credential = _extract_credential(record.body)
        weight = None
        key: Any = ("unreadable", ordinal)
        if credential is not None:
            key = _digest16(credential)
            weight = self.credentials.get(key)
        previous = self.last_by_credential.get(key)
        if previous is not None:
            self.superseded.append(previous)
        self.last_by_credential[key] = BallotRef(ordinal, record.offset, len(record.body), weight, record.digest)
        digest = bytes.fromhex(record.digest)[:16]
        first = self.seen_ballots.get(digest)
        label = f"{record.label}, ballot #{ordinal}"
        if first is not None:
            self.identical.add(ordinal)
            self.steps["duplicates"].fail(label, "(ballot)", f"identical to ballot #{first} (tracker "
                                                             f"{tracker(record.body)}): the same ballot was "
                                                             "submitted twice (replay)")
        else:
            self.seen_ballots[digest] = ordinal
        if self.context is None:
            return
        if len(record.body) > MAX_BALLOT:
            self.invalid += 1
            self.unreadable.add(ordinal)
            self.steps["ballots"].fail(label, "(ballot)", f"ballot of {len(record.body)} bytes (a ballot of this "
                                                          f"election is far smaller; more than {MAX_BALLOT} refused)")
            return
        self.chunk.append(BallotItem(ordinal, label, record.body, credential, weight))
        if len(self.chunk) >= self.options.chunk_size:
            self._flush()

    def _flush(self) -> None:
        if not self.chunk:
            return
        assert self.context is not None
        self.inflight.append((self.runner.submit(verify_chunk, self.context, self.chunk), len(self.chunk)))
        self.chunk = []
        limit = max(4, 3 * self.runner.workers)
        while len(self.inflight) > limit:
            self._collect(*self.inflight.popleft())

    def _collect(self, future: Any, size: int) -> None:
        step = self.steps["ballots"]
        try:
            outcome: ChunkOutcome = future.result()
        except Exception as exc:
            step.fail("(worker)", "(chunk)", f"{size} ballot(s) could not be verified: {type(exc).__name__}: {exc}")
            self.processed += size
            return
        self.processed += outcome.ballots
        step.count("valid", outcome.valid)
        step.count("proofs", outcome.proofs)
        self.invalid += len(outcome.invalid)
        for ordinal, label, field_name, message, kind in outcome.failures:
            if kind == "membership":
                self.steps["membership"].fail(label, field_name, message)
            step.fail(label, field_name, message)
        self.steps["membership"].count("ballots", outcome.members)
        self.unreadable.update(outcome.unreadable)
        group = self.election.group if self.election else None
        for qi, slots in outcome.products.items():
            mine = self.products.get(qi)
            if mine is None or group is None:
                self.products[qi] = slots
                continue
            for slot, (alpha, beta) in zip(mine, slots):
                slot[0] = group.mul(slot[0], alpha)
                slot[1] = group.mul(slot[1], beta)
        for ordinal, qi, alpha, beta in outcome.nh:
            self.nh.setdefault(ordinal, []).append((qi, alpha, beta))
        duplicates = self.steps["duplicates"]
        for ordinal, key in outcome.alpha_keys:
            first = self.alpha_seen.setdefault(key, ordinal)
            if first != ordinal and ordinal not in self.identical:
                duplicates.fail(f"ballot #{ordinal}", "answers", f"contains a ciphertext already in ballot #{first}: "
                                                                 "a vote copied from another ballot")
        if self.options.progress:
            self.options.progress(self.processed, None)

    def _finish_ballots(self) -> None:
        if self.context is not None:
            self._flush()
            while self.inflight:
                self._collect(*self.inflight.popleft())
        step = self.steps["ballots"]
        step.ran = self.context is not None
        step.counts.update(ballots=self.ballots, invalid=self.invalid)
        voters = len(self.last_by_credential)
        self.num_tallied = voters
        self.total_weight = sum((ref.weight if ref.weight is not None else 1) for ref in self.last_by_credential.values())
        revotes = self.steps["revotes"]
        revotes.counts.update(ballots=self.ballots, credentials_used=voters, superseded=len(self.superseded),
                              counted=voters)
        duplicates = self.steps["duplicates"]
        duplicates.counts.update(ballots=self.ballots, identical=len(self.identical))
        if self.context is None:
            if self.election is None:
                step.not_verifiable("the election record could not be read: ballots cannot be checked",
                                    "l’enregistrement de l’élection est illisible : les bulletins ne peuvent être "
                                    "vérifiés")
            return
        if self.ballots == 0:
            step.describe("no ballot on the board", "aucun bulletin dans l’urne")
        elif step.status is StepStatus.PASS:
            step.describe(f"{self.ballots} ballot(s): canonical, for this election, signed with a listed credential, "
                          f"all {step.counts.get('proofs', 0)} signatures and proofs valid",
                          f"{self.ballots} bulletin(s) : forme canonique, bonne élection, signés avec une accréditation "
                          f"inscrite ; les {step.counts.get('proofs', 0)} signatures et preuves sont valides")
        else:
            step.describe(f"{self.invalid} of {self.ballots} ballot(s) invalid",
                          f"{self.invalid} bulletin(s) invalide(s) sur {self.ballots}")

    # ---------------------------------------------------------------- later events (stored, checked at the end)

    def _on_EndBallots(self, event: Record, data: list[Record]) -> None:
        pass

    def _on_EncryptedTally(self, event: Record, data: list[Record]) -> None:
        tally, sized = data
        value = self.parse(sized, "tally")
        if value is not None and isinstance(value, dict):
            self._referenced(sized, value, "encrypted_tally", tally)
        self.tally_records = (tally, sized)

    def _owned(self, data: list[Record], step: str) -> tuple[Record, Record]:
        """A (payload, owned) pair: the owned record must name the payload record before it."""
        payload, owned = data
        value = self.parse(owned, step)
        if value is not None and isinstance(value, dict):
            self._referenced(owned, value, "payload", payload)
        return payload, owned

    def _on_Shuffle(self, event: Record, data: list[Record]) -> None:
        self.shuffle_records.append(self._owned(data, "shuffles"))

    def _on_EndShuffles(self, event: Record, data: list[Record]) -> None:
        pass

    def _on_PartialDecryption(self, event: Record, data: list[Record]) -> None:
        self.decryption_records.append(self._owned(data, "decryptions"))

    def _on_Result(self, event: Record, data: list[Record]) -> None:
        self.result_record = data[0]

    # ---------------------------------------------------------------- tally

    def _read_body(self, ref: BallotRef) -> bytes | None:
        with open(self.path, "rb") as stream:
            stream.seek(ref.offset + 512)
            body = stream.read(ref.size)
        return body if hashlib.sha256(body).hexdigest() == ref.digest else None

    def _tally(self) -> None:
        step = self.steps["tally"]
        revotes = self.steps["revotes"]
        election = self.election
        if election is None or self.context is None:
            step.not_verifiable("the election could not be read", "l’élection est illisible")
            revotes.not_verifiable("the election could not be read", "l’élection est illisible")
            return
        group = election.group
        # homomorphic: product of every ballot, divided by the superseded ones (re-read by offset)
        readable_superseded = [ref for ref in self.superseded if ref.ordinal not in self.unreadable]
        superseded_products: dict[int, list[list[mpz]]] = {}
        batch: list[tuple[bytes, int]] = []
        unreadable_again = 0

        def absorb(products: dict[int, list[list[mpz]]]) -> None:
            for qi, slots in products.items():
                mine = superseded_products.setdefault(qi, [[group.identity, group.identity] for _ in slots])
                for slot, (alpha, beta) in zip(mine, slots):
                    slot[0] = group.mul(slot[0], alpha)
                    slot[1] = group.mul(slot[1], beta)

        for ref in readable_superseded:
            body = self._read_body(ref)
            if body is None:
                unreadable_again += 1
                continue
            batch.append((body, ref.weight if ref.weight is not None else 1))
            if len(batch) >= 256:
                absorb(superseded_share(self.context, batch))
                batch = []
        if batch:
            absorb(superseded_share(self.context, batch))
        counted = list(self.last_by_credential.values())
        counted_unreadable = [ref.ordinal for ref in counted if ref.ordinal in self.unreadable]
        computed: list[Any] | None = []
        all_ballots: list[Any] = []
        for qi, question in enumerate(election.questions):
            if question.homomorphic:
                empty = [[group.identity, group.identity] for _ in range(question.choices)]
                mine = self.products.get(qi) or empty
                minus = superseded_products.get(qi) or empty
                computed.append([(group.div(a, ma), group.div(b, mb)) for (a, b), (ma, mb) in zip(mine, minus)])
                all_ballots.append([(a, b) for a, b in mine])
            else:
                key = group.sort_key
                entries = sorted(((alpha, beta) for ref in counted for qj, alpha, beta in self.nh.get(ref.ordinal, ())
                                  if qj == qi), key=lambda ct: (key(ct[0]), key(ct[1])))
                computed.append(entries)
                all_ballots.append(None)
        if counted_unreadable or unreadable_again:
            computed = None
        self.computed_tally = computed
        revotes.ran = True
        revotes.describe(f"{self.ballots} ballot(s) from {self.num_tallied} credential(s); "
                         f"{len(self.superseded)} superseded by a later ballot of the same credential",
                         f"{self.ballots} bulletin(s) de {self.num_tallied} accréditation(s) ; {len(self.superseded)} "
                         "remplacé(s) par un bulletin ultérieur de la même accréditation")
        if self.tally_records is None:
            why = "the board has no EncryptedTally yet (voting not closed)"
            step.not_verifiable(why, "l’urne ne contient pas encore de dépouillement chiffré (scrutin non clos)")
            if computed is not None:
                self.report.tally = {"num_tallied": self.num_tallied, "total_weight": self.total_weight}
            return
        step.ran = True
        tally_record, sized_record = self.tally_records
        sized = self.parse(sized_record, "tally")
        published_value = self.parse(tally_record, "tally")
        published: list[Any] | None = None
        if published_value is not None:
            try:
                published = self._parse_tally(tally_record, published_value)
            except FieldError as exc:
                step.fail(tally_record.label, exc.field, exc.message)
            else:
                self.canonical(tally_record, published_value, "tally", "encrypted tally")
        self.published_tally = published
        num_tallied = total_weight = None
        if sized is not None:
            try:
                F.obj(sized, "", ["num_tallied", "total_weight", "encrypted_tally"])
                num_tallied = F.integer(sized["num_tallied"], "num_tallied", 0)
                total_weight = F.weight(sized["total_weight"], "total_weight")
                F.string(sized["encrypted_tally"], "encrypted_tally", 64)
            except FieldError as exc:
                step.fail(sized_record.label, exc.field, exc.message)
            else:
                self.canonical(sized_record, sized, "tally", "sized encrypted tally")
        self.report.tally = {"num_tallied": self.num_tallied, "total_weight": self.total_weight,
                             "published_num_tallied": num_tallied, "published_total_weight": total_weight}
        if num_tallied is not None and num_tallied != self.num_tallied:
            step.fail(sized_record.label, "num_tallied", f"the board says {num_tallied} ballots were tallied; the last "
                                                         f"ballot of each credential gives {self.num_tallied}")
            if num_tallied == self.ballots and self.superseded:
                revotes.fail(sized_record.label, "num_tallied", f"{num_tallied} = every ballot on the board: "
                                                                "superseded ballots (revotes) were counted")
        if total_weight is not None and total_weight != self.total_weight:
            step.fail(sized_record.label, "total_weight", f"the board says a total weight of {total_weight}; the "
                                                          f"tallied ballots weigh {self.total_weight}")
        if computed is None:
            step.not_verifiable(f"{len(counted_unreadable) + unreadable_again} counted ballot(s) unreadable: the tally "
                                "cannot be recomputed",
                                f"{len(counted_unreadable) + unreadable_again} bulletin(s) compté(s) illisible(s) : "
                                "le dépouillement ne peut être recalculé")
            return
        if published is None:
            return
        mismatched = []
        for qi, (mine, theirs) in enumerate(zip(computed, published)):
            if mine != theirs:
                mismatched.append(qi)
                step.fail(tally_record.label, f"[{qi}]", "published encrypted tally differs from the product of the "
                                                         "counted ballots (question " + str(qi + 1) + ")")
                everything = all_ballots[qi]
                if everything is not None and everything == theirs and self.superseded:
                    revotes.fail(tally_record.label, f"[{qi}]", "the published tally is the product of every ballot, "
                                                                "superseded ones included: revotes were counted twice")
        if not mismatched and step.status is StepStatus.PASS:
            step.describe(f"recomputed from the last ballot of each of the {self.num_tallied} credential(s) "
                          f"(total weight {self.total_weight}): identical to the published EncryptedTally",
                          f"recalculé à partir du dernier bulletin de chacune des {self.num_tallied} accréditation(s) "
                          f"(poids total {self.total_weight}) : identique au dépouillement chiffré publié")
        step.counts.update(num_tallied=self.num_tallied, total_weight=self.total_weight)

    def _parse_tally(self, record: Record, value: Any) -> list[Any]:
        assert self.election is not None
        group = self.election.group
        out: list[Any] = []
        for qi, (question, entries) in enumerate(zip(self.election.questions,
                                                     F.lst(value, "", length=len(self.election.questions)))):
            length = question.choices if question.homomorphic else None
            if question.lists:
                rows = F.lst(entries, f"[{qi}]", length=len(question.lists))
                cts = [ct for i, (row, size) in enumerate(zip(rows, question.lists))
                       for ct in parse_ciphertexts(row, f"[{qi}][{i}]", group, size)]
            else:
                cts = parse_ciphertexts(entries, f"[{qi}]", group, length)
            for j, (alpha, beta) in enumerate(cts):
                self.member("tally", record.label, f"[{qi}][{j}].alpha", alpha, "tally")
                self.member("tally", record.label, f"[{qi}][{j}].beta", beta, "tally")
            out.append(cts)
        return out

    # ---------------------------------------------------------------- shuffles

    def _shuffles(self) -> None:
        step = self.steps["shuffles"]
        election = self.election
        if election is None:
            step.not_verifiable("the election could not be read", "l’élection est illisible")
            return
        nh_questions = [qi for qi, q in enumerate(election.questions) if not q.homomorphic]
        base = self.computed_tally if self.computed_tally is not None else self.published_tally
        if not nh_questions:
            if self.shuffle_records:
                step.fail(self.shuffle_records[0][0].label, "(record)", "shuffle on an election without "
                                                                        "non-homomorphic question")
            else:
                step.not_applicable("no non-homomorphic question: nothing to shuffle",
                                    "aucune question non homomorphe : rien à mélanger")
            self.final_tally = base
            return
        if self.tally_records is None:
            step.not_verifiable("the board has no EncryptedTally yet", "pas encore de dépouillement chiffré dans l’urne")
            return
        if base is None:
            step.not_verifiable("no tally to start the shuffles from", "aucun dépouillement d’où partir")
            return
        step.ran = True
        current = {qi: list(base[qi]) for qi in nh_questions}
        if not self.shuffle_records:
            if self.decryption_records or self.event_counts.get("EndShuffles"):
                step.fail("(board)", "Shuffle", "non-homomorphic answers decrypted without any shuffle: every vote "
                                                "can be linked to its ballot")
            else:
                step.not_verifiable("no shuffle on the board yet", "pas encore de mélange dans l’urne")
            return
        owners = []
        checker = ShuffleCheck(election.group, election.public_key, election.fingerprint, self.runner)
        for shuffle_record, owned_record in self.shuffle_records:
            owner = self.owner(owned_record, "shuffles")
            if owner is not None:
                if self.trustees is not None and owner not in self.trustees.keys:
                    step.fail(owned_record.label, "owner", f"shuffle by owner {owner}, who is not a trustee")
                if owner in owners:
                    step.notes.append(f"trustee {owner} shuffled more than once")
                owners.append(owner)
            value = self.parse(shuffle_record, "shuffles")
            if value is None:
                return
            try:
                F.obj(value, "", ["ciphertexts", "proofs"])
                outputs = F.lst(value["ciphertexts"], "ciphertexts", length=len(nh_questions))
                proofs = F.lst(value["proofs"], "proofs", length=len(nh_questions))
                parsed = []
                for k, qi in enumerate(nh_questions):
                    out = parse_ciphertexts(outputs[k], f"ciphertexts[{k}]", election.group, len(current[qi]))
                    proof = parse_proof(proofs[k], f"proofs[{k}]", election.group, len(current[qi]))
                    parsed.append((qi, out, proof))
            except FieldError as exc:
                step.fail(shuffle_record.label, exc.field, exc.message)
                return
            self.canonical(shuffle_record, value, "shuffles", "shuffle")
            for k, (qi, out, proof) in enumerate(parsed):
                members_ok = True
                for j, (alpha, beta) in enumerate(out):
                    members_ok &= self.member("shuffles", shuffle_record.label, f"ciphertexts[{k}][{j}].alpha", alpha,
                                              "shuffles")
                    members_ok &= self.member("shuffles", shuffle_record.label, f"ciphertexts[{k}][{j}].beta", beta,
                                              "shuffles")
                for name, x in proof.elements():
                    members_ok &= self.member("shuffles", shuffle_record.label, f"proofs[{k}].{name}", x, "shuffles")
                if not members_ok:
                    return
                failures = checker.verify(current[qi], out, proof)
                step.count("proofs")
                for failure in failures:
                    step.fail(shuffle_record.label, f"proofs[{k}]", f"shuffle proof of owner {owner} does not verify: "
                                                                    f"{failure}")
                current[qi] = out
        final = list(base)
        for qi in nh_questions:
            final[qi] = current[qi]
        self.final_tally = final
        if step.status is StepStatus.PASS:
            step.describe(f"{len(self.shuffle_records)} shuffle(s) by trustee(s) {', '.join(map(str, owners))}, "
                          "each proof valid and chained to the previous list",
                          f"{len(self.shuffle_records)} mélange(s) par les autorités {', '.join(map(str, owners))}, "
                          "chaque preuve valide et enchaînée à la liste précédente")

    # ---------------------------------------------------------------- decryptions and result

    def _decryptions(self) -> None:
        step = self.steps["decryptions"]
        election, trustees = self.election, self.trustees
        if election is None or trustees is None:
            step.not_verifiable("the election or its trustees could not be read",
                                "l’élection ou ses autorités sont illisibles")
            return
        if self.final_tally is None:
            if self.shuffle_records or self.steps["shuffles"].status is StepStatus.FAIL:
                step.not_verifiable("no verified list of ciphertexts to decrypt", "aucune liste vérifiée de chiffrés")
            else:
                step.not_verifiable("the board has no tally to decrypt yet", "pas encore de dépouillement à déchiffrer")
            if self.decryption_records:
                step.status = StepStatus.NOT_VERIFIABLE
            return
        if not self.decryption_records:
            step.not_verifiable("no partial decryption on the board yet", "pas encore de déchiffrement partiel")
            return
        # A failed shuffle is reported by its own step; the decryptions are still checked against
        # the list of ciphertexts we have.
        step.ran = True
        group = election.group
        tally = self.final_tally
        self.valid_factors: dict[int, list[list[Any]]] = {}
        futures = []
        for decryption_record, owned_record in self.decryption_records:
            owner = self.owner(owned_record, "decryptions")
            if owner is None:
                continue
            key = trustees.keys.get(owner)
            if key is None:
                step.fail(owned_record.label, "owner", f"partial decryption by owner {owner}, who is not a trustee")
                continue
            if owner in self.valid_factors or any(f[0] == owner for f in futures):
                step.fail(owned_record.label, "owner", f"trustee {owner} published a second partial decryption")
                continue
            value = self.parse(decryption_record, "decryptions")
            if value is None:
                continue
            try:
                F.obj(value, "", ["decryption_factors", "decryption_proofs"])
                factors_raw = F.lst(value["decryption_factors"], "decryption_factors", length=len(tally))
                proofs_raw = F.lst(value["decryption_proofs"], "decryption_proofs", length=len(tally))
                factors: list[list[Any]] = []
                items = []
                for qi, cts in enumerate(tally):
                    row = _flat(factors_raw[qi], f"decryption_factors[{qi}]", len(cts), election.questions[qi].lists)
                    prow = _flat(proofs_raw[qi], f"decryption_proofs[{qi}]", len(cts), election.questions[qi].lists)
                    fq = []
                    for j, ((alpha, _), f, pr) in enumerate(zip(cts, row, prow)):
                        factor = F.element(f, f"decryption_factors[{qi}][{j}]", group)
                        F.obj(pr, f"decryption_proofs[{qi}][{j}]", ["challenge", "response"])
                        c = F.exponent(pr["challenge"], f"decryption_proofs[{qi}][{j}].challenge", group)
                        r = F.exponent(pr["response"], f"decryption_proofs[{qi}][{j}].response", group)
                        fq.append(factor)
                        items.append(((qi, j), alpha, factor, c, r))
                    factors.append(fq)
            except FieldError as exc:
                step.fail(decryption_record.label, exc.field, exc.message)
                continue
            self.canonical(decryption_record, value, "decryptions", "partial decryption")
            self.steps["membership"].count("decryptions", len(items))
            slices = []
            for start in range(0, len(items), 64):
                part = [(i, a, f, c, r) for i, (_, a, f, c, r) in enumerate(items[start:start + 64], start)]
                slices.append(self.runner.submit(decryption_slice, group.name, election.public_key_text,
                                                 election.fingerprint, key.public_key_text, part))
            futures.append((owner, decryption_record, items, factors, slices))
        for owner, record, items, factors, slices in futures:
            bad = False
            for future in slices:
                not_members, invalid = future.result()
                for index in not_members:
                    (qi, j) = items[index][0]
                    self.steps["membership"].fail(record.label, f"decryption_factors[{qi}][{j}]",
                                                  "not an element of the group")
                    step.fail(record.label, f"decryption_factors[{qi}][{j}]", "not an element of the group")
                    bad = True
                for index in invalid:
                    (qi, j) = items[index][0]
                    step.fail(record.label, f"decryption_proofs[{qi}][{j}]",
                              f"trustee {owner}: invalid proof that the decryption factor was computed with "
                              "the trustee's key")
                    bad = True
            step.count("proofs", len(items))
            if not bad:
                self.valid_factors[owner] = factors
        # who must take part
        missing = [o for o in trustees.singles if o not in self.valid_factors]
        for owner in missing:
            step.fail("(board)", "PartialDecryption", f"no valid partial decryption from mandatory trustee {owner}")
        for pgroup in trustees.pedersen:
            present = [o for o in pgroup.owners if o in self.valid_factors]
            if len(present) < pgroup.threshold:
                step.fail("(board)", "PartialDecryption", f"{len(present)} valid partial decryption(s) from the "
                                                          f"Pedersen group, {pgroup.threshold} needed")
        if step.status is StepStatus.PASS:
            used = sorted(self.valid_factors)
            step.describe(f"{len(used)} partial decryption(s) (trustees {', '.join(map(str, used))}), "
                          f"{step.counts.get('proofs', 0)} proofs valid; enough trustees for the threshold",
                          f"{len(used)} déchiffrement(s) partiel(s) (autorités {', '.join(map(str, used))}), "
                          f"{step.counts.get('proofs', 0)} preuves valides ; seuil d’autorités atteint")

    def _combined_factors(self) -> list[list[Any]] | None:
        trustees = self.trustees
        assert trustees is not None and self.election is not None
        group = self.election.group
        q = group.q
        factors = getattr(self, "valid_factors", {})
        if any(o not in factors for o in trustees.singles):
            return None
        tally = self.final_tally
        assert tally is not None
        combined = [[group.identity for _ in cts] for cts in tally]
        for owner in trustees.singles:
            for qi, row in enumerate(factors[owner]):
                for j, f in enumerate(row):
                    combined[qi][j] = group.mul(combined[qi][j], f)
        for pgroup in trustees.pedersen:
            present = [o for o in pgroup.owners if o in factors][:pgroup.threshold]
            if len(present) < pgroup.threshold:
                return None
            members = {o: trustees.keys[o].member for o in present}
            lambdas = lagrange(list(members.values()), q)
            for owner in present:
                coefficient = lambdas[members[owner]]
                for qi, row in enumerate(factors[owner]):
                    for j, f in enumerate(row):
                        combined[qi][j] = group.mul(combined[qi][j], group.pow(f, coefficient))
        return combined

    def _result(self) -> None:
        step = self.steps["result"]
        election = self.election
        if election is None or self.trustees is None:
            step.not_verifiable("the election or its trustees could not be read",
                                "l’élection ou ses autorités sont illisibles")
            return
        if self.result_record is None:
            step.not_verifiable("the board has no Result yet", "pas encore de résultat dans l’urne")
            return
        if self.final_tally is None:
            # a failed shuffle or an unreadable tally: nothing verified to decrypt (reported by its own step)
            step.not_verifiable("no verified list of ciphertexts to compare the result with",
                                "aucune liste vérifiée de chiffrés à laquelle comparer le résultat")
            return
        combined = self._combined_factors()
        step.ran = True
        record = self.result_record
        value = self.parse(record, "result")
        published: list[Any] | None = None
        if value is not None:
            try:
                F.obj(value, "", ["result"])
                published = self._parse_result(value["result"])
            except FieldError as exc:
                step.fail(record.label, exc.field, exc.message)
            else:
                self.canonical(record, value, "result", "result")
        if combined is None:
            step.not_verifiable("the partial decryptions do not allow decrypting the tally",
                                "les déchiffrements partiels ne permettent pas de déchiffrer le dépouillement")
            return
        group = election.group
        decrypted: list[Any] = []
        bound = min(self.total_weight, MAX_DLOG_BOUND)
        for qi, (question, cts) in enumerate(zip(election.questions, self.final_tally or [])):
            plain = [group.div(b, f) for (_, b), f in zip(cts, combined[qi])]
            if question.homomorphic:
                counts: list[int | None] = []
                for j, m in enumerate(plain):
                    claimed = published[qi][j] if published is not None else None
                    if claimed is not None and group.g_table.pow(claimed % group.q) == m:
                        counts.append(claimed)
                        continue
                    found = discrete_log(m, group, bound)
                    counts.append(found)
                    if published is not None:
                        shown = found if found is not None else "not a count between 0 and the total weight"
                        step.fail(record.label, f"result[{qi}][{j}]", f"published {claimed} for answer "
                                                                      f"{j + 1} of question {qi + 1}; the tally "
                                                                      f"decrypts to {shown}")
                decrypted.append(counts)
            else:
                rows = []
                malformed = 0
                for k, m in enumerate(plain):
                    values, extra = decode(m, group, len(question.answers))
                    malformed += extra
                    rows.append(values)
                    if published is not None and published[qi][k] != values:
                        step.fail(record.label, f"result[{qi}][{k}]", f"published {published[qi][k]}; the ciphertext "
                                                                      f"decrypts to {values}")
                if malformed:
                    step.notes.append(f"question {qi + 1}: {malformed} plaintext(s) carry bits beyond the answers "
                                      "(not a well-formed encoding)")
                decrypted.append(rows)
                step.count("non_homomorphic_plaintexts", len(rows))
        decrypted = [nest(values, q.lists) if q.lists else values for q, values in zip(election.questions, decrypted)]
        self.report.election["decrypted"] = _jsonable(decrypted)
        if published is not None and step.status is StepStatus.PASS:
            against = "recomputed" if self.computed_tally is not None else "published (not recomputable)"
            step.describe(f"the published result is the decryption of the {against} tally",
                          "le résultat publié est le déchiffrement du dépouillement "
                          + ("recalculé" if self.computed_tally is not None else "publié (non recalculable)"))
            if self.computed_tally is not None:
                self.decrypted_result = value["result"]  # reported as verified by _verified(), at the very end
            else:
                step.notes.append("the result is not reported as verified: the tally could not be recomputed")

    def _verified(self) -> None:
        """Report the result as verified only if it is the count of the voters' ballots, and only them.

        A stuffed credential, a replayed ballot, a revote counted twice or a ballot removed since a
        snapshot, once re-tallied, decrypt correctly too: the result step passes, but the result is
        not the voters'. Hence this runs after every step (the credential authority's is decided in
        the summaries); only the timing is left out.
        """
        if self.decrypted_result is None:
            return
        chain = ("archive", "election", "group", "trustees", "credentials", "credential_authority", "ballots",
                 "revotes", "duplicates", "tally", "shuffles", "decryptions", "result", "snapshot", "membership")
        failed = [s for s in chain if self.steps[s].status is StepStatus.FAIL]
        if failed:
            self.report.result = None
            self.steps["result"].notes.append("the result is not reported as verified: step(s) "
                                              f"{', '.join(failed)} failed")
        else:
            self.report.result = {"result": self.decrypted_result}

    def _parse_result(self, value: Any) -> list[Any]:
        assert self.election is not None and self.final_tally is not None
        out: list[Any] = []
        for qi, (question, cts, entry) in enumerate(zip(self.election.questions, self.final_tally,
                                                         F.lst(value, "result", length=len(self.election.questions)))):
            path = f"result[{qi}]"
            if question.homomorphic:
                out.append([F.weight(v, f"{path}{where}") for where, v in _flat_paths(entry, path, len(cts),
                                                                                       question.lists)])
            else:
                rows = []
                for k, row in enumerate(F.lst(entry, path, length=len(cts))):
                    rows.append([F.integer(v, f"{path}[{k}][{i}]", 0)
                                 for i, v in enumerate(F.lst(row, f"{path}[{k}]", length=len(question.answers)))])
                out.append(rows)
        return out

    # ---------------------------------------------------------------- snapshots, timing, summaries

    def _snapshots(self) -> None:
        from .snapshot import compare, compare_digest

        step = self.steps["snapshot"]
        if not self.options.snapshots and not self.options.snapshot_digests:
            step.not_verifiable("no earlier snapshot given (--snapshot, [board] snapshots or `board watch`): "
                                "a ballot removed or reordered and re-tallied would go unnoticed",
                                "aucune copie antérieure de l’urne (board.snapshots ou board watch) : un bulletin "
                                "retiré ou déplacé puis redépouillé passerait inaperçu")
            return
        step.ran = True
        checked = 0
        for snapshot in self.options.snapshots:
            findings, info = compare(Path(snapshot), self.path)
            checked += 1
            for finding in findings:
                step.fail(finding.record, finding.field, finding.message)
            step.notes.append(f"{snapshot}: {info}")
        for size, digest, label in self.options.snapshot_digests:
            checked += 1
            finding = compare_digest(self.path, size, digest, label)
            if finding is not None:
                step.fail(finding.record, finding.field, finding.message)
            else:
                step.notes.append(f"{label}: the first {size} bytes of the board are the watched snapshot")
        step.counts.update(snapshots=checked)
        if step.status is StepStatus.PASS:
            step.describe(f"the board extends each of the {checked} snapshot(s): nothing removed, altered or reordered",
                          f"l’urne prolonge chacune des {checked} copie(s) antérieure(s) : rien n’a été retiré, "
                          "modifié ou réordonné")

    def _timing(self) -> None:
        step = self.steps["timing"]
        opens, closes = self.options.opens, self.options.closes
        now = self.options.now or datetime.now(timezone.utc)
        if opens is None and closes is None:
            step.not_verifiable("no opening and closing times given (--opens/--closes or the case's [election])",
                                "heures d’ouverture et de clôture non fournies")
            return
        checked: list[str] = []
        checked_fr: list[str] = []
        stamp = self.header.get("timestamp") if self.header else None
        if opens is not None and stamp is not None:
            created = datetime.fromtimestamp(stamp, timezone.utc)
            step.counts["created"] = created.isoformat()
            if created > opens:
                step.fail("record 0 (BELENIOS)", "timestamp", f"board created at {created.isoformat()}, after the "
                                                              f"opening at {opens.isoformat()}: the board the voters "
                                                              "used since the opening is not this one")
            checked.append("created before the opening")
            checked_fr.append("urne créée avant l’ouverture")
        if closes is not None:
            counting = [kind for kind in AFTER_TALLY if self.event_counts.get(kind)]
            if now < closes:
                if counting:
                    step.fail("(board)", counting[0], f"{counting[0]} already on the board at {now.isoformat()}, before "
                                                      f"the closing at {closes.isoformat()}: counting began while the "
                                                      "vote was open")
                checked.append(f"no count before the closing (board read at {now.isoformat(timespec='seconds')})")
                checked_fr.append(f"aucun dépouillement avant la clôture (urne lue le {now.isoformat(timespec='seconds')})")
            else:
                step.notes.append("a Belenios 2.0 board records no time for its events: whether EndBallots came after "
                                  "the closing is shown by `board watch` during the vote")
        if self.options.clock_simulated:
            step.notes.append(f"verification time {now.isoformat()} set by the {CLOCK_NOTE} (demo), not the real clock")
        if step.status is StepStatus.PASS:
            if checked:
                step.describe("; ".join(checked), " ; ".join(checked_fr))
            else:
                step.not_verifiable("the board records no event time; watch the board during the vote",
                                    "l’urne ne date pas ses événements : la surveiller pendant le scrutin")

    def _summaries(self) -> None:
        steps = self.steps
        archive = steps["archive"]
        if archive.status is StepStatus.PASS:
            archive.describe(f"{self.records} records, canonical tar, every name is its content's SHA-256, "
                             f"{sum(self.event_counts.values())} events chained by their parent hash",
                             f"{self.records} enregistrements, archive canonique, chaque nom est l’empreinte SHA-256 "
                             f"de son contenu, {sum(self.event_counts.values())} événements chaînés par empreinte")
        membership = steps["membership"]
        membership.ran = True
        tested = sum(v for v in membership.counts.values() if isinstance(v, int))
        if membership.status is StepStatus.PASS and tested == 0:
            # Nothing was read: a pass here would certify elements nobody saw.
            membership.not_verifiable("no group element could be read from the board",
                                      "aucun élément de groupe n’a pu être lu dans l’urne")
        elif membership.status is StepStatus.PASS:
            membership.describe(f"{tested} group elements tested, all in the subgroup of prime order q",
                                f"{tested} éléments testés, tous dans le sous-groupe d’ordre premier q")
        credentials = steps["credentials"]
        if credentials.status is StepStatus.PASS and credentials.ran:
            credentials.describe(f"{credentials.counts.get('credentials', 0)} public credentials, well formed, "
                                 "distinct, in the group",
                                 f"{credentials.counts.get('credentials', 0)} accréditations publiques bien formées, "
                                 "distinctes, dans le groupe")
        self._authority()
        duplicates = steps["duplicates"]
        if duplicates.status is StepStatus.PASS:
            duplicates.describe(f"no ballot and no ciphertext appears twice among the {self.ballots} ballot(s)",
                                f"aucun bulletin ni aucun chiffré en double parmi les {self.ballots} bulletin(s)")
        if self.election is None:
            for step_id in ("group", "trustees", "credentials", "credential_authority", "revotes", "duplicates",
                            "membership"):
                if steps[step_id].status is StepStatus.PASS and not steps[step_id].ran:
                    steps[step_id].not_verifiable("the election record could not be read",
                                                  "l’enregistrement de l’élection est illisible")
        for step_id in ("election", "group", "trustees", "credentials"):
            step = steps[step_id]
            if step.status is StepStatus.PASS and not step.ran:
                step.not_verifiable("the board has no Setup event", "l’urne n’a pas d’événement Setup")

    def _authority(self) -> None:
        step = self.steps["credential_authority"]
        if not step.ran:
            step.not_verifiable("the public credentials could not be read", "les accréditations publiques sont illisibles")
            return
        expected = self.options.credentials_fingerprint
        electorate = self.options.electorate
        count = len(self.credentials)
        checks: list[str] = []
        checks_fr: list[str] = []
        step.counts.update(credentials=count)
        step.counts["fingerprint"] = self.credentials_fingerprint
        if expected:
            wanted = expected.strip().rstrip("=")
            if wanted.lower() == self.credentials_digest:
                wanted = self.credentials_fingerprint
            if wanted != self.credentials_fingerprint:
                step.fail(self.credentials_label, "(record)",
                          f"fingerprint {self.credentials_fingerprint} differs from the credential authority's "
                          f"{expected}: the list of public credentials was changed after the authority made it "
                          "(credentials added or replaced: ballot stuffing)")
            checks.append("fingerprint equals the credential authority's")
            checks_fr.append("empreinte identique à celle de l’autorité de génération des accréditations")
        if electorate is not None:
            if count != electorate:
                step.fail(self.credentials_label, "(count)", f"{count} public credentials for an electorate "
                                                                      f"of {electorate}")
            checks.append(f"{count} credentials = electorate")
            checks_fr.append(f"{count} accréditations = corps électoral")
        if not checks:
            step.not_verifiable(f"no fingerprint from the credential authority and no electorate given: the "
                                f"{count} credentials (fingerprint {self.credentials_fingerprint}) could have been "
                                "extended with stuffed credentials",
                                f"ni empreinte de l’autorité de génération des accréditations ni corps électoral : "
                                f"les {count} accréditations (empreinte {self.credentials_fingerprint}) pourraient "
                                "avoir été complétées d’accréditations frauduleuses")
        elif step.status is StepStatus.PASS:
            step.describe("; ".join(checks), " ; ".join(checks_fr))


def _flat_paths(value: Any, path: str, length: int, lists: tuple[int, ...]) -> list[tuple[str, Any]]:
    """(sub-path, item) of a per-answer list, nested per candidate list for a lists question."""
    if not lists:
        return [(f"[{j}]", v) for j, v in enumerate(F.lst(value, path, length=length))]
    out = []
    for i, (row, size) in enumerate(zip(F.lst(value, path, length=len(lists)), lists)):
        out += [(f"[{i}][{j}]", v) for j, v in enumerate(F.lst(row, f"{path}[{i}]", length=size))]
    return out


def _flat(value: Any, path: str, length: int, lists: tuple[int, ...]) -> list[Any]:
    return [v for _, v in _flat_paths(value, path, length, lists)]


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if value is None:
        return None
    return int(value)
