"""The explicit registry of rules, by check id.

No registration by import side effect: each domain module exposes a ``RULES`` tuple and
this module lists the domain modules by hand, so a test can compare the registry with the
catalogue and fail on an id that exists on one side only.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..catalogue import Catalogue
from ..errors import CatalogueError
from ..results import Result, Status

RuleFunction = Callable[[Any], Iterable[Result]]


@dataclass(frozen=True)
class Rule:
    """A pure function from one domain's observation to results for one check id."""

    check_id: str
    domain: str
    evaluate: RuleFunction


def all_rules() -> dict[str, Rule]:
    from . import board, case_rules, probe, registers, seal

    registry: dict[str, Rule] = {}
    for module in (case_rules, seal, board, probe, registers):
        for rule in module.RULES:
            if rule.check_id in registry:
                raise CatalogueError(f"rule {rule.check_id} registered twice")
            registry[rule.check_id] = rule
    return registry


def rules_for(domain: str) -> list[Rule]:
    return [rule for rule in all_rules().values() if rule.domain == domain]


def check_registry_matches(catalogue: Catalogue) -> tuple[set[str], set[str]]:
    """(ids with metadata but no rule, ids with a rule but no metadata)."""
    registered = set(all_rules())
    described = set(catalogue.checks)
    return described - registered, registered - described


def evaluate(domain: str, observation: Any, catalogue: Catalogue) -> list[Result]:
    """Run every rule of a domain; a rule that crashes gives an ``error`` result, not a crash."""
    results: list[Result] = []
    for rule in rules_for(domain):
        try:
            produced = list(rule.evaluate(observation))
        except Exception as exc:  # a defect in a rule must not hide the other checks
            produced = [Result(rule.check_id, Status.ERROR,
                               f"internal error in rule {rule.check_id}: {type(exc).__name__}: {exc}",
                               details={"traceback": traceback.format_exc(limit=5)},
                               messages={"fr": f"erreur interne de la règle {rule.check_id} : "
                                               f"{type(exc).__name__} : {exc}"})]
        for result in produced:
            if result.check_id != rule.check_id:
                raise CatalogueError(f"rule {rule.check_id} produced a result for {result.check_id}")
            results.append(catalogue.enrich(result))
    return results
