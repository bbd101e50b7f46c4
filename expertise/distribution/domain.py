"""The credential distribution domain as the core sees it."""

from __future__ import annotations

from pathlib import Path

from ..domain import Domain, SectionSpec, deferred
from ..i18n import msg
from .cli import command
from .config import Distribution
from .rules import RULES

DOMAIN = Domain(
    name="distribution",
    rules=RULES,
    sections={"distribution": SectionSpec(Distribution | None)},
    declared=lambda case: case.data.distribution is not None,
    collect=deferred(f"{__package__}.collector", "collect"),
    command=command,
    report_template="report.html.j2",
    chapter=msg("distribution.report.chapter"),
    producer_label=msg("distribution.report.producer"),
    chapter_rank=5,
    anchor="distribution",
    package=Path(__file__).parent,
)
