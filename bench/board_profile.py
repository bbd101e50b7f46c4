"""Where the CPU of a ballot goes: one core, cProfile, grouped by primitive.

    PYTHONPATH=. .venv/bin/python bench/board_profile.py BOARD.bel [--no-batch]

Replays the board in this process (``--workers 1``) under cProfile and prints the CPU seconds
(internal time of the functions, grouped: exponentiations by kind, fixed-base tables, hashing,
JSON, field reading, pydantic, the rest) with their share, then the cost of moving one chunk to a
worker and back (pickling both ways), which the profile of one process cannot see. cProfile adds
its own overhead to the Python-level groups; the script therefore also prints the CPU of the
same replay without the profiler, and the load average, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import pstats
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from expertise.board.parallel import InlineRunner  # noqa: E402
from expertise.board.verify import VerifyOptions, verify_board  # noqa: E402

# (group, test on "file:function") — first match wins; the callers of an exponentiation (gmpy2's powmod,
# or OpenSSL's through modexp.Modulus.pow, whose C call cProfile counts inside it) decide its kind.
POWMOD = "<built-in method gmpy2.gmpy2.powmod>"
GROUPS = [
    ("exponentiation: proofs (variable base)", lambda f, n: n == "<built-in method gmpy2.gmpy2.powmod>#proof"),
    ("exponentiation: membership (x^q, batch rounds)", lambda f, n: n == "<built-in method gmpy2.gmpy2.powmod>#member"),
    ("exponentiation: other", lambda f, n: n.startswith("<built-in method gmpy2.gmpy2.powmod>")),
    ("Ed25519 (libsodium)", lambda f, n: "nacl" in f or "crypto_" in n),
    ("membership: Jacobi symbol / batch products", lambda f, n: "jacobi" in n or n in ("_batch_holds", "_bisect",
                                                                                      "non_members")),
    ("fixed-base tables (g, y)", lambda f, n: f.endswith("groups.py") and n in ("pow", "table_pow")),
    ("group products and element text", lambda f, n: f.endswith("groups.py")),
    ("hashing (SHA-256, base64)", lambda f, n: "sha256" in n or "b64" in n or n == "challenge" or "base64" in f),
    ("JSON (parse, canonical form)", lambda f, n: "json" in f or n == "canonical"),
    ("field reading (fields.py)", lambda f, n: f.endswith("fields.py")),
    ("pydantic", lambda f, n: "pydantic" in f),
    ("ballot and proof logic (ballots.py, proofs.py)", lambda f, n: f.endswith(("ballots.py", "proofs.py"))),
]


def classify(stats: pstats.Stats) -> dict[str, float]:
    totals: dict[str, float] = {}
    raw = stats.stats  # type: ignore[attr-defined]
    for (file, _line, name), (_cc, _nc, tottime, _ct, callers) in raw.items():
        key = name
        if name == POWMOD or (file.endswith("modexp.py") and name == "pow"):
            # split the built-in by its callers' kind
            for (cfile, _cl, cname), caller_stats in callers.items():
                kind = "#member" if cname in ("is_member", "check_members", "_batch_holds", "_bisect") or (
                    "member" in cname) else (
                    "#proof" if cname in ("pow",) and cfile.endswith("groups.py") else "#other")
                share = caller_stats[2]  # tottime attributed to this caller
                group = next(g for g, test in GROUPS[:3] if test(file, POWMOD + kind))
                totals[group] = totals.get(group, 0.0) + share
            continue
        group = next((g for g, test in GROUPS if test(file, key)), "interpreter and the rest")
        totals[group] = totals.get(group, 0.0) + tottime
    return totals


def transfer_cost(board: Path) -> tuple[float, int]:
    """Seconds and bytes to pickle a 32-ballot chunk and its outcome, both ways (per ballot)."""
    from expertise.board.belenios import ballots as B
    from expertise.board.belenios.scheduler import BallotScheduler

    captured: list[tuple] = []  # type: ignore[type-arg]
    original = BallotScheduler.flush

    def spy(self: BallotScheduler) -> None:
        if self.chunk and not captured:
            captured.append((self.state.context, list(self.chunk)))
        original(self)

    BallotScheduler.flush = spy  # type: ignore[method-assign]
    try:
        verify_board(board, VerifyOptions(runner=InlineRunner()))
    finally:
        BallotScheduler.flush = original  # type: ignore[method-assign]
    context, chunk = captured[0]
    outcome = B.verify_chunk(context, chunk)
    started = time.process_time()
    rounds = 20
    size = 0
    for _ in range(rounds):
        out = pickle.dumps((context, chunk))
        pickle.loads(out)
        back = pickle.dumps(outcome)
        pickle.loads(back)
        size = len(out) + len(back)
    return (time.process_time() - started) / rounds / len(chunk), size // len(chunk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("board", type=Path)
    parser.add_argument("--no-batch", action="store_true", help="membership tested one element at a time")
    args = parser.parse_args()
    options: dict = dict(runner=InlineRunner())  # type: ignore[type-arg]
    if args.no_batch:
        options["batch"] = False
    print(f"load average {os.getloadavg()}")
    before = resource.getrusage(resource.RUSAGE_SELF)
    result = verify_board(args.board, VerifyOptions(**options))  # type: ignore[arg-type]
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    ballots = result.steps["ballots"].counts.get("ballots")
    print(f"without the profiler: {cpu:.2f} s CPU for the replay ({ballots} ballots)")
    profiler = cProfile.Profile()
    profiler.enable()
    verify_board(args.board, VerifyOptions(**options))  # type: ignore[arg-type]
    profiler.disable()
    stats = pstats.Stats(profiler)
    totals = classify(stats)
    whole = sum(totals.values())
    print(f"under cProfile: {whole:.2f} s")
    for group, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {group:<50} {seconds:7.2f} s {100 * seconds / whole:5.1f} %")
    seconds, size = transfer_cost(args.board)
    print(f"inter-process transfer (pickle both ways, per ballot): {seconds * 1e6:.0f} µs, {size} bytes")
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
