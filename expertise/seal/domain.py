"""The seal domain as the core sees it: fingerprints of what ran, re-checkable with stock tools."""

from __future__ import annotations

from pathlib import Path

from ..domain import Domain, SectionSpec, deferred
from ..i18n import msg
from .cli import command
from .config import Seal
from .rules import RULES


DOMAIN = Domain(
    name="seal",
    rules=RULES,
    sections={"seal": SectionSpec(Seal | None)},
    declared=lambda case: case.data.seal is not None,
    collect=deferred(f"{__package__}.collector", "collect"),
    command=command,
    report_template="report.html.j2",
    chapter=msg("seal.report.chapter"),
    producer_label=msg("seal.report.producer"),
    chapter_rank=4,
    anchor="aposteriori",
    demo=deferred(f"{__package__}.demo", "prepare"),
    package=Path(__file__).parent,
)
