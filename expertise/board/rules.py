"""Rules of the board domain: one check per step of the replay, and the watch during the vote.

Pure functions over typed observations (:mod:`.observation`): a replay's step accounts, or a
watch's summary. A step that passed gives ``pass``; a step that found a defect ``fail`` with
its first discrepancies; a step that could not run for want of input (no snapshot, no tally
yet…) ``error`` ("could not test") with the reason, so that an untested point never reads as
a passed one.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from ..domain import Rule
from ..i18n import Message, msg
from ..results import Result, Status
from .observation import ReplayObservation, StepData, WatchObservation

# Each step of the replay and its check.
STEP_CHECKS: tuple[tuple[str, str], ...] = (
    ("BOARD-001", "archive"),
    ("BOARD-002", "election"),
    ("BOARD-003", "group"),
    ("BOARD-004", "trustees"),
    ("BOARD-005", "credentials"),
    ("BOARD-006", "credential_authority"),
    ("BOARD-007", "ballots"),
    ("BOARD-008", "revotes"),
    ("BOARD-009", "duplicates"),
    ("BOARD-010", "tally"),
    ("BOARD-011", "shuffles"),
    ("BOARD-012", "decryptions"),
    ("BOARD-013", "result"),
    ("BOARD-014", "snapshot"),
    ("BOARD-015", "membership"),
    ("BOARD-016", "timing"),
)

_STATUS = {
    "pass": Status.PASS,
    "fail": Status.FAIL,
    "not_verifiable": Status.ERROR,
    "not_applicable": Status.NOT_APPLICABLE,
}
_STATUS_NAMES = {
    "pass": msg("board.status.pass"),
    "fail": msg("board.status.fail"),
    "not_verifiable": msg("board.status.not_verifiable"),
    "not_applicable": msg("board.status.not_applicable"),
}


def _message(step: StepData) -> Message:
    if step.status == "fail":
        if step.failures:
            first = step.failures[0].to_message()
            more = step.failures_total - 1
            return msg("board.rule.fail_more", finding=first, count=more) if more > 0 else first
        return step.summary.to_message() if step.summary else msg("board.rule.failed")
    if step.status == "not_verifiable":
        return msg("board.rule.not_verifiable", reason=step.summary.to_message() if step.summary
                   else msg("board.rule.input_missing"))
    return step.summary.to_message() if step.summary else _STATUS_NAMES[step.status]


def step_rule(check_id: str, step_id: str) -> Callable[[ReplayObservation], Iterator[Result]]:
    def evaluate(observation: ReplayObservation) -> Iterator[Result]:
        """One step of the replay as a result."""
        step = observation.report.step(step_id)
        if step is None:
            yield Result(check_id, Status.ERROR, msg("board.rule.step_missing", step=step_id),
                         subject=observation.subject, evidence=observation.evidence)
            return
        details: dict[str, Any] = {"step": step_id, "counts": step.counts}
        if step.failures:
            details["findings"] = [f.model_dump() for f in step.failures[:10]]
            details["findings_total"] = step.failures_total
        if step.notes:
            details["notes"] = [n.model_dump() for n in step.notes]
        yield Result(check_id, _STATUS[step.status], _message(step), subject=observation.subject,
                     evidence=observation.evidence, details=details)

    evaluate.__name__ = f"board_{step_id}"
    return evaluate


def watch_integrity(observation: WatchObservation) -> Iterator[Result]:
    """BOARD-017: every snapshot of the watch extended the previous one and its new ballots verified."""
    failures = observation.failures
    details = {"snapshots": observation.snapshots, "ballots": observation.ballots, "from": observation.started,
               "to": observation.last, "findings": [f.model_dump() for f in failures[:10]]}
    common: dict[str, Any] = {"subject": observation.source, "evidence": observation.evidence, "details": details}
    if failures:
        first = failures[0]
        more = max(len(failures), observation.failures_total) - 1
        found = msg("board.watch.rule.failure", time=first.time, finding=first.to_message())
        yield Result("BOARD-017", Status.FAIL, msg("board.rule.fail_more", finding=found, count=more) if more > 0
                     else found, **common)
    elif observation.snapshots < 2:
        yield Result("BOARD-017", Status.ERROR, msg("board.watch.rule.too_few", count=observation.snapshots), **common)
    else:
        yield Result("BOARD-017", Status.PASS, msg("board.watch.rule.pass", count=observation.snapshots,
                                                   started=observation.started, last=observation.last,
                                                   ballots=observation.ballots), **common)


# The replay's rules (one per step) and the watch's: two observations, two tuples.
RULES: tuple[Rule[ReplayObservation], ...] = tuple(Rule(check_id, step_rule(check_id, step_id))
                                                   for check_id, step_id in STEP_CHECKS)
WATCH_RULES: tuple[Rule[WatchObservation], ...] = (Rule("BOARD-017", watch_integrity),)
