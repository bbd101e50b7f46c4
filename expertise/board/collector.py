"""The board collector of `expertise audit`: replay the declared board and journal the verdicts.

The board, the snapshots and the full step report are stored as evidence of the operation
(a judge's adviser can replay them with any verifier), and every step becomes one BOARD-0xx
result. The journal source is ``board:<path as declared>`` so that a later audit of the same
board replaces the verdicts of the earlier one.
"""

from __future__ import annotations

from typing import Sequence

from .. import catalogue as catalogue_mod
from ..case import Case
from ..console import err, progress
from ..errors import UsageError
from ..journal import ResultSet, operation
from ..domain import evaluate
from .rules import RULES
from . import clock
from .parallel import make_runner
from .summary import summarise
from .verify import VerifyOptions, fingerprint_problem, verify_board


def declared(case: Case) -> bool:
    return case.data.board is not None


def source_key(declared_path: str) -> str:
    return f"board:{declared_path}"


def watched_snapshots(case: Case) -> list[tuple[int, str, str]]:
    """The last copy of each board watch in the journal: the final board must extend it."""
    from ..journal import latest_result_sets

    out = []
    for entry, result_set in latest_result_sets(case.root):
        summary = result_set.summary
        if result_set.producer == "board" and summary.get("kind") == "watch" and summary.get("last_size"):
            out.append((int(summary["last_size"]), str(summary["last_sha256"]),
                        f"copy of {summary.get('source')} watched at {summary.get('last')} (journal entry {entry['seq']})"))
    return out


def collect(case: Case, argv: Sequence[str]) -> list[ResultSet]:
    config = case.data.board
    assert config is not None
    board_path = case.resolve(config.path)
    if not board_path.is_file():
        raise UsageError(f"{config.path}: no such board file ({board_path})", path=str(case.file), field="board.path",
                         fr=f"{config.path} : fichier d’urne introuvable ({board_path})")
    snapshots = [case.resolve(s) for s in config.snapshots]
    for snapshot, declared in zip(snapshots, config.snapshots):
        if not snapshot.is_file():
            raise UsageError(f"snapshot {declared!r} not found ({snapshot})", path=str(case.file),
                             field="board.snapshots",
                             fr=f"copie antérieure {declared!r} introuvable ({snapshot})")
    if config.credentials_fingerprint:
        problem = fingerprint_problem(config.credentials_fingerprint)
        if problem:
            raise UsageError(problem, path=str(case.file), field="board.credentials_fingerprint")
    election = case.data.election
    electorate = config.credentials_count or election.electorate
    digests = watched_snapshots(case)
    with operation(case.root, "board-verify", argv) as op:
        op.add_input(board_path, label="board")
        for snapshot in snapshots:
            op.add_input(snapshot, label="snapshot")
        moment, simulated = clock.now()
        runner = make_runner(config.workers, config.scheduler or None)  # before any progress-bar thread
        try:
            with progress("replaying the board", None) as bar:
                report = verify_board(board_path, VerifyOptions(
                    format=config.format, snapshots=snapshots, snapshot_digests=digests,
                    credentials_fingerprint=config.credentials_fingerprint or None, electorate=electorate,
                    opens=election.opens, closes=election.closes, now=moment, clock_simulated=simulated,
                    progress=lambda done, total: bar.update(completed=done), runner=runner))
        finally:
            runner.close()
        evidence = [op.store_json("verification.json", report.to_dict(), label="board verification")]
        if config.store_board:
            evidence.append(op.store_file(f"board/{board_path.name}", board_path, label="board"))
            for index, snapshot in enumerate(snapshots, start=1):
                evidence.append(op.store_file(f"snapshots/{index:02d}-{snapshot.name}", snapshot, label="snapshot"))
        observation = {"report": report.to_dict(), "subject": config.path, "evidence": evidence}
        results = evaluate(RULES, observation, catalogue_mod.load())
        result_set = ResultSet(source_key(config.path), "board", results, summarise(report, config.path))
        op.add_results(result_set)
    verdict = {"invalid": "[red]INVALID[/]", "valid": "[green]valid[/]", "no-failure": "[green]no failure[/]"}
    err.print(f"board {config.path}: {verdict[report.verdict]} "
              f"({sum(1 for r in results if r.status.value == 'fail')} failing check(s))")
    return [result_set]

