"""Runs the seal collector for `expertise audit` (placeholder until the seal issue lands)."""

from __future__ import annotations

from typing import Sequence

from ..case import Case
from ..collectors import Collector
from ..journal import ResultSet


def _declared(case: Case) -> bool:
    return case.data.seal is not None


def _run(case: Case, argv: Sequence[str]) -> list[ResultSet]:
    raise NotImplementedError("the seal collector is not available yet")


COLLECTOR = Collector("seal", _declared, _run)
