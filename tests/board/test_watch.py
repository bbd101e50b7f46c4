"""`board watch` against a board served over HTTP on 127.0.0.1 that the test rewrites mid-watch."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import belenios_gen as gen
import pytest
from .boardkit import Board, Step
from .helpers import REPO

from expertise import journal
from expertise.board.collector import collect
from expertise.board.parallel import InlineRunner
from expertise.board.watch import BoardWatch, source_key
from expertise.case import load_case
from expertise.errors import UsageError
from expertise.results import Status

pytestmark = [pytest.mark.needs_tool, pytest.mark.network]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    served: "list[str]"  # the paths asked, in order (set per server by the fixture)

    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass

    def do_GET(self) -> None:
        self.served.append(self.path)
        super().do_GET()


@pytest.fixture
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A folder served on 127.0.0.1 (a free port), stopped after the test even on failure."""
    root = tmp_path / "www"
    root.mkdir()
    handler = type("_Recorded", (_Quiet,), {"served": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}", handler.served
    finally:
        server.shutdown()
        server.server_close()


def publish(root: Path, data: bytes) -> None:
    tmp = root / ".board.tmp"
    tmp.write_bytes(data)
    tmp.replace(root / "board.bel")


@pytest.fixture
def watch_case(demo_case: Path) -> Path:
    """The demo case with a vote open now (opened yesterday, closing tomorrow)."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    text = (demo_case / "case.toml").read_text()
    text = re.sub(r"^opens = .*$", f"opens = {(now - timedelta(days=1)).isoformat()}", text, flags=re.M)
    text = re.sub(r"^closes = .*$", f"closes = {(now + timedelta(days=1)).isoformat()}", text, flags=re.M)
    (demo_case / "case.toml").write_text(text)
    return demo_case


def _latest(case_dir: Path, source: str):  # type: ignore[no-untyped-def]
    for _, result_set in journal.latest_result_sets(case_dir):
        if result_set.source == source_key(source):
            return result_set
    raise AssertionError("no watch result in the journal")


def test_watch_keeps_copies_and_verifies_new_ballots(election, served, watch_case: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    root, base, _ = served
    url = f"{base}/board.bel"
    publish(root, made.snapshots["mid_voting"].read_bytes())
    watcher = BoardWatch(load_case(watch_case), url, 1.0, InlineRunner(), ["test"])
    try:
        assert watcher.snapshot() is True
        assert watcher.snapshot() is False  # unchanged: nothing journaled
        publish(root, made.snapshots["end_of_voting"].read_bytes())
        assert watcher.snapshot() is True
        state = watcher.state
        assert state.snapshots == 2 and not state.failures
        assert state.ballots == len(made.votes)
        assert [p[1] for p in state.timeline] == [len(made.votes) // 2, len(made.votes)]
        result = _latest(watch_case, url)
        assert result.results[0].check_id == "BOARD-017" and result.results[0].status is Status.PASS
        watcher.finish()
    finally:
        watcher.close()
    assert journal.verify(watch_case).intact
    # the copies kept as evidence rebuild the last one byte for byte
    entries = [e for e in journal.read_entries(watch_case) if e["action"] == "board-watch"]
    stored = [o["path"] for e in entries for o in e["outputs"] if o["path"].endswith((".bel", ".delta"))]
    assert stored[0].endswith(".bel") and stored[1].endswith(".delta")
    rebuilt = b"".join((watch_case / p).read_bytes() for p in stored)
    assert rebuilt == made.snapshots["end_of_voting"].read_bytes()
    # the final audit checks the board extends the last watched copy
    collect(load_case(watch_case), [])
    board = next(rs for _, rs in journal.latest_result_sets(watch_case) if rs.source.startswith("board:board/"))
    assert {r.check_id: r.status for r in board.results}["BOARD-014"] is Status.FAIL  # demo board ≠ watched board


def test_rewritten_board_fails_at_once(election, served, watch_case: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    root, base, _ = served
    url = f"{base}/board.bel"
    publish(root, made.snapshots["end_of_voting"].read_bytes())
    watcher = BoardWatch(load_case(watch_case), url, 1.0, InlineRunner(), ["test"])
    try:
        watcher.snapshot()
        board = Board.read(made.snapshots["end_of_voting"])
        removed = board.ballots()[0]
        board.steps.remove(removed)
        publish(root, board.build())  # consistent, but the first ballot is gone
        watcher.snapshot()
        result = _latest(watch_case, url)  # journaled at once, before the watch ends
        assert result.results[0].status is Status.FAIL
        message = watcher.state.failures[0]["message"]
        assert "no longer extends" in message
        from expertise.board.belenios.proofs import b64hash

        assert b64hash(removed.data[0]) in message and "removed" in message
        # the rewritten copy is kept whole as evidence
        last = journal.read_entries(watch_case)[-1]
        assert any(o["path"].endswith(".bel") for o in last["outputs"])
    finally:
        watcher.close()


def test_invalid_new_ballot_and_early_count(election, served, watch_case: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    root, base, _ = served
    url = f"{base}/board.bel"
    board = Board.read(made.snapshots["end_of_voting"])
    publish(root, board.build())
    watcher = BoardWatch(load_case(watch_case), url, 1.0, InlineRunner(), ["test"])
    try:
        watcher.snapshot()
        forged = board.ballots()[0].json()
        forged["answers"][0]["choices"][0], forged["answers"][0]["choices"][1] = \
            forged["answers"][0]["choices"][1], forged["answers"][0]["choices"][0]
        board.steps.append(Step("Ballot", [json.dumps(forged, separators=(",", ":")).encode()]))
        publish(root, board.build())
        watcher.snapshot()
        messages = " ".join(f["message"] for f in watcher.state.failures)
        assert "ballots:" in messages and f"ballot #{len(made.votes) + 1}" in messages
        full = Board.read(made.board)
        publish(root, full.build())  # the tally appears while the vote is still open (case: closes tomorrow)
        watcher.snapshot()
        messages = " ".join(f["message"] for f in watcher.state.failures)
        assert "before the closing" in messages and "partial count" in messages
    finally:
        watcher.close()


def test_watch_command_line_with_a_board_rewritten_while_it_runs(election, served, watch_case: Path) -> None:  # type: ignore[no-untyped-def]
    made = election("homomorphic")
    root, base, served_paths = served
    url = f"{base}/board.bel"
    publish(root, made.snapshots["mid_voting"].read_bytes())
    board = Board.read(made.snapshots["end_of_voting"])
    board.steps.remove(board.ballots()[0])
    rewritten = board.build()

    def rewrite_after_the_first_copy() -> None:  # whatever the machine's load, the watch sees both
        deadline = time.monotonic() + 120
        while not any(path.endswith("/board.bel") for path in served_paths) and time.monotonic() < deadline:
            time.sleep(0.05)
        publish(root, rewritten)

    threading.Thread(target=rewrite_after_the_first_copy, daemon=True).start()
    # --snapshots counts the copies kept (changed ones): the first, then the rewritten one ends the watch;
    # --until only bounds a watch that would never see the rewrite
    until = (datetime.now(timezone.utc) + timedelta(seconds=90)).isoformat()
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "EXPERTISE_OPERATOR": "test"}
    result = subprocess.run([sys.executable, "-m", "expertise", "board", "watch", url, "--every", "0.4", "--case",
                             str(watch_case), "--until", until, "--snapshots", "2", "--workers", "1"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILURE" in result.stderr and "no longer extends" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert _latest(watch_case, url).results[0].status is Status.FAIL


def test_url_outside_the_scope_is_refused(watch_case: Path) -> None:
    with pytest.raises(UsageError) as info:
        BoardWatch(load_case(watch_case), "http://192.0.2.10/board.bel", 1.0, InlineRunner(), [])
    assert "outside the case's scope" in str(info.value)
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "expertise", "board", "watch", "http://192.0.2.10/b.bel", "--every",
                             "1", "--case", str(watch_case)], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2 and "scope" in result.stderr
    assert shutil.which("belenios-tool") or gen
