"""Benchmark: `expertise seal create` against `find . -type f -print0 | xargs -0 sha256sum`.

Generates a tree of at least 1 GB in large files plus at least 50,000 small files, then,
in the same run and on the same warm page cache, times:

  reference   find . -type f -print0 | xargs -0 sha256sum            (coreutils, one core)
  reference2  find . -type f -print0 | xargs -0 -P2 -n 2000 sha256sum (coreutils, two cores)
  ours/1      expertise seal create --jobs 1                          (one core)
  ours/2      expertise seal create --jobs 2                          (two cores)

and prints the ratios (reference time / our time: above 1 means faster) and the peak
memory of each process tree, sampled every 50 ms over the main process and its workers:
PSS (proportional set size: pages shared between processes counted once — the memory
really used) and the sum of RSS (shared pages counted in every process — an upper bound).
The same is measured on a tree with twice as many small files, to show memory stays flat.

Each command runs --repeat times (default 3), in interleaved rounds, and the fastest run
is kept, for both sides alike: on a shared machine, other work only ever makes a run
slower. The load average is printed so that a noisy run can be recognised.

Usage: python bench/seal_bench.py [--dir DIR] [--gigabytes 1.0] [--small 50000] [--repeat 3] [--keep]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGE = os.sysconf("SC_PAGE_SIZE")


def generate(root: Path, gigabytes: float, small: int, seed: int = 1) -> tuple[int, int]:
    """Large files of 64 MiB (pseudo-random) and small files of 0.5-8 KiB in 100-file folders."""
    import random

    rng = random.Random(seed)
    big = root / "big"
    big.mkdir(parents=True, exist_ok=True)
    total = 0
    block = os.urandom(1 << 20)
    index = 0
    while total < gigabytes * 1e9:
        path = big / f"blob-{index:03d}.bin"
        with open(path, "wb") as handle:
            for chunk in range(64):
                handle.write(block[chunk:] + block[:chunk])
        total += 64 << 20
        index += 1
    files = 0
    for folder in range((small + 99) // 100):
        directory = root / "small" / f"pkg{folder // 50:03d}" / f"mod{folder:05d}"
        directory.mkdir(parents=True, exist_ok=True)
        for item in range(min(100, small - files)):
            size = rng.randint(512, 8192)
            (directory / f"file{item:03d}.py").write_bytes(os.urandom(size))
            total += size
            files += 1
    return index + files, total


TICK = os.sysconf("SC_CLK_TCK")


def _tree_stats(root_pid: int, cpu_ticks: dict[int, int]) -> tuple[int, int]:
    """(PSS, RSS) in bytes of a process and all its descendants, from /proc; CPU ticks seen per pid
    are kept in ``cpu_ticks`` (pool workers are not children of the benchmark, so rusage misses them)."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        ticks[int(entry)] = int(fields[11]) + int(fields[12])
    pss = rss = 0
    stack = [root_pid]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        cpu_ticks[pid] = max(cpu_ticks.get(pid, 0), ticks.get(pid, 0))
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
                    elif line.startswith(b"Rss:"):
                        rss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return pss, rss


def run(
    command: list[str] | str, cwd: Path, shell: bool = False, env: dict[str, str] | None = None
) -> tuple[float, int, int, float]:
    """Wall time, peak PSS, peak RSS and CPU time (user + system) of the whole process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        shell=shell,
        stdout=subprocess.DEVNULL,
        env=env,
        executable="/bin/bash" if shell else None,
    )
    peak_pss = peak_rss = 0
    cpu_ticks: dict[int, int] = {}
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_pss, peak_rss
        while not stop.is_set():
            pss, rss = _tree_stats(process.pid, cpu_ticks)
            peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"command failed ({code}): {command}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    reaped = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = max(reaped, sum(cpu_ticks.values()) / TICK)
    return elapsed, peak_pss, peak_rss, cpu


def fastest(runs: list[tuple[float, int, int, float]]) -> tuple[float, int, int, float]:
    """The fastest wall time and its CPU time; the highest memory peak seen in any run."""
    best = min(runs, key=lambda r: r[0])
    return best[0], max(r[1] for r in runs), max(r[2] for r in runs), best[3]


def best(repeat: int, measure) -> tuple[float, int, int, float]:  # type: ignore[no-untyped-def]
    return fastest([measure() for _ in range(repeat)])


def ours(tree: Path, work: Path, key: Path, jobs: int, label: str) -> tuple[float, int, int, float]:
    out = work / f"seal-{label}"
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return run(
        [
            sys.executable,
            "-m",
            "expertise",
            "seal",
            "create",
            "--key",
            str(key),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
            "--json",
            str(tree),
        ],
        cwd=work,
        env=env,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dir", type=Path, default=None, help="where to generate the tree (default: a temp dir)"
    )
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--small", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per command; the fastest is kept")
    parser.add_argument("--keep", action="store_true", help="keep the generated tree")
    args = parser.parse_args()
    base = args.dir or Path(tempfile.mkdtemp(prefix="seal-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    tree, work = base / "tree", base / "work"
    work.mkdir(exist_ok=True)
    try:
        began = time.perf_counter()
        files, size = generate(tree, args.gigabytes, args.small)
        print(
            f"tree: {files} files, {size / 1e9:.2f} GB ({time.perf_counter() - began:.0f} s to generate); "
            f"{os.cpu_count()} CPUs; {sys.version.split()[0]}"
        )
        sys.path.insert(0, str(REPO))
        from expertise.seal.keys import generate as keygen

        key = work / "bench-key"
        if not key.exists():
            keygen(key)
        reference = "find . -type f -print0 | xargs -0 sha256sum"
        reference2 = "find . -type f -print0 | xargs -0 -P2 -n 2000 sha256sum"
        run(reference, tree, shell=True)  # warm the page cache: every run below reads from memory
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        commands = {
            "reference (sha256sum, 1 core)": lambda: run(reference, tree, shell=True),
            "reference (sha256sum, xargs -P2)": lambda: run(reference2, tree, shell=True),
            "ours --jobs 1": lambda: ours(tree, work, key, 1, "j1"),
            "ours --jobs 2": lambda: ours(tree, work, key, 2, "j2"),
        }
        # interleaved rounds: a burst of load from elsewhere hits every command alike
        runs: dict[str, list[tuple[float, int, int, float]]] = {label: [] for label in commands}
        for _ in range(args.repeat):
            for label, measure in commands.items():
                runs[label].append(measure())
        timings = {label: fastest(values) for label, values in runs.items()}
        base_time = timings["reference (sha256sum, 1 core)"][0]
        for label, (elapsed, pss, rss, cpu) in timings.items():
            print(
                f"{label:<34} {elapsed:7.2f} s   ratio {base_time / elapsed:5.2f}x   CPU {cpu:6.2f} s   "
                f"peak PSS {pss / 2**20:6.1f} MiB   peak RSS sum {rss / 2**20:6.1f} MiB"
            )
        # flat memory: twice the small files, same peak
        generate(tree / "more", 0, args.small, seed=2)
        run(reference, tree, shell=True)
        elapsed, pss, rss, cpu = best(args.repeat, lambda: ours(tree, work, key, 2, "j2-double"))
        print(
            f"{'ours --jobs 2, 2x small files':<34} {elapsed:7.2f} s   {'':13}   CPU {cpu:6.2f} s   "
            f"peak PSS {pss / 2**20:6.1f} MiB   peak RSS sum {rss / 2**20:6.1f} MiB"
        )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
