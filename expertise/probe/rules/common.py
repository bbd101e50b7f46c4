"""Shared plumbing of the probe rules: absent part → no result, unobserved part → error.

Each family decorator turns a small pure function ``part -> Outcome | None`` into a
:class:`~expertise.domain.Rule`. The decorator, not the rule, handles the two
cases every rule must treat identically: the service is not part of this target (no
result at all) and the service could not be observed (``error``, "could not test", with
the collector's reason) — so no rule can turn an unreachable server into a "fail".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from ...domain import Rule
from ...i18n import Arg, Message, msg
from ...results import Result, Status
from ..observations import ProbeObservation


@dataclass(frozen=True)
class Outcome:
    """A rule's verdict: its status and its message (a code with its arguments)."""

    status: Status
    message: Message
    details: dict[str, Any] = field(default_factory=dict)
    evidence_filter: Sequence[str] = ()  # keep only evidence files whose name contains one of these


def passed(message: Message, **details: Any) -> Outcome:
    return Outcome(Status.PASS, message, details)


def failed(message: Message, **details: Any) -> Outcome:
    return Outcome(Status.FAIL, message, details)


def untested(message: Message, **details: Any) -> Outcome:
    return Outcome(Status.ERROR, message, details)


def not_applicable(message: Message, **details: Any) -> Outcome:
    return Outcome(Status.NOT_APPLICABLE, message, details)


def informational(message: Message, **details: Any) -> Outcome:
    return Outcome(Status.INFORMATIONAL, message, details)


def manual(message: Message, **details: Any) -> Outcome:
    return Outcome(Status.MANUAL, message, details)


def reason_or_no_answer(reason: Message | None) -> Message:
    return reason if reason is not None else msg("probe.reason.no_answer")


def _evidence(files: Iterable[str], keep: Sequence[str]) -> tuple[str, ...]:
    files = tuple(files)
    if not keep:
        return files
    chosen = tuple(f for f in files if any(k in f for k in keep))
    return chosen or files


def family_rule(check_id: str, part: str, subject: Callable[[Any], str]) -> Callable[[Callable[[Any], Outcome | None]], Rule]:
    def decorate(function: Callable[[Any], Outcome | None]) -> Rule:
        def run(observation: ProbeObservation) -> list[Result]:
            observed = getattr(observation, part)
            if observed is None:
                return []
            if observed.error:
                return [Result(check_id, Status.ERROR, msg("probe.rule.could_not_test", reason=observed.error),
                               subject=subject(observed), evidence=tuple(observed.evidence))]
            outcome = function(observed)
            if outcome is None:
                return []
            return [Result(check_id, outcome.status, outcome.message, subject=subject(observed),
                           evidence=_evidence(observed.evidence, outcome.evidence_filter), details=outcome.details)]

        run.__name__ = function.__name__
        run.__doc__ = function.__doc__
        return Rule(check_id, run)

    return decorate


def tls_rule(check_id: str) -> Callable[[Callable[[Any], Outcome | None]], Rule]:
    return family_rule(check_id, "tls", lambda tls: tls.endpoint)


def http_rule(check_id: str) -> Callable[[Callable[[Any], Outcome | None]], Rule]:
    return family_rule(check_id, "http", lambda http: http.url)


def ssh_rule(check_id: str) -> Callable[[Callable[[Any], Outcome | None]], Rule]:
    return family_rule(check_id, "ssh", lambda ssh: ssh.endpoint)


def ports_rule(check_id: str) -> Callable[[Callable[[Any], Outcome | None]], Rule]:
    return family_rule(check_id, "ports", lambda ports: ports.host)


def listing(items: Iterable[Arg], limit: int = 8) -> Arg:
    """The first ``limit`` distinct items (a list, joined the report language's way), and how many more."""
    unique: list[Arg] = []
    for item in items:  # messages are not hashable: keep the first of equal items, in order
        if item not in unique:
            unique.append(item)
    items = unique
    more = len(items) - limit
    if more <= 0:
        return items
    return msg("probe.list.more", items=items[:limit], count=more)
