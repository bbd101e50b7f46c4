"""The domains, listed once. Adding a domain is one package and one line here.

Each line names the module holding a domain's ``DOMAIN`` object. The order is the order of
collection in ``expertise audit``: registers last, because they are compared with the board
just replayed.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from typing import Any

from .domain import Domain, Rule
from .i18n import msg

DOMAIN_MODULES: tuple[str, ...] = (
    "expertise.case_checks.domain",
    "expertise.seal.domain",
    "expertise.probe.domain",
    "expertise.board.domain",
    "expertise.registers.domain",
    "expertise.distribution.domain",
    "expertise.retention.domain",
)


@lru_cache(maxsize=1)
def all_domains() -> tuple[Domain, ...]:
    domains = tuple(import_module(name).DOMAIN for name in DOMAIN_MODULES)
    names = [d.name for d in domains]
    if len(set(names)) != len(names):
        from .errors import CatalogueError

        raise CatalogueError(msg("core.domain.duplicate", names=names))
    return domains


def forget() -> None:
    """Drop what was derived from the list of domains (for a test that adds a toy domain)."""
    from . import case, i18n

    all_domains.cache_clear()
    case.case_model.cache_clear()
    i18n.catalogue.cache_clear()


def chapter_domains() -> list[Domain]:
    """The domains that have a chapter in the report, in the report's order."""
    return sorted((d for d in all_domains() if d.report_template), key=lambda d: d.chapter_rank)


def collecting_domains() -> list[Domain]:
    return [d for d in all_domains() if d.collect is not None]


def all_rules() -> dict[str, Rule[Any]]:
    """Every rule by check id; an id registered twice is a development defect."""
    from .errors import CatalogueError

    registry: dict[str, Rule[Any]] = {}
    for domain in all_domains():
        for one in domain.rules:
            if one.check_id in registry:
                raise CatalogueError(msg("core.rule.registered_twice", check=one.check_id))
            registry[one.check_id] = one
    return registry


def check_registry_matches(catalogue: Any) -> tuple[set[str], set[str]]:
    """(ids with metadata but no rule, ids with a rule but no metadata)."""
    registered = set(all_rules())
    described = set(catalogue.checks)
    return described - registered, registered - described
