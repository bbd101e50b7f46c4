"""Runs the probe collector for `expertise audit` (placeholder until the probe issue lands)."""

from __future__ import annotations

from typing import Sequence

from ..case import Case
from ..collectors import Collector
from ..journal import ResultSet


def _declared(case: Case) -> bool:
    return case.data.probe is not None


def _run(case: Case, argv: Sequence[str]) -> list[ResultSet]:
    raise NotImplementedError("the probe collector is not available yet")


COLLECTOR = Collector("probe", _declared, _run)
