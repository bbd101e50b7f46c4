"""The seal domain as the core sees it: fingerprints of what ran, re-checkable with stock tools."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Sequence

from ..domain import Domain, SectionSpec
from ..i18n import msg
from .cli import command
from .config import Seal
from .rules import RULES


def _collect(case: Any, argv: Sequence[str]) -> list[Any]:
    from .collector import collect

    return collect(case, argv)


def _demo(case_dir: Path) -> AbstractContextManager[None]:
    from .demo import prepare

    return prepare(case_dir)


DOMAIN = Domain(
    name="seal",
    rules=RULES,
    sections={"seal": SectionSpec(Seal | None)},
    declared=lambda case: case.data.seal is not None,
    collect=_collect,
    command=command,
    report_template="report.html.j2",
    chapter=msg("seal.report.chapter"),
    producer_label=msg("seal.report.producer"),
    chapter_rank=4,
    anchor="aposteriori",
    demo=_demo,
    package=Path(__file__).parent,
)
