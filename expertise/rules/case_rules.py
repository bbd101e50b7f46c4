"""Rules on the case itself: risk level choice, expert independence, journal integrity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ..case import Case
from ..catalogue import RiskGrid
from ..journal import JournalReport
from ..results import Result, Status
from ..risk import RiskScore
from .registry import Rule


@dataclass(frozen=True)
class CaseObservation:
    case: Case
    risk: RiskScore
    journal: JournalReport
    grid: RiskGrid


def risk_level_choice(obs: CaseObservation) -> Iterator[Result]:
    chosen = obs.case.level
    risk = obs.risk
    details = {"score": risk.score, "chosen_level": chosen, "computed_level": risk.computed_level,
               "missing": risk.missing}
    if risk.complete:
        assert risk.computed_level is not None
        if chosen < risk.computed_level:
            yield Result("RISK-001", Status.FAIL,
                         f"chosen level {chosen} is below the level {risk.computed_level} computed from the grid "
                         f"(score {risk.score}/10); in doubt, the higher level should be preferred",
                         subject="risk", details=details)
        else:
            yield Result("RISK-001", Status.PASS,
                         f"chosen level {chosen} is not below the computed level {risk.computed_level} "
                         f"(score {risk.score}/10)", subject="risk", details=details)
        return
    floor = obs.grid.level_for(risk.score)
    ceiling = risk.max_level_if_unanswered_score or floor
    if chosen < floor:
        yield Result("RISK-001", Status.FAIL,
                     f"chosen level {chosen} is below level {floor}, already reached by the answered statements "
                     f"(score {risk.score}/10 with {len(risk.missing)} unanswered)", subject="risk", details=details)
    elif chosen < ceiling:
        yield Result("RISK-001", Status.MANUAL,
                     f"chosen level {chosen} may be below the computed level: {len(risk.missing)} statement(s) "
                     f"unanswered ({', '.join(risk.missing)}) could raise it up to {ceiling}",
                     subject="risk", details=details)
    else:
        yield Result("RISK-001", Status.PASS,
                     f"chosen level {chosen} is the highest level the grid can give", subject="risk", details=details)


def risk_grid_complete(obs: CaseObservation) -> Iterator[Result]:
    if obs.risk.complete:
        yield Result("RISK-002", Status.PASS, "every statement of the risk grid is answered", subject="risk")
    else:
        yield Result("RISK-002", Status.FAIL,
                     f"risk grid incomplete: {', '.join(obs.risk.missing)} not answered", subject="risk",
                     details={"missing": obs.risk.missing})


def risk_justified(obs: CaseObservation) -> Iterator[Result]:
    text = obs.case.data.risk.justification.strip()
    if text:
        yield Result("RISK-003", Status.PASS, "the choice of level is justified", subject="risk")
    else:
        yield Result("RISK-003", Status.FAIL, "no justification given for the chosen risk level "
                     "(risk.justification)", subject="risk")


def expert_independence(obs: CaseObservation) -> Iterator[Result]:
    ind = obs.case.data.expert.independence
    missing = [label for label, ok in (
        ("security specialist", ind.security_specialist),
        ("no interest in the provider", ind.no_interest_in_provider),
        ("no interest in the organiser", ind.no_interest_in_organiser)) if not ok]
    if missing:
        yield Result("EXPERT-001", Status.FAIL, "independence criteria not declared: " + ", ".join(missing),
                     subject=obs.case.data.expert.name, details={"missing": missing})
    else:
        yield Result("EXPERT-001", Status.PASS, "the three independence criteria are declared",
                     subject=obs.case.data.expert.name)


def expert_experience(obs: CaseObservation) -> Iterator[Result]:
    vendors = sorted({v.strip() for v in obs.case.data.expert.independence.vendors_examined if v.strip()})
    if len(vendors) >= 2:
        yield Result("EXPERT-002", Status.PASS, f"voting systems of {len(vendors)} providers examined before",
                     subject=obs.case.data.expert.name, details={"vendors": vendors})
    else:
        yield Result("EXPERT-002", Status.FAIL,
                     f"experience declared with {len(vendors)} provider(s); the recommendation asks, where "
                     "possible, for at least two", subject=obs.case.data.expert.name, details={"vendors": vendors})


def journal_intact(obs: CaseObservation) -> Iterator[Result]:
    report = obs.journal
    if report.intact:
        yield Result("JOURNAL-001", Status.PASS,
                     f"journal of operations intact: {report.entries} entries, head {report.head[:16]}…",
                     subject="journal.jsonl", details={"entries": report.entries, "head": report.head})
    else:
        first = report.problems[0]
        where = f"entry {first.seq}" if first.seq else f"line {first.line}"
        yield Result("JOURNAL-001", Status.FAIL, f"journal of operations broken at {where}: {first.message}",
                     subject="journal.jsonl",
                     details={"problems": [p.__dict__ for p in report.problems[:20]]})


RULES: tuple[Rule, ...] = (
    Rule("RISK-001", "case", risk_level_choice),
    Rule("RISK-002", "case", risk_grid_complete),
    Rule("RISK-003", "case", risk_justified),
    Rule("EXPERT-001", "case", expert_independence),
    Rule("EXPERT-002", "case", expert_experience),
    Rule("JOURNAL-001", "case", journal_intact),
)
