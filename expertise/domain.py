"""The contracts between the core and a domain (seal, probe, board, registers, the case itself).

A domain is one package that exposes one :class:`Domain`; ``expertise/domains.py`` lists them,
and the core (case.toml, ``audit``, the CLI, ``demo``, the report) reads everything it needs
from that list and imports nothing else from the domains. A rule is a :class:`Rule`: a pure,
typed function from the domain's observation to results, registered by check id in the
domain's ``RULES`` tuple — no registration by import side effect, so a test can compare the
rules with the check catalogue.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Generic, Iterable, Mapping, Sequence, TypeVar

from pydantic import BaseModel, ConfigDict

from .i18n import Message, msg
from .results import Result, Status

if TYPE_CHECKING:
    import click

    from .case import Case
    from .journal import ResultSet

Obs = TypeVar("Obs", contravariant=True)


class Observation(BaseModel):
    """What a collector saw, as its rules read it: every domain's observation is one of these
    (frozen, unknown fields refused), so a recorded observation can be replayed in a test."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class Section(BaseModel):
    """A ``case.toml`` section. Strict: TOML has types, and a value of the wrong one is a mistake
    to name, not to guess ("11" for 11, "true" for true); unknown keys are refused so that a typo
    never silently drops a declaration."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


@dataclass(frozen=True)
class Rule(Generic[Obs]):
    """One check id and the pure function that produces its results."""

    check_id: str
    evaluate: Callable[[Obs], Iterable[Result]]


@dataclass(frozen=True)
class SectionSpec:
    """A ``case.toml`` section a domain owns: its model and its value when absent."""

    model: Any  # a Section subclass, ``X | None`` or ``list[X]``
    default: Any = None
    default_factory: Callable[[], Any] | None = None
    per_box: bool = False  # also a key of each ``[[box]]`` (a board, registers): read once per ballot box


@dataclass(frozen=True)
class Domain:
    """Everything the core knows of a domain.

    ``name`` is the producer of its result sets and the key of its report chapter;
    ``sections`` the ``case.toml`` sections it owns; ``declared`` says whether a case asks for it
    (``audit`` runs ``collect`` only then); ``command`` is its ``expertise <name>`` group;
    ``report_template`` its chapter, a Jinja2 file beside its code; ``chapter`` the chapter's title; ``demo`` a context manager that prepares its part of the demo case.
    """

    name: str
    rules: tuple[Rule[Any], ...] = ()
    sections: Mapping[str, SectionSpec] = field(default_factory=dict)
    declared: Callable[["Case"], bool] | None = None
    collect: Callable[["Case", Sequence[str]], list["ResultSet"]] | None = None
    command: "click.Command | None" = None
    report_template: str = ""
    chapter: Message | None = None
    producer_label: Message | None = None  # what made a result set, in the report's table of sources
    anchor: str = ""
    chapter_rank: int = 0  # the chapters' order in the report (collection order differs)
    demo: Callable[[Path], ContextManager[Any]] | None = None
    package: Path | None = None  # the domain's folder: its report template and its locale/*.po

    def is_declared(self, case: "Case") -> bool:
        return self.collect is not None and self.declared is not None and self.declared(case)


def deferred(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, imported on the first call: a domain's collector and demo pull in their
    tools (sslyze, dask, servers…), which the commands that only read a case should not pay for."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(import_module(module), name)(*args, **kwargs)

    call.__qualname__ = f"{module}.{name}"
    return call


def evaluate(rules: Sequence[Rule[Any]], observation: Any, catalogue: Any) -> list[Result]:
    """Run rules on one observation; a rule that crashes gives an ``error`` result, not a crash,
    so that a defect in one check never hides the others."""
    from .errors import CatalogueError

    results: list[Result] = []
    for one in rules:
        try:
            produced = list(one.evaluate(observation))
        except Exception as exc:  # noqa: BLE001 — reported as the rule's own "could not test"
            produced = [Result(one.check_id, Status.ERROR,
                               msg("core.rule.internal_error", check=one.check_id, error=type(exc).__name__,
                                   detail=str(exc)),
                               details={"traceback": traceback.format_exc(limit=5)})]
        for result in produced:
            if result.check_id != one.check_id:
                raise CatalogueError(msg("core.rule.wrong_check_id", check=one.check_id, produced=result.check_id))
            results.append(catalogue.enrich(result))
    return results
