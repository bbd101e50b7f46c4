"""Rules on the case itself: risk level choice, expert independence, journal integrity."""

from __future__ import annotations

from typing import Any, Iterator

from ..domain import Rule
from ..i18n import Message, msg
from ..results import Result, Status
from .observation import CaseObservation

# The independence criteria of the recommendation, by their case.toml names.
_CRITERIA = {
    "security_specialist": msg("case.criterion.security_specialist"),
    "no_interest_in_provider": msg("case.criterion.no_interest_in_provider"),
    "no_interest_in_organiser": msg("case.criterion.no_interest_in_organiser"),
}


def risk_level_choice(obs: CaseObservation) -> Iterator[Result]:
    chosen = obs.chosen_level
    details = {"score": obs.score, "chosen_level": chosen, "computed_level": obs.computed_level,
               "missing": list(obs.unanswered)}
    if obs.computed_level is not None:
        computed = obs.computed_level
        if chosen < computed:
            yield Result("RISK-001", Status.FAIL, msg("case.risk_001.below_computed", chosen=chosen,
                                                      computed=computed, score=obs.score),
                         subject="risk", details=details)
        else:
            yield Result("RISK-001", Status.PASS, msg("case.risk_001.not_below", chosen=chosen, computed=computed,
                                                      score=obs.score),
                         subject="risk", details=details)
        return
    ceiling = obs.ceiling or obs.floor
    missing = len(obs.unanswered)
    if chosen < obs.floor:
        yield Result("RISK-001", Status.FAIL, msg("case.risk_001.below_answered", chosen=chosen, floor=obs.floor,
                                                  score=obs.score, unanswered=missing),
                     subject="risk", details=details)
    elif chosen < ceiling:
        yield Result("RISK-001", Status.MANUAL, msg("case.risk_001.may_be_below", chosen=chosen, count=missing,
                                                    statements=list(obs.unanswered), ceiling=ceiling),
                     subject="risk", details=details)
    else:
        yield Result("RISK-001", Status.PASS, msg("case.risk_001.highest", chosen=chosen), subject="risk",
                     details=details)


def risk_grid_complete(obs: CaseObservation) -> Iterator[Result]:
    if not obs.unanswered:
        yield Result("RISK-002", Status.PASS, msg("case.risk_002.pass"), subject="risk")
    else:
        yield Result("RISK-002", Status.FAIL, msg("case.risk_002.fail", statements=list(obs.unanswered)),
                     subject="risk", details={"missing": list(obs.unanswered)})


def risk_justified(obs: CaseObservation) -> Iterator[Result]:
    if obs.justification.strip():
        yield Result("RISK-003", Status.PASS, msg("case.risk_003.pass"), subject="risk")
    else:
        yield Result("RISK-003", Status.FAIL, msg("case.risk_003.fail"), subject="risk")


def expert_independence(obs: CaseObservation) -> Iterator[Result]:
    missing = [name for name in _CRITERIA if not getattr(obs.independence, name)]
    if missing:
        criteria: list[Any] = [_CRITERIA[name] for name in missing]
        yield Result("EXPERT-001", Status.FAIL, msg("case.expert_001.fail", criteria=criteria),
                     subject=obs.expert, details={"missing": missing})
    else:
        yield Result("EXPERT-001", Status.PASS, msg("case.expert_001.pass"), subject=obs.expert)


def expert_experience(obs: CaseObservation) -> Iterator[Result]:
    vendors = sorted({v.strip() for v in obs.independence.vendors_examined if v.strip()})
    if len(vendors) >= 2:
        yield Result("EXPERT-002", Status.PASS, msg("case.expert_002.pass", count=len(vendors)),
                     subject=obs.expert, details={"vendors": vendors})
    else:
        yield Result("EXPERT-002", Status.FAIL, msg("case.expert_002.fail", count=len(vendors)),
                     subject=obs.expert, details={"vendors": vendors})


def journal_intact(obs: CaseObservation) -> Iterator[Result]:
    if not obs.journal_faults:
        yield Result("JOURNAL-001", Status.PASS,
                     msg("case.journal_001.pass", count=obs.journal_entries, head=obs.journal_head[:16]),
                     subject="journal.jsonl", details={"entries": obs.journal_entries, "head": obs.journal_head})
        return
    first = obs.journal_faults[0]
    where: Message = (msg("case.journal_001.at_entry", seq=first.seq) if first.seq
                      else msg("case.journal_001.at_line", line=first.line))
    yield Result("JOURNAL-001", Status.FAIL, msg("case.journal_001.fail", where=where, problem=first.problem),
                 subject="journal.jsonl",
                 details={"problems": [{"line": f.line, "seq": f.seq, "message": str(f.problem)}
                                       for f in obs.journal_faults[:20]]})


RULES: tuple[Rule[Any], ...] = (
    Rule("RISK-001", risk_level_choice),
    Rule("RISK-002", risk_grid_complete),
    Rule("RISK-003", risk_justified),
    Rule("EXPERT-001", expert_independence),
    Rule("EXPERT-002", expert_experience),
    Rule("JOURNAL-001", journal_intact),
)
