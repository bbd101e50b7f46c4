"""`expertise demo`: the bundled case, every collector, the assessment and the report.

Each domain contributes a ``prepare`` hook (``expertise/<domain>/demo.py``) that sets up its
part in the copied case folder — a local server to probe, a board to replay, a tree to
seal — and tears it down afterwards. The hooks are listed here by hand, like the rules.
"""

from __future__ import annotations

import shutil
from contextlib import ExitStack
from pathlib import Path

from .audit import run_collectors
from .console import err
from .errors import UsageError
from .paths import demo_case_dir
from .report.build import build_report


def _hooks():  # type: ignore[no-untyped-def]
    from .board import demo as board_demo
    from .probe import demo as probe_demo
    from .seal import demo as seal_demo

    return [seal_demo.prepare, probe_demo.prepare, board_demo.prepare]


def run_demo(out_dir: Path, *, lang: str = "fr", force: bool = False) -> dict[str, Path]:
    out_dir = Path(out_dir)
    case_dir = out_dir / "case"
    if case_dir.exists():
        if not force:
            raise UsageError("demo folder already exists (use --force to replace it)", path=str(case_dir))
        shutil.rmtree(case_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(demo_case_dir(), case_dir)
    (case_dir / "evidence").mkdir(exist_ok=True)
    err.print(f"demo case copied to {case_dir}", markup=False)
    with ExitStack() as stack:
        for prepare in _hooks():
            stack.enter_context(prepare(case_dir))
        outcome = run_collectors(case_dir, ["expertise", "demo", "--out", str(out_dir)])
    written = build_report(case_dir, lang=lang, out_dir=out_dir, pdf=True, collectors_state=outcome)
    return {"case": case_dir, **written}
