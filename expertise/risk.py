"""Scoring of the CNIL risk grid: the computed level the organiser's choice is compared to."""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import GridStatement, RiskGrid


@dataclass(frozen=True)
class Answer:
    statement: GridStatement
    value: bool | None  # None: not answered
    points: int


@dataclass(frozen=True)
class RiskScore:
    answers: tuple[Answer, ...]
    score: int
    computed_level: int | None  # None when the grid is incomplete
    max_level_if_unanswered_score: int | None  # level if every missing answer scored

    @property
    def missing(self) -> list[str]:
        return [a.statement.id for a in self.answers if a.value is None]

    @property
    def complete(self) -> bool:
        return not self.missing


def score(grid: RiskGrid, answers: dict[str, bool]) -> RiskScore:
    rows = []
    total = 0
    for statement in grid.statements:
        value = answers.get(statement.id)
        points = 1 if value is not None and value == statement.risk_when else 0
        total += points
        rows.append(Answer(statement, value, points))
    missing = sum(1 for row in rows if row.value is None)
    computed = grid.level_for(total) if missing == 0 else None
    upper = grid.level_for(total + missing)
    return RiskScore(tuple(rows), total, computed, upper)
