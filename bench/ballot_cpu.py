"""CPU seconds per ballot of the workers' code alone, for comparing two versions in one run.

    PYTHONPATH=. .venv/bin/python bench/ballot_cpu.py BOARD.bel [--repeat 20] [--no-batch]
    PYTHONPATH=/tmp/old-checkout .venv/bin/python bench/ballot_cpu.py BOARD.bel   # the code there

Reads the board once (through the replay, on one core), keeps the chunks of ballots it hands to
the workers, then runs :func:`verify_chunk` on them ``--repeat`` times and prints the process CPU
time (user + system) per ballot. Small boards (the Ed25519 fixtures hold a few ballots) are thus
measured on many repetitions; the membership batch then sees the chunk as the replay makes it.
Run the old and the new code alternately on the same board and compare the ratio; the load
average is printed since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
from pathlib import Path


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("board", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-batch", action="store_true")
    args = parser.parse_args()

    from expertise.board.belenios import ballots as B
    from expertise.board.belenios.scheduler import BallotScheduler
    from expertise.board.parallel import InlineRunner
    from expertise.board.verify import VerifyOptions, verify_board

    captured: list[tuple] = []  # type: ignore[type-arg]
    original = BallotScheduler.flush

    def spy(self: BallotScheduler) -> None:
        if self.chunk:
            captured.append((self.state.context, list(self.chunk)))
        original(self)

    BallotScheduler.flush = spy  # type: ignore[method-assign]
    try:
        verify_board(args.board, VerifyOptions(runner=InlineRunner()))
    finally:
        BallotScheduler.flush = original  # type: ignore[method-assign]
    if args.no_batch:
        import dataclasses

        captured = [(dataclasses.replace(context, batch=False), chunk) for context, chunk in captured]
    ballots = sum(len(chunk) for _, chunk in captured)
    for context, chunk in captured:  # warm the fixed-base tables
        B.verify_chunk(context, chunk)
    from expertise.board.belenios.groups import GROUPS

    # Ed25519 remembers the points it found to be members (docs/board.md): forget them before each
    # repetition, so that every repetition pays for membership as a first reading does.
    forgets = [group.forget for group in GROUPS.values() if hasattr(group, "forget")]
    started = cpu()
    valid = 0
    for _ in range(args.repeat):
        for forget in forgets:
            forget()
        for context, chunk in captured:
            valid += B.verify_chunk(context, chunk).valid
    spent = cpu() - started
    per = spent / (ballots * args.repeat)
    print(f"{args.board.name}: {ballots} ballots x {args.repeat}: {spent:.2f} s CPU, {per * 1e3:.3f} ms a ballot "
          f"({valid // args.repeat} valid); load average {os.getloadavg()[0]:.2f} (code from {B.__file__})")


if __name__ == "__main__":
    sys.exit(main())
