"""What the case's own rules look at: the risk level chosen against the grid, the expert's
declarations, and the state of the journal of operations — plain values taken from the case,
the risk score and the journal check, so that a test can state an observation in one line."""

from __future__ import annotations



from ..case import Case, Independence
from ..catalogue import RiskGrid
from ..domain import Observation
from ..i18n import Message
from ..journal import JournalReport
from ..risk import RiskScore




class JournalFault(Observation):
    """Where the journal is broken (``seq`` when the entry could be read, else its ``line``) and why."""

    line: int
    seq: int | None
    problem: Message | str


class ElectorateAnswer(Observation):
    """A grid statement about the number of people voting, as the case answers it."""

    statement: str  # its id (q02)
    below: int  # the statement says fewer than this many people take part
    answer: bool


class CaseObservation(Observation):
    chosen_level: int
    score: int  # of the answered statements of the risk grid
    computed_level: int | None  # None while the grid is incomplete
    floor: int  # the level the answered statements already reach
    ceiling: int | None  # the level if every unanswered statement scored
    unanswered: tuple[str, ...]  # statement ids
    justification: str
    expert: str | None  # None: unanswered
    independence: Independence
    journal_entries: int
    journal_head: str
    journal_faults: tuple[JournalFault, ...] = ()
    changed_inputs: tuple[Message, ...] = ()  # inputs changed since collected (journal.InputChange)
    # the declarations cross-checked with each other
    electorate: int = 0
    provider: str = ""
    electorate_answers: tuple[ElectorateAnswer, ...] = ()
    pentests: int = 0  # [[pentest]] entries: operations annexed (issue 13)


def observe(case: Case, risk: RiskScore, journal: JournalReport, grid: RiskGrid) -> CaseObservation:
    return CaseObservation(
        chosen_level=case.level, score=risk.score, computed_level=risk.computed_level,
        floor=grid.level_for(risk.score), ceiling=risk.max_level_if_unanswered_score,
        unanswered=tuple(risk.missing), justification=case.data.risk.justification,
        expert=case.data.expert.name, independence=case.data.expert.independence,
        journal_entries=journal.entries, journal_head=journal.head,
        journal_faults=tuple(JournalFault(line=p.line, seq=p.seq, problem=p.message) for p in journal.problems),
        changed_inputs=tuple(change.describe() for change in journal.stale_results),
        electorate=case.data.election.electorate, provider=case.data.election.provider,
        electorate_answers=tuple(ElectorateAnswer(statement=s.id, below=s.electorate_below,
                                                  answer=case.data.risk.answers[s.id])
                                 for s in grid.statements
                                 if s.electorate_below is not None and s.id in case.data.risk.answers),
        pentests=len(case.data.pentest))
