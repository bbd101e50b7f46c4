"""The domains, listed once. Adding a domain is one package and one line here.

The order is the order of collection in ``expertise audit``: registers last, because they are
compared with the board just replayed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .domain import Domain, Rule


@lru_cache(maxsize=1)
def all_domains() -> tuple[Domain, ...]:
    from .board.domain import DOMAIN as board
    from .case_checks.domain import DOMAIN as case
    from .probe.domain import DOMAIN as probe
    from .registers.domain import DOMAIN as registers
    from .seal.domain import DOMAIN as seal

    return (case, seal, probe, board, registers)


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
                raise CatalogueError(f"rule {one.check_id} registered twice")
            registry[one.check_id] = one
    return registry


def check_registry_matches(catalogue: Any) -> tuple[set[str], set[str]]:
    """(ids with metadata but no rule, ids with a rule but no metadata)."""
    registered = set(all_rules())
    described = set(catalogue.checks)
    return described - registered, registered - described
