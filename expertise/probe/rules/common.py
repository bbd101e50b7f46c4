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

from ...results import Result, Status
from ...domain import Rule
from ...wording import plural_s
from ..observations import ProbeObservation
from ..french import reason_fr

DOMAIN = "probe"


@dataclass(frozen=True)
class Outcome:
    """A rule's verdict: the English sentence (results.json) and the French one (the report)."""

    status: Status
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    evidence_filter: Sequence[str] = ()  # keep only evidence files whose name contains one of these
    fr: str = ""


# ``fr`` is keyword-only and required: a rule cannot produce a verdict without its French wording.

def passed(message: str, *, fr: str, **details: Any) -> Outcome:
    return Outcome(Status.PASS, message, details, fr=fr)


def failed(message: str, *, fr: str, **details: Any) -> Outcome:
    return Outcome(Status.FAIL, message, details, fr=fr)


def untested(message: str, *, fr: str, **details: Any) -> Outcome:
    return Outcome(Status.ERROR, message, details, fr=fr)


def not_applicable(message: str, *, fr: str, **details: Any) -> Outcome:
    return Outcome(Status.NOT_APPLICABLE, message, details, fr=fr)


def informational(message: str, *, fr: str, **details: Any) -> Outcome:
    return Outcome(Status.INFORMATIONAL, message, details, fr=fr)


def manual(message: str, *, fr: str, **details: Any) -> Outcome:
    return Outcome(Status.MANUAL, message, details, fr=fr)


def could_not_test(reason: str | None) -> tuple[str, str]:
    """("could not test: …", "test impossible : …") for a collector's reason."""
    reason = reason or "no answer"
    return f"could not test: {reason}", f"test impossible : {reason_fr(reason)}"


def _messages(fr: str) -> dict[str, str]:
    return {"fr": fr} if fr else {}


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
                english, french = could_not_test(observed.error)
                return [Result(check_id, Status.ERROR, english, subject=subject(observed),
                               evidence=tuple(observed.evidence), messages=_messages(french))]
            outcome = function(observed)
            if outcome is None:
                return []
            return [Result(check_id, outcome.status, outcome.message, subject=subject(observed),
                           evidence=_evidence(observed.evidence, outcome.evidence_filter),
                           details=outcome.details, messages=_messages(outcome.fr))]

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


def listing(items: Iterable[str], limit: int = 8, lang: str = "en") -> str:
    """The first ``limit`` distinct items, and how many more there are."""
    items = list(dict.fromkeys(items))
    shown = ", ".join(items[:limit])
    more = len(items) - limit
    if more <= 0:
        return shown
    return shown + (f" (+{more} autre{plural_s(more)})" if lang == "fr" else f" (+{more} more)")


def listing_fr(items: Iterable[str], limit: int = 8) -> str:
    return listing(items, limit, "fr")
