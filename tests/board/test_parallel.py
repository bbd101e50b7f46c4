"""The same verdicts in one process, in a local process pool and on a Dask cluster (127.0.0.1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from .boardkit import Board
from .helpers import REPO, sample, verify

from expertise.board.parallel import DaskRunner, InlineRunner, ProcessRunner, make_runner
from expertise.errors import UsageError


def fingerprint(report) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """What must not depend on where the work ran."""
    data = report.to_dict()
    return {"verdict": data["verdict"], "result": data["result"], "tally": data["tally"],
            "steps": [(s["id"], s["status"], s["counts"], s["failures"], s["failures_total"]) for s in data["steps"]]}


@pytest.fixture(scope="module")
def dask_cluster():  # type: ignore[no-untyped-def]
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                                       processes=True, silence_logs=40)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def _tampered(tmp_path: Path) -> Path:
    board = Board.read(sample("threshold"))
    ballot = board.ballots()[4]
    value = ballot.json()
    value["answers"][0]["choices"][2]["alpha"] = str(int(value["answers"][0]["choices"][2]["alpha"]) + 1)
    ballot.set_json(0, value)
    return board.write(tmp_path / sample("threshold").name)


@pytest.mark.parametrize("name", ["threshold", "mixnet"])
def test_same_report_in_process_pool_and_dask(name: str, dask_cluster: str, tmp_path: Path) -> None:
    board = sample(name)
    inline = fingerprint(verify(board, workers=1))
    pooled = fingerprint(verify(board, workers=2))
    dask = fingerprint(verify(board, scheduler=dask_cluster))
    assert inline == pooled == dask
    assert inline["verdict"] == "no-failure" and inline["result"] is not None


def test_tampered_board_fails_the_same_way_on_dask(dask_cluster: str, tmp_path: Path) -> None:
    path = _tampered(tmp_path)
    inline = verify(path, workers=1)
    dask = verify(path, scheduler=dask_cluster)
    assert fingerprint(inline) == fingerprint(dask)
    assert str(dask.steps["ballots"].failures[0].record).endswith("ballot #5")


def test_scheduler_on_the_command_line(dask_cluster: str, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "expertise", "board", "verify", str(sample("small")), "--scheduler",
                             dask_cluster, "--json", str(out)], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(out.read_text())
    assert data["result"] == {"result": [[5, 4, 1]]} and "Dask cluster" in data["stats"]["runner"]["message"]


def test_runner_choice_and_unreachable_scheduler() -> None:
    assert isinstance(make_runner(1), InlineRunner)
    pool = make_runner(2)
    try:
        assert isinstance(pool, ProcessRunner) and pool.workers == 2
        assert pool.submit(sum, [1, 2, 3]).result() == 6
    finally:
        pool.close()
    with pytest.raises(UsageError):
        make_runner(-1)
    with pytest.raises(UsageError) as info:
        DaskRunner("tcp://127.0.0.1:1", timeout=2)
    assert "scheduler" in str(info.value)
