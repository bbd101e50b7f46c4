"""Rules on the case itself: risk level choice, expert independence, journal integrity."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterator

from ..domain import Rule
from ..i18n import Arg, Message, msg
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
    subject = obs.expert or "expert"
    refused = [name for name in _CRITERIA if getattr(obs.independence, name) is False]
    unanswered = [name for name in _CRITERIA if getattr(obs.independence, name) is None]
    if refused:
        criteria: list[Any] = [_CRITERIA[name] for name in refused]
        yield Result("EXPERT-001", Status.FAIL, msg("case.expert_001.fail", criteria=criteria),
                     subject=subject, details={"missing": refused, "unanswered": unanswered})
    elif unanswered:  # nothing declared is no finding on the expert: it cannot be tested yet
        yield Result("EXPERT-001", Status.ERROR, msg("case.expert_001.unanswered",
                                                     fields=[f"expert.independence.{name}" for name in unanswered]),
                     subject=subject, details={"unanswered": unanswered})
    else:
        yield Result("EXPERT-001", Status.PASS, msg("case.expert_001.pass"), subject=subject)


# Words of a company's legal form, left out when a vendor's name is compared with the provider's.
_LEGAL_FORMS = frozenset({"sa", "sas", "sasu", "sarl", "eurl", "sca", "gie", "inc", "ltd", "llc", "gmbh", "bv", "ag"})


def _name_words(name: str) -> frozenset[str]:
    """A company's name as a set of plain words: « VoteSûr SAS » and "votesur" are the same vendor."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return frozenset(re.findall(r"[a-z0-9]+", plain)) - _LEGAL_FORMS


def _same_vendor(vendor: str, provider: str) -> bool:
    ours, theirs = _name_words(vendor), _name_words(provider)
    return bool(ours and theirs) and (ours <= theirs or theirs <= ours)


def expert_experience(obs: CaseObservation) -> Iterator[Result]:
    subject = obs.expert or "expert"
    if obs.independence.vendors_examined is None:
        yield Result("EXPERT-002", Status.ERROR,
                     msg("case.expert_002.unanswered", field="expert.independence.vendors_examined"),
                     subject=subject)
        return
    vendors = sorted({v.strip() for v in obs.independence.vendors_examined if v.strip()})
    others = [v for v in vendors if not _same_vendor(v, obs.provider)]
    details = {"vendors": vendors, "provider": obs.provider, "besides_provider": others}
    if len(others) >= 2:
        passed = (msg("case.expert_002.pass", count=len(vendors)) if len(others) == len(vendors)
                  else msg("case.expert_002.pass_besides", count=len(others), provider=obs.provider))
        yield Result("EXPERT-002", Status.PASS, passed, subject=subject, details=details)
    elif len(vendors) >= 2:
        # the two providers are reached only by counting the one under audit: past experience of its
        # system counts, this very expertise does not, and only the expert can say which it is
        counted: list[Arg] = [v for v in vendors if v not in others]
        yield Result("EXPERT-002", Status.MANUAL,
                     msg("case.expert_002.counts_provider", count=len(vendors), provider=obs.provider,
                         named=counted, others=msg("case.expert_002.others", count=len(others))),
                     subject=subject, details=details)
    else:
        yield Result("EXPERT-002", Status.FAIL, msg("case.expert_002.fail", count=len(vendors)),
                     subject=subject, details=details)


def electorate_matches_the_grid(obs: CaseObservation) -> Iterator[Result]:
    """The grid's statements on the number of people voting (« moins de 50 personnes ») against
    the electorate the case declares: both are declarations, and one of them is wrong."""
    if not obs.electorate_answers:
        yield Result("RISK-004", Status.ERROR, msg("case.risk_004.unanswered"), subject="risk")
        return
    wrong = [a for a in obs.electorate_answers if a.answer != (obs.electorate < a.below)]
    details = {"electorate": obs.electorate,
               "answers": {a.statement: {"answer": a.answer, "below": a.below} for a in obs.electorate_answers}}
    if wrong:
        problems: list[Any] = [msg("case.risk_004.says_below", statement=a.statement, below=a.below) if a.answer
                               else msg("case.risk_004.says_not_below", statement=a.statement, below=a.below)
                               for a in wrong]
        yield Result("RISK-004", Status.FAIL, msg("case.risk_004.fail", electorate=obs.electorate, problems=problems),
                     subject="risk", details=details)
    else:
        yield Result("RISK-004", Status.PASS,
                     msg("case.risk_004.pass", electorate=obs.electorate,
                         statements=[a.statement for a in obs.electorate_answers]),
                     subject="risk", details=details)


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

def inputs_unchanged(obs: CaseObservation) -> Iterator[Result]:
    """The results rest on the files now in the case folder: an input edited after its results were
    collected (gone on with --accept-changed) leaves results nobody can reproduce from the case."""
    if not obs.changed_inputs:
        yield Result("JOURNAL-002", Status.PASS, msg("case.journal_002.pass"), subject="journal.jsonl")
        return
    yield Result("JOURNAL-002", Status.FAIL, msg("case.journal_002.fail", count=len(obs.changed_inputs),
                                                 changes=list(obs.changed_inputs)),
                 subject="journal.jsonl")



def pentest_annexed(obs: CaseObservation) -> Iterator[Result]:
    """Levels 2 and 3: the penetration tests' operations are annexed; none declared is a point
    left to the expert (never a silent pass), not a failure the tool could establish."""
    if obs.chosen_level < 2:
        yield Result("PENTEST-001", Status.NOT_APPLICABLE, msg("case.pentest_001.level", level=obs.chosen_level),
                     subject="pentest")
    elif obs.pentests:
        yield Result("PENTEST-001", Status.PASS, msg("case.pentest_001.pass", count=obs.pentests), subject="pentest")
    else:
        yield Result("PENTEST-001", Status.MANUAL, msg("case.pentest_001.missing", level=obs.chosen_level),
                     subject="pentest")


RULES: tuple[Rule[Any], ...] = (
    Rule("RISK-001", risk_level_choice),
    Rule("RISK-002", risk_grid_complete),
    Rule("RISK-003", risk_justified),
    Rule("RISK-004", electorate_matches_the_grid),
    Rule("EXPERT-001", expert_independence),
    Rule("EXPERT-002", expert_experience),
    Rule("JOURNAL-001", journal_intact),
    Rule("JOURNAL-002", inputs_unchanged),
    Rule("PENTEST-001", pentest_annexed),
)
