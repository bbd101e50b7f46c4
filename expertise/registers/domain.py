"""The registers domain as the core sees it: émargement, voter list, paper votes, key holders."""

from __future__ import annotations

from pathlib import Path

from ..domain import Domain, SectionSpec, deferred
from ..i18n import msg
from .cli import command
from .config import Registers
from .rules import RULES


DOMAIN = Domain(
    name="registers",
    rules=RULES,
    sections={"registers": SectionSpec(Registers | None, per_box=True)},
    declared=deferred(f"{__package__}.collector", "declared"),
    collect=deferred(f"{__package__}.collector", "collect"),
    command=command,
    demo=deferred(f"{__package__}.demo", "prepare"),
    report_template="report.html.j2",
    chapter=msg("registers.report.chapter"),
    producer_label=msg("registers.report.producer"),
    chapter_rank=3,
    anchor="registers",
    package=Path(__file__).parent,
)
