"""Shared plumbing of the probe rules: absent part → no result, unobserved part → error.

Each family decorator turns a small pure function ``part -> Outcome | None`` into a
:class:`~expertise.rules.registry.Rule`. The decorator, not the rule, handles the two
cases every rule must treat identically: the service is not part of this target (no
result at all) and the service could not be observed (``error``, "could not test", with
the collector's reason) — so no rule can turn an unreachable server into a "fail".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from ...results import Result, Status
from ...rules.registry import Rule
from ..observations import ProbeObservation

DOMAIN = "probe"


@dataclass(frozen=True)
class Outcome:
    status: Status
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    evidence_filter: Sequence[str] = ()  # keep only evidence files whose name contains one of these


def passed(message: str, **details: Any) -> Outcome:
    return Outcome(Status.PASS, message, details)


def failed(message: str, **details: Any) -> Outcome:
    return Outcome(Status.FAIL, message, details)


def untested(message: str, **details: Any) -> Outcome:
    return Outcome(Status.ERROR, message, details)


def not_applicable(message: str, **details: Any) -> Outcome:
    return Outcome(Status.NOT_APPLICABLE, message, details)


def informational(message: str, **details: Any) -> Outcome:
    return Outcome(Status.INFORMATIONAL, message, details)


def manual(message: str, **details: Any) -> Outcome:
    return Outcome(Status.MANUAL, message, details)


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
                return [Result(check_id, Status.ERROR, f"could not test: {observed.error}",
                               subject=subject(observed), evidence=tuple(observed.evidence))]
            outcome = function(observed)
            if outcome is None:
                return []
            return [Result(check_id, outcome.status, outcome.message, subject=subject(observed),
                           evidence=_evidence(observed.evidence, outcome.evidence_filter),
                           details=outcome.details)]

        run.__name__ = function.__name__
        run.__doc__ = function.__doc__
        return Rule(check_id, DOMAIN, run)

    return decorate


def tls_rule(check_id: str) -> Callable[[Callable[[Any], Outcome | None]], Rule]:
    return family_rule(check_id, "tls", lambda tls: tls.endpoint)


def http_rule(check_id: str) -> Callable[[Callable[[Any], Outcome | None]], Rule]:
    return family_rule(check_id, "http", lambda http: http.url)


def ssh_rule(check_id: str) -> Callable[[Callable[[Any], Outcome | None]], Rule]:
    return family_rule(check_id, "ssh", lambda ssh: ssh.endpoint)


def ports_rule(check_id: str) -> Callable[[Callable[[Any], Outcome | None]], Rule]:
    return family_rule(check_id, "ports", lambda ports: ports.host)


def listing(items: Iterable[str], limit: int = 8) -> str:
    items = list(dict.fromkeys(items))
    shown = ", ".join(items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")
