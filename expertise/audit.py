"""`expertise audit`: every collector the case declares, then assessment and report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from rich.markup import escape

from .case import load_case
from .domains import collecting_domains
from .console import err
from .errors import ExpertiseError


class CollectorState(str):
    """A collector's outcome as the CLI and results.json say it ("done", "failed: why"), which
    also carries the same in French for the French report."""

    fr: str

    def __new__(cls, text: str, fr: str = "") -> "CollectorState":
        state = super().__new__(cls, text)
        state.fr = fr or text
        return state


def run_collectors(case_dir: Path, argv: Sequence[str] | None = None) -> dict[str, str]:
    """Run each declared collector; a collector that fails is reported, the others still run.

    Returns, per collector, "done", "skipped" (section absent) or the error message, so the
    report can say which evidence is missing and why.
    """
    case = load_case(case_dir)
    outcome: dict[str, str] = {}
    for collector in collecting_domains():
        if not collector.is_declared(case):
            outcome[collector.name] = "skipped"
            continue
        err.print(f"[bold]{collector.name}[/]: collecting…")
        try:
            assert collector.collect is not None
            collector.collect(case, list(argv if argv is not None else sys.argv))
            outcome[collector.name] = "done"
        except NotImplementedError as exc:
            outcome[collector.name] = CollectorState(f"not available: {exc}", f"indisponible : {exc}")
            err.print(f"[yellow]{collector.name}:[/] {escape(str(exc))}")
        except ExpertiseError as exc:
            outcome[collector.name] = CollectorState(f"failed: {exc}", f"échec : {exc.render_fr()}")
            err.print(f"[red]{collector.name}:[/] {escape(str(exc))}")
    return outcome


def uncollected(case_dir: Path) -> list[str]:
    """The collectors the case declares of which the journal holds no result yet.

    Such a report would show their objectives as not assessed for want of running them, which
    is the mistake of writing the report before the audit, not a finding about the election.
    """
    from . import journal

    case = load_case(case_dir)
    producers = {result_set.producer for _, result_set in journal.latest_result_sets(case.root)}
    return [c.name for c in collecting_domains() if c.is_declared(case) and c.name not in producers]


def failed_collectors(outcome: dict[str, str]) -> dict[str, str]:
    """The collectors that did not run to completion, with why: the audit is then incomplete."""
    return {name: state for name, state in outcome.items() if state not in ("done", "skipped")}


def run_audit(case_dir: Path, *, lang: str | None, out_dir: Path | None,
              pdf: bool) -> tuple[dict[str, str], dict[str, Path]]:
    """Collect, then report — also when a collector failed: the report names the missing evidence."""
    from .report.build import build_report

    outcome = run_collectors(case_dir)
    return outcome, build_report(case_dir, lang=lang, out_dir=out_dir, pdf=pdf, collectors_state=outcome)
