"""Runs the board collector for `expertise audit` (placeholder until the board issue lands)."""

from __future__ import annotations

from typing import Sequence

from ..case import Case
from ..collectors import Collector
from ..journal import ResultSet


def _declared(case: Case) -> bool:
    return case.data.board is not None


def _run(case: Case, argv: Sequence[str]) -> list[ResultSet]:
    raise NotImplementedError("the board collector is not available yet")


COLLECTOR = Collector("board", _declared, _run)
