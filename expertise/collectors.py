"""The contract between `expertise audit` and the domain collectors (seal, probe, board…).

A collector touches the outside world, stores what it saw as evidence, runs its domain's
rules and journals one operation per source. `audit` only asks each collector whether the
case declares its section and then runs it; it knows nothing of the domains.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from .case import Case
from .journal import ResultSet


@dataclass(frozen=True)
class Collector:
    name: str
    declared: Callable[[Case], bool]
    run: Callable[[Case, Sequence[str]], list[ResultSet]]


def all_collectors() -> list[Collector]:
    from .board.collector import COLLECTOR as board
    from .probe.collector import COLLECTOR as probe
    from .registers.collector import COLLECTOR as registers
    from .seal.collector import COLLECTOR as seal

    # registers last: it compares the émargement list with the board just replayed
    return [seal, probe, board, registers]
