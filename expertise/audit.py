"""`expertise audit`: every collector the case declares, then assessment and report."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any, Sequence

from . import journal
from .case import load_case
from .console import say
from .domains import collecting_domains
from .errors import ExpertiseError
from .i18n import Message, msg, render
from .results import Status


class Outcome(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"  # the case does not declare the collector's section
    FAILED = "failed"
    UNAVAILABLE = "unavailable"  # the collector cannot run here (a missing tool)


class CollectorState(str):
    """How one collector's run ended, and why when it did not complete.

    The state reads as its English line — ``"done"``, ``"failed: case.toml: board.path: …"`` —,
    which is what scripts compare and what ``collectors`` in ``--json`` and results.json holds; the
    report and the console render :attr:`message` in their own language instead. ``reason`` is
    the collector's error as a message (with the file and field it names), or the text of a
    third-party failure (shown as it is).
    """

    outcome: Outcome
    reason: Message | str | None
    failing: tuple[str, ...]
    untested: tuple[str, ...]

    def __new__(cls, outcome: Outcome, reason: Message | str | None = None, *,
                failing: Sequence[str] = (), untested: Sequence[str] = ()) -> "CollectorState":
        message = _state_message(outcome, reason)
        state = super().__new__(cls, render(message, "en"))
        state.outcome, state.reason = outcome, reason
        # the checks of this run that failed, and those that could not be tested (ids, sorted)
        state.failing, state.untested = tuple(failing), tuple(untested)
        return state

    @property
    def complete(self) -> bool:
        return self.outcome in (Outcome.DONE, Outcome.SKIPPED)

    @property
    def message(self) -> Message:
        return _state_message(self.outcome, self.reason)

    def text(self, lang: str) -> str:
        return render(self.message, lang)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"state": self.outcome.value, **self.message.to_dict(), "message": self.text(lang),
                "failing": list(self.failing), "untested": list(self.untested)}

    def summary(self, name: str) -> Message:
        """One line for the console: « seal: done — 1 failing check: SEAL-009 »."""
        findings = [*([msg("audit.summary.failing", count=len(self.failing), checks=", ".join(self.failing))]
                      if self.failing else []),
                    *([msg("audit.summary.untested", count=len(self.untested), checks=", ".join(self.untested))]
                      if self.untested else [])]
        if not findings and self.outcome is Outcome.DONE:
            findings = [msg("audit.summary.no_failing")]
        if not findings:
            return msg("audit.summary.line", name=name, state=self.message)
        if len(findings) == 1:
            return msg("audit.summary.line_findings", name=name, state=self.message, findings=findings[0])
        return msg("audit.summary.line_both", name=name, state=self.message, failing=findings[0],
                   untested=findings[1])


def _state_message(outcome: Outcome, reason: Message | str | None) -> Message:
    why = reason if reason is not None else ""
    return {
        Outcome.DONE: msg("audit.state.done"),
        Outcome.SKIPPED: msg("audit.state.skipped"),
        Outcome.FAILED: msg("audit.state.failed", reason=why),
        Outcome.UNAVAILABLE: msg("audit.state.unavailable", reason=why),
    }[outcome]


def run_collectors(case_dir: Path, argv: Sequence[str] | None = None) -> dict[str, CollectorState]:
    """Run each declared collector; a collector that fails is reported, the others still run.

    Returns, per collector, its :class:`CollectorState`, so the report can say which evidence is
    missing and why.
    """
    case = load_case(case_dir)
    outcome: dict[str, CollectorState] = {}
    for collector in collecting_domains():
        views = case.boxes() if any(spec.per_box for spec in collector.sections.values()) else [case]
        states = [_collect_one(collector, view, argv) for view in views]
        outcome[collector.name] = states[0] if len(states) == 1 else merged_state(states, views)
    return outcome


def _collect_one(collector: Any, case: Any, argv: Sequence[str] | None) -> CollectorState:
    """One collector on one case (or one ballot box of it)."""
    if not collector.is_declared(case):
        return CollectorState(Outcome.SKIPPED)
    name = collector.name if not case.box_id else f"{collector.name} [{case.box_id}]"
    say(msg("audit.collecting", name=name), style="bold")
    before = len(journal.read_entries(case.root))
    try:
        assert collector.collect is not None
        collector.collect(case, list(argv if argv is not None else sys.argv))
        return CollectorState(Outcome.DONE, None, **_checks_since(case.root, before, collector.name))
    except NotImplementedError as exc:
        say(str(exc), style="yellow", label=msg("audit.collector", name=name))
        return CollectorState(Outcome.UNAVAILABLE, str(exc))
    except ExpertiseError as exc:
        say(exc.describe(), style="red", label=msg("audit.collector", name=name))
        return CollectorState(Outcome.FAILED, exc.describe(), **_checks_since(case.root, before, collector.name))


def merged_state(states: Sequence[CollectorState], views: Sequence[Any]) -> CollectorState:
    """One collector's state over several ballot boxes: complete only when every box is; the first
    box that did not complete gives the reason, naming the box."""
    failing = sorted({check for state in states for check in state.failing})
    untested = sorted({check for state in states for check in state.untested})
    for state, view in zip(states, views):
        if not state.complete:
            reason = msg("audit.box.reason", box=view.box_id, reason=state.reason if state.reason is not None else "")
            return CollectorState(state.outcome, reason, failing=failing, untested=untested)
    done = any(state.outcome is Outcome.DONE for state in states)
    return CollectorState(Outcome.DONE if done else Outcome.SKIPPED, None, failing=failing, untested=untested)


def _checks_since(case_dir: Path, before: int, producer: str) -> dict[str, list[str]]:
    """The checks that failed, and that could not be tested, in the results ``producer``
    journaled after entry number ``before``: what this run of the collector found."""
    failing: set[str] = set()
    untested: set[str] = set()
    for entry in journal.read_entries(case_dir)[before:]:
        for meta in entry.get("results", []):
            if meta.get("producer") != producer:
                continue
            try:
                data = json.loads((case_dir / meta["file"]).read_text(encoding="utf-8"))
                results = journal.ResultSet.from_dict(data).results
            except (OSError, ValueError, KeyError, TypeError):
                continue  # the journal's own check names an unreadable result file
            failing.update(r.check_id for r in results if r.status is Status.FAIL)
            untested.update(r.check_id for r in results if r.status is Status.ERROR)
    return {"failing": sorted(failing), "untested": sorted(untested)}


def uncollected(case_dir: Path) -> list[str]:
    """The collectors the case declares of which the journal holds no result yet.

    Such a report would show their objectives as not assessed for want of running them, which
    is the mistake of writing the report before the audit, not a finding about the election.
    """
    case = load_case(case_dir)
    producers = {result_set.producer for _, result_set in journal.latest_result_sets(case.root)}
    return [c.name for c in collecting_domains() if c.is_declared(case) and c.name not in producers]


def failed_collectors(outcome: dict[str, CollectorState]) -> dict[str, CollectorState]:
    """The collectors that did not run to completion, with why: the audit is then incomplete."""
    return {name: state for name, state in outcome.items() if not state.complete}


def collectors_json(outcome: dict[str, CollectorState], lang: str) -> dict[str, Any]:
    """The collectors' outcomes for ``--json`` and results.json: ``collectors`` says each in one
    English line (stable for scripts), ``collector_states`` keeps the code and arguments beside the
    message rendered in ``lang``."""
    return {"collectors": {name: str(state) for name, state in outcome.items()},
            "collector_states": {name: state.to_dict(lang) for name, state in outcome.items()}}


def run_audit(case_dir: Path, *, lang: str | None, out_dir: Path | None, pdf: bool, docx: bool = False,
              kind: str | None = None) -> tuple[dict[str, CollectorState], dict[str, Path]]:
    """Collect, then report — also when a collector failed: the report names the missing evidence."""
    from .report.build import build_report

    outcome = run_collectors(case_dir)
    return outcome, build_report(case_dir, lang=lang, out_dir=out_dir, pdf=pdf, collectors_state=outcome,
                                 docx=docx, kind=kind)
