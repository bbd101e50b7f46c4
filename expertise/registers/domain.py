"""The registers domain as the core sees it: émargement, voter list, paper votes, key holders."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from ..domain import Domain, SectionSpec
from ..i18n import msg
from .cli import command
from .config import Registers
from .rules import RULES


def _collect(case: Any, argv: Sequence[str]) -> list[Any]:
    from .collector import collect

    return collect(case, argv)


def _declared(case: Any) -> bool:
    from .collector import declared

    return declared(case)


DOMAIN = Domain(
    name="registers",
    rules=RULES,
    sections={"registers": SectionSpec(Registers | None)},
    declared=_declared,
    collect=_collect,
    command=command,
    report_template="report.html.j2",
    chapter=msg("registers.report.chapter"),
    producer_label=msg("registers.report.producer"),
    chapter_rank=3,
    anchor="registers",
    package=Path(__file__).parent,
)
