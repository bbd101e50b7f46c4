"""Board replay benchmark: `expertise board verify` against `belenios-tool election verify`, same run.

    PYTHONPATH=. .venv/bin/python bench/board_bench.py [--ballots 10000] [--sizes 1000,2000,5000]
                                                       [--workers 2,1] [--cache DIR] [--skip-tool]
                                                       [--also-code DIR] [--no-batch] [--prefixes-only]

The board (N ballots, one 3-candidate question, BELENIOS-2048, two trustees) is made once with
belenios-tool by tests/board/belenios_gen.py and cached outside git (EXPERTISE_BENCH_CACHE, by
default ~/.cache/expertise/bench/board); making 10 000 ballots takes about a quarter of an hour.
The smaller sizes are byte prefixes of it (the board as it was after the k-th ballot), so the
growth from 1k to 10k ballots is measured on one election. Each verifier runs as a subprocess;
wall time and the peak resident memory of its whole process tree are measured by polling.
CPU seconds (user + system of the whole process tree, from the kernel's accounting of the
reaped children) are measured too: on a shared machine they, not the wall time, compare fairly,
always as a ratio within one run. ``--workers 2,1`` runs ours with both cores and with one;
``--also-code DIR`` also runs the code of another checkout (e.g. the commit before a change),
``--no-batch`` ours with membership tested one element at a time.
Results are printed and written to bench/out/board.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.board import belenios_gen as gen  # noqa: E402
from tests.board.boardkit import read_raw  # noqa: E402


def default_cache() -> Path:
    configured = os.environ.get("EXPERTISE_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "expertise" / "bench" / "board"


def measure(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> dict[str, float | int]:
    """Wall time and peak RSS (sum over the process tree) of a command.

    ``cwd`` matters for ``python -m expertise``: the current directory comes first on its path,
    before PYTHONPATH, so the code compared must be run from its own checkout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    peak = 0
    peak_main = 0
    done = threading.Event()

    def poll() -> None:
        nonlocal peak, peak_main
        try:
            root = psutil.Process(process.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            try:
                main = root.memory_info().rss
                total = main + sum(child.memory_info().rss for child in root.children(recursive=True))
            except psutil.Error:
                total = main = 0
            peak = max(peak, total)
            peak_main = max(peak_main, main)
            done.wait(0.05)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    done.set()
    watcher.join()
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return {"seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2), "load": round(load, 2), "peak_rss_mb": round(peak / 2**20, 1),
            "peak_main_rss_mb": round(peak_main / 2**20, 1), "exit": process.returncode,
            "stderr_tail": stderr.decode(errors="replace").strip().splitlines()[-1:] if stderr else []}


def prefix(board: Path, ballots: int, target: Path) -> Path:
    """The board as it was right after its ``ballots``-th Ballot event (a byte prefix)."""
    path = target / board.name
    if path.exists():
        return path
    target.mkdir(parents=True, exist_ok=True)
    size = 0
    seen = 0
    for name, body in read_raw(board):
        size += 512 + (len(body) + 511) // 512 * 512
        if name.endswith(".event.json") and b'"type":"Ballot"' in body:
            seen += 1
            if seen == ballots:
                break
    with open(board, "rb") as source, open(path, "wb") as out:
        out.write(source.read(size))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=10000)
    parser.add_argument("--sizes", default="1000,2000,5000", help="prefix sizes measured besides the full board")
    parser.add_argument("--workers", default="2", help="comma-separated: ours is run once per count")
    parser.add_argument("--also-code", type=Path, default=None, help="also run the code of this checkout")
    parser.add_argument("--no-batch", action="store_true", help="also run ours with --no-batch")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds, each running every command once (interleaved); medians are reported")
    parser.add_argument("--cache", type=Path, default=default_cache())
    parser.add_argument("--skip-tool", action="store_true", help="do not run belenios-tool (ours only)")
    parser.add_argument("--prefixes-only", action="store_true", help="measure the --sizes prefixes, not the full board")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    spec = gen.ElectionSpec(voters=args.ballots, candidates=3, minimum=1, maximum=1, singles=2, seed=10000,
                            name=f"Benchmark ({args.ballots} voters)", jobs=max(2, os.cpu_count() or 2))
    started = time.perf_counter()
    election = gen.cached_election(spec, args.cache)
    if time.perf_counter() - started > 5:
        print(f"made the {args.ballots}-ballot board with belenios-tool in {time.perf_counter() - started:.0f} s")
    sizes = sorted({int(s) for s in args.sizes.split(",") if s} | (set() if args.prefixes_only else {args.ballots}))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    rows = []
    for size in sizes:
        if size == args.ballots:
            board, label = election.board, f"{size} (tallied)"
        else:
            board, label = prefix(election.board, size, args.cache / f"prefix-{size}"), f"{size} (prefix)"
        row = {"ballots": size, "board": label, "board_mb": round(board.stat().st_size / 2**20, 1)}
        runs = []
        for workers in [int(w) for w in str(args.workers).split(",")]:
            runs.append((f"ours --workers {workers}", env, REPO, ["--workers", str(workers)]))
            if args.no_batch:
                runs.append((f"ours --workers {workers} --no-batch", env, REPO,
                             ["--workers", str(workers), "--no-batch"]))
            if args.also_code:
                runs.append((f"{args.also_code} --workers {workers}",
                             {**os.environ, "PYTHONPATH": str(args.also_code), "PYTHONDONTWRITEBYTECODE": "1"},
                             args.also_code.resolve(), ["--workers", str(workers)]))
        rounds: dict[str, list[dict]] = {}  # type: ignore[type-arg]
        for _ in range(args.repeat):
            for name, run_env, cwd, extra in runs:
                rounds.setdefault(name, []).append(measure(
                    [sys.executable, "-m", "expertise", "board", "verify", str(board.resolve()), *extra, "--quiet"],
                    run_env, cwd))
            if not args.skip_tool:
                scratch = args.cache / "verify-dir"
                shutil.rmtree(scratch, ignore_errors=True)
                scratch.mkdir()
                os.link(board, scratch / board.name)
                rounds.setdefault("belenios-tool", []).append(
                    measure(["belenios-tool", "election", "verify", "--dir", str(scratch)]))
                shutil.rmtree(scratch)
        medians = {name: _median(values) for name, values in rounds.items()}
        row["rounds"] = rounds
        if "belenios-tool" in medians:
            row["belenios_tool"] = medians.pop("belenios-tool")
        row["runs"] = medians
        ours = row["ours"] = next(iter(row["runs"].values()))
        if not args.skip_tool:
            row["ratio"] = round(row["belenios_tool"]["seconds"] / ours["seconds"], 2)
            tool_cpu = row["belenios_tool"]["cpu_seconds"]
            row["cpu_ratios"] = {name: round(tool_cpu / run["cpu_seconds"], 2) for name, run in row["runs"].items()}
        rows.append(row)
        print(_line(row), flush=True)
        for name, run in row["runs"].items():
            ratio = row.get("cpu_ratios", {}).get(name)
            tool = row.get("belenios_tool")
            print(f"    {name:<40} wall {run['seconds']:>7} s  CPU {run['cpu_seconds']:>7} s  load {run['load']}"
                  + (f"  | belenios-tool CPU {tool['cpu_seconds']} s: {ratio}x in CPU, "
                     f"{round(tool['seconds'] / run['seconds'], 2)}x in wall time" if tool else ""), flush=True)
    report = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "workers": args.workers,
              "rows": rows}
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "board.json").write_text(json.dumps(report, indent=1))
    print(f"written to {out / 'board.json'}")


def _median(values: list[dict]) -> dict:  # type: ignore[type-arg]
    """Each figure's median over the rounds (the run itself is kept in "rounds")."""
    keys = [k for k, v in values[0].items() if isinstance(v, (int, float))]
    out = dict(values[0])
    for key in keys:
        ordered = sorted(v[key] for v in values)
        middle = len(ordered) // 2
        out[key] = ordered[middle] if len(ordered) % 2 else round((ordered[middle - 1] + ordered[middle]) / 2, 2)
    return out


def _line(row: dict) -> str:  # type: ignore[type-arg]
    ours = row["ours"]
    text = (f"{row['board']:>16} {row['board_mb']:>6} MB | ours {ours['seconds']:>7} s "
            f"{row['ballots'] / ours['seconds']:>6.0f} ballots/s peak {ours['peak_rss_mb']:>6} MB "
            f"(main {ours['peak_main_rss_mb']} MB) exit {ours['exit']}")
    tool = row.get("belenios_tool")
    if tool:
        text += (f" | belenios-tool {tool['seconds']:>7} s {row['ballots'] / tool['seconds']:>5.0f} ballots/s "
                 f"peak {tool['peak_rss_mb']:>6} MB exit {tool['exit']} | ratio {row['ratio']}x")
    return text


if __name__ == "__main__":
    main()
