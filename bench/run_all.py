"""`make bench`: run every benchmark script under bench/ in turn and print their output.

Benchmarks compare us with the reference tool in the same run (ratios, not absolute
targets); they are not tests and never run in CI. Numbers go into docs/benchmarks.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    scripts = sorted(here.glob("*_bench.py"))
    if not scripts:
        print("no benchmark scripts found")
        return 0
    failures = 0
    for script in scripts:
        print(f"=== {script.name}", flush=True)
        failures += subprocess.call([sys.executable, str(script), *sys.argv[1:]]) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
