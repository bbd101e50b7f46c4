"""Benchmark: `expertise registers check` on a national-size export.

Generates, with the project's own generator (expertise.registers.samples), an HR electoral list of
--voters rows (UTF-8 with BOM, `;`, French headers, ids with leading zeros) and a platform
émargement of --signatures rows in Windows-1252 with day-first local times in Europe/Paris across
the change to summer time, plus one of each anomaly; then runs the command as the expert would
(`registers check --voters … --emargement … --board-ballots N --timezone Europe/Paris --json OUT`)
in a child process, --repeat times, keeping the fastest (other work on a shared machine only
ever slows a run), and prints the wall time and the child's peak RSS (ru_maxrss), with the load
average. Target of issue 11: ≤ 10 s for 1 000 000 rows and 600 000 signatures.

Usage: python bench/registers_bench.py [--voters 1000000] [--signatures 600000] [--repeat 3] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from expertise.registers import samples  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
OPENS = datetime(2027, 3, 22, 9, 0, tzinfo=PARIS)
CLOSES = datetime(2027, 4, 2, 17, 0, tzinfo=PARIS)


def generate(folder: Path, voters: int, signatures: int) -> tuple[Path, Path]:
    ids = samples.voter_ids(voters)
    listed = samples.write_voters_csv(folder / "liste.csv", ids)
    times = samples.signing_times(signatures, OPENS, CLOSES)
    rows = list(zip(ids[:signatures], times))
    rows[10] = ("99999999999", rows[10][1])  # not on the list
    rows.append((ids[5], times[-1]))  # twice
    rows.append((ids[signatures + 1], CLOSES + timedelta(hours=1)))  # out of hours
    signed = samples.write_emargement_csv(folder / "emargement.csv", rows, encoding="cp1252",
                                          channel="Électronique")
    return listed, signed


def run_once(listed: Path, signed: Path, out: Path, ballots: int) -> tuple[float, float, int, int]:
    command = [sys.executable, "-m", "expertise", "registers", "check", "--voters", str(listed), "--emargement",
               str(signed), "--opens", "22/03/2027 09:00", "--closes", "02/04/2027 17:00", "--timezone",
               "Europe/Paris", "--board-ballots", str(ballots), "--json", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode not in (0, 1):
        sys.exit(f"registers check failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, cpu, after.ru_maxrss, done.returncode  # ru_maxrss: KiB, the largest child so far


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=1_000_000)
    parser.add_argument("--signatures", type=int, default=600_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="registers-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    listed, signed = generate(folder, args.voters, args.signatures)
    print(f"generated {args.voters:,} voters ({listed.stat().st_size / 1e6:.1f} MB) and {args.signatures:,} "
          f"signatures ({signed.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")
    print(f"load average before: {os.getloadavg()}")
    runs = []
    out = folder / "out.json"
    for _ in range(args.repeat):
        runs.append(run_once(listed, signed, out, args.signatures))
        print(f"  run: {runs[-1][0]:.2f} s wall, {runs[-1][1]:.2f} s CPU, exit {runs[-1][3]}", flush=True)
    best = min(runs)
    data = json.loads(out.read_text(encoding="utf-8"))
    found = {k: len(data[k] or []) for k in ("not_on_list", "duplicates", "out_of_hours")}
    print(f"registers check: fastest {best[0]:.2f} s wall ({best[1]:.2f} s CPU) of {args.repeat}; "
          f"peak RSS {max(r[2] for r in runs) / 1024:.0f} MiB; "
          f"found {found}; counts {data['counts']}")
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
