"""Rules of the board domain: one check per step of the replay, and the watch during the vote.

Pure functions over the verification report that `board verify` writes (its ``--json``
output), wrapped as ``{"report": …, "subject": …, "evidence": […]}`` by the collector; the
watch rule reads the watch's own summary. A step that passed gives ``pass``; a step that
found a defect ``fail`` with its first findings; a step that could not run for want of
input (no snapshot, no tally yet…) ``error`` ("could not test") with the reason, so that
an untested point never reads as a passed one.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from .french import field_fr, french, french_or_none, record_fr
from ..results import Result, Status
from ..domain import Rule

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


def _step(observation: Mapping[str, Any], step_id: str) -> Mapping[str, Any] | None:
    report = observation.get("report") or {}
    for step in report.get("steps", []):
        if step.get("id") == step_id:
            return step
    return None


def _message(step: Mapping[str, Any]) -> str:
    status = step.get("status")
    if status == "fail":
        failures = step.get("failures") or []
        total = step.get("failures_total", len(failures))
        if failures:
            first = failures[0]
            text = f"{first.get('record')}: {first.get('field')}: {first.get('message')}"
            return text if total <= 1 else f"{text} (and {total - 1} more finding(s))"
        return step.get("summary") or "failed"
    if status == "not_verifiable":
        return f"not verifiable: {step.get('summary') or 'input missing'}"
    return step.get("summary") or status or ""


_STATUS_FR = {"pass": "réussie", "fail": "échouée", "not_verifiable": "non vérifiable", "not_applicable": "sans objet"}


def _summary_fr(step: Mapping[str, Any]) -> str:
    """The step's account in French: the replay's own, else derived from the English one."""
    english = str(step.get("summary") or "")
    return str(step.get("summary_fr") or (french_or_none(english) if english else None) or "")


def _message_fr(step: Mapping[str, Any]) -> str:
    """The French twin of :func:`_message` (findings worded by :mod:`expertise.board.french`)."""
    status = str(step.get("status"))
    summary = _summary_fr(step)
    if status == "fail":
        failures = step.get("failures") or []
        total = step.get("failures_total", len(failures))
        if failures:
            first = failures[0]
            text = (f"{record_fr(str(first.get('record')))} : {field_fr(str(first.get('field')))} : "
                    f"{french(str(first.get('message')))}")
            return text if total <= 1 else f"{text} (et {total - 1} autre(s) constat(s))"
        return summary or "étape échouée"
    if status == "not_verifiable":
        return f"non vérifiable : {summary or 'élément manquant'}"
    return summary or f"étape {_STATUS_FR.get(status, status)}"


def step_rule(check_id: str, step_id: str):  # type: ignore[no-untyped-def]
    def evaluate(observation: Mapping[str, Any]) -> Iterator[Result]:
        subject = str(observation.get("subject", ""))
        evidence = tuple(observation.get("evidence", ()))
        step = _step(observation, step_id)
        if step is None:
            yield Result(check_id, Status.ERROR, f"the replay did not report the step {step_id!r}", subject=subject,
                         evidence=evidence)
            return
        details: dict[str, Any] = {"step": step_id, "counts": step.get("counts", {})}
        if step.get("failures"):
            details["findings"] = step["failures"][:10]
            details["findings_total"] = step.get("failures_total", len(step["failures"]))
        if step.get("notes"):
            details["notes"] = step["notes"]
        yield Result(check_id, _STATUS.get(str(step.get("status")), Status.ERROR), _message(step), subject=subject,
                     evidence=evidence, details=details, messages={"fr": _message_fr(step)})

    evaluate.__name__ = f"board_{step_id}"
    evaluate.__doc__ = f"BOARD step {step_id!r} of the replay, as a result."
    return evaluate


def watch_integrity(observation: Mapping[str, Any]) -> Iterator[Result]:
    """BOARD-017: every snapshot of the watch extended the previous one and its new ballots verified."""
    subject = str(observation.get("source", ""))
    evidence = tuple(observation.get("evidence", ()))
    failures = observation.get("failures") or []
    snapshots = int(observation.get("snapshots", 0))
    details = {"snapshots": snapshots, "ballots": observation.get("ballots"), "from": observation.get("started"),
               "to": observation.get("last"), "findings": failures[:10]}
    if failures:
        first = failures[0]
        more = len(failures) - 1
        message_fr = str(first.get("message_fr") or french(str(first.get("message"))))
        yield Result("BOARD-017", Status.FAIL, f"{first.get('time')}: {first.get('message')}"
                     + (f" (and {more} more)" if more else ""), subject=subject, evidence=evidence, details=details,
                     messages={"fr": f"{first.get('time')} : {message_fr}"
                               + (f" (et {more} autre(s) écart(s))" if more else "")})
    elif snapshots < 2:
        yield Result("BOARD-017", Status.ERROR, f"only {snapshots} snapshot(s) taken: nothing to compare yet",
                     subject=subject, evidence=evidence, details=details,
                     messages={"fr": f"seulement {snapshots} copie(s) de l’urne : rien à comparer encore"})
    else:
        yield Result("BOARD-017", Status.PASS, f"{snapshots} snapshots from {observation.get('started')} to "
                     f"{observation.get('last')}: each extended the previous one, the "
                     f"{observation.get('ballots')} ballot(s) verified", subject=subject, evidence=evidence,
                     details=details,
                     messages={"fr": f"{snapshots} copies de l’urne du {observation.get('started')} au "
                               f"{observation.get('last')} : chacune prolongeait la précédente, les "
                               f"{observation.get('ballots')} bulletin(s) sont valides"})


# The replay's rules (one per step) and the watch's: two observations, two tuples.
RULES: tuple[Rule[Any], ...] = tuple(Rule(check_id, step_rule(check_id, step_id))
                                     for check_id, step_id in STEP_CHECKS)
WATCH_RULES: tuple[Rule[Any], ...] = (Rule("BOARD-017", watch_integrity),)
