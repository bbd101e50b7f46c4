"""`board watch`: copy the board at regular intervals during the vote and check each copy at once.

Objectives 2-02, 2-03 and 3-04 ask for an automatic control of the ballot box's integrity
throughout the vote. At each interval the board is fetched (a path, or an http(s) URL inside
the case's scope), kept as evidence (the first copy whole, then only what was appended, with
the SHA-256 of the whole copy), checked to extend the previous copy byte for byte, and the
records appended since are verified by the same replay as `board verify`, incrementally. A
copy that does not extend the previous one, an invalid new ballot, ballots before the opening
or a count begun before the closing raise a failing BOARD-017 result in the journal at once.
"""

from __future__ import annotations

import ipaddress
import shutil
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from .. import catalogue as catalogue_mod
from ..case import Case
from ..domain import evaluate
from ..errors import UsageError
from ..hashing import sha256_prefix
from ..i18n import Message, msg
from ..journal import ResultSet, operation
from .account import StepStatus, field_label, message_dict
from .belenios.archive import BLOCK, padded
from .belenios.replay import BeleniosReplay, ReplayOptions
from .belenios.snapshot import compare
from .belenios.steps.timing import AFTER_TALLY
from .observation import WatchObservation
from .parallel import Runner
from .rules import WATCH_RULES

CHUNK = 1 << 20
MAX_TIMELINE = 400


class FetchError(Exception):
    """The board could not be copied; the text is the transport's own (HTTP status, OS error)."""


def source_key(source: str) -> str:
    return f"board-watch:{source}"


def _in_scope(case: Case, url: str) -> bool:
    scope = case.data.scope
    if any(url.startswith(prefix) for prefix in scope.urls if prefix):
        return True
    host = urlsplit(url).hostname or ""
    for allowed in scope.hosts:
        if host == allowed:
            return True
        try:
            if ipaddress.ip_address(host) in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:  # a redirect could leave the scope
        return None


def fetch(source: str, target: Path, timeout: float = 30.0) -> None:
    """Copy the board at ``source`` (path or http(s) URL) to ``target``."""
    if source.startswith(("http://", "https://")):
        opener = urllib.request.build_opener(_NoRedirect)
        request = urllib.request.Request(source, headers={"User-Agent": "expertise-board-watch",
                                                          "Cache-Control": "no-cache"})
        try:
            with opener.open(request, timeout=timeout) as response, open(target, "wb") as out:
                shutil.copyfileobj(response, out, CHUNK)
        except urllib.error.HTTPError as exc:
            raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise FetchError(str(getattr(exc, "reason", exc))) from None
        return
    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        raise FetchError(exc.strerror or str(exc)) from None


def complete_records_end(path: Path, start: int) -> int:
    """The end of the last complete record from ``start``: a record still being written waits."""
    size = path.stat().st_size
    position = start
    with open(path, "rb") as stream:
        stream.seek(position)
        while position + BLOCK <= size:
            header = stream.read(BLOCK)
            text = header[124:136].rstrip(b"\0 ")
            if not text or not all(48 <= c <= 55 for c in text):
                return size  # not a header: let the replay report it
            following = position + BLOCK + padded(int(text, 8))
            if following > size:
                return position
            stream.seek(following)
            position = following
    return position


@dataclass
class WatchState:
    source: str
    every: float
    started: str = ""
    last: str = ""
    snapshots: int = 0
    ballots: int = 0
    last_size: int = 0
    last_sha256: str = ""
    failures: list[dict[str, Any]] = field(default_factory=list)  # {"time", "code", "args", "message"}
    unreachable: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[list[Any]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    final: dict[str, Any] | None = None

    def observation(self) -> dict[str, Any]:
        """The watch's summary as journaled (and as :class:`WatchObservation` reads it)."""
        return {"kind": "watch", "source": self.source, "every": self.every, "started": self.started,
                "last": self.last, "snapshots": self.snapshots, "ballots": self.ballots,
                "last_size": self.last_size, "last_sha256": self.last_sha256, "failures": self.failures[:50],
                "failures_total": len(self.failures), "unreachable": self.unreachable[-10:],
                "timeline": _thin(self.timeline), "evidence": self.evidence[-20:], "final": self.final}

    def found(self, time: str, message: Message) -> None:
        self.failures.append({"time": time, **message_dict(message)})


def _thin(points: list[list[Any]]) -> list[list[Any]]:
    if len(points) <= MAX_TIMELINE:
        return points
    step = len(points) / MAX_TIMELINE
    return [points[int(i * step)] for i in range(MAX_TIMELINE - 1)] + [points[-1]]


class BoardWatch:
    """One watch of one board, journaled into one case."""

    def __init__(self, case: Case, source: str, every: float, runner: Runner, argv: list[str],
                 say: Callable[[Message, bool], None] | None = None) -> None:
        if source.startswith(("http://", "https://")):
            if not _in_scope(case, source):
                raise UsageError(msg("board.watch.out_of_scope", source=source), field="SOURCE")
        elif source.startswith(("ftp://", "file://")) or "://" in source:
            raise UsageError(msg("board.watch.bad_source"), field="SOURCE")
        elif not Path(source).is_file():
            raise UsageError(msg("board.input.no_such_file"), path=source)
        self.case = case
        self.source = source
        self.runner = runner
        self.argv = argv
        self.say = say or (lambda message, bad: None)
        self.state = WatchState(source, every)
        self.work = Path(tempfile.mkdtemp(prefix="expertise-watch-"))
        self.board = self.work / "board.bel"
        self.previous = self.work / "previous.bel"
        self.replay: BeleniosReplay | None = None
        self.boundary = 0
        self.reported: dict[str, int] = {}
        self.timing_flagged: set[str] = set()

    def close(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    # ---------------------------------------------------------------- one interval

    def snapshot(self, now: datetime | None = None) -> bool:
        """Take, keep and check one copy; True when something new was journaled."""
        now = now or datetime.now(timezone.utc)
        stamp = now.isoformat(timespec="seconds")
        incoming = self.work / "incoming.bel"
        try:
            fetch(self.source, incoming)
        except FetchError as exc:
            reason = msg("board.watch.unreachable", error=str(exc))
            self.state.unreachable.append({"time": stamp, **message_dict(reason)})
            self.say(msg("board.watch.console.unreachable", time=stamp, reason=reason), False)
            return False
        size = incoming.stat().st_size
        digest = sha256_prefix(incoming)
        state = self.state
        first = state.snapshots == 0
        if not first and size == state.last_size and digest == state.last_sha256:
            state.last = stamp
            return False
        failures: list[Message] = []
        rewritten = False
        if not first and (size < state.last_size or sha256_prefix(incoming, state.last_size) != state.last_sha256):
            rewritten = True
            findings, _ = compare(self.board, incoming)
            found = [msg("board.watch.record_finding", record=f.record, message=f.message) for f in findings[:4]]
            failures.append(msg("board.watch.rewritten", time=state.last, findings=found))
        previous_size = 0 if (first or rewritten) else state.last_size
        shutil.copyfile(incoming, self.board)
        if first or rewritten:
            self._new_replay()
        new_ballots = self._verify_new(failures)
        self._timing(now, failures)
        state.snapshots += 1
        state.started = state.started or stamp
        state.last = stamp
        state.last_size = size
        state.last_sha256 = digest
        assert self.replay is not None
        state.ballots = self.replay.state.ballots
        state.timeline.append([now.isoformat(), self.replay.state.ballots])
        for message in failures:
            state.found(stamp, message)
            self.say(msg("board.watch.console.failure", time=stamp, failure=message), True)
        self._journal(incoming, previous_size, size, digest, stamp, full=first or rewritten)
        self.say(msg("board.watch.console.snapshot", time=stamp, number=state.snapshots, size=size,
                     ballots=self.replay.state.ballots, new=new_ballots, count=len(failures)), False)
        return True

    def _new_replay(self) -> None:
        self.replay = BeleniosReplay(self.board, self.runner, ReplayOptions())
        self.boundary = 0
        self.reported = {}

    def _verify_new(self, failures: list[Message]) -> int:
        replay = self.replay
        assert replay is not None
        before = replay.state.ballots
        end = complete_records_end(self.board, self.boundary)
        if end > self.boundary:
            self.boundary = replay.read(self.boundary, end)
            replay.checkpoint()
        for step in replay.steps.values():
            seen = self.reported.get(step.id, 0)
            fresh = step.failures_total - seen
            if fresh <= 0:
                continue
            listed = step.failures[seen:]
            for finding in listed:
                failures.append(msg("board.watch.step_finding", step=step.id, record=finding.record,
                                    field=field_label(finding.field), message=finding.message))
            if fresh > len(listed):
                failures.append(msg("board.watch.more_findings", step=step.id, count=fresh - len(listed)))
            self.reported[step.id] = step.failures_total
        return replay.state.ballots - before

    def _timing(self, now: datetime, failures: list[Message]) -> None:
        election = self.case.data.election
        replay = self.replay
        assert replay is not None
        ballots = replay.state.ballots
        if now < election.opens and ballots and "early" not in self.timing_flagged:
            self.timing_flagged.add("early")
            failures.append(msg("board.watch.early", count=ballots, opens=election.opens))
        counting = [kind for kind in AFTER_TALLY if replay.state.event_counts.get(kind)]
        if now < election.closes and counting and "count" not in self.timing_flagged:
            self.timing_flagged.add("count")
            failures.append(msg("board.watch.partial_count", event=counting[0], closes=election.closes))

    def _journal(self, incoming: Path, previous_size: int, size: int, digest: str, stamp: str, full: bool) -> None:
        state = self.state
        with operation(self.case.root, "board-watch", self.argv) as op:
            label = f"{state.snapshots:05d}"
            if full:
                path = op.store_file(f"snapshot-{label}.bel", incoming, label="board snapshot")
            else:
                with open(incoming, "rb") as stream:
                    stream.seek(previous_size)
                    delta = stream.read()
                path = op.store_bytes(f"snapshot-{label}.delta", delta, label="bytes appended to the board")
            meta = {"source": self.source, "time": stamp, "size": size, "sha256": digest, "appended_from": previous_size,
                    "stored": "whole board" if full else f"bytes {previous_size}..{size} (append to the previous copy)"}
            state.evidence.append(path)
            op.store_json(f"snapshot-{label}.json", meta, label="snapshot metadata")
            self._record(op)

    def _record(self, op) -> None:  # type: ignore[no-untyped-def]
        summary = self.state.observation()
        results = evaluate(WATCH_RULES, WatchObservation.model_validate(summary), catalogue_mod.load())
        if self.case.box_id:
            op.notes["box"] = self.case.box_id  # the ballot box whose board is watched (issue 13)
        op.add_results(ResultSet(source_key(self.source), "board", results, summary, box=self.case.box_id))

    # ---------------------------------------------------------------- the whole watch

    def finish(self) -> dict[str, Any] | None:
        """Verify the end-of-board steps on the last copy (tally… if present) and journal the final state."""
        if self.replay is not None and self.state.snapshots:
            verification = self.replay.finish()
            verdicts = {s.id: s.status.value for s in verification.steps.values()}
            failing = [s for s in verification.steps.values() if s.status is StepStatus.FAIL and s.id != "snapshot"]
            self.state.final = {"verdict": verification.verdict, "ballots": self.replay.state.ballots,
                                "steps": verdicts}
            for step in failing:
                if step.failures_total > self.reported.get(step.id, 0):
                    finding = step.failures[0] if step.failures else None
                    if finding is not None:
                        self.state.found(self.state.last, msg("board.watch.step_finding", step=step.id,
                                                              record=finding.record,
                                                              field=field_label(finding.field),
                                                              message=finding.message))
                    elif step.summary is not None:
                        self.state.found(self.state.last, msg("board.watch.step_summary", step=step.id,
                                                              summary=step.summary))
        with operation(self.case.root, "board-watch", self.argv) as op:
            self._record(op)
        return self.state.final

    def run(self, every: float, until: datetime | None, max_snapshots: int | None = None) -> WatchState:
        try:
            while True:
                self.snapshot()
                if max_snapshots is not None and self.state.snapshots >= max_snapshots:
                    break
                if self.replay is not None and self.replay.state.event_counts.get("Result"):
                    self.say(msg("board.watch.console.over"), False)
                    break
                now = datetime.now(timezone.utc)
                if until is not None and now >= until:
                    break
                pause = every if until is None else min(every, max(0.0, (until - now).total_seconds()))
                time.sleep(pause)
                if until is not None and datetime.now(timezone.utc) >= until:
                    self.snapshot()
                    break
        except KeyboardInterrupt:
            self.say(msg("board.watch.console.interrupted"), False)
        self.finish()
        return self.state
