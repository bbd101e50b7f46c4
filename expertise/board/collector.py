"""The board collector of `expertise audit`: replay the declared board and journal the verdicts.

The board, the snapshots and the full step accounts are stored as evidence of the operation
(a judge's adviser can replay them with any verifier), and every step becomes one BOARD-0xx
result. The journal source is ``board:<path as declared>`` so that a later audit of the same
board replaces the verdicts of the earlier one. The inputs are checked and the board replayed
by the same service as `board verify` (:mod:`.verify`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Sequence

from .. import catalogue as catalogue_mod
from ..case import Case
from ..console import progress, say, text
from ..domain import evaluate
from ..i18n import Message, msg
from ..journal import ResultSet, operation
from ..results import with_box
from . import clock
from .observation import ReplayObservation
from .parallel import make_runner
from .rules import RULES
from .summary import summarise
from .verify import case_options, verify_board

VERDICTS = {"invalid": msg("board.verdict.invalid"), "valid": msg("board.verdict.valid"),
            "no-failure": msg("board.verdict.no_failure")}
VERDICT_STYLES = {"invalid": "red", "valid": "green", "no-failure": "green"}


def declared(case: Case) -> bool:
    return case.data.board is not None


def source_key(declared_path: str, box: str = "") -> str:
    """The journal source of a replay: one per board (and per ballot box, ``board@BOX:path``)."""
    return f"board@{box}:{declared_path}" if box else f"board:{declared_path}"


def watched_snapshots(case: Case) -> list[tuple[int, str, Message, datetime | None]]:
    """The last copy of each board watch in the journal (and when it was taken): the final board must extend it."""
    from ..journal import latest_result_sets

    out = []
    for entry, result_set in latest_result_sets(case.root):
        summary = result_set.summary
        if (result_set.producer == "board" and summary.get("kind") == "watch" and summary.get("last_size")
                and result_set.box == case.box_id):
            out.append((int(summary["last_size"]), str(summary["last_sha256"]),
                        msg("board.where.watched_copy", source=str(summary.get("source")),
                            time=str(summary.get("last")), entry=int(entry["seq"])), _time(summary.get("last"))))
    return out


def _time(value: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def collect(case: Case, argv: Sequence[str]) -> list[ResultSet]:
    config = case.data.board
    assert config is not None
    moment, simulated = clock.now()
    board_path, options = case_options(case, snapshot_digests=watched_snapshots(case), now=moment,
                                       clock_simulated=simulated)
    with operation(case.root, "board-verify", argv) as op:
        if case.box_id:
            op.notes["box"] = case.box_id  # the ballot box this operation read
        op.add_input(board_path, label="board")
        for snapshot in options.snapshots:
            op.add_input(snapshot, label="snapshot")
        runner = make_runner(options.workers, options.scheduler)  # before any progress-bar thread
        options.runner = runner
        try:
            with progress(text(msg("board.cli.progress.replay")), None) as bar:
                options.progress = lambda done, total: bar.update(completed=done)
                verification = verify_board(board_path, options)
        finally:
            runner.close()
        evidence = [op.store_json("verification.json", verification.to_dict(), label="board verification")]
        if config.store_board:
            evidence.append(op.store_file(f"board/{board_path.name}", board_path, label="board"))
            for index, snapshot in enumerate(options.snapshots, start=1):
                evidence.append(op.store_file(f"snapshots/{index:02d}-{snapshot.name}", snapshot, label="snapshot"))
        observation = ReplayObservation.of(verification, subject=config.path, evidence=evidence)
        results = with_box(evaluate(RULES, observation, catalogue_mod.load()), case.box_id)
        result_set = ResultSet(source_key(config.path, case.box_id), "board", results,
                               summarise(verification, config.path), box=case.box_id)
        op.add_results(result_set)
    failing = sum(1 for r in results if r.status.value == "fail")
    say(msg("board.cli.audit_verdict", path=config.path, verdict=VERDICTS[verification.verdict], count=failing),
        style=VERDICT_STYLES[verification.verdict])
    return [result_set]
