"""The board domain as the core sees it: an independent replay of the public bulletin board."""

from __future__ import annotations

from pathlib import Path

from ..domain import Domain, SectionSpec, deferred
from ..i18n import msg
from .cli import command
from .config import Board
from .rules import RULES, WATCH_RULES


DOMAIN = Domain(
    name="board",
    rules=RULES + WATCH_RULES,
    sections={"board": SectionSpec(Board | None, per_box=True)},
    declared=lambda case: case.data.board is not None,
    collect=deferred(f"{__package__}.collector", "collect"),
    command=command,
    report_template="report.html.j2",
    chapter=msg("board.report.chapter"),
    producer_label=msg("board.report.producer"),
    chapter_rank=2,
    anchor="board",
    demo=deferred(f"{__package__}.demo", "prepare"),
    package=Path(__file__).parent,
)
