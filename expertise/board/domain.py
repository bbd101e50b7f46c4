"""The board domain as the core sees it: an independent replay of the public bulletin board."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Sequence

from ..domain import Domain, SectionSpec
from ..i18n import msg
from .cli import command
from .config import Board
from .rules import RULES, WATCH_RULES


def _collect(case: Any, argv: Sequence[str]) -> list[Any]:
    from .collector import collect

    return collect(case, argv)


def _demo(case_dir: Path) -> AbstractContextManager[None]:
    from .demo import prepare

    return prepare(case_dir)


DOMAIN = Domain(
    name="board",
    rules=RULES + WATCH_RULES,
    sections={"board": SectionSpec(Board | None)},
    declared=lambda case: case.data.board is not None,
    collect=_collect,
    command=command,
    report_template="report.html.j2",
    chapter=msg("board.report.chapter"),
    producer_label=msg("board.report.producer"),
    chapter_rank=2,
    anchor="board",
    demo=_demo,
    package=Path(__file__).parent,
)
